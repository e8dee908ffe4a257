// Runs synchronous work behind a promise: a throw becomes a rejection, as an async function's
// would, without the lint rule against async functions that never await.

/** Resolves with `action()`'s result, or rejects with what it throws. */
export function settle<T>(action: () => T): Promise<T> {
  try {
    return Promise.resolve(action());
  } catch (error) {
    return Promise.reject(error);
  }
}
