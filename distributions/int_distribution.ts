/**
 * Optuna's `IntDistribution`, and the legacy integer classes read from older studies.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { IntDistribution } from "@optuna-deno/artifacts";
 * assert.equal(new IntDistribution(0, 10, { step: 3 }).high, 9);
 * ```
 *
 * @module
 */
import { pythonNumber } from "../_common/python_json.ts";
import { checkBounds, numericInternal } from "./_checks.ts";
import { pythonRepr } from "./_python_repr.ts";
import type { Distribution, ParamValue } from "./distributions.ts";

/** The Python classes an integer distribution is read as; all but the first are legacy ones. */
export type IntDistributionClass =
  | "IntDistribution"
  | "IntUniformDistribution"
  | "IntLogUniformDistribution";

/** Options of {@linkcode IntDistribution}. */
export interface IntDistributionOptions {
  /**
   * Sample in the log domain; needs `low >= 1` and `step` 1.
   *
   * @default {false}
   */
  log?: boolean;
  /**
   * A discretization step; `high` is lowered to the last step below it.
   *
   * @default {1}
   */
  step?: number;
  /**
   * The Python class this distribution is, as recorded in its JSON.
   *
   * @default {"IntDistribution"}
   */
  className?: IntDistributionClass;
}

/**
 * A distribution on integers, as Optuna's `IntDistribution` (and the legacy `IntUniform` and
 * `IntLogUniform` distributions).
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { IntDistribution } from "@optuna-deno/artifacts";
 * assert.equal(new IntDistribution(1, 10, { step: 4 }).high, 9);
 * ```
 */
export class IntDistribution {
  /** The Python class, as in the distribution's JSON. */
  readonly className: IntDistributionClass;
  /** The lower endpoint, included. */
  readonly low: number;
  /** The upper endpoint, included (after the step adjustment). */
  readonly high: number;
  /** Whether values are sampled in the log domain. */
  readonly log: boolean;
  /** The discretization step. */
  readonly step: number;

  /**
   * Validates and makes the distribution, as Python's constructor.
   *
   * @param low The lower endpoint, an integer.
   * @param high The upper endpoint, an integer.
   * @param options Log domain, step, Python class.
   * @throws {TypeError} When a bound or the step is not an integer.
   * @throws {RangeError} For `low > high`, `log` with `low < 1` or a step other than 1, or a
   *   step that is not positive.
   */
  constructor(low: number, high: number, options: IntDistributionOptions = {}) {
    const log = options.log ?? false;
    const step = options.step ?? 1;
    for (const [what, value] of [["low", low], ["high", high], ["step", step]] as const) {
      if (!Number.isSafeInteger(value)) {
        throw new TypeError(`Cannot make an IntDistribution with ${what} ${value}: use an integer`);
      }
    }
    if (log && step !== 1) {
      throw new RangeError("Cannot make a log IntDistribution with a step other than 1");
    }
    checkBounds("IntDistribution", low, high);
    if (log && low < 1) {
      throw new RangeError(
        `Cannot make a log IntDistribution with low ${low}: low must be 1 or more`,
      );
    }
    if (step <= 0) {
      throw new RangeError(`Cannot make an IntDistribution with step ${step}: use a step above 0`);
    }
    this.className = options.className ?? "IntDistribution";
    this.low = low;
    // Python's _adjust_int_uniform_high: the last step at or below high.
    this.high = Math.floor((high - low) / step) * step + low;
    this.log = log;
    this.step = step;
    Object.freeze(this);
  }

  /**
   * Checks an external value and converts it to Optuna's internal float.
   *
   * @param value The value.
   * @returns The same number.
   * @throws {TypeError} When it is not a number.
   * @throws {RangeError} When it is NaN, or not positive in a log distribution.
   */
  toInternalRepr(value: ParamValue): number {
    return numericInternal(value, this.log);
  }

  /**
   * Converts an internal value to the external integer, truncating as Python's `int()`.
   *
   * @param internal The internal float.
   * @returns The integer.
   */
  toExternalRepr(internal: number): number {
    return Math.trunc(internal);
  }

  /**
   * Tells whether the range holds a single value.
   *
   * @returns `true` for one value.
   */
  single(): boolean {
    if (this.log || this.low === this.high) return this.low === this.high;
    return this.high - this.low < this.step;
  }

  /**
   * Tells whether an internal value lies in the range, on a step.
   *
   * @param internal The internal value.
   * @returns `true` when it does.
   */
  contains(internal: number): boolean {
    return this.low <= internal && internal <= this.high &&
      (internal - this.low) % this.step === 0;
  }

  /**
   * Compares with another distribution as Python's `==`: same class and attributes.
   *
   * @param other The other distribution.
   * @returns `true` when they are equal.
   */
  equals(other: Distribution): boolean {
    return other instanceof IntDistribution && other.className === this.className &&
      other.low === this.low && other.high === this.high && other.log === this.log &&
      other.step === this.step;
  }

  /**
   * Formats as Python's `repr`, for messages.
   *
   * @returns Such as `IntDistribution(high=9, log=False, low=1, step=4)`.
   */
  toString(): string {
    return pythonRepr(this.className, this.pythonAttributes());
  }

  /**
   * The attributes as Python's `_asdict()` lists them, in its order, as Python literals: the
   * `attributes` of `distribution_to_json`.
   *
   * @returns Attribute name to its Python literal text (`"1"`, `"false"`, ...).
   */
  pythonAttributes(): Record<string, string> {
    const step = pythonNumber(this.step);
    const low = pythonNumber(this.low);
    const high = pythonNumber(this.high);
    return this.className === "IntDistribution"
      ? { log: String(this.log), step, low, high }
      : { step, low, high };
  }
}
