// File streams shared by the FileSystem store, uploads and downloads. Chunks are large
// (1 MiB) because each read or write is one async operation: 64 KiB chunks make a 1 GiB copy
// several times slower than `cp`.

import { abortableStream } from "./stream.ts";
import { onAbort } from "./abort.ts";
import { StreamFiller } from "./stream_filler.ts";
import { yieldTurn } from "./sleep.ts";
import type { LocalFile } from "./types.ts";

const READ_CHUNK_SIZE = 1024 * 1024;

const WRITE_BUFFER_SIZE = 1024 * 1024;

/** Writes all of `chunk` to `file`, however many calls that takes. */
export async function writeAll(file: LocalFile, chunk: Uint8Array): Promise<void> {
  let written = 0;
  while (written < chunk.length) written += await file.write(chunk.subarray(written));
}

/**
 * A stream over an open file that closes it exactly once: at the end, on cancel or on abort;
 * with `limit`, after that many bytes.
 */
export function readableFromFile(
  file: LocalFile,
  signal?: AbortSignal,
  limit = Infinity,
): ReadableStream<Uint8Array> {
  let left = limit;
  return abortableStream({
    async next() {
      if (left <= 0) return null;
      const buffer = new Uint8Array(Math.min(READ_CHUNK_SIZE, left));
      const count = await file.read(buffer);
      if (count === null) return null;
      left -= count;
      return buffer.subarray(0, count);
    },
    release: () => file.close(),
  }, signal);
}

// The synchronous copy loop: a yield to the event loop every this many bytes bounds how long
// one turn of it blocks (4 reads and writes of 1 MiB, about 2.5 ms here).
const YIELD_EVERY = 4 * 1024 * 1024;

/** Options of {@linkcode copySync}. */
export interface CopyOptions {
  /** Checked between chunks. */
  signal?: AbortSignal;
  /**
   * Shown each chunk, in order (the buffer is reused once it returns). Set, the copy runs as
   * {@linkcode copyObserved} does, so that a hash over the chunks overlaps the writes.
   */
  onChunk?: (chunk: Uint8Array) => void;
  /** Turns an error of writing the target into the one to throw (adds what was written). */
  onWriteError?: (error: unknown) => unknown;
}

/**
 * Copies the rest of `source` into `target` through one reused buffer, with synchronous reads
 * and writes: about 3x faster than async operations per chunk for a local file. With
 * `onChunk`, copies as {@linkcode copyObserved}.
 */
export async function copySync(
  source: LocalFile,
  target: LocalFile,
  options: CopyOptions = {},
): Promise<number> {
  if (options.onChunk) return await copyObserved(source, target, options);
  const buffer = new Uint8Array(READ_CHUNK_SIZE);
  let copied = 0;
  let sinceYield = 0;
  while (true) {
    options.signal?.throwIfAborted();
    const count = source.readSync(buffer);
    if (count === null) return copied;
    try {
      let written = 0;
      while (written < count) written += target.writeSync(buffer.subarray(written, count));
    } catch (error) {
      throw options.onWriteError?.(error) ?? error;
    }
    copied += count;
    sinceYield += count;
    if (sinceYield >= YIELD_EVERY) {
      sinceYield = 0;
      await yieldTurn();
    }
  }
}

/**
 * Copies the rest of `source` into `target` through two reused buffers, showing each chunk to
 * `onChunk` (on this thread) while the previous chunk is written (an async write, on Deno's
 * I/O threads). A SHA-256 of a 1 GiB copy then costs about the hash alone, not hash plus copy.
 */
export async function copyObserved(
  source: LocalFile,
  target: LocalFile,
  options: CopyOptions = {},
): Promise<number> {
  const buffers = [new Uint8Array(READ_CHUNK_SIZE), new Uint8Array(READ_CHUNK_SIZE)];
  let writing: Promise<void> | undefined;
  let copied = 0;
  const write = (chunk: Uint8Array) =>
    writeAll(target, chunk).catch((error) => {
      throw options.onWriteError?.(error) ?? error;
    });
  try {
    for (let turn = 0;; turn ^= 1) {
      options.signal?.throwIfAborted();
      // This buffer's last write was awaited in the turn before: it is free to fill.
      const count = source.readSync(buffers[turn]);
      if (count === null) break;
      const chunk = buffers[turn].subarray(0, count);
      options.onChunk?.(chunk);
      await writing;
      writing = write(chunk);
      copied += count;
    }
    await writing;
  } catch (error) {
    await writing?.catch(() => {}); // never leave a write in flight on a buffer
    throw error;
  }
  return copied;
}

/**
 * Writes a stream into `file` through two reused 1 MiB buffers, one filling while the other is
 * written on Deno's I/O threads (network streams deliver chunks of 16 to 64 KiB, and one async
 * write per chunk makes a download several times slower). A byte stream (the body of a `fetch`) is read straight into them (BYOB), so no chunk
 * is allocated on the way: a 1 GiB S3 download then peaked at 91 MiB instead of 156 MiB, and
 * took 1.6-2.2 s instead of 2.4-3.0 s. Other streams' chunks are copied in. `onChunk` is shown
 * every byte, in chunks of up to 1 MiB. An abort of `signal` cancels the stream at once, even
 * in the middle of a read.
 */
export async function copyStreamToFile(
  stream: ReadableStream<Uint8Array>,
  file: LocalFile,
  options: CopyOptions = {},
): Promise<number> {
  const { signal, onChunk } = options;
  signal?.throwIfAborted();
  const filler = new StreamFiller(stream);
  const stopListening = onAbort(signal, (reason) => filler.cancel(reason));
  const buffers = [new ArrayBuffer(WRITE_BUFFER_SIZE), new ArrayBuffer(WRITE_BUFFER_SIZE)];
  let writing: Promise<void> | undefined;
  let copied = 0;
  try {
    for (let turn = 0;; turn ^= 1) {
      // This buffer's last write was awaited in the turn before: it is free to fill.
      const { buffer, used, done } = await filler.fill(buffers[turn]);
      buffers[turn] = buffer;
      signal?.throwIfAborted(); // a cancel by the abort ends the stream early: never a success
      if (used > 0) {
        const chunk = new Uint8Array(buffer, 0, used);
        onChunk?.(chunk);
        await writing;
        writing = writeAll(file, chunk).catch((error) => {
          throw options.onWriteError?.(error) ?? error;
        });
        copied += used;
      }
      if (done) break;
    }
    await writing;
    return copied;
  } catch (error) {
    await writing?.catch(() => {}); // never leave a write in flight on a buffer
    await filler.cancel(error);
    throw error;
  } finally {
    stopListening();
    filler.release();
  }
}
