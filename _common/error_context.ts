// Adds what was being done to an I/O error ("Cannot append to journal "x": No space left on
// device"), keeping its class, so callers still catch Deno.errors.* by class, its `code`
// ("ENOSPC", which node:fs errors carry instead of a class), and the original as `cause`.

/** Returns `error` with `context` in front of its message, of the same class where possible. */
export function withContext(error: unknown, context: string): unknown {
  if (!(error instanceof Error)) return error;
  const message = `${context}: ${error.message}`;
  try {
    const ErrorClass = error.constructor as new (message: string, options?: ErrorOptions) => Error;
    const wrapped = new ErrorClass(message, { cause: error });
    if (wrapped instanceof Error && wrapped.message === message) return withCode(wrapped, error);
  } catch {
    // a constructor with another signature
  }
  return withCode(new Error(message, { cause: error }), error);
}

function withCode(wrapped: Error, error: Error): Error {
  const { code } = error as { code?: unknown };
  return code === undefined ? wrapped : Object.assign(wrapped, { code });
}
