// The mixture of product distributions that TPE's Parzen estimators are, as
// optuna/samplers/_tpe/probability_distributions.py: one weight per kernel (the observations
// and the prior), and per parameter either categorical weights per kernel or truncated normals
// (log-scaled, discretized by a step, or both). Draws and densities follow Python's order of
// random draws and of floating-point operations.
import { logGaussMass, logpdf, ppf } from "./_truncnorm.ts";
import { rint, sum } from "./_numpy.ts";
import type { RandomState } from "./_random_state.ts";

/** Categorical weights, `weights[kernel][choice]`. */
export interface BatchedCategorical {
  kind: "categorical";
  weights: number[][];
}

/** Truncated normals, one per kernel, on [low, high] (the distribution's own bounds). */
export interface BatchedNumerical {
  kind: "numerical";
  mu: number[];
  sigma: number[];
  low: number;
  high: number;
  /** 0 for a continuous parameter. */
  step: number;
  log: boolean;
}

/** One parameter's kernels. */
export type Batched = BatchedCategorical | BatchedNumerical;

function adaptedLow(d: BatchedNumerical): number {
  const low = d.low - d.step / 2;
  return d.log ? Math.log(low) : low;
}

function adaptedHigh(d: BatchedNumerical): number {
  const high = d.high + d.step / 2;
  return d.log ? Math.log(high) : high;
}

/** `_MixtureOfProductDistribution`: shared kernel weights, one batched distribution per parameter. */
export class Mixture {
  constructor(readonly weights: number[], readonly distributions: Batched[]) {}

  /** `size` draws, `[draw][parameter]`, in the transformed (internal, unlogged) space. */
  sample(rng: RandomState, size: number): number[][] {
    const active = rng.choice(this.weights, size);
    const ret = Array.from({ length: size }, () => new Array<number>(this.distributions.length));
    const numerical: number[] = [];
    this.distributions.forEach((d, i) => {
      if (d.kind === "numerical") {
        numerical.push(i);
        return;
      }
      const quantiles = Array.from({ length: size }, () => rng.random());
      for (let s = 0; s < size; s++) {
        const row = d.weights[active[s]];
        let cumulative = 0;
        let count = 0;
        for (let c = 0; c < row.length; c++) {
          cumulative += row[c];
          // The last cumulative probability is set to 1 against rounding, as Python does.
          if ((c === row.length - 1 ? 1 : cumulative) < quantiles[s]) count++;
        }
        ret[s][i] = count;
      }
    });
    if (numerical.length === 0) return ret;
    // Shape (parameters, draws), row-major, as numpy draws the quantiles.
    const q: number[] = [];
    const a: number[] = [];
    const b: number[] = [];
    for (const i of numerical) {
      const d = this.distributions[i] as BatchedNumerical;
      for (let s = 0; s < size; s++) q.push(rng.random());
      for (let s = 0; s < size; s++) {
        const mu = d.mu[active[s]];
        const sigma = d.sigma[active[s]];
        a.push((adaptedLow(d) - mu) / sigma);
        b.push((adaptedHigh(d) - mu) / sigma);
      }
    }
    const x = ppf(q, a, b);
    numerical.forEach((i, j) => {
      const d = this.distributions[i] as BatchedNumerical;
      for (let s = 0; s < size; s++) {
        let value = x[j * size + s] * d.sigma[active[s]] + d.mu[active[s]];
        if (d.log) value = Math.exp(value);
        if (d.step !== 0) {
          value = Math.min(
            Math.max(d.low + rint((value - d.low) / d.step) * d.step, d.low),
            d.high,
          );
        }
        ret[s][i] = value;
      }
    });
    return ret;
  }

  /** The log density of each sample, `x[sample][parameter]` in the internal space. */
  logPdf(x: number[][]): number[] {
    const nKernels = this.weights.length;
    const w = x.map(() => new Array<number>(nKernels).fill(0));
    const continuous: number[] = [];
    this.distributions.forEach((d, i) => {
      if (d.kind === "categorical") {
        x.forEach((row, s) => {
          for (let k = 0; k < nKernels; k++) w[s][k] += Math.log(d.weights[k][Math.trunc(row[i])]);
        });
      } else if (d.step === 0) {
        continuous.push(i);
      } else {
        addDiscrete(w, x.map((row) => row[i]), d);
      }
    });
    if (continuous.length > 0) {
      const dists = continuous.map((i) => this.distributions[i] as BatchedNumerical);
      // Standardized bounds, shape (kernels, continuous parameters), and their masses.
      const a: number[] = [];
      const b: number[] = [];
      for (let k = 0; k < nKernels; k++) {
        for (const d of dists) {
          a.push((adaptedLow(d) - d.mu[k]) / d.sigma[k]);
          b.push((adaptedHigh(d) - d.mu[k]) / d.sigma[k]);
        }
      }
      const mass = logGaussMass(a, b);
      const terms = new Array<number>(dists.length);
      x.forEach((row, s) => {
        const values = continuous.map((i, j) => dists[j].log ? Math.log(row[i]) : row[i]);
        for (let k = 0; k < nKernels; k++) {
          dists.forEach((d, j) => {
            const at = k * dists.length + j;
            terms[j] = logpdf(values[j], a[at], b[at], d.mu[k], d.sigma[k], mass[at]);
          });
          w[s][k] += sum(terms);
        }
      });
    }
    const logWeights = this.weights.map(Math.log);
    return w.map((row) => {
      for (let k = 0; k < nKernels; k++) row[k] += logWeights[k];
      let max = Math.max(...row);
      if (max === -Infinity) max = 0;
      return Math.log(sum(row.map((v) => Math.exp(v - max)))) + max;
    });
  }
}

/**
 * Adds the log probability mass of each discrete value under each kernel, minus the kernel's
 * mass on the whole range, over unique values and unique (mu, sigma) pairs as Python does.
 */
function addDiscrete(w: number[][], xi: number[], d: BatchedNumerical): void {
  const values = [...new Set(xi)].sort((p, q) => p - q);
  const valueIndex = new Map(values.map((v, i) => [v, i]));
  const pairs = uniquePairs(d.mu, d.sigma);
  const half = d.step / 2;
  const a: number[] = [];
  const b: number[] = [];
  for (const v of values) {
    const left = d.log ? Math.log(v - half) : v - half;
    const right = d.log ? Math.log(v + half) : v + half;
    for (const [mu, sigma] of pairs.unique) {
      a.push((left - mu) / sigma);
      b.push((right - mu) / sigma);
    }
  }
  const mass = logGaussMassUnique(a, b);
  const low = adaptedLow(d);
  const high = adaptedHigh(d);
  const norm = logGaussMass(
    pairs.unique.map(([mu, sigma]) => (low - mu) / sigma),
    pairs.unique.map(([mu, sigma]) => (high - mu) / sigma),
  );
  const width = pairs.unique.length;
  xi.forEach((v, s) => {
    const row = valueIndex.get(v)! * width;
    for (let k = 0; k < w[s].length; k++) w[s][k] += mass[row + pairs.inverse[k]];
  });
  xi.forEach((_, s) => {
    for (let k = 0; k < w[s].length; k++) w[s][k] -= norm[pairs.inverse[k]];
  });
}

function uniquePairs(a: number[], b: number[]): { unique: [number, number][]; inverse: number[] } {
  const index = new Map<number, Map<number, number>>();
  const unique: [number, number][] = [];
  const inverse = a.map((p, i) => {
    let inner = index.get(p);
    if (!inner) index.set(p, inner = new Map());
    let at = inner.get(b[i]);
    if (at === undefined) {
      inner.set(b[i], at = unique.length);
      unique.push([p, b[i]]);
    }
    return at;
  });
  return { unique, inverse };
}

/** `_log_gauss_mass_unique`: the masses of the unique (a, b) pairs only. */
function logGaussMassUnique(a: number[], b: number[]): number[] {
  const { unique, inverse } = uniquePairs(a, b);
  const mass = logGaussMass(unique.map(([p]) => p), unique.map(([, q]) => q));
  return inverse.map((i) => mass[i]);
}
