// The ranged download of the bucket stores' copyToFile: byte ranges of one object fetched at
// once, each into a part buffer, and written and shown to the observer in order, so a digest
// sees the bytes as they are in the object. A part is fetched only while fewer than
// `concurrency` parts wait to be written: memory stays at `partSize * concurrency` whatever
// the object's size. The first failure aborts every other request.
import { onAbort } from "../_common/abort.ts";
import { writeAll } from "../_common/file_stream.ts";
import { StreamFiller } from "../_common/stream_filler.ts";
import type { LocalFile, RangedDownloadOptions, RetryRange } from "./types.ts";

/** A store's ranged-download settings, resolved. */
export interface RangedDownload {
  partSize: number;
  concurrency: number;
}

/** The settings of `options`, with the defaults (8 MiB x 3), checked. */
export function rangedDownload(options: RangedDownloadOptions): RangedDownload {
  return {
    partSize: positiveInteger("downloadPartSize", options.downloadPartSize, 8 * 1024 * 1024),
    concurrency: positiveInteger("downloadConcurrency", options.downloadConcurrency, 3),
  };
}

function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(`Cannot use ${name} ${value}: use a whole number of 1 or more`);
  }
  return value;
}

/** Opens bytes `offset` to `offset + length` of the object, as one response. */
export type OpenRange = (
  offset: number,
  length: number,
  signal: AbortSignal,
) => Promise<ReadableStream<Uint8Array>>;

/** What {@linkcode copyRanges} copies, and how. */
export interface RangedCopyOptions {
  /** The object's size in bytes. */
  size: number;
  /** Bytes per range; the last one may be shorter. */
  partSize: number;
  /** Ranges fetched or waiting to be written at once. */
  concurrency: number;
  /** The object, for errors: `s3://bucket/key`. */
  what: string;
  /** The body of the first range, already requested (the response that told the size). */
  first?: ReadableStream<Uint8Array>;
  /** Opens one range. */
  openRange: OpenRange;
  /** Runs each range's fetch with retries (Backoff's); unset, a failed range fails the copy. */
  retryRange?: RetryRange;
  /** Cancels the copy and every request in flight. */
  signal?: AbortSignal;
  /** Shown every byte, in order, in chunks of up to `partSize`. */
  onChunk?: (chunk: Uint8Array) => void;
  /** Turns an error of writing the file into the one to throw. */
  onWriteError?: (error: unknown) => unknown;
}

/** Copies an object into `file`, from its start, in ranges fetched at once. */
export async function copyRanges(file: LocalFile, options: RangedCopyOptions): Promise<void> {
  const { size, partSize, concurrency, onChunk } = options;
  const parts = Math.ceil(size / partSize);
  const abort = new AbortController();
  const stopListening = onAbort(options.signal, (reason) => abort.abort(reason));
  let first = options.first;
  let failure: { error: unknown } | undefined;
  const free: ArrayBuffer[] = [];
  const pending = new Map<number, Promise<Uint8Array>>();

  const fetchOnce = async (index: number): Promise<Uint8Array> => {
    const offset = index * partSize;
    const length = Math.min(partSize, size - offset);
    const stream = first ?? await options.openRange(offset, length, abort.signal);
    first = undefined;
    const filler = new StreamFiller(stream);
    try {
      // A buffer lent to a byte stream is gone if the read fails: a retry takes a new one.
      const filled = await filler.fill(free.pop() ?? new ArrayBuffer(partSize), 0, length);
      if (filled.used < length || !(await filler.ended())) {
        throw new Error(
          `Cannot download ${options.what}: bytes ${offset}-${offset + length - 1} came back ` +
            `with ${filled.used < length ? "fewer" : "more"} than ${length} bytes; try again`,
        );
      }
      return new Uint8Array(filled.buffer, 0, length);
    } catch (error) {
      await filler.cancel(error);
      throw error;
    } finally {
      filler.release();
    }
  };
  const fetchPart = (index: number) => {
    const part = options.retryRange
      ? options.retryRange(() => fetchOnce(index), abort.signal)
      : fetchOnce(index);
    part.catch((error) => {
      failure ??= { error };
      abort.abort(error);
    });
    return part;
  };

  let next = 0;
  try {
    for (let index = 0; index < parts; index++) {
      while (next < parts && next < index + concurrency) pending.set(next, fetchPart(next++));
      const chunk = await pending.get(index)!;
      pending.delete(index);
      abort.signal.throwIfAborted();
      onChunk?.(chunk);
      try {
        await writeAll(file, chunk);
      } catch (error) {
        throw options.onWriteError?.(error) ?? error;
      }
      free.push(chunk.buffer as ArrayBuffer);
    }
  } catch (error) {
    // Recorded before the abort, whose cancelled parts would otherwise name their own errors.
    failure ??= { error };
    abort.abort(error);
    // No request outlives the copy.
    await Promise.allSettled(pending.values());
    options.signal?.throwIfAborted();
    throw failure.error;
  } finally {
    stopListening();
  }
}
