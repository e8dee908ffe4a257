// The two ways S3ArtifactStore uploads an object: one streaming PutObject, or the SDK's
// multipart Upload with a signal on every part request, aborted on failure so that no object
// and no pending upload is left behind.
// deno-lint-ignore-file no-import-prefix -- kept out of the import map (see docs/development.md)
import type { Readable } from "node:stream";
import {
  AbortMultipartUploadCommand,
  PutObjectCommand,
  type S3Client,
} from "npm:@aws-sdk/client-s3@^3.1175.0";
import { Upload } from "npm:@aws-sdk/lib-storage@^3.1175.0";
import { onAbort } from "../_common/abort.ts";

/** Where an upload goes and what it sends. */
export interface S3UploadOptions {
  bucket: string;
  key: string;
  /** The SDK reads a Node stream. */
  body: Readable;
  contentType?: string;
  signal?: AbortSignal;
}

/**
 * Sends the body in one PUT. S3 stores nothing of a PUT that fails, so there is nothing to
 * clean up; the body's own error is the one reported.
 */
export async function putObject(
  client: S3Client,
  options: S3UploadOptions & { contentLength: number },
): Promise<void> {
  const { body, signal } = options;
  const request = new AbortController();
  let sourceError: unknown;
  body.on("error", (error) => {
    sourceError ??= error;
    request.abort(error); // else the server waits for the rest of the body
  });
  const stopListening = onAbort(signal, (reason) => {
    request.abort(reason);
    body.destroy(reason instanceof Error ? reason : undefined);
  });
  try {
    await client.send(
      new PutObjectCommand({
        Bucket: options.bucket,
        Key: options.key,
        Body: body,
        ContentLength: options.contentLength,
        ContentType: options.contentType,
      }),
      { abortSignal: request.signal },
    );
  } catch (error) {
    body.destroy();
    signal?.throwIfAborted();
    throw sourceError ?? error;
  } finally {
    stopListening();
  }
}

/** Uploads in parts of `partSize`, `queueSize` at a time; a failure aborts the upload. */
export async function multipartUpload(
  client: S3Client,
  options: S3UploadOptions & { partSize: number; queueSize: number },
): Promise<void> {
  const { body, signal } = options;
  // lib-storage sends parts without a signal; this client adds one, so that a failure or an
  // abort cancels the parts in flight and done() settles only once no request is running.
  const requests = new AbortController();
  const upload = new Upload({
    client: {
      config: client.config,
      // deno-lint-ignore no-explicit-any
      send: (command: any, sendOptions?: object) =>
        client.send(command, { ...sendOptions, abortSignal: requests.signal }),
    } as S3Client,
    params: {
      Bucket: options.bucket,
      Key: options.key,
      Body: body,
      ContentType: options.contentType,
    },
    partSize: options.partSize,
    queueSize: options.queueSize,
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
    await abortMultipart(client, upload, options);
    signal?.throwIfAborted();
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
async function abortMultipart(
  client: S3Client,
  upload: Upload,
  options: S3UploadOptions,
): Promise<void> {
  const internal = upload as unknown as {
    createMultiPartPromise?: Promise<{ UploadId?: string }>;
  };
  const created = await internal.createMultiPartPromise?.catch(() => undefined);
  if (!created?.UploadId) return;
  await client.send(
    new AbortMultipartUploadCommand({
      Bucket: options.bucket,
      Key: options.key,
      UploadId: created.UploadId,
    }),
  ).catch(() => {}); // NoSuchUpload: lib-storage aborted it already
}
