// One parameter drawn as Optuna's RandomSampler draws it, through `_SearchSpaceTransform`
// (optuna/_transform.py, log and step transforms on, no unit cube): a uniform draw in the
// transformed bounds (a categorical one is one-hot, one draw per choice, the largest wins), then
// mapped back with Python's rounding and clipping.
import {
  CategoricalDistribution,
  type Distribution,
  FloatDistribution,
  type ParamValue,
} from "../distributions/distributions.ts";
import { nextBelow, rint } from "./_numpy.ts";
import type { RandomState } from "./_random_state.ts";

/** Draws one value of `distribution` uniformly in its transformed space. */
export function sampleUniform(rng: RandomState, distribution: Distribution): ParamValue {
  if (distribution instanceof CategoricalDistribution) {
    let best = 0;
    let bestValue = -Infinity;
    for (let i = 0; i < distribution.choices.length; i++) {
      const value = rng.uniform(0, 1);
      if (value > bestValue) [best, bestValue] = [i, value];
    }
    return distribution.choices[best];
  }
  const [low, high] = bounds(distribution);
  return untransform(rng.uniform(low, high), distribution);
}

function bounds(d: Exclude<Distribution, CategoricalDistribution>): [number, number] {
  const half = d.step === null ? 0 : 0.5 * d.step;
  if (d instanceof FloatDistribution) {
    if (d.log) return [Math.log(d.low), Math.log(d.high)];
    return [d.low - half, d.high + half];
  }
  if (d.log) return [Math.log(d.low - half), Math.log(d.high + half)];
  return [d.low - half, d.high + half];
}

function untransform(value: number, d: Exclude<Distribution, CategoricalDistribution>): number {
  if (d instanceof FloatDistribution) {
    if (d.log) {
      const param = Math.exp(value);
      return d.single() ? param : Math.min(Math.max(param, d.low), nextBelow(d.high));
    }
    if (d.step !== null) {
      return Math.min(Math.max(rint((value - d.low) / d.step) * d.step + d.low, d.low), d.high);
    }
    return d.single() ? value : Math.min(value, nextBelow(d.high));
  }
  const param = d.log
    ? rint(Math.exp(value))
    : Math.floor((value - d.low) / d.step + 0.5) * d.step + d.low;
  return Math.min(Math.max(param, d.low), d.high);
}
