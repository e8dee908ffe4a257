/**
 * A study storage in memory, the default for scripts and tests, as Optuna's
 * `InMemoryStorage`.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { InMemoryStorage } from "@optuna-deno/artifacts";
 * const storage = new InMemoryStorage();
 * const studyId = await storage.createNewStudy({ studyName: "demo" });
 * const trialId = await storage.createNewTrial(studyId);
 * await storage.setTrialStateValues(trialId, "COMPLETE", [0.5]);
 * assert.deepEqual((await storage.getTrial(trialId)).state, "COMPLETE");
 * ```
 *
 * @module
 */
import { settle } from "../_common/settle.ts";
import { StorageModel } from "./_model.ts";
import { studyNameOrDefault } from "./_names.ts";
import { DuplicatedStudyError } from "./errors.ts";
import type {
  CreateNewStudyOptions,
  FrozenStudy,
  FrozenTrial,
  GetAllTrialsOptions,
  GetAllTrialsWithSystemAttrsOptions,
  JsonValue,
  StudyStorage,
  TrialState,
  TrialTemplate,
  TrialWithSystemAttrs,
} from "./types.ts";
import type { Distribution } from "../distributions/distributions.ts";

/**
 * A {@linkcode StudyStorage} that keeps everything in memory. Ids start at 0, as in Optuna.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { InMemoryStorage } from "@optuna-deno/artifacts";
 * const storage = new InMemoryStorage();
 * const studyId = await storage.createNewStudy();
 * await storage.setStudySystemAttr(studyId, "k", "v");
 * assert.deepEqual(await storage.getStudySystemAttrs(studyId), { k: "v" });
 * ```
 */
export class InMemoryStorage implements StudyStorage {
  #model = new StorageModel();

  /**
   * Creates a study.
   *
   * @param options The study's name and directions.
   * @returns The new study's id.
   */
  createNewStudy(options: CreateNewStudyOptions = {}): Promise<number> {
    return settle(() => {
      const studyName = studyNameOrDefault(options.studyName);
      if (this.#model.findStudyId(studyName) !== undefined) {
        throw new DuplicatedStudyError(studyName);
      }
      return this.#model.createStudy(studyName, options.directions ?? ["minimize"]);
    });
  }

  /**
   * Looks a study up by name.
   *
   * @param studyName The study's name.
   * @returns The study's id.
   */
  getStudyIdFromName(studyName: string): Promise<number> {
    return settle(() => this.#model.getStudyIdFromName(studyName));
  }

  /**
   * Reads a study.
   *
   * @param studyId The study's id.
   * @returns The study's name and directions.
   */
  getStudy(studyId: number): Promise<FrozenStudy> {
    return settle(() => this.#model.getStudy(studyId));
  }

  /**
   * Lists every study.
   *
   * @returns The studies, in id order.
   */
  getAllStudies(): Promise<FrozenStudy[]> {
    return settle(() => this.#model.getAllStudies());
  }

  /**
   * Creates a trial with the next number: RUNNING, or as the template says.
   *
   * @param studyId The study's id.
   * @param template The trial's state, parameters and attributes.
   * @returns The new trial's id.
   * @throws {IncompatibleDistributionError} When a template parameter does not fit the study.
   */
  createNewTrial(studyId: number, template?: TrialTemplate): Promise<number> {
    return settle(() => {
      if (template) this.#model.checkTemplate(studyId, template);
      return this.#model.createTrial(studyId, template);
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
    return settle(() => this.#model.getTrialIdFromStudyIdTrialNumber(studyId, trialNumber));
  }

  /**
   * Reads a trial.
   *
   * @param trialId The trial's id.
   * @returns The trial's number, state and values.
   */
  getTrial(trialId: number): Promise<FrozenTrial> {
    return settle(() => this.#model.getTrial(trialId));
  }

  /**
   * Lists the trials of a study.
   *
   * @param studyId The study's id.
   * @param options Which states.
   * @returns The trials, in number order.
   */
  getAllTrials(studyId: number, options: GetAllTrialsOptions = {}): Promise<FrozenTrial[]> {
    return settle(() => this.#model.getAllTrials(studyId, options.states));
  }

  /**
   * Lists the trials of a study with their system attributes whose keys start with
   * `keyPrefix`, in one read.
   *
   * @param studyId The study's id.
   * @param options Which attributes, by key prefix.
   * @returns The trials, in number order.
   * @throws {StudyNotFoundError} When the study does not exist.
   */
  getAllTrialsWithSystemAttrs(
    studyId: number,
    options: GetAllTrialsWithSystemAttrsOptions = {},
  ): Promise<TrialWithSystemAttrs[]> {
    return settle(() => this.#model.getAllTrialsWithSystemAttrs(studyId, options.keyPrefix));
  }

  /**
   * Sets a trial's state and, for COMPLETE, its values.
   *
   * @param trialId The trial's id.
   * @param state The new state.
   * @param values The objective values, for COMPLETE.
   * @returns `false` when RUNNING was asked for a trial that is not WAITING.
   * @throws {UpdateFinishedTrialError} When the trial has finished.
   */
  setTrialStateValues(trialId: number, state: TrialState, values?: number[]): Promise<boolean> {
    return settle(() => this.#model.setTrialStateValues(trialId, state, values));
  }

  /**
   * Records a parameter of a RUNNING or WAITING trial.
   *
   * @param trialId The trial's id.
   * @param paramName The parameter's name.
   * @param paramValueInternal Its internal value.
   * @param distribution Its distribution.
   * @throws {UpdateFinishedTrialError} When the trial has finished.
   * @throws {IncompatibleDistributionError} When the study records another kind for the name.
   */
  setTrialParam(
    trialId: number,
    paramName: string,
    paramValueInternal: number,
    distribution: Distribution,
  ): Promise<void> {
    return settle(() =>
      this.#model.setTrialParam(trialId, paramName, paramValueInternal, distribution)
    );
  }

  /**
   * Records an intermediate value of a trial.
   *
   * @param trialId The trial's id.
   * @param step The step.
   * @param intermediateValue The value.
   * @throws {UpdateFinishedTrialError} When the trial has finished.
   */
  setTrialIntermediateValue(
    trialId: number,
    step: number,
    intermediateValue: number,
  ): Promise<void> {
    return settle(() => this.#model.setTrialIntermediateValue(trialId, step, intermediateValue));
  }

  /**
   * Sets one user attribute of a RUNNING or WAITING trial.
   *
   * @param trialId The trial's id.
   * @param key The attribute's key.
   * @param value The attribute's value.
   * @throws {UpdateFinishedTrialError} When the trial has finished.
   */
  setTrialUserAttr(trialId: number, key: string, value: JsonValue): Promise<void> {
    return settle(() => this.#model.setTrialUserAttr(trialId, key, value));
  }

  /**
   * Reads a study's user attributes.
   *
   * @param studyId The study's id.
   * @returns The attributes.
   */
  getStudyUserAttrs(studyId: number): Promise<Record<string, JsonValue>> {
    return settle(() => this.#model.getStudyUserAttrs(studyId));
  }

  /**
   * Sets one user attribute of a study.
   *
   * @param studyId The study's id.
   * @param key The attribute's key.
   * @param value The attribute's value.
   */
  setStudyUserAttr(studyId: number, key: string, value: JsonValue): Promise<void> {
    return settle(() => this.#model.setStudyUserAttr(studyId, key, value));
  }

  /**
   * Reads a study's system attributes.
   *
   * @param studyId The study's id.
   * @returns The attributes, in the order they were first set.
   */
  getStudySystemAttrs(studyId: number): Promise<Record<string, JsonValue>> {
    return settle(() => this.#model.getStudySystemAttrs(studyId));
  }

  /**
   * Sets one system attribute of a study.
   *
   * @param studyId The study's id.
   * @param key The attribute's key.
   * @param value The attribute's value.
   */
  setStudySystemAttr(studyId: number, key: string, value: JsonValue): Promise<void> {
    return settle(() => this.#model.setStudySystemAttr(studyId, key, value));
  }

  /**
   * Sets several system attributes of a study at once.
   *
   * @param studyId The study's id.
   * @param attrs The attributes, written in this order.
   */
  setStudySystemAttrs(studyId: number, attrs: Record<string, JsonValue>): Promise<void> {
    return settle(() => this.#model.setStudySystemAttrs(studyId, attrs));
  }

  /**
   * Reads a trial's system attributes.
   *
   * @param trialId The trial's id.
   * @returns The attributes, in the order they were first set.
   */
  getTrialSystemAttrs(trialId: number): Promise<Record<string, JsonValue>> {
    return settle(() => this.#model.getTrialSystemAttrs(trialId));
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
    return settle(() => this.#model.setTrialSystemAttr(trialId, key, value));
  }

  /**
   * Sets several system attributes of a RUNNING or WAITING trial at once.
   *
   * @param trialId The trial's id.
   * @param attrs The attributes, written in this order.
   * @throws {UpdateFinishedTrialError} When the trial has finished.
   */
  setTrialSystemAttrs(trialId: number, attrs: Record<string, JsonValue>): Promise<void> {
    return settle(() => this.#model.setTrialSystemAttrs(trialId, attrs));
  }

  /**
   * Deletes one system attribute of a study.
   *
   * @param studyId The study's id.
   * @param key The attribute's key.
   */
  deleteStudySystemAttr(studyId: number, key: string): Promise<void> {
    return settle(() => this.#model.deleteStudySystemAttr(studyId, key));
  }

  /**
   * Deletes one system attribute of a RUNNING or WAITING trial.
   *
   * @param trialId The trial's id.
   * @param key The attribute's key.
   * @throws {UpdateFinishedTrialError} When the trial has finished.
   */
  deleteTrialSystemAttr(trialId: number, key: string): Promise<void> {
    return settle(() => this.#model.deleteTrialSystemAttr(trialId, key));
  }
}
