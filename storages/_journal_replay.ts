// Replays Optuna journal operations into the storage model with Python's rules: ids in replay
// order, operations on missing studies or trials and on finished trials ignored, a second
// study with a taken name ignored.
import { StorageFormatError, StudyNotFoundError, TrialNotFoundError } from "./errors.ts";
import { UpdateFinishedTrialError } from "./errors.ts";
import type { StorageModel } from "./_model.ts";
import type { JsonValue, StudyDirection, TrialState } from "./types.ts";

/** Optuna's JournalOperation codes. */
export const OP = {
  CREATE_STUDY: 0,
  DELETE_STUDY: 1,
  SET_STUDY_USER_ATTR: 2,
  SET_STUDY_SYSTEM_ATTR: 3,
  CREATE_TRIAL: 4,
  SET_TRIAL_PARAM: 5,
  SET_TRIAL_STATE_VALUES: 6,
  SET_TRIAL_INTERMEDIATE_VALUE: 7,
  SET_TRIAL_USER_ATTR: 8,
  SET_TRIAL_SYSTEM_ATTR: 9,
  DISCARD_TRIALS: 10, // Optuna 5.0; nothing to replay
} as const;

/** Optuna's TrialState values, by their integer. */
export const TRIAL_STATES: readonly TrialState[] = [
  "RUNNING",
  "COMPLETE",
  "PRUNED",
  "FAIL",
  "WAITING",
];

/** Optuna's StudyDirection values, by their integer (0 is NOT_SET). */
export const DIRECTIONS: Record<StudyDirection, number> = { minimize: 1, maximize: 2 };

type Op = Record<string, unknown>;

const REPAIR = "; repair or remove that line";

/**
 * Applies one parsed journal line to the model; `where` names the line for errors (called only
 * for an error: a replay applies tens of thousands of lines).
 */
export function applyJournalOp(model: StorageModel, op: unknown, where: () => string): void {
  if (typeof op !== "object" || op === null || Array.isArray(op)) {
    throw new StorageFormatError(
      `${where()}: it is not a journal operation (a JSON object)${REPAIR}`,
    );
  }
  const log = op as Op;
  try {
    switch (int(log, "op_code", where)) {
      case OP.CREATE_STUDY: {
        const name = log.study_name;
        if (typeof name !== "string" || !Array.isArray(log.directions)) {
          throw new StorageFormatError(`${where()}: it has no study_name or directions${REPAIR}`);
        }
        if (model.findStudyId(name) !== undefined) return;
        model.createStudy(name, log.directions.map((d) => d === 2 ? "maximize" : "minimize"));
        return;
      }
      case OP.DELETE_STUDY:
        model.deleteStudy(int(log, "study_id", where));
        return;
      case OP.SET_STUDY_SYSTEM_ATTR: {
        const key = onlyKey(log, "system_attr", where);
        const attrs = log.system_attr as Record<string, JsonValue>;
        model.setStudySystemAttr(int(log, "study_id", where), key, attrs[key]);
        return;
      }
      case OP.CREATE_TRIAL: {
        const values = Array.isArray(log.values)
          ? log.values as number[]
          : typeof log.value === "number"
          ? [log.value]
          : null;
        model.createTrial(int(log, "study_id", where), {
          state: log.state === undefined ? "RUNNING" : state(int(log, "state", where), where),
          values,
          systemAttrs: (log.system_attrs ?? {}) as Record<string, JsonValue>,
        });
        return;
      }
      case OP.SET_TRIAL_STATE_VALUES: {
        const trialId = int(log, "trial_id", where);
        const next = state(int(log, "state", where), where);
        if (next === "RUNNING" && model.getTrial(trialId).state === "RUNNING") return;
        model.setTrialStateValues(trialId, next, log.values as number[] | null);
        return;
      }
      case OP.SET_TRIAL_SYSTEM_ATTR: {
        const key = onlyKey(log, "system_attr", where);
        const attrs = log.system_attr as Record<string, JsonValue>;
        model.setTrialSystemAttr(int(log, "trial_id", where), key, attrs[key]);
        return;
      }
      case OP.SET_STUDY_USER_ATTR:
      case OP.SET_TRIAL_PARAM:
      case OP.SET_TRIAL_INTERMEDIATE_VALUE:
      case OP.SET_TRIAL_USER_ATTR:
      case OP.DISCARD_TRIALS:
        return; // nothing artifacts need
      default:
        throw new StorageFormatError(
          `${where()}: it has an unknown op_code ${log.op_code}; a newer Optuna may have written it`,
        );
    }
  } catch (error) {
    // Python ignores operations of other workers on missing or finished records.
    if (
      error instanceof StudyNotFoundError || error instanceof TrialNotFoundError ||
      error instanceof UpdateFinishedTrialError
    ) return;
    throw error;
  }
}

function int(log: Op, key: string, where: () => string): number {
  const value = log[key];
  if (!Number.isInteger(value)) {
    throw new StorageFormatError(`${where()}: it has no integer "${key}"${REPAIR}`);
  }
  return value as number;
}

/** The one key of the object `log[key]` (Python asserts one attribute per line). */
function onlyKey(log: Op, key: string, where: () => string): string {
  const value = log[key];
  let only: string | undefined;
  let count = 0;
  if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    for (const name in value) {
      only = name;
      if (++count > 1) break;
    }
  }
  if (count !== 1) {
    throw new StorageFormatError(`${where()}: it has no single-entry "${key}" object${REPAIR}`);
  }
  return only!;
}

function state(value: number, where: () => string): TrialState {
  const name = TRIAL_STATES[value];
  if (name === undefined) {
    throw new StorageFormatError(`${where()}: it has an unknown state ${value}${REPAIR}`);
  }
  return name;
}
