/**
 * The sampler contract, as Optuna's `BaseSampler` in camelCase: a sampler proposes parameter
 * values, jointly for a relative search space (`sampleRelative`, once per trial) and one at a
 * time for the rest (`sampleIndependent`). Bring your own by implementing it.
 *
 * @example A sampler that always proposes the middle of the range
 * ```ts
 * import assert from "node:assert/strict";
 * import { createStudy, FloatDistribution, type Sampler } from "@optuna-deno/artifacts";
 * const middle: Sampler = {
 *   inferRelativeSearchSpace: () => ({}),
 *   sampleRelative: () => ({}),
 *   sampleIndependent: (_study, _trial, _name, distribution) =>
 *     distribution instanceof FloatDistribution ? (distribution.low + distribution.high) / 2 : null,
 * };
 * const study = await createStudy({ sampler: middle });
 * const trial = await study.ask();
 * assert.equal(await trial.suggestFloat("x", 0, 10), 5);
 * ```
 *
 * @module
 */
import type { Distribution, ParamValue } from "../distributions/distributions.ts";
import type { FrozenTrial, TrialState } from "../storages/types.ts";
import type { Study } from "../study/study.ts";

/** A value, or a promise of it: samplers may be synchronous or not. */
export type MaybePromise<T> = T | Promise<T>;

/** A sampler, as Optuna's `BaseSampler`. */
export interface Sampler {
  /**
   * The parameters to sample jointly in this trial (Python's `infer_relative_search_space`).
   *
   * @param study The study.
   * @param trial The trial being run.
   * @returns Parameter name to distribution; `{}` for none.
   */
  inferRelativeSearchSpace(
    study: Study,
    trial: FrozenTrial,
  ): MaybePromise<Record<string, Distribution>>;
  /**
   * Samples the relative search space jointly, once per trial, at its first suggestion that
   * is not fixed.
   *
   * @param study The study.
   * @param trial The trial being run.
   * @param searchSpace What `inferRelativeSearchSpace` returned.
   * @returns Parameter name to external value; `{}` to sample each independently.
   */
  sampleRelative(
    study: Study,
    trial: FrozenTrial,
    searchSpace: Record<string, Distribution>,
  ): MaybePromise<Record<string, ParamValue>>;
  /**
   * Samples one parameter that the relative sampling did not give.
   *
   * @param study The study.
   * @param trial The trial being run.
   * @param paramName The parameter.
   * @param distribution Its distribution.
   * @returns The external value.
   */
  sampleIndependent(
    study: Study,
    trial: FrozenTrial,
    paramName: string,
    distribution: Distribution,
  ): MaybePromise<ParamValue>;
  /**
   * Called when a trial starts (optional).
   *
   * @param study The study.
   * @param trial The trial.
   */
  beforeTrial?(study: Study, trial: FrozenTrial): MaybePromise<void>;
  /**
   * Called before a trial is told finished (optional).
   *
   * @param study The study.
   * @param trial The trial.
   * @param state Its final state.
   * @param values Its values, or `null`.
   */
  afterTrial?(
    study: Study,
    trial: FrozenTrial,
    state: TrialState,
    values: number[] | null,
  ): MaybePromise<void>;
}
