// The metadata codec: one system attribute per artifact, key "artifacts:<artifact_id>", value
// the JSON text Python's json.dumps makes of {"artifact_id", "filename", "mimetype",
// "encoding"}, byte for byte.
import { StorageFormatError } from "../storages/errors.ts";
import { pythonJsonDumps } from "../_common/python_json.ts";
import type { JsonValue } from "../storages/types.ts";
import type { ArtifactMeta } from "./types.ts";

/** The prefix of the system attribute keys that hold artifact metadata, as in Optuna. */
export const ARTIFACTS_ATTR_PREFIX = "artifacts:";

/** The study attribute prefix under which optuna-dashboard once kept trial artifacts. */
export const DASHBOARD_ARTIFACTS_ATTR_PREFIX = "dashboard:artifacts:";

/** The MIME type of an artifact whose type is neither given nor guessed, as in Optuna. */
export const DEFAULT_MIME_TYPE = "application/octet-stream";

/**
 * Encodes artifact metadata as the attribute value Python's `optuna.artifacts.upload_artifact`
 * writes, byte for byte.
 *
 * @param meta The metadata.
 * @returns The JSON text, as Python's `json.dumps`.
 */
export function serializeArtifactMeta(meta: ArtifactMeta): string {
  return pythonJsonDumps({
    artifact_id: meta.artifactId,
    filename: meta.filename,
    mimetype: meta.mimetype,
    encoding: meta.encoding,
  });
}

/**
 * Decodes one artifact attribute value. Extra JSON fields are ignored.
 *
 * @param value The attribute value: normally a string of JSON.
 * @returns The metadata, or `null` for a deleted artifact (a `null` tombstone).
 * @throws {StorageFormatError} When the value is not artifact metadata.
 */
export function parseArtifactMeta(value: JsonValue): ArtifactMeta | null {
  let content: JsonValue = value;
  if (typeof value === "string") {
    try {
      content = JSON.parse(value);
    } catch (error) {
      throw new StorageFormatError(
        `Cannot read artifact metadata ${JSON.stringify(value.slice(0, 80))}: it is not JSON`,
        { cause: error },
      );
    }
  }
  if (content === null) return null;
  if (typeof content !== "object" || Array.isArray(content)) {
    throw new StorageFormatError(
      `Cannot read artifact metadata ${JSON.stringify(content)}: it is not an object`,
    );
  }
  const { artifact_id, filename, mimetype, encoding = null } = content;
  if (
    typeof artifact_id !== "string" || typeof filename !== "string" ||
    typeof mimetype !== "string" || (encoding !== null && typeof encoding !== "string")
  ) {
    throw new StorageFormatError(
      `Cannot read artifact metadata ${JSON.stringify(content)}: it lacks a string ` +
        "artifact_id, filename or mimetype",
    );
  }
  return { artifactId: artifact_id, filename, mimetype, encoding };
}
