// The intersection search space of optuna/search_space/intersection.py: the parameters that
// every finished (COMPLETE, and PRUNED when asked) trial has with an equal distribution,
// sorted by name. Python caches it incrementally; the result is the same.
import type { Distribution } from "../distributions/distributions.ts";
import type { FrozenTrial } from "../storages/types.ts";

/** The intersection of the finished trials' distributions, sorted by name. */
export function intersectionSearchSpace(
  trials: readonly FrozenTrial[],
  includePruned: boolean,
): [string, Distribution][] {
  let space: Map<string, Distribution> | undefined;
  for (let i = trials.length - 1; i >= 0; i--) {
    const trial = trials[i];
    if (trial.state !== "COMPLETE" && !(includePruned && trial.state === "PRUNED")) continue;
    if (space === undefined) {
      space = new Map(Object.entries(trial.distributions));
      continue;
    }
    for (const [name, distribution] of space) {
      if (!trial.distributions[name]?.equals(distribution)) space.delete(name);
    }
  }
  return [...(space ?? [])].sort(([a], [b]) => compareCodePoints(a, b));
}

/** Python's string order (code points), not JavaScript's (UTF-16 units). */
export function compareCodePoints(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i].codePointAt(0)! - y[i].codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}
