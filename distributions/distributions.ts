/**
 * Parameter distributions, as Optuna's `optuna.distributions`: the range a trial's parameter is
 * drawn from, with Optuna's validation, step adjustment and internal representation (a float;
 * a categorical parameter is stored as the index of its choice).
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { CategoricalDistribution, FloatDistribution } from "@optuna-deno/artifacts";
 * const x = new FloatDistribution(0, 1, { step: 0.3 });
 * assert.equal(x.high, 0.9); // adjusted to the last step, as Python does
 * const c = new CategoricalDistribution(["adam", "sgd"]);
 * assert.equal(c.toInternalRepr("sgd"), 1);
 * assert.equal(c.toExternalRepr(1), "sgd");
 * ```
 *
 * @module
 */
import {
  decimal,
  divideToIntegral,
  lessThan,
  multiply,
  remainder,
  subtract,
  toNumber,
} from "./_decimal.ts";
import { add } from "./_decimal.ts";
import { pythonFloat, pythonJsonDumps, pythonNumber } from "../_common/python_json.ts";

/** A categorical choice: the types Optuna's storages keep. */
export type CategoricalChoice = null | boolean | number | string;

/** A parameter's value as the objective sees it (Optuna's external representation). */
export type ParamValue = CategoricalChoice;

/** The Python classes a float distribution is read as; all but the first are Optuna's legacy ones. */
export type FloatDistributionClass =
  | "FloatDistribution"
  | "UniformDistribution"
  | "LogUniformDistribution"
  | "DiscreteUniformDistribution";

/** The Python classes an integer distribution is read as; all but the first are legacy ones. */
export type IntDistributionClass =
  | "IntDistribution"
  | "IntUniformDistribution"
  | "IntLogUniformDistribution";

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
    return pythonRepr(this.className, pythonAttributes(this));
  }
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
    return pythonRepr(this.className, pythonAttributes(this));
  }
}

/**
 * A categorical distribution, as Optuna's `CategoricalDistribution`: its internal value is the
 * index of the choice.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { CategoricalDistribution } from "@optuna-deno/artifacts";
 * const d = new CategoricalDistribution([null, true, 2.5, "x"]);
 * assert.equal(d.toInternalRepr("x"), 3);
 * assert.throws(() => new CategoricalDistribution([]), RangeError);
 * ```
 */
export class CategoricalDistribution {
  /** The Python class, as in the distribution's JSON. */
  readonly className = "CategoricalDistribution" as const;
  /** The choices, in order. */
  readonly choices: readonly CategoricalChoice[];

  /**
   * Validates and makes the distribution.
   *
   * @param choices One or more choices: `null`, booleans, numbers or strings.
   * @throws {RangeError} When there is no choice.
   * @throws {TypeError} When a choice is of another type (Python only warns; its storages
   *   cannot keep such a choice).
   */
  constructor(choices: readonly CategoricalChoice[]) {
    if (!Array.isArray(choices) || choices.length === 0) {
      throw new RangeError(
        "Cannot make a CategoricalDistribution without choices: give one or more",
      );
    }
    for (const choice of choices) {
      if (!isChoice(choice)) {
        throw new TypeError(
          `Cannot use the choice ${String(choice)} (${typeof choice}): choices must be null, ` +
            "booleans, numbers or strings, as Optuna's storages keep them",
        );
      }
    }
    this.choices = Object.freeze([...choices]);
    Object.freeze(this);
  }

  /**
   * Finds a value's choice index (NaN matches NaN).
   *
   * @param value The value.
   * @returns Its index.
   * @throws {RangeError} When it is not one of the choices.
   */
  toInternalRepr(value: ParamValue): number {
    const index = this.choices.findIndex((choice) => choiceEqual(choice, value));
    if (index < 0) {
      throw new RangeError(
        `Cannot find ${pythonJsonDumps(value)} among the choices ${
          pythonJsonDumps([...this.choices])
        }`,
      );
    }
    return index;
  }

  /**
   * Returns the choice at an internal index.
   *
   * @param internal The index, as a float.
   * @returns The choice.
   * @throws {RangeError} When there is no such index.
   */
  toExternalRepr(internal: number): CategoricalChoice {
    const index = Math.trunc(internal);
    if (!(index >= 0 && index < this.choices.length)) {
      throw new RangeError(
        `Cannot read choice index ${internal}: the distribution has ${this.choices.length} choices`,
      );
    }
    return this.choices[index];
  }

  /**
   * Tells whether there is a single choice.
   *
   * @returns `true` for one choice.
   */
  single(): boolean {
    return this.choices.length === 1;
  }

  /**
   * Tells whether an internal index names a choice.
   *
   * @param internal The index.
   * @returns `true` when it does.
   */
  contains(internal: number): boolean {
    const index = Math.trunc(internal);
    return index >= 0 && index < this.choices.length;
  }

  /**
   * Compares with another distribution as Python's `==`: the same choices in order.
   *
   * @param other The other distribution.
   * @returns `true` when they are equal.
   */
  equals(other: Distribution): boolean {
    return other instanceof CategoricalDistribution &&
      other.choices.length === this.choices.length &&
      other.choices.every((choice, i) => choiceEqual(choice, this.choices[i]));
  }

  /**
   * Formats as Python's `repr`, for messages.
   *
   * @returns Such as `CategoricalDistribution(choices=('a', 'b'))`.
   */
  toString(): string {
    return `CategoricalDistribution(choices=(${this.choices.map(pythonLiteral).join(", ")}${
      this.choices.length === 1 ? "," : ""
    }))`;
  }
}

/** Any of Optuna's distributions. */
export type Distribution = FloatDistribution | IntDistribution | CategoricalDistribution;

/**
 * The attributes of a distribution as Python's `_asdict()` lists them, in its order, with
 * numbers formatted as Python floats or ints: the `attributes` of `distribution_to_json`.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { FloatDistribution, pythonAttributes } from "@optuna-deno/artifacts";
 * assert.deepEqual(Object.keys(pythonAttributes(new FloatDistribution(0, 1))), [
 *   "step",
 *   "low",
 *   "high",
 *   "log",
 * ]);
 * ```
 *
 * @param distribution The distribution.
 * @returns Attribute name to its Python literal text (`"0.0"`, `"null"`, `"false"`, ...).
 */
export function pythonAttributes(distribution: Distribution): Record<string, string> {
  if (distribution instanceof CategoricalDistribution) {
    return { choices: pythonJsonDumps([...distribution.choices]) };
  }
  if (distribution instanceof FloatDistribution) {
    const low = pythonFloat(distribution.low);
    const high = pythonFloat(distribution.high);
    const step = distribution.step === null ? "null" : pythonFloat(distribution.step);
    switch (distribution.className) {
      case "UniformDistribution":
      case "LogUniformDistribution":
        return { low, high };
      case "DiscreteUniformDistribution":
        return { low, high, q: step };
      default:
        return { step, low, high, log: String(distribution.log) };
    }
  }
  const step = pythonNumber(distribution.step);
  const low = pythonNumber(distribution.low);
  const high = pythonNumber(distribution.high);
  return distribution.className === "IntDistribution"
    ? { log: String(distribution.log), step, low, high }
    : { step, low, high };
}

/**
 * The one value of a distribution whose range holds one (Python's `_get_single_value`).
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { IntDistribution, singleValue } from "@optuna-deno/artifacts";
 * assert.equal(singleValue(new IntDistribution(3, 3)), 3);
 * ```
 *
 * @param distribution A distribution whose `single()` is true.
 * @returns Its low end, or its first choice.
 */
export function singleValue(distribution: Distribution): ParamValue {
  return distribution instanceof CategoricalDistribution
    ? distribution.choices[0]
    : distribution.low;
}

function checkBounds(kind: string, low: number, high: number): void {
  for (const [what, value] of [["low", low], ["high", high]] as const) {
    if (typeof value !== "number" || !Number.isFinite(value)) {
      throw new RangeError(`Cannot make a ${kind} with ${what} ${value}: use a finite number`);
    }
  }
  if (low > high) {
    throw new RangeError(`Cannot make a ${kind} with low ${low} above high ${high}`);
  }
}

// Python's _adjust_discrete_uniform_high, in its decimal arithmetic: the last step at or below high.
function adjustedFloatHigh(low: number, high: number, step: number): number {
  const range = subtract(decimal(high), decimal(low));
  const dStep = decimal(step);
  if (remainder(range, dStep).coefficient === 0n) return high;
  return toNumber(add(multiply(divideToIntegral(range, dStep), dStep), decimal(low)));
}

function numericInternal(value: ParamValue, log: boolean): number {
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

function isChoice(value: unknown): value is CategoricalChoice {
  return value === null || ["boolean", "number", "string"].includes(typeof value);
}

/** Python's `_categorical_choice_equal`: equal, or both NaN. */
function choiceEqual(a: ParamValue, b: ParamValue): boolean {
  return a === b || (Number.isNaN(a) && Number.isNaN(b));
}

function pythonLiteral(value: CategoricalChoice): string {
  if (value === null) return "None";
  if (typeof value === "boolean") return value ? "True" : "False";
  if (typeof value === "string") return pythonStringRepr(value);
  return Number.isNaN(value) ? "nan" : pythonNumber(value);
}

/** Python's `repr(str)`: single quotes unless only double quotes avoid escaping. */
function pythonStringRepr(value: string): string {
  const quote = value.includes("'") && !value.includes('"') ? '"' : "'";
  const escapes: Record<string, string> = { "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t" };
  // deno-lint-ignore no-control-regex -- Python escapes control characters in a repr
  const body = value.replace(/[\\\n\r\t\x00-\x1f\x7f'"]/g, (c) => {
    if (c in escapes) return escapes[c];
    if (c === "'" || c === '"') return c === quote ? "\\" + c : c;
    return "\\x" + c.charCodeAt(0).toString(16).padStart(2, "0");
  });
  return quote + body + quote;
}

function pythonRepr(className: string, attributes: Record<string, string>): string {
  const literal = (text: string) =>
    text === "null" ? "None" : text === "true" ? "True" : text === "false" ? "False" : text;
  return `${className}(${
    Object.keys(attributes).sort().map((key) => `${key}=${literal(attributes[key])}`).join(", ")
  })`;
}
