/**
 * The Tree-structured Parzen Estimator, as Optuna 5.0.0's `TPESampler`
 * (optuna/samplers/_tpe/sampler.py): random search for the first `nStartupTrials`, then the
 * finished trials split into the best `gamma(n)` (`min(ceil(0.1 n), 25)`) and the rest, a
 * Parzen estimator fitted to each, `nEiCandidates` draws from the good one, and the draw with
 * the highest log-density ratio proposed. Multivariate (the default for one objective, as in
 * Optuna 5.0) samples the intersection search space jointly; the constant liar (on by default)
 * counts running trials with the bad ones and shares jointly sampled values through the
 * `tpe:relative_params:<i>` system attributes, as Python's workers do.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { createStudy, TPESampler } from "@optuna-deno/artifacts";
 * const study = await createStudy({ sampler: new TPESampler({ seed: 7 }) });
 * await study.optimize(async (trial) => {
 *   const x = await trial.suggestFloat("x", -10, 10);
 *   return x * x;
 * }, { nTrials: 40 });
 * assert.ok(await study.bestValue() < 1);
 * ```
 *
 * @module
 */
import type { Distribution, ParamValue } from "../distributions/distributions.ts";
import { FloatDistribution } from "../distributions/distributions.ts";
import { parsePythonJson, pythonFloat, pythonJsonDumps, RawJson } from "../_common/python_json.ts";
import type { FrozenTrial, TrialState, TrialWithSystemAttrs } from "../storages/types.ts";
import type { Study } from "../study/study.ts";
import { RandomState } from "./_random_state.ts";
import { RandomSampler } from "./random_sampler.ts";
import { defaultWeights, ParzenEstimator, type SearchSpace } from "./_parzen_estimator.ts";
import { compareCodePoints, intersectionSearchSpace } from "./_intersection_search_space.ts";
import type { Sampler } from "./sampler.ts";

export { defaultWeights };

/** Options of {@linkcode TPESampler}, Optuna 5.0.0's arguments in camelCase. */
export interface TPESamplerOptions {
  /** An integer seed from 0 to 2 ** 32 - 1; unset draws one from the system. */
  seed?: number;
  /**
   * Trials sampled at random before TPE starts.
   *
   * @default {10}
   */
  nStartupTrials?: number;
  /**
   * Candidates drawn from the good trials' estimator per proposal.
   *
   * @default {24}
   */
  nEiCandidates?: number;
  /** How many of `n` finished trials count as good; `min(ceil(0.1 n), 25)` when unset. */
  gamma?: (n: number) => number;
  /** The observation weights of `n` trials, oldest first; {@linkcode defaultWeights} when unset. */
  weights?: (n: number) => number[];
  /**
   * The prior kernel's weight.
   *
   * @default {1}
   */
  priorWeight?: number;
  /**
   * Clip bandwidths below at range / min(100, 1 + kernels).
   *
   * @default {true}
   */
  considerMagicClip?: boolean;
  /**
   * Let the end kernels' bandwidths reach the bounds.
   *
   * @default {false}
   */
  considerEndpoints?: boolean;
  /** Sample the intersection search space jointly; unset: yes for one objective (Optuna 5.0). */
  multivariate?: boolean;
  /**
   * Count running trials with the bad ones, so parallel workers spread out.
   *
   * @default {true}
   */
  constantLiar?: boolean;
}

const RELATIVE_PARAMS_KEY = "tpe:relative_params";
// Python's limit for one RDB system attribute value is 2,045 characters: the JSON is chunked.
const SYSTEM_ATTR_MAX_LENGTH = 2045;
const FINISHED_FOR_TPE: TrialState[] = ["COMPLETE", "PRUNED"];

/** Optuna's `default_gamma`: `min(ceil(0.1 n), 25)`. */
export function defaultGamma(n: number): number {
  return Math.min(Math.ceil(0.1 * n), 25);
}

/**
 * A {@linkcode Sampler} that runs Optuna's TPE.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { createStudy, TPESampler } from "@optuna-deno/artifacts";
 * const sampler = new TPESampler({ seed: 3, nStartupTrials: 5, multivariate: false });
 * const study = await createStudy({ sampler });
 * await study.optimize((trial) => trial.suggestInt("n", 0, 9), { nTrials: 10 });
 * assert.equal((await study.trials()).length, 10);
 * ```
 */
export class TPESampler implements Sampler {
  #rng: RandomState;
  #random: RandomSampler;
  #nStartupTrials: number;
  #nEiCandidates: number;
  #gamma: (n: number) => number;
  #multivariate: boolean | undefined;
  #constantLiar: boolean;
  #parameters: ConstructorParameters<typeof ParzenEstimator>[2];

  /**
   * Makes the sampler.
   *
   * @param options Optuna's arguments; the defaults are Optuna 5.0.0's.
   */
  constructor(options: TPESamplerOptions = {}) {
    this.#rng = new RandomState(options.seed);
    this.#random = new RandomSampler({ seed: options.seed });
    this.#nStartupTrials = options.nStartupTrials ?? 10;
    this.#nEiCandidates = options.nEiCandidates ?? 24;
    this.#gamma = options.gamma ?? defaultGamma;
    this.#multivariate = options.multivariate;
    this.#constantLiar = options.constantLiar ?? true;
    this.#parameters = {
      priorWeight: options.priorWeight ?? 1.0,
      considerMagicClip: options.considerMagicClip ?? true,
      considerEndpoints: options.considerEndpoints ?? false,
      weights: options.weights ?? defaultWeights,
    };
  }

  /** Reseeds both generators from the system's entropy. */
  reseedRng(): void {
    this.#rng.seed();
    this.#random.reseedRng();
  }

  /**
   * The intersection search space of the finished trials, single-valued ones left out, when
   * multivariate.
   *
   * @param study The study.
   * @returns The parameters to sample jointly, sorted by name.
   */
  async inferRelativeSearchSpace(study: Study): Promise<Record<string, Distribution>> {
    if (!this.#isMultivariate(study)) return {};
    const space = intersectionSearchSpace(await study.getTrials({ useCache: true }), true);
    return Object.fromEntries(space.filter(([, d]) => !d.single()));
  }

  /**
   * Samples the search space jointly once `nStartupTrials` trials are finished, and shares the
   * values with other workers through the trial's system attributes (constant liar).
   *
   * @param study The study.
   * @param trial The trial being run.
   * @param searchSpace The joint search space.
   * @returns Parameter name to external value, or `{}` during the start-up trials.
   */
  async sampleRelative(
    study: Study,
    trial: FrozenTrial,
    searchSpace: Record<string, Distribution>,
  ): Promise<Record<string, ParamValue>> {
    const space = Object.entries(searchSpace).sort(([a], [b]) => compareCodePoints(a, b));
    if (space.length === 0) return {};
    const finished = await study.getTrials({ states: FINISHED_FOR_TPE, useCache: true });
    if (finished.length < this.#nStartupTrials) return {};
    const params = await this.#sample(study, trial, space);
    if (this.#constantLiar) {
      const json = "{" + space.map(([name, d]) =>
        `${pythonJsonDumps(name)}: ${pythonJsonDumps(valueJson(d, params[name]))}`
      ).join(", ") + "}";
      for (let i = 0; i < json.length; i += SYSTEM_ATTR_MAX_LENGTH) {
        await study.storage.setTrialSystemAttr(
          trial.trialId,
          `${RELATIVE_PARAMS_KEY}:${i / SYSTEM_ATTR_MAX_LENGTH}`,
          json.slice(i, i + SYSTEM_ATTR_MAX_LENGTH),
        );
      }
    }
    return params;
  }

  /**
   * Samples one parameter: at random during the start-up trials, else by TPE on it alone.
   *
   * @param study The study.
   * @param trial The trial being run.
   * @param paramName The parameter.
   * @param distribution Its distribution.
   * @returns The external value.
   */
  async sampleIndependent(
    study: Study,
    trial: FrozenTrial,
    paramName: string,
    distribution: Distribution,
  ): Promise<ParamValue> {
    const finished = await study.getTrials({ states: FINISHED_FOR_TPE, useCache: true });
    if (finished.length < this.#nStartupTrials) {
      return this.#random.sampleIndependent(study, trial, paramName, distribution);
    }
    return (await this.#sample(study, trial, [[paramName, distribution]]))[paramName];
  }

  #isMultivariate(study: Study): boolean {
    return this.#multivariate ?? study.directions.length === 1;
  }

  async #sample(
    study: Study,
    trial: FrozenTrial,
    space: SearchSpace,
  ): Promise<Record<string, ParamValue>> {
    if (study.directions.length > 1) {
      throw new TypeError(
        "Cannot run TPESampler on a multi-objective study: its non-dominated split is not " +
          "ported yet; use RandomSampler",
      );
    }
    const states: TrialState[] = this.#constantLiar
      ? ["COMPLETE", "PRUNED", "RUNNING"]
      : FINISHED_FOR_TPE;
    let trials = await this.#trialsWithParams(study, states);
    if (this.#constantLiar) trials = trials.filter((t) => t.number !== trial.number);
    const n = trials.filter((t) => t.state !== "RUNNING").length;
    const [below, above] = splitTrials(study, trials, this.#gamma(n));
    const mpeBelow = new ParzenEstimator(observations(below, space), space, this.#parameters);
    const mpeAbove = new ParzenEstimator(observations(above, space), space, this.#parameters);
    const samples = mpeBelow.sample(this.#rng, this.#nEiCandidates);
    const below_ = mpeBelow.logPdf(samples);
    const above_ = mpeAbove.logPdf(samples);
    let best = 0;
    for (let i = 1; i < below_.length; i++) {
      if (below_[i] - above_[i] > below_[best] - above_[best]) best = i;
    }
    return Object.fromEntries(
      space.map(([name, d]) => [name, d.toExternalRepr(samples.get(name)![best])]),
    );
  }

  /**
   * The trials in `states` with the parameters TPE sees: a running trial's own parameters plus
   * those it sampled jointly and shared (Python's `_get_params`), when multivariate.
   */
  async #trialsWithParams(study: Study, states: TrialState[]): Promise<FrozenTrial[]> {
    const useCache = !this.#constantLiar;
    if (!this.#isMultivariate(study) || !states.includes("RUNNING")) {
      return await study.getTrials({ states, useCache });
    }
    const storage = study.storage;
    const listed: TrialWithSystemAttrs[] = storage.getAllTrialsWithSystemAttrs
      ? await storage.getAllTrialsWithSystemAttrs(study.studyId, { keyPrefix: RELATIVE_PARAMS_KEY })
      : await Promise.all(
        (await storage.getAllTrials(study.studyId)).map(async (t) => ({
          ...t,
          systemAttrs: t.state === "RUNNING" ? await storage.getTrialSystemAttrs(t.trialId) : {},
        })),
      );
    return listed.filter((t) => states.includes(t.state)).map(({ systemAttrs, ...trial }) => {
      if (trial.state !== "RUNNING") return trial;
      const chunks: string[] = [];
      for (let i = 0; typeof systemAttrs[`${RELATIVE_PARAMS_KEY}:${i}`] === "string"; i++) {
        chunks.push(systemAttrs[`${RELATIVE_PARAMS_KEY}:${i}`] as string);
      }
      if (chunks.length === 0) return trial;
      try {
        const shared = parsePythonJson(chunks.join("")) as Record<string, ParamValue>;
        return { ...trial, params: { ...shared, ...trial.params } };
      } catch {
        // Another worker may be writing its chunks: Python falls back to the trial's params.
        return trial;
      }
    });
  }
}

/** A value in Python's JSON: a float parameter's value is a float, an int's an int. */
function valueJson(distribution: Distribution, value: ParamValue): RawJson | ParamValue {
  return distribution instanceof FloatDistribution && typeof value === "number"
    ? new RawJson(pythonFloat(value))
    : value;
}

/** `_get_internal_repr`: the trials that have every parameter of the space, as internal values. */
function observations(trials: FrozenTrial[], space: SearchSpace): Map<string, number[]> {
  const values = new Map<string, number[]>(space.map(([name]) => [name, []]));
  for (const trial of trials) {
    if (!space.every(([name]) => name in trial.params)) continue;
    for (const [name, distribution] of space) {
      const value = trial.params[name];
      values.get(name)!.push(distribution.toInternalRepr(value));
    }
  }
  return values;
}

/** `_split_trials` for one objective: the best `nBelow` finished trials, and the rest. */
function splitTrials(
  study: Study,
  trials: FrozenTrial[],
  nBelow: number,
): [FrozenTrial[], FrozenTrial[]] {
  const complete = trials.filter((t) => t.state === "COMPLETE");
  const pruned = trials.filter((t) => t.state === "PRUNED");
  const running = trials.filter((t) => t.state === "RUNNING");
  const sign = study.directions[0] === "maximize" ? -1 : 1;
  const sortedComplete = [...complete].sort((a, b) =>
    compare(sign * a.values![0], sign * b.values![0])
  );
  const completeBelow = sortedComplete.slice(0, Math.min(nBelow, complete.length));
  const rest = Math.max(0, nBelow - completeBelow.length);
  const sortedPruned = [...pruned].sort((a, b) => {
    const [sa, va] = prunedScore(a, sign);
    const [sb, vb] = prunedScore(b, sign);
    return compare(sa, sb) || compare(va, vb);
  });
  const prunedBelow = sortedPruned.slice(0, Math.min(rest, pruned.length));
  const byNumber = (a: FrozenTrial, b: FrozenTrial) => a.number - b.number;
  const below = [...completeBelow, ...prunedBelow].sort(byNumber);
  const above = [
    ...sortedComplete.slice(completeBelow.length),
    ...sortedPruned.slice(prunedBelow.length),
    ...running,
  ].sort(byNumber);
  return [below, above];
}

/** Python's ordering of floats, infinities included. */
function compare(a: number, b: number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `_get_pruned_trial_score`: later steps first, then the better last intermediate value. */
function prunedScore(trial: FrozenTrial, sign: number): [number, number] {
  const steps = Object.keys(trial.intermediateValues).map(Number);
  if (steps.length === 0) return [1, 0.0];
  const step = Math.max(...steps);
  const value = trial.intermediateValues[step];
  return Number.isNaN(value) ? [-step, Infinity] : [-step, sign * value];
}
