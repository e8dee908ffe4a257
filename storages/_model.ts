// The in-memory model of studies, trials and system attributes, with Optuna's id rules
// (study ids from a counter, trial ids = number of trials ever created). InMemoryStorage is
// this model behind promises; the journal storage replays its log into one.
import { StudyNotFoundError, TrialNotFoundError, UpdateFinishedTrialError } from "./errors.ts";
import type {
  FrozenStudy,
  FrozenTrial,
  JsonValue,
  StudyDirection,
  TrialState,
  TrialWithSystemAttrs,
} from "./types.ts";
import { isFinished } from "./_trial_state.ts";
import { dictionary } from "../_common/dictionary.ts";

interface StudyRecord {
  study: FrozenStudy;
  systemAttrs: Map<string, JsonValue>;
  trialIds: number[];
}

interface TrialRecord {
  trial: FrozenTrial;
  systemAttrs: Map<string, JsonValue>;
}

/** How a trial starts: RUNNING and empty unless a template says otherwise. */
export interface TrialTemplate {
  state?: TrialState;
  values?: number[] | null;
  systemAttrs?: Record<string, JsonValue>;
}

export class StorageModel {
  #studies = new Map<number, StudyRecord>();
  #trials: TrialRecord[] = [];
  #nextStudyId = 0;

  findStudyId(studyName: string): number | undefined {
    for (const record of this.#studies.values()) {
      if (record.study.studyName === studyName) return record.study.studyId;
    }
    return undefined;
  }

  /** Creates a study; the caller checks that the name is free. */
  createStudy(studyName: string, directions: StudyDirection[]): number {
    const studyId = this.#nextStudyId++;
    this.#studies.set(studyId, {
      study: { studyId, studyName, directions: [...directions] },
      systemAttrs: new Map(),
      trialIds: [],
    });
    return studyId;
  }

  deleteStudy(studyId: number): void {
    this.#study(studyId);
    this.#studies.delete(studyId);
  }

  getStudyIdFromName(studyName: string): number {
    const studyId = this.findStudyId(studyName);
    if (studyId === undefined) throw new StudyNotFoundError(studyName);
    return studyId;
  }

  getStudy(studyId: number): FrozenStudy {
    return structuredClone(this.#study(studyId).study);
  }

  getAllStudies(): FrozenStudy[] {
    return [...this.#studies.values()].map((r) => structuredClone(r.study));
  }

  createTrial(studyId: number, template: TrialTemplate = {}): number {
    const study = this.#study(studyId);
    const trialId = this.#trials.length;
    this.#trials.push({
      trial: {
        trialId,
        studyId,
        number: study.trialIds.length,
        state: template.state ?? "RUNNING",
        values: template.values ?? null,
      },
      systemAttrs: new Map(Object.entries(template.systemAttrs ?? {})),
    });
    study.trialIds.push(trialId);
    return trialId;
  }

  getTrialIdFromStudyIdTrialNumber(studyId: number, trialNumber: number): number {
    const trialId = this.#study(studyId).trialIds[trialNumber];
    if (trialId === undefined) throw new TrialNotFoundError({ studyId, number: trialNumber });
    return trialId;
  }

  getTrial(trialId: number): FrozenTrial {
    return copyTrial(this.#trial(trialId).trial);
  }

  /** The id of the study's newest trial, without copying every trial. */
  lastTrialId(studyId: number): number | undefined {
    return this.#study(studyId).trialIds.at(-1);
  }

  getAllTrials(studyId: number): FrozenTrial[] {
    return this.#study(studyId).trialIds.map((id) => copyTrial(this.#trials[id].trial));
  }

  getAllTrialsWithSystemAttrs(studyId: number, keyPrefix = ""): TrialWithSystemAttrs[] {
    return this.#study(studyId).trialIds.map((id) => {
      const { trial, systemAttrs } = this.#trials[id];
      return { ...copyTrial(trial), systemAttrs: copyAttrs(systemAttrs, keyPrefix) };
    });
  }

  /** Throws unless the trial exists and has not finished. */
  checkWritableTrial(trialId: number): void {
    const { trial } = this.#trial(trialId);
    if (isFinished(trial.state)) throw new UpdateFinishedTrialError(trialId, trial.state);
  }

  setTrialStateValues(trialId: number, state: TrialState, values?: number[] | null): void {
    this.checkWritableTrial(trialId);
    const { trial } = this.#trials[trialId];
    trial.state = state;
    if (values) trial.values = [...values];
  }

  getStudySystemAttrs(studyId: number): Record<string, JsonValue> {
    return copyAttrs(this.#study(studyId).systemAttrs);
  }

  // The single-key setters are the replay's hot path: no `{ [key]: value }` object per line
  // (one per line made replaying 20,000 artifacts 0.1 s slower and 55 MiB heavier).
  setStudySystemAttr(studyId: number, key: string, value: JsonValue): void {
    this.#study(studyId).systemAttrs.set(key, copyJson(value));
  }

  setStudySystemAttrs(studyId: number, attrs: Record<string, JsonValue>): void {
    const { systemAttrs } = this.#study(studyId);
    for (const [key, value] of Object.entries(attrs)) systemAttrs.set(key, copyJson(value));
  }

  getTrialSystemAttrs(trialId: number): Record<string, JsonValue> {
    return copyAttrs(this.#trial(trialId).systemAttrs);
  }

  setTrialSystemAttr(trialId: number, key: string, value: JsonValue): void {
    this.checkWritableTrial(trialId);
    this.#trials[trialId].systemAttrs.set(key, copyJson(value));
  }

  setTrialSystemAttrs(trialId: number, attrs: Record<string, JsonValue>): void {
    this.checkWritableTrial(trialId);
    const { systemAttrs } = this.#trials[trialId];
    for (const [key, value] of Object.entries(attrs)) systemAttrs.set(key, copyJson(value));
  }

  deleteStudySystemAttr(studyId: number, key: string): void {
    this.#study(studyId).systemAttrs.delete(key);
  }

  deleteTrialSystemAttr(trialId: number, key: string): void {
    this.checkWritableTrial(trialId);
    this.#trials[trialId].systemAttrs.delete(key);
  }

  #study(studyId: number): StudyRecord {
    const record = this.#studies.get(studyId);
    if (record === undefined) throw new StudyNotFoundError(studyId);
    return record;
  }

  #trial(trialId: number): TrialRecord {
    const record = this.#trials[trialId];
    if (record === undefined) throw new TrialNotFoundError(trialId);
    return record;
  }
}

// Strings (most attribute values, and the large ones) are immutable and shared as they are;
// only objects and arrays are copied, so neither the caller nor the model can change the other's.
function copyJson(value: JsonValue): JsonValue {
  return typeof value === "object" && value !== null ? structuredClone(value) : value;
}

// A trial's fields are numbers and strings but for its values: a spread copies it (10,000
// trials: 5 ms, against 50 ms for structuredClone).
function copyTrial(trial: FrozenTrial): FrozenTrial {
  return { ...trial, values: trial.values && [...trial.values] };
}

function copyAttrs(attrs: Map<string, JsonValue>, keyPrefix = ""): Record<string, JsonValue> {
  const copy = dictionary<JsonValue>();
  for (const [key, value] of attrs) if (key.startsWith(keyPrefix)) copy[key] = copyJson(value);
  return copy;
}
