// Stream plumbing shared by the stores and the helpers.
import type { StreamSource } from "../stores/types.ts";

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
  const onAbort = () => {
    reader.cancel(signal?.reason).catch(() => {});
  };
  signal?.addEventListener("abort", onAbort, { once: true });
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
    signal?.removeEventListener("abort", onAbort);
    reader.releaseLock();
  }
}

/** Passes `stream` through, calling `onBytes` with the running total after each chunk. */
export function countBytes(
  stream: ReadableStream<Uint8Array>,
  onBytes: (loaded: number) => void,
): ReadableStream<Uint8Array> {
  let loaded = 0;
  return stream.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        loaded += chunk.length;
        controller.enqueue(chunk);
        onBytes(loaded);
      },
    }),
  );
}
