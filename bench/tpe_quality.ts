/**
 * Benchmark: the quality of optuna-deno's TPESampler next to Python Optuna 5.0.0's TPESampler
 * and to random sampling, on a 2-D sphere, Branin and a 5-D mix (a float, a log float, a log
 * int, an int and a categorical): for each, `--seeds` seeds x `--trials` trials with Optuna's
 * defaults, the median best value (and its quartiles) after 25, 50 and all trials, and a plot
 * of the median best value against the trial number. Not a timed test: the seconds are the
 * whole runs', for scale.
 *
 * Usage: deno run -A bench/tpe_quality.ts [--seeds 20] [--trials 100] [--python python3]
 *   [--out bench/results]
 *
 * @module
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { createStudy } from "../study/create_study.ts";
import type { Trial } from "../study/trial.ts";
import { RandomSampler } from "../samplers/random_sampler.ts";
import type { Sampler } from "../samplers/sampler.ts";
import { TPESampler } from "../samplers/tpe_sampler.ts";
import { lineChart } from "./_svg.ts";
import { printTable, pythonVersion } from "./_util.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    seeds: { type: "string", default: "20" },
    trials: { type: "string", default: "100" },
    python: { type: "string", default: "python3" },
    out: { type: "string", default: "bench/results" },
  },
});
const seeds = Number(values.seeds);
const trials = Number(values.trials);

// The same functions as _optuna_tpe.py's, with the same search spaces.
const FUNCTIONS: Record<string, (trial: Trial) => Promise<number>> = {
  async sphere(trial) {
    const x = await trial.suggestFloat("x", -5, 5);
    const y = await trial.suggestFloat("y", -5, 5);
    return x * x + y * y;
  },
  async branin(trial) {
    const x = await trial.suggestFloat("x", -5, 10);
    const y = await trial.suggestFloat("y", 0, 15);
    const [b, c, t] = [5.1 / (4 * Math.PI ** 2), 5 / Math.PI, 1 / (8 * Math.PI)];
    return (y - b * x * x + c * x - 6) ** 2 + 10 * (1 - t) * Math.cos(x) + 10;
  },
  async mix5(trial) {
    const x = await trial.suggestFloat("x", -5, 5);
    const lr = await trial.suggestFloat("lr", 1e-4, 1, { log: true });
    const n = await trial.suggestInt("n", 1, 1000, { log: true });
    const k = await trial.suggestInt("k", 0, 10);
    const c = await trial.suggestCategorical("c", ["a", "b", "c", "d"]);
    return x * x + (Math.log10(lr) + 2) ** 2 + (Math.log10(n) - 2) ** 2 + (k - 3) ** 2 / 4 +
      { a: 1, b: 0, c: 0.5, d: 2 }[c];
  },
};
const MINIMUM: Record<string, string> = { sphere: "0", branin: "0.397887", mix5: "0" };

interface Runs {
  curves: number[][];
  seconds: number;
}

async function deno(name: string, sampler: (seed: number) => Sampler): Promise<Runs> {
  const started = performance.now();
  const curves: number[][] = [];
  for (let seed = 0; seed < seeds; seed++) {
    const study = await createStudy({ sampler: sampler(seed) });
    await study.optimize(FUNCTIONS[name], { nTrials: trials });
    let best = Infinity;
    curves.push((await study.trials()).map((t) => (best = Math.min(best, t.values![0]))));
  }
  return { curves, seconds: (performance.now() - started) / 1000 };
}

async function python(name: string): Promise<Runs> {
  const script = fileURLToPath(new URL("_optuna_tpe.py", import.meta.url));
  const { code, stdout, stderr } = await new Deno.Command(values.python!, {
    args: [script, name, String(seeds), String(trials)],
  }).output();
  if (code !== 0) throw new Error(`_optuna_tpe.py: ${new TextDecoder().decode(stderr)}`);
  return JSON.parse(new TextDecoder().decode(stdout));
}

function quantile(sorted: number[], q: number): number {
  const at = (sorted.length - 1) * q;
  const [lo, hi] = [Math.floor(at), Math.ceil(at)];
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo);
}

/** The median of the seeds' best values after `n` trials, with the quartiles. */
function summary(runs: Runs, n: number): string {
  const sorted = runs.curves.map((c) => c[n - 1]).sort((a, b) => a - b);
  const f = (v: number) => v.toPrecision(3);
  return `${f(quantile(sorted, 0.5))} [${f(quantile(sorted, 0.25))}, ${f(quantile(sorted, 0.75))}]`;
}

const pyVersion = await pythonVersion(values.python!, ["math"]);
if (!pyVersion) console.log(`(${values.python} has no optuna: Python's TPE is left out)\n`);
const checkpoints = [25, 50, trials].filter((n, i, all) => n <= trials && all.indexOf(n) === i);
const rows = [[
  "function",
  "sampler",
  ...checkpoints.map((n) => `best after ${n} (median [q1, q3])`),
  "seconds",
]];
for (const name of Object.keys(FUNCTIONS)) {
  const contenders: [string, Runs][] = [
    ["optuna-deno TPESampler", await deno(name, (seed) => new TPESampler({ seed }))],
  ];
  if (pyVersion) contenders.push([`Python Optuna ${pyVersion} TPESampler`, await python(name)]);
  contenders.push([
    "optuna-deno RandomSampler",
    await deno(name, (seed) => new RandomSampler({ seed })),
  ]);
  for (const [sampler, runs] of contenders) {
    rows.push([
      `${name} (min ${MINIMUM[name]})`,
      sampler,
      ...checkpoints.map((n) => summary(runs, n)),
      runs.seconds.toFixed(1),
    ]);
  }
  const svg = lineChart(
    contenders.map(([sampler, runs]) => ({
      name: sampler,
      points: Array.from({ length: trials }, (_, i) => {
        const sorted = runs.curves.map((c) => c[i]).sort((a, b) => a - b);
        return [i + 1, quantile(sorted, 0.5)] as [number, number];
      }),
    })),
    {
      title: `${name}: median best value of ${seeds} seeds`,
      xLabel: "trial number",
      yLabel: "best value",
    },
  );
  await Deno.writeTextFile(join(values.out!, `tpe_${name}.svg`), svg);
}
console.log(
  `${seeds} seeds x ${trials} trials, Optuna's defaults (10 startup trials, 24 EI candidates)`,
);
console.log();
printTable(rows, 2);
