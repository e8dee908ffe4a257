/**
 * Optuna's `FloatDistribution`, and the legacy float classes read from older studies.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { FloatDistribution } from "@optuna-deno/artifacts";
 * assert.equal(new FloatDistribution(0, 1, { step: 0.3 }).high, 0.9);
 * ```
 *
 * @module
 */
import {
  add,
  decimal,
  divideToIntegral,
  lessThan,
  multiply,
  remainder,
  subtract,
  toNumber,
} from "./_decimal.ts";
import { pythonFloat } from "../_common/python_json.ts";
import { checkBounds, numericInternal } from "./_checks.ts";
import { pythonRepr } from "./_python_repr.ts";
import type { Distribution, ParamValue } from "./distributions.ts";

/** The Python classes a float distribution is read as; all but the first are Optuna's legacy ones. */
export type FloatDistributionClass =
  | "FloatDistribution"
  | "UniformDistribution"
  | "LogUniformDistribution"
  | "DiscreteUniformDistribution";

/** Options of {@linkcode FloatDistribution}. */
export interface FloatDistributionOptions {
  /**
   * Sample in the log domain; needs `low > 0` and no `step`.
   *
   * @default {false}
   */
  log?: boolean;
  /** A discretization step; `high` is lowered to the last step below it, as Python does. */
  step?: number | null;
  /**
   * The Python class this distribution is, as recorded in its JSON (legacy classes come from
   * Optuna before 3.0 and stay distinct, as in Python).
   *
   * @default {"FloatDistribution"}
   */
  className?: FloatDistributionClass;
}

/**
 * A distribution on floats, as Optuna's `FloatDistribution` (and the legacy `Uniform`,
 * `LogUniform` and `DiscreteUniform` distributions, read from older studies).
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { FloatDistribution } from "@optuna-deno/artifacts";
 * assert.throws(() => new FloatDistribution(0, 1, { log: true }), RangeError);
 * assert.equal(new FloatDistribution(1e-5, 1, { log: true }).contains(0.5), true);
 * ```
 */
export class FloatDistribution {
  /** The Python class, as in the distribution's JSON. */
  readonly className: FloatDistributionClass;
  /** The lower endpoint, included. */
  readonly low: number;
  /** The upper endpoint, included (after the step adjustment). */
  readonly high: number;
  /** Whether values are sampled in the log domain. */
  readonly log: boolean;
  /** The discretization step, or `null`. */
  readonly step: number | null;

  /**
   * Validates and makes the distribution, as Python's constructor.
   *
   * @param low The lower endpoint.
   * @param high The upper endpoint.
   * @param options Log domain, step, Python class.
   * @throws {RangeError} For bounds that are not finite, `low > high`, `log` with `low <= 0` or
   *   with a step, or a step that is not positive.
   */
  constructor(low: number, high: number, options: FloatDistributionOptions = {}) {
    const log = options.log ?? false;
    const step = options.step ?? null;
    checkBounds("FloatDistribution", low, high);
    if (log && step !== null) {
      throw new RangeError("Cannot make a FloatDistribution with both log and step; choose one");
    }
    if (log && low <= 0) {
      throw new RangeError(
        `Cannot make a log FloatDistribution with low ${low}: low must be above 0`,
      );
    }
    if (step !== null && !(step > 0 && Number.isFinite(step))) {
      throw new RangeError(`Cannot make a FloatDistribution with step ${step}: use a step above 0`);
    }
    this.className = options.className ?? "FloatDistribution";
    this.low = low;
    this.high = step === null ? high : adjustedFloatHigh(low, high, step);
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
   * Converts an internal value to the external one.
   *
   * @param internal The internal float.
   * @returns The same number.
   */
  toExternalRepr(internal: number): number {
    return internal;
  }

  /**
   * Tells whether the range holds a single value.
   *
   * @returns `true` for one value.
   */
  single(): boolean {
    if (this.step === null || this.low === this.high) return this.low === this.high;
    return lessThan(subtract(decimal(this.high), decimal(this.low)), decimal(this.step));
  }

  /**
   * Tells whether an internal value lies in the range (and on a step), as Python's `_contains`.
   *
   * @param internal The internal value.
   * @returns `true` when it does.
   */
  contains(internal: number): boolean {
    if (!(this.low <= internal && internal <= this.high)) return false;
    if (this.step === null) return true;
    const k = (internal - this.low) / this.step;
    return Math.abs(k - Math.round(k)) < 1e-8;
  }

  /**
   * Compares with another distribution as Python's `==`: same class and attributes.
   *
   * @param other The other distribution.
   * @returns `true` when they are equal.
   */
  equals(other: Distribution): boolean {
    return other instanceof FloatDistribution && other.className === this.className &&
      other.low === this.low && other.high === this.high && other.log === this.log &&
      other.step === this.step;
  }

  /**
   * Formats as Python's `repr`, for messages.
   *
   * @returns Such as `FloatDistribution(high=1.0, log=False, low=0.0, step=None)`.
   */
  toString(): string {
    return pythonRepr(this.className, this.pythonAttributes());
  }

  /**
   * The attributes as Python's `_asdict()` lists them, in its order, as Python literals: the
   * `attributes` of `distribution_to_json`.
   *
   * @returns Attribute name to its Python literal text (`"0.0"`, `"null"`, `"false"`, ...)).
   */
  pythonAttributes(): Record<string, string> {
    const low = pythonFloat(this.low);
    const high = pythonFloat(this.high);
    const step = this.step === null ? "null" : pythonFloat(this.step);
    switch (this.className) {
      case "UniformDistribution":
      case "LogUniformDistribution":
        return { low, high };
      case "DiscreteUniformDistribution":
        return { low, high, q: step };
      default:
        return { step, low, high, log: String(this.log) };
    }
  }
}

// Python's _adjust_discrete_uniform_high, in its decimal arithmetic: the last step at or below high.
function adjustedFloatHigh(low: number, high: number, step: number): number {
  const range = subtract(decimal(high), decimal(low));
  const dStep = decimal(step);
  if (remainder(range, dStep).coefficient === 0n) return high;
  return toNumber(add(multiply(divideToIntegral(range, dStep), dStep), decimal(low)));
}
