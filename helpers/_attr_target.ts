// Turns a StudyOrTrial into the attribute operations the helpers need, so upload, list and
// remove treat studies and trials in one way.
import { UpdateFinishedTrialError } from "../storages/errors.ts";
import type { JsonValue, StudyStorage } from "../storages/types.ts";
import { isFinished } from "../storages/_trial_state.ts";
import type { StudyOrTrial } from "../study/study_or_trial.ts";

export interface AttrTarget {
  storage: StudyStorage;
  /** The trial's id; undefined for a study. */
  trialId?: number;
  /** The study's id; undefined for a trial. */
  studyId?: number;
  /** "study 3" or "trial 5", for messages. */
  description: string;
  getSystemAttrs(): Promise<Record<string, JsonValue>>;
  setSystemAttr(key: string, value: JsonValue): Promise<void>;
  /** Sets attributes in one storage operation where the storage can, else one by one in order. */
  setSystemAttrs(attrs: Record<string, JsonValue>): Promise<void>;
  /** Deletes an attribute; absent where the storage cannot delete (a journal). */
  deleteSystemAttr?: (key: string) => Promise<void>;
  /**
   * Rejects unless the study exists, or the trial exists and is RUNNING or WAITING; resolves to
   * the trial's study id (for optuna-dashboard's study-level tombstone), undefined for a study.
   */
  ensureWritable(): Promise<number | undefined>;
}

/** The storage of a study or trial: the one in the options, else the one it carries. */
export function resolveStorage(studyOrTrial: StudyOrTrial, storage?: StudyStorage): StudyStorage {
  const resolved = storage ?? studyOrTrial.storage;
  if (resolved === undefined) {
    throw new TypeError(
      "Cannot find the study storage: pass `storage` in the options, or a study or trial " +
        "that carries one",
    );
  }
  return resolved;
}

export function resolveTarget(studyOrTrial: StudyOrTrial, storage?: StudyStorage): AttrTarget {
  const s = resolveStorage(studyOrTrial, storage);
  if (studyOrTrial.trialId !== undefined) {
    const trialId = studyOrTrial.trialId;
    return {
      storage: s,
      trialId,
      description: `trial ${trialId}`,
      getSystemAttrs: () => s.getTrialSystemAttrs(trialId),
      setSystemAttr: (key, value) => s.setTrialSystemAttr(trialId, key, value),
      setSystemAttrs: (attrs) =>
        s.setTrialSystemAttrs
          ? s.setTrialSystemAttrs(trialId, attrs)
          : inOrder(attrs, (key, value) => s.setTrialSystemAttr(trialId, key, value)),
      deleteSystemAttr: s.deleteTrialSystemAttr &&
        ((key) => s.deleteTrialSystemAttr!(trialId, key)),
      async ensureWritable() {
        const trial = await s.getTrial(trialId);
        if (isFinished(trial.state)) throw new UpdateFinishedTrialError(trialId, trial.state);
        return trial.studyId;
      },
    };
  }
  const studyId = studyOrTrial.studyId;
  return {
    storage: s,
    studyId,
    description: `study ${studyId}`,
    getSystemAttrs: () => s.getStudySystemAttrs(studyId),
    setSystemAttr: (key, value) => s.setStudySystemAttr(studyId, key, value),
    setSystemAttrs: (attrs) =>
      s.setStudySystemAttrs
        ? s.setStudySystemAttrs(studyId, attrs)
        : inOrder(attrs, (key, value) => s.setStudySystemAttr(studyId, key, value)),
    deleteSystemAttr: s.deleteStudySystemAttr && ((key) => s.deleteStudySystemAttr!(studyId, key)),
    async ensureWritable() {
      await s.getStudy(studyId);
      return undefined;
    },
  };
}

async function inOrder(
  attrs: Record<string, JsonValue>,
  set: (key: string, value: JsonValue) => Promise<void>,
): Promise<void> {
  for (const [key, value] of Object.entries(attrs)) await set(key, value);
}
