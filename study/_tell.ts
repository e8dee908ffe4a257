// Finishing a trial as Python's `_tell_with_warning` (optuna/study/_tell.py): the trial must be
// RUNNING; values are checked (a NaN, a non-number or a wrong count fails the trial unless a
// state was asked for); a PRUNED trial takes its last intermediate value; the sampler's
// `afterTrial` runs, and the state is written whatever it does.
import type { FrozenTrial, TrialState } from "../storages/types.ts";
import { UpdateFinishedTrialError } from "../storages/errors.ts";
import type { Study } from "./study.ts";

/** The state a trial was told, its values, and why it failed if its values did not fit. */
export interface TellOutcome {
  state: TrialState;
  values: number[] | null;
  warning: string | null;
}

/** Why values cannot make a COMPLETE trial, or `null` (Python's `_check_values_are_feasible`). */
export function infeasibility(study: Study, values: readonly unknown[]): string | null {
  const errors: string[] = [];
  for (const v of values) {
    if (typeof v !== "number") errors.push(`The value ${String(v)} could not be cast to float`);
    else if (Number.isNaN(v)) errors.push(`The value nan is not acceptable`);
  }
  if (errors.length > 0) return errors.join("; ");
  if (values.length !== study.directions.length) {
    return `The number of the values ${values.length} did not match the number of the ` +
      `objectives ${study.directions.length}`;
  }
  return null;
}

/** Tells `frozen` finished; `warn` gets the reason a trial failed on its values. */
export async function tellTrial(
  study: Study,
  frozen: FrozenTrial,
  given: number | readonly number[] | undefined | null,
  requested: Exclude<TrialState, "RUNNING" | "WAITING"> | undefined,
  warn: ((message: string) => void) | undefined,
): Promise<TellOutcome> {
  if (frozen.state !== "RUNNING") {
    throw new UpdateFinishedTrialError(frozen.trialId, frozen.state);
  }
  let values: number[] | null = given === undefined || given === null
    ? null
    : Array.isArray(given)
    ? [...given]
    : [given as number];
  let state: TrialState | undefined = requested;
  let warning: string | null = null;
  if (state === "COMPLETE") {
    if (values === null) {
      throw new TypeError(`Cannot tell trial ${frozen.number} COMPLETE without values`);
    }
    const message = infeasibility(study, values);
    if (message !== null) {
      throw new RangeError(`Cannot complete trial ${frozen.number}: ${message}`);
    }
  } else if (state === "PRUNED" || state === "FAIL") {
    if (values !== null) {
      throw new TypeError(`Cannot tell trial ${frozen.number} ${state} with values`);
    }
    if (state === "PRUNED") {
      const steps = Object.keys(frozen.intermediateValues).map(Number);
      if (steps.length > 0) {
        const last = frozen.intermediateValues[Math.max(...steps)];
        if (infeasibility(study, [last]) === null) values = [last];
      }
    }
  } else if (state !== undefined) {
    throw new TypeError(`Cannot tell trial ${frozen.number} with state ${state}`);
  } else {
    warning = values === null
      ? "The value None could not be cast to float."
      : infeasibility(study, values);
    if (warning === null) {
      state = "COMPLETE";
    } else {
      state = "FAIL";
      values = null;
      warn?.(`Trial ${frozen.number} failed: ${warning}`);
    }
  }
  try {
    await study.sampler.afterTrial?.(study, frozen, state, values);
  } finally {
    await study.storage.setTrialStateValues(frozen.trialId, state, values ?? undefined);
  }
  return { state, values, warning };
}
