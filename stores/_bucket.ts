// What the S3 and GCS stores share: a bucket and a key prefix, the id check, the not-found
// error, and the clean-up of a write that an abort reached only after the object existed.
import { ArtifactChangedError, ArtifactNotFoundError } from "./errors.ts";
import { isArtifactId, validateArtifactId } from "./_artifact_id.ts";

/** A bucket with an optional key prefix, named as `s3://bucket/prefix` or `gs://...`. */
export class BucketKeys {
  readonly bucket: string;
  readonly keyPrefix: string;
  readonly #scheme: string;

  constructor(scheme: "s3" | "gs", bucket: string, keyPrefix = "") {
    this.#scheme = scheme;
    this.bucket = bucket;
    this.keyPrefix = keyPrefix;
  }

  /** The object key of a validated artifact id. */
  key(artifactId: string): string {
    validateArtifactId(artifactId);
    return this.keyPrefix + artifactId;
  }

  /** The artifact id of a listed object key, or `undefined` for a key that holds none. */
  artifactIdOf(key: string): string | undefined {
    if (!key.startsWith(this.keyPrefix)) return undefined;
    const id = key.slice(this.keyPrefix.length);
    return isArtifactId(id) ? id : undefined;
  }

  /** The error for an object that does not exist. */
  notFound(artifactId: string, cause: unknown): ArtifactNotFoundError {
    return new ArtifactNotFoundError(artifactId, { location: this.location, cause });
  }

  /** The error for an object written again during a ranged download. */
  changed(artifactId: string, cause: unknown): ArtifactChangedError {
    return new ArtifactChangedError(artifactId, { location: this.location, cause });
  }

  /** The bucket and prefix, as `s3://bucket/prefix`. */
  get location(): string {
    return `${this.#scheme}://${this.bucket}/${this.keyPrefix}`;
  }
}

/**
 * After a write that completed: if `signal` aborted meanwhile, the object exists although the
 * caller gave up, so remove it and reject with the abort's reason.
 */
export async function undoIfAborted(
  signal: AbortSignal | undefined,
  remove: () => Promise<void>,
): Promise<void> {
  if (!signal?.aborted) return;
  await remove().catch(() => {});
  signal.throwIfAborted();
}
