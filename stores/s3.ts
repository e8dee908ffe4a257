/**
 * An artifact store on Amazon S3 or any S3-compatible service (MinIO, Cloudflare R2, Ceph,
 * OpenStack Swift's S3 API), on the official AWS SDK. Object key = artifact id, as Python
 * Optuna's `Boto3ArtifactStore`; unlike it, bodies stream both ways with flat memory.
 *
 * ## Usage and behaviour
 *
 * `S3ArtifactStore` (import `@optuna-deno/artifacts/s3`) keeps artifacts in a bucket with the artifact
 * id as the key, as Python Optuna's `Boto3ArtifactStore` does, on the official AWS SDK
 * (`npm:@aws-sdk/client-s3`, multipart through `npm:@aws-sdk/lib-storage`). It streams both ways: a
 * write holds at most `partSize * queueSize` bytes (8 MiB x 2 by default) whatever the artifact's
 * size, where Python's store copies the whole file into memory first.
 *
 * ```ts ignore
 * import { S3Client } from "npm:@aws-sdk/client-s3";
 * import { S3ArtifactStore } from "jsr:@optuna-deno/artifacts/s3";
 *
 * const client = new S3Client({
 *   endpoint: "http://127.0.0.1:9000", // MinIO, R2, Ceph, Swift's S3 API, ... or none for AWS
 *   region: "us-east-1",
 *   forcePathStyle: true,
 *   credentials: { accessKeyId: "...", secretAccessKey: "..." },
 *   requestChecksumCalculation: "WHEN_REQUIRED",
 *   responseChecksumValidation: "WHEN_REQUIRED",
 * });
 * const artifactStore = new S3ArtifactStore("optuna-artifacts", { client, keyPrefix: "" });
 * ```
 *
 * - Without `client`, one is built from the environment (`AWS_REGION`, `AWS_ACCESS_KEY_ID`,
 *   `AWS_SECRET_ACCESS_KEY`, `AWS_ENDPOINT_URL`, ...).
 * - **Checksums**: option `checksum: "when-required"` (default) or `"when-supported"` for the client
 *   built here (see docs/integrity.md for what each server checks). Recent AWS SDKs default to
 *   `WHEN_SUPPORTED`, which sends streamed bodies as `aws-chunked` with a trailing checksum; some
 *   S3-compatible servers refuse that or store the framing bytes as content. Since parts are sent as
 *   buffers, both modes work on s3rver and Swift (tested, with SHA-256 comparison). For a client you
 *   pass, set `requestChecksumCalculation` on the client.
 * - A failed or aborted write cancels its part requests, waits until none is running, then aborts its
 *   multipart upload: no object, no pending upload and no request is left behind (checked with
 *   `ListMultipartUploads` on Swift). `open` of a missing key is `ArtifactNotFoundError`; a 403 (wrong
 *   credentials, no permission) stays the SDK's error. An offset is a `Range` request.
 * - **Downloads**: `downloadArtifact` (through `copyToFile`) fetches an object larger than
 *   `downloadPartSize` (8 MiB) in byte ranges, `downloadConcurrency` (3) at a time, pinned to the
 *   first answer's ETag (`If-Match`); memory stays at part size x (concurrency - 1) plus 1 MiB
 *   (the range at the head of the file streams into it), the digest sees the bytes in order,
 *   and under `Backoff` a failed range alone is fetched again, from its first byte not yet
 *   written. `open()` stays one stream. `downloadConcurrency: 1` reads every object in one
 *   stream.
 * - Tested against two real servers: s3rver (npm, started by `deno task test` itself) and OpenStack
 *   Swift's S3 API (Debian's packages, started by `.ci/swift.sh`, mandatory in CI).
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
export { S3ArtifactStore } from "./s3_artifact_store.ts";
import type { RangedDownloadOptions } from "./types.ts";
export type { RangedDownloadOptions };

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
export interface S3ArtifactStoreOptions extends RangedDownloadOptions {
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
   * multipart for 1 GiB (see docs/benchmarks.md). S3 allows up to 5 GiB in one PUT; AWS
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
   * (see docs/benchmarks.md). Set `false` when reads need what only your client's handler
   * has (a proxy agent, custom TLS).
   *
   * @default {true}
   */
  fetchReads?: boolean;
}
