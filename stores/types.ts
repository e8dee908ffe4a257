/**
 * The artifact store contract: Web-standard streams in and out, shared by every store.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import type { ArtifactStore } from "@optuna-deno/artifacts";
 * import { InMemoryArtifactStore } from "@optuna-deno/artifacts";
 * const store: ArtifactStore = new InMemoryArtifactStore();
 * await store.write("a1", () => ReadableStream.from([new TextEncoder().encode("hi")]));
 * assert.deepEqual(await new Response(await store.open("a1")).text(), "hi");
 * ```
 *
 * @module
 */

export type { LocalFile, LocalFileInfo, StreamSource } from "../_common/types.ts";
import type { LocalFile, StreamSource } from "../_common/types.ts";

/** Options of {@linkcode ArtifactStore.open}. */
export interface OpenOptions {
  /** Cancels the open and, later, the returned stream. */
  signal?: AbortSignal;
  /**
   * The first byte to deliver, a non-negative integer no larger than the artifact's size.
   * An offset equal to the size gives an empty stream.
   */
  offset?: number;
  /**
   * The most bytes to deliver from `offset` (a byte range); unset, to the end. Remote stores
   * request only the range, so a reader that wants a part never has to cancel a transfer.
   */
  length?: number;
}

/** Options of {@linkcode ArtifactStore.write}. */
export interface WriteOptions {
  /** Cancels the write; nothing is left behind. */
  signal?: AbortSignal;
  /** The content's length in bytes, when known; stores use it to choose how to upload. */
  contentLength?: number;
  /** The MIME type to record with the object, where the store keeps one. */
  contentType?: string;
}

/** Options of {@linkcode ArtifactStore.remove}. */
export interface RemoveOptions {
  /** Cancels the removal. */
  signal?: AbortSignal;
}

/** Options of {@linkcode ArtifactStore.stat}. */
export interface StatOptions {
  /** Cancels the lookup. */
  signal?: AbortSignal;
}

/** Options of {@linkcode ArtifactStore.list}. */
export interface ListOptions {
  /** Stops the listing. */
  signal?: AbortSignal;
}

/** An artifact that {@linkcode ArtifactStore.list} found. */
export interface ListedArtifact {
  /** The artifact's id. */
  artifactId: string;
  /** Its size in bytes. */
  size: number;
  /** When it was last written. */
  lastModified: Date;
}

/** Options of {@linkcode ArtifactStore.presign}. */
export interface PresignOptions {
  /**
   * Seconds the URL stays valid.
   *
   * @default {900}
   */
  expiresIn?: number;
  /** The `Content-Type` the download is answered with (overriding the stored one). */
  contentType?: string;
  /** The `Content-Disposition` the download is answered with. */
  contentDisposition?: string;
}

/** Options of {@linkcode ArtifactStore.writeFile}. */
export interface WriteFileOptions {
  /**
   * Cancels the write. A kernel copy cannot be interrupted: the abort is honored before the
   * copy starts and as soon as it ends (nothing is published then).
   */
  signal?: AbortSignal;
  /** The MIME type to record with the object, where the store keeps one. */
  contentType?: string;
  /**
   * Called at the start of each attempt (a retry reads the file again from byte 0); the
   * function it returns is shown every chunk copied, in order, valid only during the call.
   * Set, a store that copies in the kernel copies through its own buffers instead, so the
   * caller can hash or count the bytes on their way without reading the file twice.
   */
  observeChunks?: () => (chunk: Uint8Array) => void;
}

/** Options of {@linkcode ArtifactStore.copyToFile}. */
export interface CopyToFileOptions {
  /**
   * Cancels the copy. A kernel copy cannot be interrupted: the abort is honored before it
   * starts and as soon as it ends.
   */
  signal?: AbortSignal;
  /**
   * Called at the start of each attempt; the function it returns is shown every byte copied,
   * in order, in chunks valid only during the call, so the caller can hash or count them
   * without reading the file again.
   */
  observeChunks?: () => (chunk: Uint8Array) => void;
  /**
   * Turns an error of writing `filePath` (a full disk) into the one to throw, so the caller can
   * say what it was writing; the store's own errors (not found, a broken transfer) pass as
   * they are.
   */
  onWriteError?: (error: unknown) => unknown;
  /**
   * Called when every byte is in `filePath` but the observer may still be reading them (a
   * kernel copy ends before the hash of its last bytes), so the caller's next step (a sync)
   * overlaps that read; `copyToFile` then returns only after it has settled, and fails with its
   * error. It is an early start only: a store may not call it (then the step follows the copy),
   * a retried copy calls it again, and the caller still settles the file once the copy has
   * returned.
   */
  onCopied?: () => Promise<void>;
  /**
   * Runs the fetch of each byte range with retries, for a store that downloads large objects
   * in ranges at once (S3, GCS): `Backoff` sets it, so a range that fails is fetched again
   * alone instead of the whole object.
   */
  retryRange?: RetryRange;
}

/** How a bucket store (S3, GCS) downloads a large object: in byte ranges fetched at once. */
export interface RangedDownloadOptions {
  /**
   * Bytes per range of a ranged download (`copyToFile`, which `downloadArtifact` uses): an
   * object larger than this comes in ranges fetched at once. Memory used by a download is
   * about `downloadPartSize * (downloadConcurrency - 1)` plus 1 MiB: the range at the head of
   * the file streams into it, each range behind it waits in a part buffer.
   *
   * @default {8 * 1024 * 1024}
   */
  downloadPartSize?: number;
  /**
   * Ranges of one download fetched at once; 1 reads every object as one stream. Chosen by
   * measurement (see docs/benchmarks.md): at 3, a 1 GiB download from Swift took 3.47 s and
   * peaked at 119 MiB, against Python Optuna's 4.99 s; 2 ranges of 16 MiB took 3.55 s.
   *
   * @default {3}
   */
  downloadConcurrency?: number;
}

/**
 * Runs `fetch` (one byte range of a download) until it succeeds or the retries are spent,
 * waiting between attempts; `signal` stops the waiting.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import type { RetryRange } from "@optuna-deno/artifacts";
 * const twice: RetryRange = async (fetch) => {
 *   try {
 *     return await fetch();
 *   } catch {
 *     return await fetch();
 *   }
 * };
 * let calls = 0;
 * const flaky = () => ++calls === 1 ? Promise.reject(new Error("reset")) : Promise.resolve(7);
 * assert.equal(await twice(flaky, AbortSignal.timeout(1000)), 7);
 * ```
 */
export type RetryRange = <T>(fetch: () => Promise<T>, signal: AbortSignal) => Promise<T>;

/**
 * Where artifact bodies live: a file system folder, a bucket, memory. Every store validates
 * artifact ids the same way and rejects `open` of a missing artifact with
 * `ArtifactNotFoundError` before any byte is delivered.
 */
export interface ArtifactStore {
  /**
   * Opens an artifact for reading.
   *
   * @param artifactId The artifact's id.
   * @param options A signal and a start offset.
   * @returns The artifact's bytes, from `offset` on.
   */
  open(artifactId: string, options?: OpenOptions): Promise<ReadableStream<Uint8Array>>;
  /**
   * Writes an artifact, replacing any artifact with the same id. A reader never sees a
   * half-written artifact.
   *
   * @param artifactId The artifact's id.
   * @param content The bytes, as a stream or a stream factory.
   * @param options A signal, the length and the content type.
   */
  write(artifactId: string, content: StreamSource, options?: WriteOptions): Promise<void>;
  /**
   * Removes an artifact. Removing a missing artifact is not an error.
   *
   * @param artifactId The artifact's id.
   * @param options A signal.
   */
  remove(artifactId: string, options?: RemoveOptions): Promise<void>;
  /**
   * Reads an artifact's size, where the store can tell cheaply (optional; beyond Optuna's
   * protocol). Progress reports use it for their total.
   *
   * @param artifactId The artifact's id.
   * @param options A signal.
   * @returns The size in bytes.
   */
  stat?(artifactId: string, options?: StatOptions): Promise<ArtifactStat>;
  /**
   * Writes an artifact from a local file (optional fast path, beyond Optuna's protocol):
   * `uploadArtifact` uses it for a `filePath` when the store has it, so a file-system store
   * can copy in the kernel. The same promises as `write`: a reader never sees a half-written
   * artifact, and a failed write leaves nothing behind.
   *
   * @param artifactId The artifact's id.
   * @param filePath The local file to copy.
   * @param options A signal and the content type.
   */
  writeFile?(artifactId: string, filePath: string, options?: WriteFileOptions): Promise<void>;
  /**
   * Opens an artifact as a local file, for reading from its start (optional fast path for
   * stores on a local file system): the HTTP handler hands it to the server without a stream
   * in between. The caller closes it.
   *
   * @param artifactId The artifact's id.
   * @param options A signal.
   * @returns The open file.
   */
  openFile?(artifactId: string, options?: StatOptions): Promise<LocalFile>;
  /**
   * Copies an artifact into a local file (optional fast path, beyond Optuna's protocol):
   * `downloadArtifact` copies into a fresh temporary file with it, then syncs, checks and
   * publishes that file, so a file-system store can copy in the kernel. `filePath` is created
   * or replaced; its mode is left to the caller, who also removes it after a failure.
   *
   * @param artifactId The artifact's id.
   * @param filePath The local file to write.
   * @param options A signal and an observer of the bytes.
   */
  copyToFile?(artifactId: string, filePath: string, options?: CopyToFileOptions): Promise<void>;
  /**
   * Lists every artifact the store holds (optional, beyond Optuna's protocol): `verifyArtifacts`
   * uses it to find blobs that no metadata names. Only names that are valid artifact ids are
   * listed, never a write in progress where the store can tell (temporary files, multipart
   * uploads).
   *
   * @param options A signal.
   * @returns The artifacts, in no set order.
   */
  list?(options?: ListOptions): AsyncIterable<ListedArtifact>;
  /**
   * A URL that downloads the artifact without credentials until it expires (optional: S3's
   * presigned URLs, GCS's signed URLs). The HTTP handler can redirect downloads to it, so the
   * bytes never pass through the server.
   *
   * @param artifactId The artifact's id.
   * @param options How long it is valid, and the response headers it sets.
   * @returns The URL.
   */
  presign?(artifactId: string, options?: PresignOptions): Promise<string>;
}

/** What {@linkcode ArtifactStore.stat} tells of an artifact. */
export interface ArtifactStat {
  /** The size in bytes. */
  size: number;
}
