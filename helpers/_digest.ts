// The digest codec: one system attribute per artifact beside its metadata, key
// "artifact_digests:<artifact_id>", value the JSON text of {"sha256", "size"} as Python's
// json.dumps writes it. Its key does not start with "artifacts:", so Python Optuna and
// optuna-dashboard, which list only those keys, never see it.
import { createHash, type Hash } from "node:crypto";
import { StorageFormatError } from "../storages/errors.ts";
import { pythonJsonDumps } from "../_common/python_json.ts";
import type { JsonValue } from "../storages/types.ts";
import type { ArtifactDigest } from "./types.ts";
import type { AttrTarget } from "./_attr_target.ts";

/** The prefix of the system attribute keys that hold artifact digests. */
export const DIGESTS_ATTR_PREFIX = "artifact_digests:";

/** Hashes bytes as they pass, for a digest without a second read. */
export class Digester {
  #hash: Hash = createHash("sha256");
  #size = 0;

  /** Starts again from no bytes (a retried write reads its source from the start). */
  reset(): void {
    this.#hash = createHash("sha256");
    this.#size = 0;
  }

  /** Adds the next bytes. */
  update(chunk: Uint8Array): void {
    this.#hash.update(chunk);
    this.#size += chunk.length;
  }

  /** The digest of every byte added since the start or the last reset. */
  digest(): ArtifactDigest {
    return { sha256: this.#hash.digest("hex"), size: this.#size };
  }
}

/** The attribute value of a digest, byte for byte what Python's json.dumps would write. */
export function serializeArtifactDigest(digest: ArtifactDigest): string {
  return pythonJsonDumps({ sha256: digest.sha256, size: digest.size });
}

/** Reads a digest attribute; `null` for a tombstone. */
export function parseArtifactDigest(value: JsonValue): ArtifactDigest | null {
  let content: JsonValue = value;
  try {
    if (typeof value === "string") content = JSON.parse(value);
  } catch (error) {
    throw invalid(value, { cause: error });
  }
  if (content === null) return null;
  if (typeof content !== "object" || Array.isArray(content)) throw invalid(value);
  const { sha256, size } = content;
  if (
    typeof sha256 !== "string" || !/^[0-9a-f]{64}$/.test(sha256) ||
    typeof size !== "number" || !Number.isSafeInteger(size) || size < 0
  ) {
    throw invalid(value);
  }
  return { sha256, size };
}

function invalid(value: JsonValue, options?: ErrorOptions): StorageFormatError {
  return new StorageFormatError(
    `Cannot read artifact digest ${JSON.stringify(value).slice(0, 120)}: it is not ` +
      '{"sha256": <64 hex digits>, "size": <bytes>}; remove the attribute to skip the check',
    options,
  );
}

/** The same digest: equal size and SHA-256. */
export function sameDigest(a: ArtifactDigest, b: ArtifactDigest): boolean {
  return a.size === b.size && a.sha256 === b.sha256;
}

/** The digest recorded for an artifact of a study or trial, or `undefined` when none is. */
export async function recordedDigest(
  target: AttrTarget,
  artifactId: string,
): Promise<ArtifactDigest | undefined> {
  return digestIn(await target.getSystemAttrs(), artifactId);
}

/** The digest of an artifact among attributes already read, or `undefined` when none is. */
export function digestIn(
  attrs: Record<string, JsonValue>,
  artifactId: string,
): ArtifactDigest | undefined {
  const value = attrs[DIGESTS_ATTR_PREFIX + artifactId];
  return value === undefined ? undefined : parseArtifactDigest(value) ?? undefined;
}
