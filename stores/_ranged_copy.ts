// The ranged download of the bucket stores' copyToFile: byte ranges of one object fetched at
// once and written, and shown to the observer, in order, so a digest sees the bytes as they
// are in the object. The range at the head of the file streams into it through one 1 MiB
// buffer; each range behind it fills a part buffer until its turn comes, then writes what it
// holds and streams the rest. There are `concurrency - 1` part buffers, so memory stays at
// `partSize * (concurrency - 1)` plus 1 MiB whatever the object's size. A range broken after
// some of it was written resumes from its first missing byte. The first failure aborts every
// other request.
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

/** The head's buffer, and the step in which a range that waits for its turn fills its own. */
const SLICE = 1024 * 1024;

/** One range of the object, and how far it has come. */
interface Part {
  index: number;
  offset: number;
  length: number;
  /** Bytes received: in `buffer` while the part waits, in the file once it is the head. */
  received: number;
  /** Bytes written to the file. */
  written: number;
  buffer?: ArrayBuffer;
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
  let buffers = 0; // part buffers in use or free
  let slice = new ArrayBuffer(SLICE); // only the head reads into it
  const running: Promise<void>[] = [];
  let head = 0;
  // Settles when the head moves, a part buffer is freed, or the copy is aborted.
  let changed = Promise.withResolvers<void>();
  const notify = () => {
    changed.resolve();
    changed = Promise.withResolvers<void>();
  };
  const stopNotifying = onAbort(abort.signal, notify);
  const takeBuffer = () =>
    free.pop() ?? (buffers < concurrency - 1 ? (buffers++, new ArrayBuffer(partSize)) : undefined);
  const fail = (error: unknown) => {
    failure ??= { error };
    abort.abort(error); // Backoff retries nothing once the copy is aborted
    return error;
  };
  const write = async (chunk: Uint8Array) => {
    onChunk?.(chunk);
    try {
      await writeAll(file, chunk);
    } catch (error) {
      throw fail(options.onWriteError?.(error) ?? error);
    }
  };
  const wrongLength = (part: Part, fewer: boolean) =>
    new Error(
      `Cannot download ${options.what}: bytes ${part.offset}-${part.offset + part.length - 1} ` +
        `came back with ${fewer ? "fewer" : "more"} than ${part.length} bytes; try again`,
    );

  const attempt = async (part: Part): Promise<void> => {
    const stream = part.index === 0 && first ? first : await options.openRange(
      part.offset + part.received,
      part.length - part.received,
      abort.signal,
    );
    if (part.index === 0) first = undefined; // a retry of the first range asks again
    const filler = new StreamFiller(stream);
    try {
      while (part.index !== head) {
        abort.signal.throwIfAborted();
        if (part.received < part.length) part.buffer ??= takeBuffer();
        if (part.received === part.length || !part.buffer) {
          await changed.promise;
          continue;
        }
        const end = Math.min(part.received + SLICE, part.length);
        const filled = await filler.fill(part.buffer, part.received, end);
        part.buffer = filled.buffer;
        part.received = filled.used;
        if (filled.done) throw wrongLength(part, true);
      }
      abort.signal.throwIfAborted();
      if (part.buffer) {
        await write(new Uint8Array(part.buffer, 0, part.received));
        part.written = part.received;
        free.push(part.buffer);
        part.buffer = undefined;
        notify();
      }
      while (part.received < part.length) {
        const filled = await filler.fill(slice, 0, Math.min(SLICE, part.length - part.received));
        slice = filled.buffer;
        if (filled.used > 0) {
          part.received += filled.used;
          await write(new Uint8Array(slice, 0, filled.used));
          part.written = part.received;
        }
        if (filled.done) throw wrongLength(part, true);
      }
      if (!(await filler.ended())) throw wrongLength(part, false);
    } catch (error) {
      // What was received but not written is lost: the next attempt asks for it again. A
      // buffer lent to a byte stream is gone if the read fails: another one takes its place.
      part.received = part.written;
      if (part.buffer?.detached) {
        part.buffer = undefined;
        buffers--;
        notify();
      }
      if (slice.detached) slice = new ArrayBuffer(SLICE);
      await filler.cancel(error);
      throw error;
    } finally {
      filler.release();
    }
  };
  let next = 0;
  const start = () => {
    if (next >= parts) return;
    const index = next++;
    const offset = index * partSize;
    const length = Math.min(partSize, size - offset);
    const part: Part = { index, offset, length, received: 0, written: 0 };
    const run = options.retryRange
      ? options.retryRange(() => attempt(part), abort.signal)
      : attempt(part);
    run.catch(fail);
    running[index] = run;
  };

  try {
    while (next < Math.min(concurrency, parts)) start();
    for (let index = 0; index < parts; index++) {
      await running[index];
      head++;
      notify();
      start();
    }
  } catch (error) {
    // Recorded before the abort, whose cancelled parts would otherwise name their own errors.
    fail(error);
    // No request outlives the copy.
    await Promise.allSettled(running);
    options.signal?.throwIfAborted();
    throw failure!.error;
  } finally {
    stopNotifying();
    stopListening();
  }
}
