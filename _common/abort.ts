// One way to listen for an abort, so every listener is removed again.

/**
 * Calls `fn` with the signal's reason when `signal` aborts; returns a function that stops
 * listening (call it when the work ends, so no listener outlives it).
 */
export function onAbort(
  signal: AbortSignal | undefined,
  fn: (reason: unknown) => void,
): () => void {
  if (!signal) return () => {};
  const listener = () => fn(signal.reason);
  signal.addEventListener("abort", listener, { once: true });
  return () => signal.removeEventListener("abort", listener);
}
