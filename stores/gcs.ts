/**
 * An artifact store on Google Cloud Storage, on the official `@google-cloud/storage` SDK.
 * Object name = artifact id, as Python Optuna's `GCSArtifactStore`; unlike it, bodies stream
 * both ways with flat memory.
 *
 * ## Usage and behaviour
 *
 * `GCSArtifactStore` (import `@optuna-deno/artifacts/gcs`) keeps artifacts in a bucket with the
 * artifact id as the object name, as Python Optuna's `GCSArtifactStore`, on
 * `npm:@google-cloud/storage`. A write streams through one resumable upload session (Python's store
 * reads the whole file into memory first); an unfinished session never becomes an object, so a failed
 * or aborted write leaves nothing. A read checks the object first (a missing one is
 * `ArtifactNotFoundError` before any byte), then streams that generation from the offset; a full read
 * is validated by the SDK's CRC32C, a read from an offset is not (see docs/integrity.md).
 *
 * `downloadArtifact` (through `copyToFile`) fetches an object larger than `downloadPartSize`
 * (8 MiB) in byte ranges of its generation, `downloadConcurrency` (3) at a time, with memory at
 * part size x (concurrency - 1) plus 1 MiB; as the SDK cannot validate ranged reads, the CRC32C
 * of the bytes in order is compared with the object's. Under `Backoff` a failed range alone is
 * fetched again, from its first byte not yet written.
 *
 * ```ts ignore
 * import { Storage } from "npm:@google-cloud/storage";
 * import { GCSArtifactStore } from "jsr:@optuna-deno/artifacts/gcs";
 *
 * const artifactStore = new GCSArtifactStore("my-bucket", { client: new Storage() });
 * // Without `client`: application default credentials, or STORAGE_EMULATOR_HOST when set.
 * ```
 *
 * Tested against the Cloud Storage emulator of `firebase-tools` (pinned to 15.34.2), which
 * `deno task test` starts by itself without its Java rules runtime (`tests/_gcs_emulator.mjs` serves
 * the emulator's `StorageEmulator` directly; the first start downloads firebase-tools into Deno's
 * cache). Emulator limits met: it keeps objects in memory, refuses non-resumable uploads over about
 * 130 MiB, and hangs on chunked resumable uploads (`chunkSize`), hence one resumable session per write
 * without `chunkSize`. A read cancelled part-way upsets the SDK's next request: under Deno 2.9 it
 * fails once with "socket hang up" (`Backoff` retries it), under Deno 2.5 it can hang. Byte ranges are
 * therefore asked as such (`open(id, { offset, length })`), never cut short, but a client that
 * abandons a download in the middle still cancels the read.
 *
 * @example Usage
 * ```ts ignore
 * import { Storage } from "npm:@google-cloud/storage";
 * import { GCSArtifactStore } from "@optuna-deno/artifacts/gcs";
 * const store = new GCSArtifactStore("my-bucket", { client: new Storage() });
 * await store.write("a1", ReadableStream.from([new TextEncoder().encode("hi")]));
 * ```
 *
 * @module
 */
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
// deno-lint-ignore no-import-prefix -- kept out of the import map (see README, Layout)
import { type File, type GetFilesOptions, Storage } from "npm:@google-cloud/storage@^8.4.0";
import { checkOffsetWithin, validateLength, validateOffset } from "./_artifact_id.ts";
import { BucketKeys, undoIfAborted } from "./_bucket.ts";
import { copyObjectToFile, readObject } from "./_gcs_download.ts";
import { type RangedDownload, rangedDownload } from "./_ranged_copy.ts";
export type { RangedDownloadOptions } from "./types.ts";
import { onAbort } from "../_common/abort.ts";
import { resolveSource } from "../_common/stream.ts";
import type {
  ArtifactStat,
  ArtifactStore,
  CopyToFileOptions,
  ListedArtifact,
  ListOptions,
  OpenOptions,
  PresignOptions,
  RangedDownloadOptions,
  RemoveOptions,
  StatOptions,
  StreamSource,
  WriteOptions,
} from "./types.ts";

/**
 * A `Storage` client of `npm:@google-cloud/storage`, typed by the part this module calls so
 * that the SDK's own types stay out of this package's public API.
 */
export interface GCSClientLike {
  /**
   * Returns a bucket handle, as `Storage.bucket`.
   *
   * @param name The bucket's name.
   * @returns The SDK's `Bucket`.
   */
  bucket(name: string): unknown;
}

/** Options of {@linkcode GCSArtifactStore}. */
export interface GCSArtifactStoreOptions extends RangedDownloadOptions {
  /**
   * The client to use (project, credentials, endpoint). Without one, `new Storage()` uses
   * application default credentials, and `STORAGE_EMULATOR_HOST` when it is set.
   */
  client?: GCSClientLike;
  /**
   * A prefix for every object name (such as `"artifacts/"`); none, as Optuna.
   *
   * @default {""}
   */
  keyPrefix?: string;
}

/**
 * An {@linkcode ArtifactStore} on a GCS bucket. Writes stream through one resumable upload
 * session (no whole-file buffer and no `chunkSize`, so memory stays flat); a write that fails or
 * is aborted never finalizes its object. Reads check the object first, so a missing one is
 * `ArtifactNotFoundError` before any byte, then stream that generation from the offset. A full
 * read is validated by the SDK (CRC32C; the stream errors on a mismatch, as real GCS sends the
 * `x-goog-stored-content-encoding` header the SDK needs); a read from an offset is not.
 *
 * @example Usage
 * ```ts ignore
 * import { GCSArtifactStore } from "@optuna-deno/artifacts/gcs";
 * // Application default credentials, or the emulator named by STORAGE_EMULATOR_HOST.
 * const store = new GCSArtifactStore("my-bucket", { keyPrefix: "optuna/" });
 * const stream = await store.open("0d5c9b2e-3f7a-4c1e-9b8d-2a6f4e1c7b90", { offset: 1024 });
 * ```
 */
export class GCSArtifactStore implements ArtifactStore {
  #keys: BucketKeys;
  #client: Storage;
  #ranges: RangedDownload;

  /**
   * Creates a store on a bucket, which must exist.
   *
   * @param bucket The bucket's name.
   * @param options The client and key prefix.
   */
  constructor(bucket: string, options: GCSArtifactStoreOptions = {}) {
    this.#keys = new BucketKeys("gs", bucket, options.keyPrefix);
    this.#client = (options.client as Storage | undefined) ?? new Storage();
    this.#ranges = rangedDownload(options);
  }

  /**
   * The bucket's name.
   *
   * @returns The bucket given to the constructor.
   */
  get bucket(): string {
    return this.#keys.bucket;
  }

  /**
   * Opens an object for reading.
   *
   * @param artifactId The artifact's id.
   * @param options A signal and a start offset.
   * @returns The object's bytes from `offset` on, streamed.
   * @throws {ArtifactNotFoundError} When the object does not exist (HTTP 404), before any byte.
   */
  async open(artifactId: string, options: OpenOptions = {}): Promise<ReadableStream<Uint8Array>> {
    const offset = validateOffset(options.offset);
    const length = validateLength(options.length);
    const { size, pinned } = await this.#current(artifactId, options.signal);
    checkOffsetWithin(artifactId, offset, size);
    options.signal?.throwIfAborted();
    if (offset === size || length === 0) return ReadableStream.from<Uint8Array>([]);
    // A full read is validated by the SDK (CRC32C against the x-goog-hash header); a `start`,
    // even 0, makes it a ranged read, which the SDK cannot check.
    return readObject(
      pinned,
      length !== undefined
        ? { start: offset, end: Math.min(size, offset + length) - 1 }
        : offset > 0
        ? { start: offset }
        : undefined,
      options.signal,
    );
  }

  /**
   * Downloads an object into a local file: `downloadArtifact` uses it. An object larger than
   * `downloadPartSize` comes in byte ranges of its current generation fetched
   * `downloadConcurrency` at a time, with memory at `downloadPartSize *
   * (downloadConcurrency - 1)` plus 1 MiB; the SDK cannot validate ranged reads, so the CRC32C
   * of the bytes in order is compared with the object's. A generation replaced meanwhile
   * fails with `ArtifactChangedError`. A smaller object is one read, validated by the SDK.
   * Under `Backoff`, a failed range alone is fetched again, from its first byte not yet
   * written.
   *
   * @param artifactId The artifact's id.
   * @param filePath The file to create or replace.
   * @param options A signal, an observer of the bytes and a retrier of ranges.
   * @throws {ArtifactNotFoundError} When the object does not exist; nothing is created then.
   * @throws {ArtifactChangedError} When the object is written again during a ranged download.
   */
  async copyToFile(
    artifactId: string,
    filePath: string,
    options: CopyToFileOptions = {},
  ): Promise<void> {
    const { size, pinned, crc32c } = await this.#current(artifactId, options.signal);
    options.signal?.throwIfAborted();
    await copyObjectToFile(
      {
        pinned,
        size,
        crc32c,
        what: `artifact "${artifactId}" from gs://${this.#keys.bucket}/${pinned.name}`,
        changed: (error) => this.#keys.changed(artifactId, error),
      },
      filePath,
      this.#ranges,
      options,
    );
  }

  /**
   * Uploads an object through one resumable session; it exists only once complete.
   *
   * @param artifactId The artifact's id.
   * @param content The bytes, as a stream or a stream factory.
   * @param options A signal and the content type recorded with the object.
   */
  async write(
    artifactId: string,
    content: StreamSource,
    options: WriteOptions = {},
  ): Promise<void> {
    const file = this.#file(artifactId);
    const { signal } = options;
    signal?.throwIfAborted();
    const stream = await resolveSource(content);
    const reader = stream.getReader();
    const stopListening = onAbort(signal, (reason) => reader.cancel(reason).catch(() => {}));
    const first = await reader.read().finally(stopListening);
    signal?.throwIfAborted();
    if (first.done) {
      // An empty object in one request: a resumable session with no bytes never completes on
      // some runtimes (Deno 2.5's node:stream).
      await file.save(new Uint8Array(0), {
        resumable: false,
        contentType: options.contentType,
        metadata: options.contentType ? { contentType: options.contentType } : undefined,
      });
      return;
    }
    const rest = new ReadableStream<Uint8Array>({
      start: (controller) => controller.enqueue(first.value),
      pull: async (controller) => {
        const { done, value } = await reader.read();
        if (done) controller.close();
        else controller.enqueue(value);
      },
      cancel: (reason) => reader.cancel(reason),
    });
    const source = Readable.fromWeb(rest as import("node:stream/web").ReadableStream);
    const target = file.createWriteStream({
      resumable: true,
      contentType: options.contentType,
      metadata: options.contentType ? { contentType: options.contentType } : undefined,
    });
    try {
      await pipeline(source, target, { signal });
    } catch (error) {
      signal?.throwIfAborted(); // the caller's reason, not the pipeline's own AbortError
      throw error;
    }
    await undoIfAborted(signal, () => this.remove(artifactId));
  }

  /**
   * Reads an object's size from its metadata.
   *
   * @param artifactId The artifact's id.
   * @param options A signal.
   * @returns The size in bytes.
   * @throws {ArtifactNotFoundError} When the object does not exist.
   */
  async stat(artifactId: string, options: StatOptions = {}): Promise<ArtifactStat> {
    return { size: (await this.#current(artifactId, options.signal)).size };
  }

  /**
   * Deletes an object; a missing one is not an error.
   *
   * @param artifactId The artifact's id.
   * @param options A signal.
   */
  async remove(artifactId: string, options: RemoveOptions = {}): Promise<void> {
    const file = this.#file(artifactId);
    options.signal?.throwIfAborted();
    await file.delete({ ignoreNotFound: true });
  }

  /**
   * A V4 signed URL for reading the object. The client's credentials sign it: a service
   * account key signs locally; other credentials ask the IAM API to sign.
   *
   * @param artifactId The artifact's id.
   * @param options How long it is valid (at most 7 days, GCS's limit), and response headers.
   * @returns The URL.
   */
  async presign(artifactId: string, options: PresignOptions = {}): Promise<string> {
    const expiresIn = options.expiresIn ?? 900;
    if (!Number.isInteger(expiresIn) || expiresIn < 1 || expiresIn > 604800) {
      throw new RangeError(
        `Cannot sign a URL for ${expiresIn} s: give whole seconds from 1 to 604800 (7 days)`,
      );
    }
    const [url] = await this.#file(artifactId).getSignedUrl({
      version: "v4",
      action: "read",
      expires: Date.now() + expiresIn * 1000,
      responseType: options.contentType,
      responseDisposition: options.contentDisposition,
    });
    return url;
  }

  /**
   * Lists the objects under the key prefix whose names are artifact ids, a page at a time.
   *
   * @param options A signal.
   * @returns Each artifact's id, size and last update time.
   */
  async *list(options: ListOptions = {}): AsyncIterable<ListedArtifact> {
    let query: GetFilesOptions | null = {
      prefix: this.#keys.keyPrefix || undefined,
      autoPaginate: false,
      maxResults: 1000,
    };
    while (query) {
      options.signal?.throwIfAborted();
      const page: [File[], unknown, unknown] = await this.#bucket().getFiles(query);
      const [files, next] = page;
      for (const file of files) {
        const artifactId = this.#keys.artifactIdOf(file.name);
        if (artifactId === undefined) continue;
        const { size, updated } = file.metadata;
        yield {
          artifactId,
          size: Number(size ?? 0),
          lastModified: updated ? new Date(updated) : new Date(0),
        };
      }
      query = (next as GetFilesOptions | null) ?? null;
    }
  }

  #bucket() {
    return this.#client.bucket(this.#keys.bucket);
  }

  /**
   * The object's size and CRC32C now, and the object pinned to that generation, so that reads
   * after it cannot mix two versions; `ArtifactNotFoundError` when it does not exist. The id is
   * checked before `signal`.
   */
  async #current(
    artifactId: string,
    signal: AbortSignal | undefined,
  ): Promise<{ size: number; crc32c?: string; pinned: File }> {
    const file = this.#file(artifactId);
    signal?.throwIfAborted();
    let metadata: File["metadata"];
    try {
      [metadata] = await file.getMetadata();
    } catch (error) {
      throw this.#notFound(error, artifactId);
    }
    const { generation } = metadata;
    return {
      size: Number(metadata.size ?? 0),
      crc32c: metadata.crc32c,
      pinned: this.#bucket().file(file.name, generation ? { generation } : undefined),
    };
  }

  #file(artifactId: string): File {
    return this.#bucket().file(this.#keys.key(artifactId));
  }

  /** An `ArtifactNotFoundError` for a 404, else `error` itself. */
  #notFound(error: unknown, artifactId: string): unknown {
    const missing = (error as { code?: number })?.code === 404;
    return missing ? this.#keys.notFound(artifactId, error) : error;
  }
}
