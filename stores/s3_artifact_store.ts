// S3ArtifactStore, the store of `./s3` (see s3.ts for the module's documentation and options).
// deno-lint-ignore-file no-import-prefix -- SDKs stay out of the import map (see docs/development.md)
import { Readable } from "node:stream";
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
} from "npm:@aws-sdk/client-s3@^3.1175.0";
import { getSignedUrl } from "npm:@aws-sdk/s3-request-presigner@^3.1169.0";
import { FetchHttpHandler } from "npm:@smithy/fetch-http-handler@^5.8.1";
import { checkOffsetWithin, validateLength, validateOffset } from "./_artifact_id.ts";
import { BucketKeys, undoIfAborted } from "./_bucket.ts";
import { multipartUpload, putObject } from "./_s3_upload.ts";
import { onAbort } from "../_common/abort.ts";
import { abortableStream, resolveSource, takeBytes } from "../_common/stream.ts";
import { type RangedDownload, rangedDownload } from "./_ranged_copy.ts";
import { copyObjectToFile, type GetOutput, status } from "./_s3_download.ts";
import type {
  ArtifactStat,
  ArtifactStore,
  CopyToFileOptions,
  ListedArtifact,
  ListOptions,
  OpenOptions,
  PresignOptions,
  RemoveOptions,
  StatOptions,
  StreamSource,
  WriteOptions,
} from "./types.ts";

import type { S3ArtifactStoreOptions } from "./s3.ts";

const MIN_PART_SIZE = 5 * 1024 * 1024;
const MAX_PARTS = 10_000;
const MAX_SINGLE_PUT = 5 * 1024 * 1024 * 1024;

/**
 * An {@linkcode ArtifactStore} on an S3 bucket. Content of known length up to
 * `singlePutMaxSize` goes in one streaming `PutObject`; the rest through the SDK's multipart
 * `Upload`, so memory stays near `partSize * queueSize` whatever the artifact's size, and a
 * failed or aborted write aborts its multipart upload, leaving no object and no pending upload.
 * Reads stream the object through Deno's `fetch` (see `fetchReads`), with a `Range` request
 * for an offset or a length.
 *
 * @example Usage
 * ```ts ignore
 * import { S3ArtifactStore } from "@optuna-deno/artifacts/s3";
 * // A client from the environment (AWS_REGION, credentials), checksums only when required.
 * const store = new S3ArtifactStore("my-bucket", { keyPrefix: "optuna/" });
 * const stream = await store.open("0d5c9b2e-3f7a-4c1e-9b8d-2a6f4e1c7b90");
 * ```
 */
export class S3ArtifactStore implements ArtifactStore {
  #keys: BucketKeys;
  #client: S3Client;
  #partSize: number;
  #queueSize: number;
  #singlePutMaxSize: number;
  #readHandler?: FetchHttpHandler;
  #ranges: RangedDownload;

  /**
   * Creates a store on a bucket, which must exist.
   *
   * @param bucket The bucket's name.
   * @param options The client, checksum mode, key prefix and upload sizes.
   */
  constructor(bucket: string, options: S3ArtifactStoreOptions = {}) {
    this.#keys = new BucketKeys("s3", bucket, options.keyPrefix);
    const checksum = options.checksum === "when-supported" ? "WHEN_SUPPORTED" : "WHEN_REQUIRED";
    this.#client = (options.client as S3Client | undefined) ?? new S3Client({
      requestChecksumCalculation: checksum,
      responseChecksumValidation: checksum,
    });
    this.#partSize = Math.max(options.partSize ?? 8 * 1024 * 1024, MIN_PART_SIZE);
    this.#queueSize = Math.max(1, options.queueSize ?? 2);
    this.#singlePutMaxSize = Math.min(options.singlePutMaxSize ?? MAX_SINGLE_PUT, MAX_SINGLE_PUT);
    if (options.fetchReads ?? true) this.#readHandler = new FetchHttpHandler();
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
    const key = this.#keys.key(artifactId);
    options.signal?.throwIfAborted();
    if (length === 0) {
      await this.stat(artifactId, options); // still ArtifactNotFoundError for a missing one
      return ReadableStream.from<Uint8Array>([]);
    }
    const abort = new AbortController();
    const stopListening = onAbort(options.signal, (reason) => abort.abort(reason));
    try {
      const range = length !== undefined
        ? `bytes=${offset}-${offset + length - 1}`
        : offset > 0
        ? `bytes=${offset}-`
        : undefined;
      const { body } = await this.#get(key, range, abort.signal);
      // Some servers answer "bytes=0-0" with the whole object (s3rver): cut to the range.
      const reader = (length === undefined ? body : takeBytes(body, length)).getReader();
      return abortableStream({
        next: async () => {
          const { done, value } = await reader.read();
          return done ? null : value;
        },
        release(reason) {
          stopListening();
          if (reason !== undefined) reader.cancel(reason).catch(() => {});
        },
      }, options.signal);
    } catch (error) {
      stopListening();
      options.signal?.throwIfAborted();
      if (status(error) === 416) return await this.#openAtEnd(artifactId, offset, options.signal);
      throw this.#notFound(error, artifactId);
    }
  }

  /**
   * Downloads an object into a local file: `downloadArtifact` uses it. An object larger than
   * `downloadPartSize` comes in byte ranges fetched `downloadConcurrency` at a time, each
   * pinned to the first response's ETag (`If-Match`), so an object written again meanwhile
   * fails with `ArtifactChangedError` instead of mixing two versions; memory stays at
   * `downloadPartSize * (downloadConcurrency - 1)` plus 1 MiB (the range at the head of the
   * file streams into it). A smaller object, or any object with
   * `downloadConcurrency: 1`, is one stream read straight into two reused 1 MiB buffers. The
   * observer sees every byte in order either way. A failed range fails the copy; under
   * `Backoff`, that range alone is fetched again, from its first byte not yet written.
   *
   * @param artifactId The artifact's id.
   * @param filePath The file to create or replace.
   * @param options A signal, an observer of the bytes and a retrier of ranges.
   * @throws {ArtifactNotFoundError} When the object does not exist (HTTP 404); nothing is
   *   created then.
   * @throws {ArtifactChangedError} When the object is written again during a ranged download.
   */
  async copyToFile(
    artifactId: string,
    filePath: string,
    options: CopyToFileOptions = {},
  ): Promise<void> {
    const key = this.#keys.key(artifactId);
    options.signal?.throwIfAborted();
    await copyObjectToFile(
      {
        get: (range, signal, ifMatch) => this.#get(key, range, signal, ifMatch),
        what: `artifact "${artifactId}" from s3://${this.#keys.bucket}/${key}`,
        notFound: (error) => this.#notFound(error, artifactId),
        changed: (error) => this.#keys.changed(artifactId, error),
      },
      filePath,
      this.#ranges,
      options,
    );
  }

  /** Sends a GetObject (through fetch, unless `fetchReads` is off). */
  async #get(
    key: string,
    range: string | undefined,
    abortSignal: AbortSignal,
    ifMatch?: string,
  ): Promise<GetOutput> {
    const command = new GetObjectCommand({
      Bucket: this.#keys.bucket,
      Key: key,
      Range: range,
      IfMatch: ifMatch,
    });
    if (this.#readHandler) sendThrough(command, this.#readHandler, abortSignal);
    const response = await this.#client.send(command, { abortSignal });
    return {
      body: response.Body?.transformToWebStream() ?? ReadableStream.from([]),
      ContentRange: response.ContentRange,
      ETag: response.ETag,
    };
  }

  /**
   * Uploads an object: one streaming PUT when the length is known and at most
   * `singlePutMaxSize`, else multipart (aborted on failure).
   *
   * @param artifactId The artifact's id.
   * @param content The bytes, as a stream or a stream factory.
   * @param options A signal, the length (when known, it raises the part size to stay within
   *   S3's 10,000 parts) and the content type recorded with the object.
   */
  async write(
    artifactId: string,
    content: StreamSource,
    options: WriteOptions = {},
  ): Promise<void> {
    const key = this.#keys.key(artifactId);
    const { signal, contentLength } = options;
    signal?.throwIfAborted();
    // The SDK reads a Node stream; the web stream is adapted.
    const body = Readable.fromWeb(
      await resolveSource(content) as import("node:stream/web").ReadableStream,
    );
    if (contentLength !== undefined && contentLength <= this.#singlePutMaxSize) {
      await putObject(this.#client, {
        bucket: this.#keys.bucket,
        key,
        body,
        contentLength,
        contentType: options.contentType,
        signal,
      });
      await undoIfAborted(signal, () => this.remove(artifactId));
      return;
    }
    await multipartUpload(this.#client, {
      bucket: this.#keys.bucket,
      key,
      body,
      contentType: options.contentType,
      partSize: Math.max(this.#partSize, Math.ceil((options.contentLength ?? 0) / MAX_PARTS)),
      queueSize: this.#queueSize,
      signal,
    });
    await undoIfAborted(signal, () => this.remove(artifactId));
  }

  /**
   * A presigned `GetObject` URL (signature version 4, signed here with the client's
   * credentials: no request is made).
   *
   * @param artifactId The artifact's id.
   * @param options How long it is valid (at most 7 days, S3's limit), and response headers.
   * @returns The URL.
   */
  async presign(artifactId: string, options: PresignOptions = {}): Promise<string> {
    const expiresIn = options.expiresIn ?? 900;
    if (!Number.isInteger(expiresIn) || expiresIn < 1 || expiresIn > 604800) {
      throw new RangeError(
        `Cannot presign for ${expiresIn} s: give whole seconds from 1 to 604800 (7 days)`,
      );
    }
    const command = new GetObjectCommand({
      Bucket: this.#keys.bucket,
      Key: this.#keys.key(artifactId),
      ResponseContentType: options.contentType,
      ResponseContentDisposition: options.contentDisposition,
    });
    // deno-lint-ignore no-explicit-any
    return await getSignedUrl(this.#client as any, command, { expiresIn });
  }

  /**
   * Reads an object's size with a HEAD request.
   *
   * @param artifactId The artifact's id.
   * @param options A signal.
   * @returns The size in bytes.
   * @throws {ArtifactNotFoundError} When the object does not exist.
   */
  async stat(artifactId: string, options: StatOptions = {}): Promise<ArtifactStat> {
    const key = this.#keys.key(artifactId);
    try {
      const head = await this.#client.send(
        new HeadObjectCommand({ Bucket: this.#keys.bucket, Key: key }),
        { abortSignal: options.signal },
      );
      return { size: head.ContentLength ?? 0 };
    } catch (error) {
      throw this.#notFound(error, artifactId);
    }
  }

  /**
   * Lists the objects under the key prefix whose names are artifact ids, a page of up to 1,000
   * at a time (`ListObjectsV2`). A multipart upload in progress is not an object yet.
   *
   * @param options A signal.
   * @returns Each artifact's id, size and last-modified time.
   */
  async *list(options: ListOptions = {}): AsyncIterable<ListedArtifact> {
    let ContinuationToken: string | undefined;
    do {
      const page = await this.#client.send(
        new ListObjectsV2Command({
          Bucket: this.#keys.bucket,
          Prefix: this.#keys.keyPrefix || undefined,
          ContinuationToken,
        }),
        { abortSignal: options.signal },
      );
      for (const object of page.Contents ?? []) {
        const artifactId = this.#keys.artifactIdOf(object.Key ?? "");
        if (artifactId === undefined) continue;
        yield {
          artifactId,
          size: object.Size ?? 0,
          lastModified: object.LastModified ?? new Date(0),
        };
      }
      ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (ContinuationToken);
  }

  /**
   * Deletes an object; a missing one is not an error (S3 answers 204 either way).
   *
   * @param artifactId The artifact's id.
   * @param options A signal.
   */
  async remove(artifactId: string, options: RemoveOptions = {}): Promise<void> {
    const key = this.#keys.key(artifactId);
    options.signal?.throwIfAborted();
    try {
      await this.#client.send(new DeleteObjectCommand({ Bucket: this.#keys.bucket, Key: key }), {
        abortSignal: options.signal,
      });
    } catch (error) {
      if (status(error) !== 404) throw error;
    }
  }

  /** An `ArtifactNotFoundError` for a 404 (NoSuchKey, NotFound), else `error` itself. */
  #notFound(error: unknown, artifactId: string): unknown {
    const name = (error as { name?: string })?.name;
    const missing = name === "NoSuchKey" || name === "NotFound" || status(error) === 404;
    return missing ? this.#keys.notFound(artifactId, error) : error;
  }

  // S3 answers 416 for a range that starts at the end: an offset equal to the size is an empty
  // read, a larger one is an error, and a missing object is still not found.
  async #openAtEnd(artifactId: string, offset: number, signal: AbortSignal | undefined) {
    const { size } = await this.stat(artifactId, { signal });
    checkOffsetWithin(artifactId, offset, size);
    return ReadableStream.from<Uint8Array>([]);
  }
}

/**
 * Makes `command` go out through `handler` instead of its client's handler: a middleware
 * innermost in the deserialize step (after signing and inside the retries) sends the signed
 * request itself, where the client's own handler would.
 */
function sendThrough(
  command: GetObjectCommand,
  handler: FetchHttpHandler,
  abortSignal: AbortSignal,
): void {
  command.middlewareStack.add(
    // deno-lint-ignore no-explicit-any
    () => async (args: any) => ({
      output: undefined,
      response: (await handler.handle(args.request, { abortSignal })).response,
    }),
    { step: "deserialize", priority: "low", name: "optunaDenoFetchReads" },
  );
}
