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
import type { CategoricalDistribution } from "./categorical_distribution.ts";
import type { FloatDistribution } from "./float_distribution.ts";
import type { IntDistribution } from "./int_distribution.ts";

export * from "./float_distribution.ts";
export * from "./int_distribution.ts";
export * from "./categorical_distribution.ts";

/** A categorical choice: the types Optuna's storages keep. */
export type CategoricalChoice = null | boolean | number | string;

/** A parameter's value as the objective sees it (Optuna's external representation). */
export type ParamValue = CategoricalChoice;

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
  return distribution.pythonAttributes();
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
  return "choices" in distribution ? distribution.choices[0] : distribution.low;
}
