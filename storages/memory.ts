/**
 * A study storage in memory, the default for scripts and tests, as Optuna's
 * `InMemoryStorage`.
 *
 * @example Usage
 * ```ts
 * import { InMemoryStorage } from "@optuna-deno/artifacts";
 * const storage = new InMemoryStorage();
 * const studyId = await storage.createNewStudy({ studyName: "demo" });
 * const trialId = await storage.createNewTrial(studyId);
 * await storage.setTrialStateValues(trialId, "COMPLETE", [0.5]);
 * console.log((await storage.getTrial(trialId)).state); // "COMPLETE"
 * ```
 *
 * @module
 */
import { StudyNotFoundError, TrialNotFoundError, UpdateFinishedTrialError } from "../errors.ts";
import {
  type CreateNewStudyOptions,
  type FrozenStudy,
  type FrozenTrial,
  isFinished,
  type JsonValue,
  type StudyStorage,
  type TrialState,
} from "./types.ts";

interface StudyRecord {
  study: FrozenStudy;
  systemAttrs: Map<string, JsonValue>;
  trialIds: number[];
}

interface TrialRecord {
  trial: FrozenTrial;
  systemAttrs: Map<string, JsonValue>;
}

/**
 * A {@linkcode StudyStorage} that keeps everything in memory. Ids start at 0, as in Optuna.
 *
 * @example Usage
 * ```ts
 * import { InMemoryStorage } from "@optuna-deno/artifacts";
 * const storage = new InMemoryStorage();
 * const studyId = await storage.createNewStudy();
 * await storage.setStudySystemAttr(studyId, "k", "v");
 * console.log(await storage.getStudySystemAttrs(studyId)); // { k: "v" }
 * ```
 */
export class InMemoryStorage implements StudyStorage {
  #studies = new Map<number, StudyRecord>();
  #trials = new Map<number, TrialRecord>();
  #nextStudyId = 0;

  /**
   * Creates a study.
   *
   * @param options The study's name and directions.
   * @returns The new study's id.
   */
  createNewStudy(options: CreateNewStudyOptions = {}): Promise<number> {
    const studyName = options.studyName ?? `no-name-${crypto.randomUUID()}`;
    for (const record of this.#studies.values()) {
      if (record.study.studyName === studyName) {
        return Promise.reject(
          new Deno.errors.AlreadyExists(
            `Cannot create study "${studyName}": a study with that name exists; load it instead`,
          ),
        );
      }
    }
    const studyId = this.#nextStudyId++;
    const directions = [...(options.directions ?? ["minimize"])];
    this.#studies.set(studyId, {
      study: { studyId, studyName, directions },
      systemAttrs: new Map(),
      trialIds: [],
    });
    return Promise.resolve(studyId);
  }

  /**
   * Looks a study up by name.
   *
   * @param studyName The study's name.
   * @returns The study's id.
   */
  getStudyIdFromName(studyName: string): Promise<number> {
    for (const record of this.#studies.values()) {
      if (record.study.studyName === studyName) return Promise.resolve(record.study.studyId);
    }
    return Promise.reject(new StudyNotFoundError(studyName));
  }

  /**
   * Reads a study.
   *
   * @param studyId The study's id.
   * @returns The study's name and directions.
   */
  getStudy(studyId: number): Promise<FrozenStudy> {
    return this.#run(() => structuredClone(this.#study(studyId).study));
  }

  /**
   * Lists every study.
   *
   * @returns The studies, in id order.
   */
  getAllStudies(): Promise<FrozenStudy[]> {
    return Promise.resolve([...this.#studies.values()].map((r) => structuredClone(r.study)));
  }

  /**
   * Creates a RUNNING trial with the next number.
   *
   * @param studyId The study's id.
   * @returns The new trial's id.
   */
  createNewTrial(studyId: number): Promise<number> {
    return this.#run(() => {
      const study = this.#study(studyId);
      const trialId = this.#trials.size;
      const trial: FrozenTrial = {
        trialId,
        studyId,
        number: study.trialIds.length,
        state: "RUNNING",
        values: null,
      };
      this.#trials.set(trialId, { trial, systemAttrs: new Map() });
      study.trialIds.push(trialId);
      return trialId;
    });
  }

  /**
   * Looks a trial up by its number in a study.
   *
   * @param studyId The study's id.
   * @param trialNumber The trial's number.
   * @returns The trial's id.
   */
  getTrialIdFromStudyIdTrialNumber(studyId: number, trialNumber: number): Promise<number> {
    return this.#run(() => {
      const trialId = this.#study(studyId).trialIds[trialNumber];
      if (trialId === undefined) throw new TrialNotFoundError({ studyId, number: trialNumber });
      return trialId;
    });
  }

  /**
   * Reads a trial.
   *
   * @param trialId The trial's id.
   * @returns The trial's number, state and values.
   */
  getTrial(trialId: number): Promise<FrozenTrial> {
    return this.#run(() => structuredClone(this.#trial(trialId).trial));
  }

  /**
   * Lists the trials of a study.
   *
   * @param studyId The study's id.
   * @returns The trials, in number order.
   */
  getAllTrials(studyId: number): Promise<FrozenTrial[]> {
    return this.#run(() =>
      this.#study(studyId).trialIds.map((id) => structuredClone(this.#trial(id).trial))
    );
  }

  /**
   * Sets a trial's state and, for COMPLETE, its values.
   *
   * @param trialId The trial's id.
   * @param state The new state.
   * @param values The objective values, for COMPLETE.
   */
  setTrialStateValues(trialId: number, state: TrialState, values?: number[]): Promise<void> {
    return this.#run(() => {
      const { trial } = this.#writableTrial(trialId);
      trial.state = state;
      trial.values = state === "COMPLETE" && values ? [...values] : null;
    });
  }

  /**
   * Reads a study's system attributes.
   *
   * @param studyId The study's id.
   * @returns The attributes, in the order they were first set.
   */
  getStudySystemAttrs(studyId: number): Promise<Record<string, JsonValue>> {
    return this.#run(() => structuredClone(Object.fromEntries(this.#study(studyId).systemAttrs)));
  }

  /**
   * Sets one system attribute of a study.
   *
   * @param studyId The study's id.
   * @param key The attribute's key.
   * @param value The attribute's value.
   */
  setStudySystemAttr(studyId: number, key: string, value: JsonValue): Promise<void> {
    return this.#run(() => {
      this.#study(studyId).systemAttrs.set(key, structuredClone(value));
    });
  }

  /**
   * Reads a trial's system attributes.
   *
   * @param trialId The trial's id.
   * @returns The attributes, in the order they were first set.
   */
  getTrialSystemAttrs(trialId: number): Promise<Record<string, JsonValue>> {
    return this.#run(() => structuredClone(Object.fromEntries(this.#trial(trialId).systemAttrs)));
  }

  /**
   * Sets one system attribute of a RUNNING or WAITING trial.
   *
   * @param trialId The trial's id.
   * @param key The attribute's key.
   * @param value The attribute's value.
   * @throws {UpdateFinishedTrialError} When the trial has finished.
   */
  setTrialSystemAttr(trialId: number, key: string, value: JsonValue): Promise<void> {
    return this.#run(() => {
      this.#writableTrial(trialId).systemAttrs.set(key, structuredClone(value));
    });
  }

  #run<T>(action: () => T): Promise<T> {
    try {
      return Promise.resolve(action());
    } catch (error) {
      return Promise.reject(error);
    }
  }

  #study(studyId: number): StudyRecord {
    const record = this.#studies.get(studyId);
    if (record === undefined) throw new StudyNotFoundError(studyId);
    return record;
  }

  #trial(trialId: number): TrialRecord {
    const record = this.#trials.get(trialId);
    if (record === undefined) throw new TrialNotFoundError(trialId);
    return record;
  }

  #writableTrial(trialId: number): TrialRecord {
    const record = this.#trial(trialId);
    if (isFinished(record.trial.state)) {
      throw new UpdateFinishedTrialError(trialId, record.trial.state);
    }
    return record;
  }
}
