/**
 * Turns a recorded file name into one that is safe to write under: other programs and people
 * write the storage, so a recorded name is untrusted input wherever it becomes a path or a
 * header.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { safeFilename, StorageFormatError } from "@optuna-deno/artifacts";
 * assert.equal(safeFilename("plots/loss.svg"), "loss.svg");
 * assert.equal(safeFilename("../../etc/passwd"), "passwd");
 * assert.throws(() => safeFilename(".."), StorageFormatError);
 * ```
 *
 * @module
 */
import { StorageFormatError } from "../storages/errors.ts";

// C0 controls, DEL and C1 controls: never part of a file name a person means to write.
// deno-lint-ignore no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * Returns the base name of a recorded file name (the part after the last `/` or `\`), and
 * refuses one that is empty, `.` or `..`, or holds NUL or another control character. Joined
 * to a folder, the result never leads outside it.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { safeFilename } from "@optuna-deno/artifacts";
 * assert.equal(safeFilename("C:\\runs\\model.pt"), "model.pt");
 * assert.throws(() => safeFilename("a\u0000b"), /control character/);
 * ```
 *
 * @param filename A file name read from a storage (an artifact's `filename`).
 * @returns Its base name.
 * @throws {StorageFormatError} When no safe base name is left.
 */
export function safeFilename(filename: string): string {
  const base = filename.split(/[\\/]/).at(-1) ?? "";
  const refuse = (why: string) =>
    new StorageFormatError(
      `Cannot use the recorded file name ${JSON.stringify(filename)} as a file name: ${why}; ` +
        "give a name of your own (such as -o FILE on the command line)",
    );
  if (CONTROL.test(filename)) throw refuse("it holds a control character");
  if (base === "") throw refuse("its base name is empty");
  if (base === "." || base === "..") throw refuse(`its base name is "${base}"`);
  return base;
}
