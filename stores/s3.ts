// deno-lint-ignore-file no-import-prefix -- SDKs stay out of the import map (see README, Layout)
/**
 * An artifact store on Amazon S3 or any S3-compatible service (MinIO, Cloudflare R2, Ceph,
 * OpenStack Swift's S3 API), on the official AWS SDK. Object key = artifact id, as Python
 * Optuna's `Boto3ArtifactStore`; unlike it, bodies stream both ways with flat memory.
 *
 * @example Usage
 * ```ts ignore
 * import { S3Client } from "npm:@aws-sdk/client-s3";
 * import { S3ArtifactStore } from "@optuna-deno/artifacts/s3";
 * const client = new S3Client({
 *   endpoint: "http://127.0.0.1:9000",
 *   region: "us-east-1",
 *   forcePathStyle: true,
 *   credentials: { accessKeyId: "minio", secretAccessKey: "minio123" },
 * });
 * const store = new S3ArtifactStore("optuna-artifacts", { client });
 * await store.write("a1", ReadableStream.from([new TextEncoder().encode("hi")]));
 * ```
 *
 * @module
 */
import { Readable } from "node:stream";
import {
  AbortMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from "npm:@aws-sdk/client-s3@^3.1175.0";
import { Upload } from "npm:@aws-sdk/lib-storage@^3.1175.0";
import { getSignedUrl } from "npm:@aws-sdk/s3-request-presigner@^3.1169.0";
import { FetchHttpHandler } from "npm:@smithy/fetch-http-handler@^5.8.1";
import { checkOffsetWithin, validateLength, validateOffset } from "./_artifact_id.ts";
import { BucketKeys, undoIfAborted } from "./_bucket.ts";
import { onAbort } from "../_common/abort.ts";
import { abortableStream, resolveSource, takeBytes } from "../_common/stream.ts";
import { copyStreamToFile } from "../_common/file_stream.ts";
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

/**
 * When the SDK adds checksums to requests: `"when-required"` only for the operations that
 * need one (the behaviour of SDKs before 2025, and what most S3-compatible servers expect);
 * `"when-supported"` for every request that can carry one (the SDK's own default today), which
 * sends streamed bodies as `aws-chunked` with a trailing checksum.
 */
export type S3ChecksumMode = "when-required" | "when-supported";

/**
 * An AWS SDK v3 `S3Client` (from `npm:@aws-sdk/client-s3`), typed by the part this module
 * calls so that the SDK's own types stay out of this package's public API.
 */
export interface S3ClientLike {
  /**
   * Sends a command, as `S3Client.send`.
   *
   * @param command An SDK command.
   * @param options Options such as `abortSignal`.
   * @returns The command's output.
   */
  // deno-lint-ignore no-explicit-any
  send(command: any, options?: any): Promise<any>;
  /** The client's resolved configuration, which the SDK's multipart `Upload` reads. */
  readonly config: unknown;
}

/** Options of {@linkcode S3ArtifactStore}. */
export interface S3ArtifactStoreOptions {
  /**
   * The client to use: your endpoint, region, credentials, path style. Without one, a client
   * is built from the environment (`AWS_REGION`, `AWS_ACCESS_KEY_ID`, `AWS_ENDPOINT_URL`, ...)
   * with `checksum` applied.
   */
  client?: S3ClientLike;
  /**
   * The checksum mode of the client built here: `"when-required"`, because some
   * S3-compatible servers store `aws-chunked` framing bytes as content or refuse it. It does not
   * change a client you pass: set `requestChecksumCalculation` on that client instead.
   *
   * @default {"when-required"}
   */
  checksum?: S3ChecksumMode;
  /**
   * A prefix for every key (such as `"artifacts/"`); none, as Optuna.
   *
   * @default {""}
   */
  keyPrefix?: string;
  /**
   * Bytes per multipart part (at least 5 MiB). S3 allows 10,000 parts, so with a known
   * `contentLength` the part grows as needed; a stream of unknown length can be up to
   * `partSize * 10,000` bytes (78 GiB with 8 MiB parts).
   *
   * @default {8 * 1024 * 1024}
   */
  partSize?: number;
  /**
   * Parts uploaded at once (on 2 cores, 4 was no faster and took 20 MiB more). Memory used by
   * a write is about `partSize * queueSize`.
   *
   * @default {2}
   */
  queueSize?: number;
  /**
   * The largest content, in bytes, sent in one streaming `PutObject` when its length is known;
   * larger content, and content of unknown length, goes multipart. One PUT streams the body
   * once with no part bookkeeping: on s3rver and on Swift it was 2 to 3 times faster than
   * multipart for 1 GiB (see the README's benchmarks). S3 allows up to 5 GiB in one PUT; AWS
   * suggests multipart from about 100 MiB, for retries of single parts over long distances.
   *
   * @default {5 * 1024 * 1024 * 1024}
   */
  singlePutMaxSize?: number;
  /**
   * Send the `GetObject` of reads through the SDK's `FetchHttpHandler` (Deno's `fetch`)
   * instead of the client's own handler, keeping the client's endpoint, credentials, signing
   * and retries. Deno's `node:http`, which the SDK's default handler uses, costs several times
   * more CPU per byte: a 1 GiB read from s3rver took 5.4 s through it and 1.6 s through fetch
   * (see the README's benchmarks). Set `false` when reads need what only your client's handler
   * has (a proxy agent, custom TLS).
   *
   * @default {true}
   */
  fetchReads?: boolean;
}

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
      const body = await this.#get(key, range, abort.signal);
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
   * Downloads an object into a local file, read through `fetch` straight into two reused
   * 1 MiB buffers (no chunk allocated on the way), one filling while the other is written:
   * `downloadArtifact` uses it. A broken transfer fails the call; `Backoff` then copies again
   * from the start (`open()` resumes at the byte it reached instead).
   *
   * @param artifactId The artifact's id.
   * @param filePath The file to create or replace.
   * @param options A signal and an observer of the bytes.
   * @throws {ArtifactNotFoundError} When the object does not exist (HTTP 404); nothing is
   *   created then.
   */
  async copyToFile(
    artifactId: string,
    filePath: string,
    options: CopyToFileOptions = {},
  ): Promise<void> {
    const key = this.#keys.key(artifactId);
    const { signal } = options;
    signal?.throwIfAborted();
    const abort = new AbortController();
    const stopListening = onAbort(signal, (reason) => abort.abort(reason));
    try {
      let body: ReadableStream<Uint8Array>;
      try {
        body = await this.#get(key, undefined, abort.signal);
      } catch (error) {
        signal?.throwIfAborted();
        throw this.#notFound(error, artifactId);
      }
      let file: Deno.FsFile;
      try {
        file = await Deno.open(filePath, { write: true, create: true, truncate: true });
      } catch (error) {
        await body.cancel().catch(() => {});
        throw options.onWriteError?.(error) ?? error;
      }
      try {
        await copyStreamToFile(body, file, {
          signal,
          onChunk: options.observeChunks?.(),
          onWriteError: options.onWriteError,
        });
      } finally {
        file.close();
      }
    } finally {
      stopListening();
    }
  }

  /** Sends a GetObject (through fetch, unless `fetchReads` is off) and returns its body. */
  async #get(
    key: string,
    range: string | undefined,
    abortSignal: AbortSignal,
  ): Promise<ReadableStream<Uint8Array>> {
    const command = new GetObjectCommand({ Bucket: this.#keys.bucket, Key: key, Range: range });
    if (this.#readHandler) sendThrough(command, this.#readHandler, abortSignal);
    const response = await this.#client.send(command, { abortSignal });
    return response.Body?.transformToWebStream() ?? ReadableStream.from([]);
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
      await this.#put(key, body, contentLength, options);
      await undoIfAborted(signal, () => this.remove(artifactId));
      return;
    }
    // lib-storage sends parts without a signal; this client adds one, so that a failure or an
    // abort cancels the parts in flight and done() settles only once no request is running.
    const requests = new AbortController();
    const client = this.#client;
    const upload = new Upload({
      client: {
        config: client.config,
        // deno-lint-ignore no-explicit-any
        send: (command: any, options?: object) =>
          client.send(command, { ...options, abortSignal: requests.signal }),
      } as S3Client,
      params: { Bucket: this.#keys.bucket, Key: key, Body: body, ContentType: options.contentType },
      partSize: Math.max(this.#partSize, Math.ceil((options.contentLength ?? 0) / MAX_PARTS)),
      queueSize: this.#queueSize,
      leavePartsOnError: false,
    });
    // Not upload.abort(): it makes done() reject at once, with requests still running.
    const stop = (reason?: unknown) => {
      requests.abort(reason);
      body.destroy(reason instanceof Error ? reason : undefined);
    };
    // The source's own error is the one to report: lib-storage may replace it with the error
    // of its clean-up request (for example on servers without AbortMultipartUpload).
    let sourceError: unknown;
    body.on("error", (error) => sourceError ??= error);
    const stopListening = onAbort(signal, stop);
    try {
      await upload.done();
    } catch (error) {
      stop(error);
      await this.#abortMultipart(upload, key);
      signal?.throwIfAborted();
      throw sourceError ?? error;
    } finally {
      stopListening();
    }
    await undoIfAborted(signal, () => this.remove(artifactId));
  }

  /**
   * Sends the body in one PUT. S3 stores nothing of a PUT that fails, so there is nothing to
   * clean up; the body's own error is the one reported.
   */
  async #put(
    key: string,
    body: Readable,
    contentLength: number,
    options: WriteOptions,
  ): Promise<void> {
    const request = new AbortController();
    let sourceError: unknown;
    body.on("error", (error) => {
      sourceError ??= error;
      request.abort(error); // else the server waits for the rest of the body
    });
    const stopListening = onAbort(options.signal, (reason) => {
      request.abort(reason);
      body.destroy(reason instanceof Error ? reason : undefined);
    });
    try {
      await this.#client.send(
        new PutObjectCommand({
          Bucket: this.#keys.bucket,
          Key: key,
          Body: body,
          ContentLength: contentLength,
          ContentType: options.contentType,
        }),
        { abortSignal: request.signal },
      );
    } catch (error) {
      body.destroy();
      options.signal?.throwIfAborted();
      throw sourceError ?? error;
    } finally {
      stopListening();
    }
  }

  /**
   * Aborts the multipart upload that `upload` started, if any, once every part request has
   * ended. When the write was stopped, lib-storage's own abort request went through the
   * cancelled client and was never sent; after a failed part it was sent, and this one is a
   * harmless second.
   */
  async #abortMultipart(upload: Upload, key: string): Promise<void> {
    const internal = upload as unknown as {
      createMultiPartPromise?: Promise<{ UploadId?: string }>;
    };
    const created = await internal.createMultiPartPromise?.catch(() => undefined);
    if (!created?.UploadId) return;
    await this.#client.send(
      new AbortMultipartUploadCommand({
        Bucket: this.#keys.bucket,
        Key: key,
        UploadId: created.UploadId,
      }),
    ).catch(() => {}); // NoSuchUpload: lib-storage aborted it already
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

function status(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
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
