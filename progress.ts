/**
 * Progress of an upload or a download, reported by `uploadArtifact` and `downloadArtifact`
 * through their `onProgress` option.
 *
 * @example Usage
 * ```ts
 * import { InMemoryArtifactStore, createStudy, uploadArtifact } from "@optuna-deno/artifacts";
 * import type { TransferProgress } from "@optuna-deno/artifacts";
 * const seen: TransferProgress[] = [];
 * await uploadArtifact({
 *   artifactStore: new InMemoryArtifactStore(),
 *   studyOrTrial: await createStudy(),
 *   body: "hello",
 *   filename: "a.txt",
 *   onProgress: (progress) => seen.push(progress),
 * });
 * console.log(seen.at(-1)); // { loaded: 5, total: 5 }
 * ```
 *
 * @module
 */

/** How far a transfer is. */
export interface TransferProgress {
  /** Bytes moved so far (it starts again from 0 when a retry starts over). */
  loaded: number;
  /** The size in bytes, when known. */
  total?: number;
}
