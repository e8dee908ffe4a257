/**
 * Optuna's `CategoricalDistribution`: its internal value is the index of the choice.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { CategoricalDistribution } from "@optuna-deno/artifacts";
 * assert.equal(new CategoricalDistribution(["adam", "sgd"]).toExternalRepr(1), "sgd");
 * ```
 *
 * @module
 */
import { pythonJsonDumps } from "../_common/python_json.ts";
import { choiceEqual, isChoice } from "./_checks.ts";
import { pythonLiteral } from "./_python_repr.ts";
import type { CategoricalChoice, Distribution, ParamValue } from "./distributions.ts";

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

  /**
   * The attributes as Python's `_asdict()` lists them, in its order, as Python literals: the
   * `attributes` of `distribution_to_json`.
   *
   * @returns Attribute name to its Python literal text (`choices` as `json.dumps` writes them).
   */
  pythonAttributes(): Record<string, string> {
    return { choices: pythonJsonDumps([...this.choices]) };
  }
}
