// The optimization loop of optuna/study/_optimize.py (`_optimize_sequential` and
// `_run_trial`): ask, run the objective, tell; TrialPruned makes a PRUNED trial, another error
// a FAIL one that is rethrown unless caught; callbacks get each finished trial.
import type { FrozenTrial } from "../storages/types.ts";
import type { Study } from "./study.ts";
import type { Trial } from "./trial.ts";
import { TrialPruned } from "./trial_pruned.ts";
import { tellTrial } from "./_tell.ts";

/** What an objective returns: one value, or one per objective. */
export type ObjectiveValue = number | number[];

/** An objective, as Python's `func(trial)`. */
export type Objective = (trial: Trial) => ObjectiveValue | Promise<ObjectiveValue>;

/** Options of `Study.optimize`. */
export interface OptimizeOptions {
  /** How many trials to run; unlimited when unset (then stop it another way). */
  nTrials?: number;
  /** Seconds after which no new trial starts. */
  timeout?: number;
  /** Errors that fail a trial without stopping the loop (classes, as Python's `catch`). */
  // deno-lint-ignore no-explicit-any
  catch?: readonly (abstract new (...args: any[]) => unknown)[];
  /** Called with each finished trial, in order. */
  callbacks?: readonly ((study: Study, trial: FrozenTrial) => void | Promise<void>)[];
  /** Stops the loop after the trial in progress. */
  signal?: AbortSignal;
}

/** Runs trials until a limit or `stopped()`. */
export async function runOptimize(
  study: Study,
  objective: Objective,
  options: OptimizeOptions,
  stopped: () => boolean,
): Promise<void> {
  const start = performance.now();
  for (let count = 0;; count++) {
    if (stopped() || options.signal?.aborted) break;
    if (options.nTrials !== undefined && count >= options.nTrials) break;
    if (options.timeout !== undefined && (performance.now() - start) / 1000 >= options.timeout) {
      break;
    }
    const trialId = await runTrial(study, objective, options);
    if (options.callbacks?.length) {
      const frozen = await study.storage.getTrial(trialId);
      for (const callback of options.callbacks) await callback(study, frozen);
    }
  }
}

async function runTrial(study: Study, objective: Objective, options: OptimizeOptions) {
  const trial = await study.ask();
  let values: ObjectiveValue | undefined;
  let state: "PRUNED" | "FAIL" | undefined;
  let failure: unknown;
  let failed = false;
  try {
    values = await objective(trial);
  } catch (error) {
    state = error instanceof TrialPruned ? "PRUNED" : "FAIL";
    failure = error;
    failed = state === "FAIL";
  }
  const frozen = await study.storage.getTrial(trial.trialId);
  const outcome = await tellTrial(study, frozen, values, state, undefined);
  if (outcome.state === "FAIL" && !failed) {
    console.warn(`Trial ${trial.number} failed with value ${String(values)}: ${outcome.warning}`);
  }
  if (failed && !options.catch?.some((kind) => failure instanceof kind)) throw failure;
  return trial.trialId;
}
