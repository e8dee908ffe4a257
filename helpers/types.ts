/**
 * The data types of the artifact helpers: what is recorded of an artifact, and how far a
 * transfer is.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { createStudy, getAllArtifactMeta, InMemoryArtifactStore, uploadArtifact } from "@optuna-deno/artifacts";
 * import type { ArtifactMeta, TransferProgress } from "@optuna-deno/artifacts";
 * const seen: TransferProgress[] = [];
 * const study = await createStudy();
 * await uploadArtifact({
 *   artifactStore: new InMemoryArtifactStore(),
 *   studyOrTrial: study,
 *   body: "hello",
 *   filename: "a.txt",
 *   onProgress: (progress) => seen.push(progress),
 * });
 * assert.deepEqual(seen.at(-1), { loaded: 5, total: 5 });
 * const [meta]: ArtifactMeta[] = await getAllArtifactMeta(study);
 * assert.equal(meta.mimetype, "text/plain");
 * ```
 *
 * @module
 */

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

/** How far a transfer is. */
export interface TransferProgress {
  /** Bytes moved so far (it starts again from 0 when a retry starts over). */
  loaded: number;
  /** The size in bytes, when known. */
  total?: number;
}

export type { ArtifactDigest, DigestAlgorithm } from "../_common/types.ts";
