// Replays Optuna journal operations into the storage model with Python's rules
// (JournalStorageReplayResult in optuna/storages/journal/_storage.py): ids in replay order,
// operations on missing studies or trials and on finished trials ignored, a second study with a
// taken name ignored, a parameter whose distribution does not fit the study's ignored, and a
// RUNNING operation on a trial that is already RUNNING rejected (the first claim in log order
// wins).
import { StorageFormatError, StudyNotFoundError, TrialNotFoundError } from "./errors.ts";
import { UpdateFinishedTrialError } from "./errors.ts";
import { IncompatibleDistributionError } from "../distributions/compatibility.ts";
import type { StorageModel } from "./_model.ts";
import type { JsonValue, StudyDirection } from "./types.ts";
import { date, type Op, readDistribution, state, templateOf } from "./_journal_params.ts";

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
  DISCARD_TRIALS: 10, // Optuna 5.0; only Rustuna writes it, Python skips it
} as const;

/** Optuna's StudyDirection values, by their integer (0 is NOT_SET). */
export const DIRECTIONS: Record<StudyDirection, number> = { minimize: 1, maximize: 2 };

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
  const worker = typeof log.worker_id === "string" ? log.worker_id : undefined;
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
      case OP.SET_STUDY_USER_ATTR: {
        const key = onlyKey(log, "user_attr", where);
        const attrs = log.user_attr as Record<string, JsonValue>;
        model.setStudyUserAttr(int(log, "study_id", where), key, attrs[key]);
        return;
      }
      case OP.SET_STUDY_SYSTEM_ATTR: {
        const key = onlyKey(log, "system_attr", where);
        const attrs = log.system_attr as Record<string, JsonValue>;
        model.setStudySystemAttr(int(log, "study_id", where), key, attrs[key]);
        return;
      }
      case OP.CREATE_TRIAL: {
        const studyId = int(log, "study_id", where);
        // A plain creation carries only its start; a template carries the whole trial.
        if (!("state" in log)) {
          const start = date(log.datetime_start ?? null, where)?.getTime() ?? null;
          model.createTrial(studyId, undefined, { worker, time: start });
        } else {
          model.createTrial(studyId, templateOf(log, where), { worker });
        }
        return;
      }
      case OP.SET_TRIAL_PARAM: {
        const name = log.param_name;
        const internal = log.param_value_internal;
        if (typeof name !== "string" || typeof internal !== "number") {
          throw new StorageFormatError(
            `${where()}: it has no param_name or numeric param_value_internal${REPAIR}`,
          );
        }
        const distribution = readDistribution(log.distribution, where);
        model.setTrialParam(int(log, "trial_id", where), name, internal, distribution);
        return;
      }
      case OP.SET_TRIAL_STATE_VALUES: {
        const next = state(int(log, "state", where), where);
        const stamp = next === "RUNNING" ? log.datetime_start : log.datetime_complete;
        // The model's rule is Python's: RUNNING applies over WAITING only.
        model.setTrialStateValues(
          int(log, "trial_id", where),
          next,
          log.values as number[] | null,
          {
            worker,
            time: date(stamp ?? null, where)?.getTime() ?? null,
          },
        );
        return;
      }
      case OP.SET_TRIAL_INTERMEDIATE_VALUE: {
        const step = int(log, "step", where);
        const value = log.intermediate_value;
        if (typeof value !== "number") {
          throw new StorageFormatError(`${where()}: it has no numeric intermediate_value${REPAIR}`);
        }
        model.setTrialIntermediateValue(int(log, "trial_id", where), step, value);
        return;
      }
      case OP.SET_TRIAL_USER_ATTR: {
        const key = onlyKey(log, "user_attr", where);
        const attrs = log.user_attr as Record<string, JsonValue>;
        model.setTrialUserAttr(int(log, "trial_id", where), key, attrs[key]);
        return;
      }
      case OP.SET_TRIAL_SYSTEM_ATTR: {
        const key = onlyKey(log, "system_attr", where);
        const attrs = log.system_attr as Record<string, JsonValue>;
        model.setTrialSystemAttr(int(log, "trial_id", where), key, attrs[key]);
        return;
      }
      case OP.DISCARD_TRIALS:
        return;
      default:
        throw new StorageFormatError(
          `${where()}: it has an unknown op_code ${log.op_code}; a newer Optuna may have written it`,
        );
    }
  } catch (error) {
    // Python ignores operations on missing or finished records, and parameters whose
    // distribution does not fit the study's (raising them only to the worker that wrote them,
    // which checked them before writing).
    if (
      error instanceof StudyNotFoundError || error instanceof TrialNotFoundError ||
      error instanceof UpdateFinishedTrialError || error instanceof IncompatibleDistributionError
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
