// Private to distributions/: the validation every distribution class shares, as Python's.
import type { CategoricalChoice, ParamValue } from "./distributions.ts";
import { pythonJsonDumps } from "../_common/python_json.ts";

export function checkBounds(kind: string, low: number, high: number): void {
  for (const [what, value] of [["low", low], ["high", high]] as const) {
    if (typeof value !== "number" || !Number.isFinite(value)) {
      throw new RangeError(`Cannot make a ${kind} with ${what} ${value}: use a finite number`);
    }
  }
  if (low > high) {
    throw new RangeError(`Cannot make a ${kind} with low ${low} above high ${high}`);
  }
}

export function numericInternal(value: ParamValue, log: boolean): number {
  if (typeof value !== "number") {
    throw new TypeError(
      `Cannot use ${pythonJsonDumps(value)} as a number parameter: give a number`,
    );
  }
  if (Number.isNaN(value)) throw new RangeError("Cannot use NaN as a parameter value");
  if (log && value <= 0) {
    throw new RangeError(`Cannot use ${value} in a log distribution: give a value above 0`);
  }
  return value;
}

export function isChoice(value: unknown): value is CategoricalChoice {
  return value === null || ["boolean", "number", "string"].includes(typeof value);
}

/** Python's `_categorical_choice_equal`: equal, or both NaN. */
export function choiceEqual(a: ParamValue, b: ParamValue): boolean {
  return a === b || (Number.isNaN(a) && Number.isNaN(b));
}
