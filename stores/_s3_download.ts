// S3ArtifactStore's copyToFile: the first GetObject asks for the first range and learns the
// size from its Content-Range (no HEAD before it); a larger object then comes in ranges fetched
// at once, each pinned to the first answer's ETag (If-Match), so an object written again
// meanwhile fails with ArtifactChangedError (412) instead of mixing two versions.
import { onAbort } from "../_common/abort.ts";
import { copyStreamToFile } from "../_common/file_stream.ts";
import { openTarget } from "../_common/fs.ts";
import { copyRanges, type RangedDownload } from "./_ranged_copy.ts";
import type { CopyToFileOptions } from "./types.ts";

/** What a download reads of a GetObject's answer. */
export interface GetOutput {
  body: ReadableStream<Uint8Array>;
  ContentRange?: string;
  ETag?: string;
}

/** Sends one GetObject of the object: a `Range` and an `If-Match` when given. */
export type GetObject = (
  range: string | undefined,
  signal: AbortSignal,
  ifMatch?: string,
) => Promise<GetOutput>;

/** The object a {@linkcode copyObjectToFile} copies, and how its errors are named. */
export interface S3Object {
  get: GetObject;
  /** For errors: `artifact "a1" from s3://bucket/key`. */
  what: string;
  /** The error for an SDK error (ArtifactNotFoundError for a 404, else itself). */
  notFound: (error: unknown) => unknown;
  /** The error for an object written again during the download. */
  changed: (error: unknown) => unknown;
}

/** The HTTP status of an SDK error. */
export function status(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
}

/** Copies an object into `filePath` (created or replaced), in ranges when it is large. */
export async function copyObjectToFile(
  object: S3Object,
  filePath: string,
  ranges: RangedDownload,
  options: CopyToFileOptions,
): Promise<void> {
  const { signal, onWriteError } = options;
  const { partSize, concurrency } = ranges;
  const ranged = concurrency > 1;
  const abort = new AbortController();
  const stopListening = onAbort(signal, (reason) => abort.abort(reason));
  try {
    let first: GetOutput;
    try {
      first = await object.get(ranged ? `bytes=0-${partSize - 1}` : undefined, abort.signal);
    } catch (error) {
      signal?.throwIfAborted();
      if (!ranged || status(error) !== 416) throw object.notFound(error);
      // S3 refuses any range of an empty object.
      first = await object.get(undefined, abort.signal)
        .catch((error) => Promise.reject(object.notFound(error)));
    }
    const size = totalOf(first.ContentRange);
    const file = await openTarget(filePath, onWriteError).catch(async (error) => {
      await first.body.cancel().catch(() => {});
      throw error;
    });
    try {
      const onChunk = options.observeChunks?.();
      if (size === 0) {
        // s3rver answers a range of an empty object with a body it announces but never sends.
        await first.body.cancel().catch(() => {});
      } else if (size === undefined || size <= partSize) {
        await copyStreamToFile(first.body, file, { signal, onChunk, onWriteError });
      } else {
        await copyRanges(file, {
          size,
          partSize,
          concurrency,
          what: object.what,
          first: first.body,
          openRange: (offset, length, rangeSignal) =>
            getRange(object, first.ETag, offset, length, rangeSignal),
          retryRange: options.retryRange,
          signal,
          onChunk,
          onWriteError,
        });
      }
    } finally {
      file.close();
    }
  } finally {
    stopListening();
  }
}

/** One range, pinned to the version that the first range came from. */
async function getRange(
  object: S3Object,
  eTag: string | undefined,
  offset: number,
  length: number,
  signal: AbortSignal,
): Promise<ReadableStream<Uint8Array>> {
  try {
    return (await object.get(`bytes=${offset}-${offset + length - 1}`, signal, eTag)).body;
  } catch (error) {
    throw status(error) === 412 ? object.changed(error) : object.notFound(error);
  }
}

/** The object's size from a `Content-Range` such as `bytes 0-8388607/1073741824`. */
function totalOf(contentRange: string | undefined): number | undefined {
  const total = contentRange?.match(/\/(\d+)$/)?.[1];
  return total === undefined ? undefined : Number(total);
}
