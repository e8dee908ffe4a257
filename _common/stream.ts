// Stream plumbing shared by the stores and the helpers.
import type { StreamSource } from "./types.ts";
import { onAbort } from "./abort.ts";

/** Returns the stream of one write attempt: calls a factory, or passes a bare stream through. */
export async function resolveSource(content: StreamSource): Promise<ReadableStream<Uint8Array>> {
  return typeof content === "function" ? await content() : content;
}

/**
 * Reads `stream` to its end, awaiting `onChunk` for each chunk (back-pressure). An abort of
 * `signal` cancels the source at once, even in the middle of a pending read, and rejects with
 * the signal's reason; an error of `onChunk` cancels the source too.
 */
export async function pumpStream(
  stream: ReadableStream<Uint8Array>,
  onChunk: (chunk: Uint8Array) => void | Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  signal?.throwIfAborted();
  const reader = stream.getReader();
  const stopListening = onAbort(signal, (reason) => reader.cancel(reason).catch(() => {}));
  try {
    while (true) {
      const { done, value } = await reader.read();
      signal?.throwIfAborted();
      if (done) return;
      await onChunk(value);
    }
  } catch (error) {
    await reader.cancel(error).catch(() => {});
    throw error;
  } finally {
    stopListening();
    reader.releaseLock();
  }
}

/** Where {@linkcode abortableStream} takes its chunks from. */
export interface ChunkSource {
  /** The next chunk, or `null` at the end. */
  next(): Promise<Uint8Array | null> | Uint8Array | null;
  /** Frees what the source holds; `reason` is given when it is stopped before its end. */
  release(reason?: unknown): void;
}

/**
 * A stream over `source` that errors at once when `signal` aborts, even in the middle of a
 * read, and releases the source exactly once: at the end, on an error, on cancel or on the
 * abort.
 */
export function abortableStream(
  source: ChunkSource,
  signal?: AbortSignal,
): ReadableStream<Uint8Array> {
  let released = false;
  let reading: Promise<Uint8Array | null> | Uint8Array | null = null;
  let stopListening = () => {};
  const release = (reason?: unknown) => {
    if (released) return;
    released = true;
    stopListening();
    source.release(reason);
  };
  return new ReadableStream<Uint8Array>({
    start(controller) {
      stopListening = onAbort(signal, (reason) => {
        controller.error(reason);
        release(reason);
      });
    },
    async pull(controller) {
      let chunk: Uint8Array | null;
      try {
        reading = source.next();
        chunk = await reading;
      } catch (error) {
        if (released) return; // aborted or cancelled while reading
        release();
        throw error;
      }
      if (released) return;
      if (chunk === null) {
        release();
        controller.close();
      } else {
        controller.enqueue(chunk);
      }
    },
    async cancel(reason) {
      release(reason ?? new Error("cancelled"));
      // A read in flight (the stream reads one chunk ahead) still runs on Deno's I/O threads;
      // the cancel ends when it does, so nothing of the stream outlives it.
      await Promise.resolve(reading).catch(() => {});
    },
  });
}

/**
 * The first `length` bytes of `stream`. At the range's end it reads once more: a source that kept
 * to the length ends there, one that did not is cancelled.
 */
export function takeBytes(
  stream: ReadableStream<Uint8Array>,
  length: number,
): ReadableStream<Uint8Array> {
  const reader = stream.getReader();
  let left = length;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (left === 0) {
        controller.close();
        const { done } = await reader.read().catch(() => ({ done: true }));
        if (!done) await reader.cancel().catch(() => {});
        return;
      }
      const { done, value } = await reader.read();
      if (done) return controller.close();
      const chunk = value.length > left ? value.subarray(0, left) : value;
      left -= chunk.length;
      controller.enqueue(chunk);
    },
    cancel: (reason) => reader.cancel(reason),
  });
}

/** Passes `stream` through, showing each chunk to `onChunk` on its way. */
export function tapChunks(
  stream: ReadableStream<Uint8Array>,
  onChunk: (chunk: Uint8Array) => void,
): ReadableStream<Uint8Array> {
  return stream.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        onChunk(chunk);
        controller.enqueue(chunk);
      },
    }),
  );
}

/** Passes `stream` through, with each error of its source replaced by `onError`'s result. */
export function mapErrors(
  stream: ReadableStream<Uint8Array>,
  onError: (error: unknown) => unknown,
): ReadableStream<Uint8Array> {
  const reader = stream.getReader();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) controller.close();
        else controller.enqueue(value);
      } catch (error) {
        throw onError(error);
      }
    },
    cancel: (reason) => reader.cancel(reason),
  });
}
