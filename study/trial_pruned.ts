/**
 * The error an objective throws to stop a trial early, as Optuna's `TrialPruned`:
 * `Study.optimize` tells such a trial PRUNED (with its last intermediate value) and goes on.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { createStudy, TrialPruned } from "@optuna-deno/artifacts";
 * const study = await createStudy();
 * await study.optimize(async (trial) => {
 *   await trial.report(0.5, 0);
 *   throw new TrialPruned();
 * }, { nTrials: 1 });
 * const [trial] = await study.trials();
 * assert.equal(trial.state, "PRUNED");
 * assert.deepEqual(trial.values, [0.5]);
 * ```
 *
 * @module
 */

/**
 * Thrown by an objective to end its trial as PRUNED.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { TrialPruned } from "@optuna-deno/artifacts";
 * assert.equal(new TrialPruned().name, "TrialPruned");
 * ```
 */
export class TrialPruned extends Error {
  /**
   * Creates the error.
   *
   * @param message Why the trial stopped.
   */
  constructor(message = "Trial was pruned") {
    super(message);
    this.name = "TrialPruned";
  }
}
