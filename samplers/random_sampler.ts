/**
 * Random search, as Optuna's `RandomSampler`: every parameter is drawn independently and
 * uniformly (in the log domain for log parameters), from numpy's Mersenne Twister with
 * numpy's seeding, so a seed gives Python's draws.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { createStudy, RandomSampler } from "@optuna-deno/artifacts";
 * const draw = async () => {
 *   const study = await createStudy({ sampler: new RandomSampler({ seed: 42 }) });
 *   return await (await study.ask()).suggestFloat("x", -10, 10);
 * };
 * assert.equal(await draw(), await draw()); // seeded: reproducible
 * ```
 *
 * @module
 */
import type { Distribution, ParamValue } from "../distributions/distributions.ts";
import type { FrozenTrial } from "../storages/types.ts";
import type { Study } from "../study/study.ts";
import { RandomState } from "./_random_state.ts";
import { sampleUniform } from "./_search_space_transform.ts";
import type { Sampler } from "./sampler.ts";

/** Options of {@linkcode RandomSampler}. */
export interface RandomSamplerOptions {
  /** An integer seed from 0 to 2 ** 32 - 1; unset draws one from the system. */
  seed?: number;
}

/**
 * A {@linkcode Sampler} that draws each parameter uniformly at random.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { createStudy, RandomSampler } from "@optuna-deno/artifacts";
 * const study = await createStudy({ sampler: new RandomSampler({ seed: 1 }) });
 * await study.optimize((trial) => trial.suggestInt("n", 1, 3), { nTrials: 5 });
 * assert.equal((await study.trials()).length, 5);
 * ```
 */
export class RandomSampler implements Sampler {
  #rng: RandomState;

  /**
   * Makes the sampler.
   *
   * @param options The seed.
   */
  constructor(options: RandomSamplerOptions = {}) {
    this.#rng = new RandomState(options.seed);
  }

  /** Reseeds from the system's entropy, as Python's `reseed_rng`. */
  reseedRng(): void {
    this.#rng.seed();
  }

  /**
   * Random search samples nothing jointly.
   *
   * @returns `{}`.
   */
  inferRelativeSearchSpace(): Record<string, Distribution> {
    return {};
  }

  /**
   * Random search samples nothing jointly.
   *
   * @returns `{}`.
   */
  sampleRelative(): Record<string, ParamValue> {
    return {};
  }

  /**
   * Draws one value.
   *
   * @param _study The study (unused).
   * @param _trial The trial (unused).
   * @param _paramName The parameter (unused).
   * @param distribution Its distribution.
   * @returns A uniform draw.
   */
  sampleIndependent(
    _study: Study,
    _trial: FrozenTrial,
    _paramName: string,
    distribution: Distribution,
  ): ParamValue {
    return sampleUniform(this.#rng, distribution);
  }
}
