/**
 * Whether a parameter may take a new distribution, as Optuna's
 * `check_distribution_compatibility`: a parameter keeps its kind (class), its log setting and,
 * if categorical, its choices across a study; its range may change (Python warns).
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import {
 *   checkDistributionCompatibility,
 *   FloatDistribution,
 *   IncompatibleDistributionError,
 *   IntDistribution,
 * } from "@optuna-deno/artifacts";
 * checkDistributionCompatibility(new FloatDistribution(0, 1), new FloatDistribution(0, 2));
 * assert.throws(
 *   () => checkDistributionCompatibility(new FloatDistribution(0, 1), new IntDistribution(0, 1)),
 *   IncompatibleDistributionError,
 * );
 * ```
 *
 * @module
 */
import { CategoricalDistribution, type Distribution } from "./distributions.ts";

/**
 * Raised when a parameter is given a distribution that cannot replace the one it has in the
 * study (Python raises `ValueError`).
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { FloatDistribution, IncompatibleDistributionError, IntDistribution } from "@optuna-deno/artifacts";
 * const error = new IncompatibleDistributionError(
 *   new FloatDistribution(0, 1),
 *   new IntDistribution(0, 1),
 *   "x",
 * );
 * assert.equal(error.paramName, "x");
 * ```
 */
export class IncompatibleDistributionError extends Error {
  /** The parameter, when known. */
  readonly paramName: string | undefined;
  /** The distribution the parameter has. */
  readonly recorded: Distribution;
  /** The distribution that was refused. */
  readonly given: Distribution;

  /**
   * Creates the error.
   *
   * @param recorded The distribution the parameter has.
   * @param given The distribution that was refused.
   * @param paramName The parameter, when known.
   */
  constructor(recorded: Distribution, given: Distribution, paramName?: string) {
    const what = paramName === undefined ? "the parameter" : `parameter "${paramName}"`;
    const why = recorded.className !== given.className
      ? "a parameter keeps its distribution kind"
      : recorded instanceof CategoricalDistribution
      ? "a categorical parameter keeps its choices"
      : "a parameter keeps its log setting";
    super(
      `Cannot use ${given} for ${what}: the study records it as ${recorded}, and ${why}; ` +
        "use another parameter name",
    );
    this.name = "IncompatibleDistributionError";
    this.paramName = paramName;
    this.recorded = recorded;
    this.given = given;
  }
}

/**
 * Checks that `given` may be recorded for a parameter that has `recorded`.
 *
 * @example Usage
 * ```ts
 * import { CategoricalDistribution, checkDistributionCompatibility } from "@optuna-deno/artifacts";
 * checkDistributionCompatibility(
 *   new CategoricalDistribution(["a", "b"]),
 *   new CategoricalDistribution(["a", "b"]),
 *   "optimizer",
 * );
 * ```
 *
 * @param recorded The distribution the parameter has.
 * @param given The new distribution.
 * @param paramName The parameter, for the message.
 * @throws {IncompatibleDistributionError} When the class, the log setting or (categorical) the
 *   choices differ.
 */
export function checkDistributionCompatibility(
  recorded: Distribution,
  given: Distribution,
  paramName?: string,
): void {
  if (recorded.className !== given.className) {
    throw new IncompatibleDistributionError(recorded, given, paramName);
  }
  if (recorded instanceof CategoricalDistribution) {
    if (!recorded.equals(given)) {
      throw new IncompatibleDistributionError(recorded, given, paramName);
    }
    return;
  }
  if (recorded.log !== (given as Exclude<Distribution, CategoricalDistribution>).log) {
    throw new IncompatibleDistributionError(recorded, given, paramName);
  }
}
