// Trial state rules shared by the storages and the artifact helpers.
import type { TrialState } from "./types.ts";

/** Whether a trial in this state is finished (COMPLETE, PRUNED or FAIL), as Optuna's `TrialState.is_finished()`. */
export function isFinished(state: TrialState): boolean {
  return state === "COMPLETE" || state === "PRUNED" || state === "FAIL";
}
