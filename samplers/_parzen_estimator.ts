// TPE's Parzen estimator, as optuna/samplers/_tpe/parzen_estimator.py in Optuna 5.0.0: one
// kernel per observation plus a prior kernel; observation weights from `weights` (flat for the
// newest 25, a ramp before), the prior weighted `priorWeight`; numerical kernels centred on the
// observations with Optuna's bandwidth rule (the larger gap to a neighbour, endpoints not
// considered, clipped by the "magic clip" to range / min(100, 1 + kernels)), in the log domain
// for log parameters and widened by half a step for discrete ones; categorical kernels that put
// 1 on the observed choice plus the prior spread evenly.
import {
  CategoricalDistribution,
  type Distribution,
  type FloatDistribution,
  type IntDistribution,
} from "../distributions/distributions.ts";
import { argsort, linspace, sum } from "./_numpy.ts";
import { type Batched, Mixture } from "./_probability_distributions.ts";
import type { RandomState } from "./_random_state.ts";

const EPS = 1e-12;

/** The estimator's settings (`_ParzenEstimatorParameters`). */
export interface ParzenEstimatorParameters {
  priorWeight: number;
  considerMagicClip: boolean;
  considerEndpoints: boolean;
  weights: (n: number) => number[];
}

/** A search space as ordered entries: the order is that of the columns. */
export type SearchSpace = [string, Distribution][];

/** `_ParzenEstimator`: a mixture fitted to observations (internal values, one array per parameter). */
export class ParzenEstimator {
  #space: SearchSpace;
  #mixture: Mixture;

  constructor(
    observations: Map<string, number[]>,
    space: SearchSpace,
    parameters: ParzenEstimatorParameters,
    predeterminedWeights?: number[],
  ) {
    if (parameters.priorWeight < 0) {
      throw new RangeError(
        `Cannot use the prior weight ${parameters.priorWeight}: give 0 or more`,
      );
    }
    this.#space = space;
    const n = space.length === 0 ? 0 : observations.get(space[0][0])!.length;
    let weights = predeterminedWeights ?? callWeights(parameters.weights, n);
    weights = n === 0 ? [1.0] : [...weights, parameters.priorWeight];
    const total = sum(weights);
    weights = weights.map((w) => w / total);
    this.#mixture = new Mixture(
      weights,
      space.map(([name, distribution]) =>
        distribution instanceof CategoricalDistribution
          ? categoricalKernels(observations.get(name)!, distribution, parameters)
          : numericalKernels(observations.get(name)!, distribution, parameters)
      ),
    );
  }

  /** `size` draws, one array per parameter. */
  sample(rng: RandomState, size: number): Map<string, number[]> {
    const drawn = this.#mixture.sample(rng, size);
    return new Map(this.#space.map(([name], i) => [name, drawn.map((row) => row[i])]));
  }

  /** The log density of each sample (one array per parameter, all of the same length). */
  logPdf(samples: Map<string, number[]>): number[] {
    const columns = this.#space.map(([name]) => samples.get(name)!);
    const rows = columns[0].map((_, s) => columns.map((column) => column[s]));
    return this.#mixture.logPdf(rows);
  }
}

/** Optuna's `default_weights`: 1 for the newest 25 observations, a ramp from 1/n before. */
export function defaultWeights(n: number): number[] {
  if (n === 0) return [];
  if (n < 25) return new Array(n).fill(1);
  return [...linspace(1.0 / n, 1.0, n - 25), ...new Array(25).fill(1)];
}

function callWeights(weights: (n: number) => number[], n: number): number[] {
  const w = [...weights(n)].slice(0, n);
  if (w.some((v) => v < 0)) {
    throw new RangeError(`Cannot use the weights ${w} for ${n} trials: a weight is negative`);
  }
  if (w.length > 0 && sum(w) <= 0) {
    throw new RangeError(`Cannot use the weights ${w} for ${n} trials: they are all zero`);
  }
  if (!w.every(Number.isFinite)) {
    throw new RangeError(`Cannot use the weights ${w} for ${n} trials: a weight is not finite`);
  }
  return w;
}

function categoricalKernels(
  observations: number[],
  distribution: CategoricalDistribution,
  parameters: ParzenEstimatorParameters,
): Batched {
  const nChoices = distribution.choices.length;
  if (observations.length === 0) {
    return { kind: "categorical", weights: [new Array(nChoices).fill(1.0 / nChoices)] };
  }
  const nKernels = observations.length + 1;
  const weights = Array.from(
    { length: nKernels },
    () => new Array<number>(nChoices).fill(parameters.priorWeight / nKernels),
  );
  observations.forEach((observed, k) => weights[k][Math.trunc(observed)] += 1);
  for (const row of weights) {
    const total = sum(row);
    const divisor = total === 0 ? 1 : total;
    for (let c = 0; c < nChoices; c++) row[c] /= divisor;
  }
  return { kind: "categorical", weights };
}

function numericalKernels(
  observations: number[],
  distribution: FloatDistribution | IntDistribution,
  parameters: ParzenEstimatorParameters,
): Batched {
  let low = distribution.low;
  let high = distribution.high;
  if (distribution.step !== null) {
    low -= distribution.step / 2;
    high += distribution.step / 2;
  }
  let mus = observations;
  if (distribution.log) {
    mus = observations.map(Math.log);
    low = Math.log(low);
    high = Math.log(high);
  }
  // The bandwidths: the larger distance to a sorted neighbour (the bounds at the ends).
  const order = argsort(mus);
  const sorted = [low, ...order.map((i) => mus[i]), high];
  const sortedSigmas = order.map((_, j) =>
    Math.max(sorted[j + 1] - sorted[j], sorted[j + 2] - sorted[j + 1])
  );
  if (!parameters.considerEndpoints && sorted.length >= 4) {
    sortedSigmas[0] = sorted[2] - sorted[1];
    sortedSigmas[sortedSigmas.length - 1] = sorted[sorted.length - 2] - sorted[sorted.length - 3];
  }
  const sigmas = new Array<number>(mus.length);
  order.forEach((i, j) => sigmas[i] = sortedSigmas[j]);
  const maxSigma = high - low;
  const minSigma = parameters.considerMagicClip
    ? (high - low) / Math.min(100.0, 1.0 + (observations.length + 1))
    : EPS;
  const clipped = sigmas.map((s) => Math.min(Math.max(s, minSigma), maxSigma));
  return {
    kind: "numerical",
    mu: [...mus, 0.5 * (low + high)],
    sigma: [...clipped, high - low],
    low: distribution.low,
    high: distribution.high,
    step: distribution.step ?? 0,
    log: distribution.log,
  };
}
