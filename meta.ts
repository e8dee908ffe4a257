/**
 * Artifact metadata as Optuna stores it: one system attribute per artifact, key
 * `"artifacts:<artifact_id>"`, value the JSON text Python's `json.dumps` makes of
 * `{"artifact_id", "filename", "mimetype", "encoding"}`.
 *
 * @example Usage
 * ```ts
 * import { createStudy, getAllArtifactMeta, InMemoryArtifactStore, uploadArtifact } from "@optuna-deno/artifacts";
 * const study = await createStudy();
 * const artifactStore = new InMemoryArtifactStore();
 * await uploadArtifact({ artifactStore, studyOrTrial: study, body: "hi", filename: "notes.txt" });
 * console.log(await getAllArtifactMeta(study)); // [{ artifactId: "…", filename: "notes.txt", … }]
 * ```
 *
 * @module
 */
import { StorageFormatError } from "./errors.ts";
import { pythonJsonDumps } from "./_python_json.ts";
import { resolveTarget } from "./_target.ts";
import type { JsonValue, StudyStorage } from "./storages/types.ts";
import type { StudyOrTrial } from "./study_or_trial.ts";

/** The prefix of the system attribute keys that hold artifact metadata, as in Optuna. */
export const ARTIFACTS_ATTR_PREFIX = "artifacts:";

/** The MIME type of an artifact whose type is neither given nor guessed, as in Optuna. */
export const DEFAULT_MIME_TYPE = "application/octet-stream";

/** What is recorded of an artifact, as Optuna's `ArtifactMeta`. */
export interface ArtifactMeta {
  /** The artifact's id in the artifact store. */
  artifactId: string;
  /** The file name it was uploaded under (a base name). */
  filename: string;
  /** Its MIME type. */
  mimetype: string;
  /** Its content encoding (such as `"gzip"`), or `null`. */
  encoding: string | null;
}

/** Options of {@linkcode getAllArtifactMeta}. */
export interface GetAllArtifactMetaOptions {
  /** The storage, when `studyOrTrial` does not carry one. */
  storage?: StudyStorage;
  /**
   * Told about each attribute that has the artifact prefix but is not valid metadata; such an
   * entry is skipped. By default a warning is printed with `console.warn`.
   */
  onInvalidEntry?: (key: string, error: StorageFormatError) => void;
}

/**
 * Encodes artifact metadata as the attribute value Python's `optuna.artifacts.upload_artifact`
 * writes, byte for byte.
 *
 * @example Usage
 * ```ts
 * import { serializeArtifactMeta } from "@optuna-deno/artifacts";
 * const value = serializeArtifactMeta({
 *   artifactId: "a1",
 *   filename: "x.txt",
 *   mimetype: "text/plain",
 *   encoding: null,
 * });
 * console.log(value); // {"artifact_id": "a1", "filename": "x.txt", "mimetype": "text/plain", "encoding": null}
 * ```
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
 * @example Usage
 * ```ts
 * import { parseArtifactMeta } from "@optuna-deno/artifacts";
 * console.log(parseArtifactMeta("null")); // null: optuna-dashboard's deletion tombstone
 * ```
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
        `Artifact metadata ${JSON.stringify(value.slice(0, 80))} is not JSON`,
        { cause: error },
      );
    }
  }
  if (content === null) return null;
  if (typeof content !== "object" || Array.isArray(content)) {
    throw new StorageFormatError(`Artifact metadata ${JSON.stringify(content)} is not an object`);
  }
  const { artifact_id, filename, mimetype, encoding = null } = content;
  if (
    typeof artifact_id !== "string" || typeof filename !== "string" ||
    typeof mimetype !== "string" || (encoding !== null && typeof encoding !== "string")
  ) {
    throw new StorageFormatError(
      `Artifact metadata ${JSON.stringify(content)} lacks a string artifact_id, filename or ` +
        "mimetype",
    );
  }
  return { artifactId: artifact_id, filename, mimetype, encoding };
}

/**
 * Lists the artifacts attached to a study (not its trials) or to a trial, as Optuna's
 * `get_all_artifact_meta`. Deleted artifacts (optuna-dashboard's `null` tombstones) are
 * skipped; an entry that is not valid metadata is reported and skipped, not fatal.
 *
 * @example Usage
 * ```ts
 * import { createStudy, getAllArtifactMeta } from "@optuna-deno/artifacts";
 * const study = await createStudy();
 * console.log(await getAllArtifactMeta(study)); // []
 * ```
 *
 * @param studyOrTrial The study or trial.
 * @param options The storage, and what to do with invalid entries.
 * @returns The metadata, in the order the attributes were first set.
 * @throws {StudyNotFoundError} When the study does not exist.
 * @throws {TrialNotFoundError} When the trial does not exist.
 */
export async function getAllArtifactMeta(
  studyOrTrial: StudyOrTrial,
  options: GetAllArtifactMetaOptions = {},
): Promise<ArtifactMeta[]> {
  const target = resolveTarget(studyOrTrial, options.storage);
  const report = options.onInvalidEntry ?? ((key: string, error: StorageFormatError) => {
    console.warn(`Skipping artifact attribute "${key}" of ${target.description}: ${error.message}`);
  });
  const metas: ArtifactMeta[] = [];
  for (const [key, value] of Object.entries(await target.getSystemAttrs())) {
    if (!key.startsWith(ARTIFACTS_ATTR_PREFIX)) continue;
    try {
      const meta = parseArtifactMeta(value);
      if (meta !== null) metas.push(meta);
    } catch (error) {
      if (!(error instanceof StorageFormatError)) throw error;
      report(key, error);
    }
  }
  return metas;
}
