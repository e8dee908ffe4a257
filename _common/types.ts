// The types every layer shares, at the bottom so that no file imports upward for them; the
// public modules re-export them (stores/types.ts, storages/types.ts, helpers/types.ts).

/**
 * Content to write: a stream, or a function that makes a fresh stream. A function is called
 * once per attempt, so a retrying store (such as `Backoff`) can start over; a bare stream can
 * be consumed only once.
 */
export type StreamSource =
  | ReadableStream<Uint8Array>
  | (() => ReadableStream<Uint8Array> | Promise<ReadableStream<Uint8Array>>);

/** A JSON value, as Optuna stores in system attributes. */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | JsonValue[]
  | { [key: string]: JsonValue };

/**
 * The hash function of a digest: `"xxh128"` (XXH3-128, the default: several times faster than
 * SHA-256, and catches any accidental damage a 128-bit checksum can, but not a deliberate
 * forgery) or `"sha256"` (SHA-256, cryptographic: no one can make other bytes with the same
 * digest).
 */
export type DigestAlgorithm = "xxh128" | "sha256";

/**
 * What `uploadArtifact` records of an artifact's bytes, under the system attribute
 * `artifact_digests:<artifact_id>` (Python Optuna and optuna-dashboard do not read it).
 */
export interface ArtifactDigest {
  /** The hash function. */
  algorithm: DigestAlgorithm;
  /** The hash of the bytes, in lowercase hex (32 digits for XXH3-128, 64 for SHA-256). */
  hash: string;
  /** The size in bytes. */
  size: number;
}
