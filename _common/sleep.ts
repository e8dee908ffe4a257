// A wait that an abort signal cancels, and a yield to the event loop.
import { onAbort } from "./abort.ts";
import { nodeBuiltin } from "./node_builtin.ts";

/** Resolves after `ms` milliseconds; rejects with the signal's reason when it aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      stopListening();
      resolve();
    }, ms);
    const stopListening = onAbort(signal, (reason) => {
      clearTimeout(timer);
      reject(reason);
    });
  });
}

/**
 * Lets the event loop take a turn (I/O, timers) in a long synchronous loop: setImmediate takes
 * 3-10 us on Deno, Node.js and Bun, where a timer (setTimeout 0) takes 1-2 ms.
 */
export function yieldTurn(): Promise<void> {
  const { setImmediate } = nodeBuiltin("node:timers");
  return new Promise((resolve) => setImmediate(resolve));
}
