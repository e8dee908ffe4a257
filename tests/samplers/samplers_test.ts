// The samplers against Python Optuna 5.0.0's (tests/testdata/trial-vectors.json): numpy's
// RandomState draws, and the parameters RandomSampler and TPESampler (univariate and
// multivariate) suggest for the same seed and objective, trial by trial.
import assert from "node:assert/strict";
import { RandomState } from "../../samplers/_random_state.ts";
import { RandomSampler } from "../../samplers/random_sampler.ts";
import { defaultGamma, defaultWeights, TPESampler } from "../../samplers/tpe_sampler.ts";
import type { Sampler } from "../../samplers/sampler.ts";
import type { ParamValue } from "../../distributions/distributions.ts";
import { createStudy } from "../../study/create_study.ts";
import type { Trial } from "../../study/trial.ts";

const vectors = JSON.parse(
  await Deno.readTextFile(new URL("../testdata/trial-vectors.json", import.meta.url)),
) as {
  random_state: { seed: number; random: number[]; uniform: number[]; choice: number[] }[];
  random_sampler: { seed: number; trials: Record<string, ParamValue>[] };
  tpe: { seed: number; multivariate: boolean; trials: Record<string, ParamValue>[] }[];
};

/** regenerate_trials.py's objective, with the same operations in the same order. */
async function objective(trial: Trial): Promise<number> {
  const x = await trial.suggestFloat("x", -10, 10);
  const y = await trial.suggestFloat("y", 1e-3, 10, { log: true });
  const n = await trial.suggestInt("n", 1, 9, { step: 2 });
  const k = await trial.suggestInt("k", 1, 64, { log: true });
  const s = await trial.suggestFloat("s", 0, 1, { step: 0.25 });
  const c = await trial.suggestCategorical("c", ["a", "b", "c"]);
  return (x - 1) * (x - 1) + y + (n - 5) * (n - 5) + k * 0.125 + s + { a: 0, b: 1, c: 2 }[c];
}

async function sampled(sampler: Sampler, nTrials: number): Promise<Record<string, ParamValue>[]> {
  const study = await createStudy({ sampler });
  await study.optimize(objective, { nTrials });
  return (await study.trials()).map((t) => t.params);
}

/**
 * Equal parameters: integers and choices exactly, floats to 1e-12 relative. V8's `Math.exp` and
 * `Math.log` (fdlibm) and glibc's, which numpy calls, differ in the last bit for some inputs; a
 * wrong candidate choice, a wrong kernel or a wrong random stream differs by far more.
 */
function assertSameParams(
  got: Record<string, ParamValue>,
  want: Record<string, ParamValue>,
  message: string,
): void {
  assert.deepEqual(Object.keys(got).sort(), Object.keys(want).sort(), message);
  for (const [name, value] of Object.entries(want)) {
    const actual = got[name];
    if (typeof value === "number" && !Number.isInteger(value) && typeof actual === "number") {
      const error = Math.abs(actual - value) / Math.max(Math.abs(value), 1e-300);
      assert.ok(error < 1e-12, `${message}: ${name} ${actual} is not Python's ${value}`);
    } else {
      assert.equal(actual, value, `${message}: ${name}`);
    }
  }
}

Deno.test("RandomState draws what numpy's RandomState draws for the same seed", () => {
  for (const { seed, random, uniform, choice } of vectors.random_state) {
    const rng = new RandomState(seed);
    assert.deepEqual(Array.from({ length: 5 }, () => rng.random()), random, `seed ${seed}`);
    assert.deepEqual(Array.from({ length: 5 }, () => rng.uniform(-3, 7)), uniform);
    assert.deepEqual(rng.choice([0.1, 0.2, 0.3, 0.4], 8), choice);
  }
});

Deno.test("RandomSampler suggests Python's parameters for the same seed", async () => {
  const { seed, trials } = vectors.random_sampler;
  const got = await sampled(new RandomSampler({ seed }), trials.length);
  assert.equal(got.length, trials.length);
  // A log parameter goes through exp and log: the last bit may differ between V8 versions too.
  for (let i = 0; i < trials.length; i++) assertSameParams(got[i], trials[i], `trial ${i}`);
});

for (const { seed, multivariate, trials } of vectors.tpe) {
  Deno.test(
    `TPESampler (seed ${seed}${multivariate ? ", multivariate" : ""}) suggests Python's ` +
      `parameters for ${trials.length} trials`,
    async () => {
      const got = await sampled(new TPESampler({ seed, multivariate }), trials.length);
      for (let i = 0; i < trials.length; i++) assertSameParams(got[i], trials[i], `trial ${i}`);
    },
  );
}

Deno.test("TPESampler's gamma and weights are Optuna's defaults", () => {
  assert.equal(defaultGamma(10), 1);
  assert.equal(defaultGamma(100), 10);
  assert.equal(defaultGamma(1000), 25);
  assert.deepEqual(defaultWeights(3), [1, 1, 1]);
  const weights = defaultWeights(30);
  assert.equal(weights.length, 30);
  assert.ok(Math.abs(weights[0] - 1 / 30) < 1e-12);
  assert.equal(weights[29], 1);
});

Deno.test("A seeded sampler is reproducible and reseedRng() changes its stream", async () => {
  const a = await sampled(new TPESampler({ seed: 5, nStartupTrials: 3 }), 8);
  const b = await sampled(new TPESampler({ seed: 5, nStartupTrials: 3 }), 8);
  assert.deepEqual(a, b);
  const reseeded = new RandomSampler({ seed: 5 });
  reseeded.reseedRng();
  assert.notDeepEqual(await sampled(reseeded, 3), await sampled(new RandomSampler({ seed: 5 }), 3));
});
