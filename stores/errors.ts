/**
 * The errors an artifact store raises. Catch them by class (`instanceof`) or by `name`.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { ArtifactNotFoundError, InMemoryArtifactStore } from "@optuna-deno/artifacts";
 * const store = new InMemoryArtifactStore();
 * await assert.rejects(store.open("missing"), ArtifactNotFoundError);
 * ```
 *
 * @module
 */
import type { ArtifactDigest } from "../_common/types.ts";

/** Options of {@linkcode ArtifactNotFoundError}. */
export interface ArtifactNotFoundErrorOptions extends ErrorOptions {
  /** Where the artifact was looked up: a directory, a bucket, or a study or trial. */
  location?: string;
}

/**
 * Raised when an artifact id names nothing in the artifact store (or in the study or trial).
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { ArtifactNotFoundError } from "@optuna-deno/artifacts";
 * const error = new ArtifactNotFoundError("a1", { location: "./artifacts" });
 * assert.equal(
 *   error.message,
 *   'Cannot find artifact "a1" in "./artifacts": check the artifact id and the store',
 * );
 * ```
 */
export class ArtifactNotFoundError extends Error {
  /** The id that was looked up. */
  readonly artifactId: string;
  /**
   * Creates the error.
   *
   * @param artifactId The id that was looked up.
   * @param options Where it was looked up, and the original error as `cause`.
   */
  constructor(artifactId: string, options?: ArtifactNotFoundErrorOptions) {
    const where = options?.location ? ` in "${options.location}"` : "";
    super(
      `Cannot find artifact "${artifactId}"${where}: check the artifact id and the store`,
      options,
    );
    this.name = "ArtifactNotFoundError";
    this.artifactId = artifactId;
  }
}

/**
 * Raised when an artifact id is not one that every store can hold safely: empty, longer than
 * 255 bytes, `.` or `..`, a temporary file's name, or containing `/`, `\`, NUL or another
 * control character. It is an argument error, so it extends `TypeError`.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { InvalidArtifactIdError } from "@optuna-deno/artifacts";
 * const error = new InvalidArtifactIdError("../x", 'it contains "/"');
 * assert.ok(error instanceof TypeError);
 * assert.equal(error.artifactId, "../x");
 * ```
 */
export class InvalidArtifactIdError extends TypeError {
  /** The id that was refused. */
  readonly artifactId: string;
  /**
   * Creates the error.
   *
   * @param artifactId The id that was refused.
   * @param reason Why it was refused, as a short clause.
   */
  constructor(artifactId: string, reason: string) {
    super(
      `Cannot use ${JSON.stringify(artifactId)} as an artifact id: ${reason}; use the id ` +
        "that uploadArtifact returned (a lowercase UUID)",
    );
    this.name = "InvalidArtifactIdError";
    this.artifactId = artifactId;
  }
}

/**
 * Raised when an artifact path would lead outside a store's base directory, for example
 * through a symbolic link placed inside it, or when the file opened is not the one checked.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { ArtifactPathEscapeError } from "@optuna-deno/artifacts";
 * const error = new ArtifactPathEscapeError("a1", "/etc/passwd", "/data/artifacts");
 * assert.equal(error.resolvedPath, "/etc/passwd");
 * ```
 */
export class ArtifactPathEscapeError extends Error {
  /** The artifact id whose path escapes. */
  readonly artifactId: string;
  /** Where the path really leads. */
  readonly resolvedPath: string;
  /**
   * Creates the error.
   *
   * @param artifactId The artifact id whose path escapes.
   * @param resolvedPath Where the path really leads.
   * @param basePath The store's base directory.
   */
  constructor(artifactId: string, resolvedPath: string, basePath: string) {
    super(
      `Cannot open artifact "${artifactId}": its path resolves to "${resolvedPath}", outside ` +
        `the base directory "${basePath}"; remove the symbolic link`,
    );
    this.name = "ArtifactPathEscapeError";
    this.artifactId = artifactId;
    this.resolvedPath = resolvedPath;
  }
}

/**
 * An artifact's bytes do not match the digest recorded when it was uploaded: the store holds
 * damaged or different bytes. Nothing is written where this is thrown.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { ArtifactCorruptedError } from "@optuna-deno/artifacts";
 * const error = new ArtifactCorruptedError("0f8c1f7e-3b5e-4a7b-9a57-6d1f0c2a9e10", {
 *   expected: { algorithm: "xxh128", hash: "a".repeat(32), size: 10 },
 *   actual: { algorithm: "xxh128", hash: "b".repeat(32), size: 9 },
 * });
 * assert.match(error.message, /expected 10 bytes/);
 * ```
 */
export class ArtifactCorruptedError extends Error {
  /** The artifact whose bytes do not match. */
  readonly artifactId: string;
  /** The digest recorded at upload. */
  readonly expected: ArtifactDigest;
  /** The digest of the bytes the store returned. */
  readonly actual: ArtifactDigest;
  /**
   * Makes the error.
   *
   * @param artifactId The artifact's id.
   * @param digests The recorded and the read digest.
   */
  constructor(
    artifactId: string,
    digests: { expected: ArtifactDigest; actual: ArtifactDigest },
  ) {
    const { expected, actual } = digests;
    super(
      `Artifact "${artifactId}" is corrupted: expected ${expected.size} bytes with ` +
        `${expected.algorithm} ${expected.hash}, the store returned ${actual.size} bytes with ` +
        `${actual.algorithm} ${actual.hash}; restore the blob from a backup or upload the ` +
        "artifact again",
    );
    this.name = "ArtifactCorruptedError";
    this.artifactId = artifactId;
    this.expected = expected;
    this.actual = actual;
  }
}

/**
 * Raised when an artifact was replaced while it was being downloaded in byte ranges: the
 * ranges would mix two versions, so the download stops and writes nothing. Download it again.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { ArtifactChangedError } from "@optuna-deno/artifacts";
 * const error = new ArtifactChangedError("a1", { location: "s3://bucket/" });
 * assert.match(error.message, /changed during the download/);
 * ```
 */
export class ArtifactChangedError extends Error {
  /** The artifact that changed. */
  readonly artifactId: string;
  /**
   * Creates the error.
   *
   * @param artifactId The artifact's id.
   * @param options Where it is stored, and the server's answer as `cause`.
   */
  constructor(artifactId: string, options?: ArtifactNotFoundErrorOptions) {
    const where = options?.location ? ` in "${options.location}"` : "";
    super(
      `Artifact "${artifactId}"${where} changed during the download (it was written again): ` +
        "download it again",
      options,
    );
    this.name = "ArtifactChangedError";
    this.artifactId = artifactId;
  }
}
