// Here rather than in storages/errors.ts (which re-exports it): the distributions' JSON codec,
// below the storages, raises it too.

/**
 * Raised when stored data (a journal line, a database schema, an attribute value) is not in
 * the format Optuna writes.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { StorageFormatError } from "@optuna-deno/artifacts";
 * const error = new StorageFormatError('Cannot read line 3 of "a.log": it is not JSON');
 * assert.equal(error.name, "StorageFormatError");
 * ```
 */
export class StorageFormatError extends Error {
  /**
   * Creates the error.
   *
   * @param message What is malformed, where, and what to do.
   * @param options The original error as `cause`.
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "StorageFormatError";
  }
}
