// JournalFileStorage, the storage of `./journal` (see journal.ts for the module's documentation
// and options).
import { pythonFloat, RawJson } from "../_common/python_json.ts";
import { JournalLog, type JournalOp } from "./_journal_log.ts";
import { DIRECTIONS, OP } from "./_journal_replay.ts";
import { isoNow, paramFields, templateFields, TRIAL_STATES } from "./_journal_params.ts";
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
import type { JournalFileStorageOptions } from "./journal.ts";
import type { Distribution } from "../distributions/distributions.ts";
import { isFinished } from "./_trial_state.ts";

/**
 * A {@linkcode StudyStorage} on an Optuna journal file. Reads replay only the lines added since
 * the last read (by byte offset); a last line without its newline is a write in progress and
 * is left for later. Each write takes `<path>.lock`, re-reads the journal, checks the study or
 * trial under the lock, appends its complete lines with one `write` and fsyncs them.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { JournalFileStorage } from "@optuna-deno/artifacts/journal";
 * const dir = await Deno.makeTempDir();
 * const storage = new JournalFileStorage(`${dir}/journal.log`, { lock: "open" });
 * const studyId = await storage.createNewStudy({ studyName: "s" });
 * assert.deepEqual(await storage.getStudyIdFromName("s") === studyId, true);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export class JournalFileStorage implements StudyStorage {
  #log: JournalLog;

  /**
   * Opens a journal file; it is created by the first write if it does not exist.
   *
   * @param path The journal file, as given to Python's `JournalFileBackend(path)`.
   * @param options The lock kind and the stale-lock grace period.
   */
  constructor(path: string, options: JournalFileStorageOptions = {}) {
    const gracePeriod = options.gracePeriod === undefined ? 30 : options.gracePeriod;
    if (gracePeriod !== null && !(gracePeriod > 0)) {
      throw new RangeError(
        `Cannot use the grace period ${gracePeriod}: use a positive number of seconds, or null`,
      );
    }
    this.#log = new JournalLog(path, {
      kind: options.lock ?? "symlink",
      gracePeriod,
      onWarning: options.onWarning ?? ((message) => console.warn(message)),
    });
  }

  /**
   * The journal file's path.
   *
   * @returns The path given to the constructor.
   */
  get path(): string {
    return this.#log.path;
  }

  /**
   * Creates a study.
   *
   * @param options The study's name and directions.
   * @returns The new study's id.
   */
  createNewStudy(options: CreateNewStudyOptions = {}): Promise<number> {
    const studyName = studyNameOrDefault(options.studyName);
    const directions = options.directions ?? ["minimize"];
    return this.#log.write(() => {
      if (this.#log.model.findStudyId(studyName) !== undefined) {
        throw new DuplicatedStudyError(studyName);
      }
      return {
        op_code: OP.CREATE_STUDY,
        study_name: studyName,
        directions: directions.map((d) => DIRECTIONS[d]),
      };
    }, () => this.#log.model.getStudyIdFromName(studyName));
  }

  /**
   * Looks a study up by name.
   *
   * @param studyName The study's name.
   * @returns The study's id.
   */
  getStudyIdFromName(studyName: string): Promise<number> {
    return this.#log.read((model) => model.getStudyIdFromName(studyName));
  }

  /**
   * Reads a study.
   *
   * @param studyId The study's id.
   * @returns The study's name and directions.
   */
  getStudy(studyId: number): Promise<FrozenStudy> {
    return this.#log.read((model) => model.getStudy(studyId));
  }

  /**
   * Lists every study.
   *
   * @returns The studies, in id order.
   */
  getAllStudies(): Promise<FrozenStudy[]> {
    return this.#log.read((model) => model.getAllStudies());
  }

  /**
   * Creates a trial with the next number: RUNNING, or as the template says (one op-4 line, as
   * Python's `create_new_trial(study_id, template_trial)` writes it).
   *
   * @param studyId The study's id.
   * @param template The trial's state, parameters and attributes.
   * @returns The new trial's id.
   * @throws {IncompatibleDistributionError} When a template parameter does not fit the study.
   */
  createNewTrial(studyId: number, template?: TrialTemplate): Promise<number> {
    return this.#log.write((): JournalOp => {
      this.#log.model.getStudy(studyId);
      if (!template) {
        return { op_code: OP.CREATE_TRIAL, study_id: studyId, datetime_start: isoNow() };
      }
      this.#log.model.checkTemplate(studyId, template);
      return { op_code: OP.CREATE_TRIAL, study_id: studyId, ...templateFields(template) };
    }, () => this.#log.model.lastTrialId(studyId)!);
  }

  /**
   * Looks a trial up by its number in a study.
   *
   * @param studyId The study's id.
   * @param trialNumber The trial's number.
   * @returns The trial's id.
   */
  getTrialIdFromStudyIdTrialNumber(studyId: number, trialNumber: number): Promise<number> {
    return this.#log.read((model) => model.getTrialIdFromStudyIdTrialNumber(studyId, trialNumber));
  }

  /**
   * Reads a trial.
   *
   * @param trialId The trial's id.
   * @returns The trial.
   */
  getTrial(trialId: number): Promise<FrozenTrial> {
    return this.#log.read((model) => model.getTrial(trialId));
  }

  /**
   * Lists the trials of a study.
   *
   * @param studyId The study's id.
   * @param options Which states.
   * @returns The trials, in number order.
   */
  getAllTrials(studyId: number, options: GetAllTrialsOptions = {}): Promise<FrozenTrial[]> {
    return this.#log.read((model) => model.getAllTrials(studyId, options.states));
  }

  /**
   * Lists the trials of a study with their system attributes whose keys start with
   * `keyPrefix`, in one read (one check of the file for new lines, not one per trial).
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
    return this.#log.read((model) => model.getAllTrialsWithSystemAttrs(studyId, options.keyPrefix));
  }

  /**
   * Sets a trial's state and, for COMPLETE, its values. RUNNING claims a WAITING trial as
   * Python does: the check and the line are written under the lock, and the claim is won only
   * if this worker's line is the one that replay applies (the first in log order).
   *
   * @param trialId The trial's id.
   * @param state The new state.
   * @param values The objective values, for COMPLETE.
   * @returns `false` when RUNNING was asked for a trial another worker claimed first.
   * @throws {UpdateFinishedTrialError} When the trial has finished.
   */
  setTrialStateValues(trialId: number, state: TrialState, values?: number[]): Promise<boolean> {
    let claiming = false;
    return this.#log.write(
      () => {
        this.#log.model.checkWritableTrial(trialId);
        if (state === "RUNNING") {
          if (this.#log.model.getTrial(trialId).state !== "WAITING") return null;
          claiming = true;
        }
        const op: JournalOp = {
          op_code: OP.SET_TRIAL_STATE_VALUES,
          trial_id: trialId,
          state: TRIAL_STATES.indexOf(state),
          values: values ? values.map((v) => new RawJson(pythonFloat(v))) : null,
        };
        if (state === "RUNNING") op.datetime_start = isoNow();
        if (isFinished(state)) op.datetime_complete = isoNow();
        return op;
      },
      () =>
        state !== "RUNNING" ||
        (claiming && this.#log.model.runnerOf(trialId) === this.#log.workerId),
    );
  }

  /**
   * Records a parameter of a RUNNING or WAITING trial (op 5, Python's line); the distribution
   * is checked against the study's under the lock.
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
    return this.#log.write(() => {
      this.#log.model.checkParam(trialId, paramName, distribution);
      return {
        op_code: OP.SET_TRIAL_PARAM,
        ...paramFields(trialId, paramName, paramValueInternal, distribution),
      };
    });
  }

  /**
   * Records an intermediate value of a trial (op 7).
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
    return this.#log.write(() => {
      this.#log.model.checkWritableTrial(trialId);
      return {
        op_code: OP.SET_TRIAL_INTERMEDIATE_VALUE,
        trial_id: trialId,
        step,
        intermediate_value: new RawJson(pythonFloat(intermediateValue)),
      };
    });
  }

  /**
   * Sets one user attribute of a RUNNING or WAITING trial (op 8).
   *
   * @param trialId The trial's id.
   * @param key The attribute's key.
   * @param value The attribute's value.
   * @throws {UpdateFinishedTrialError} When the trial has finished.
   */
  setTrialUserAttr(trialId: number, key: string, value: JsonValue): Promise<void> {
    return this.#log.write(() => {
      this.#log.model.checkWritableTrial(trialId);
      return { op_code: OP.SET_TRIAL_USER_ATTR, trial_id: trialId, user_attr: { [key]: value } };
    });
  }

  /**
   * Reads a study's user attributes.
   *
   * @param studyId The study's id.
   * @returns The attributes.
   */
  getStudyUserAttrs(studyId: number): Promise<Record<string, JsonValue>> {
    return this.#log.read((model) => model.getStudyUserAttrs(studyId));
  }

  /**
   * Sets one user attribute of a study (op 2).
   *
   * @param studyId The study's id.
   * @param key The attribute's key.
   * @param value The attribute's value.
   */
  setStudyUserAttr(studyId: number, key: string, value: JsonValue): Promise<void> {
    return this.#log.write(() => {
      this.#log.model.getStudy(studyId);
      return { op_code: OP.SET_STUDY_USER_ATTR, study_id: studyId, user_attr: { [key]: value } };
    });
  }

  /**
   * Reads a study's system attributes.
   *
   * @param studyId The study's id.
   * @returns The attributes, in the order they were first set.
   */
  getStudySystemAttrs(studyId: number): Promise<Record<string, JsonValue>> {
    return this.#log.read((model) => model.getStudySystemAttrs(studyId));
  }

  /**
   * Sets one system attribute of a study.
   *
   * @param studyId The study's id.
   * @param key The attribute's key.
   * @param value The attribute's value.
   */
  setStudySystemAttr(studyId: number, key: string, value: JsonValue): Promise<void> {
    return this.setStudySystemAttrs(studyId, { [key]: value });
  }

  /**
   * Sets several system attributes of a study in one append: one line per attribute (Python
   * Optuna asserts a single key per line), written, synced and undone on failure together.
   *
   * @param studyId The study's id.
   * @param attrs The attributes, written in this order.
   */
  setStudySystemAttrs(studyId: number, attrs: Record<string, JsonValue>): Promise<void> {
    return this.#log.write(() => {
      this.#log.model.getStudy(studyId);
      return Object.entries(attrs).map(([key, value]) => ({
        op_code: OP.SET_STUDY_SYSTEM_ATTR,
        study_id: studyId,
        system_attr: { [key]: value },
      }));
    });
  }

  /**
   * Reads a trial's system attributes.
   *
   * @param trialId The trial's id.
   * @returns The attributes, in the order they were first set.
   */
  getTrialSystemAttrs(trialId: number): Promise<Record<string, JsonValue>> {
    return this.#log.read((model) => model.getTrialSystemAttrs(trialId));
  }

  /**
   * Sets one system attribute of a RUNNING or WAITING trial. The trial's state is checked
   * under the journal lock, so a trial finished by another process is never changed.
   *
   * @param trialId The trial's id.
   * @param key The attribute's key.
   * @param value The attribute's value.
   * @throws {UpdateFinishedTrialError} When the trial has finished.
   */
  setTrialSystemAttr(trialId: number, key: string, value: JsonValue): Promise<void> {
    return this.setTrialSystemAttrs(trialId, { [key]: value });
  }

  /**
   * Sets several system attributes of a RUNNING or WAITING trial in one append, as
   * {@linkcode JournalFileStorage.setStudySystemAttrs} does for a study.
   *
   * @param trialId The trial's id.
   * @param attrs The attributes, written in this order.
   * @throws {UpdateFinishedTrialError} When the trial has finished.
   */
  setTrialSystemAttrs(trialId: number, attrs: Record<string, JsonValue>): Promise<void> {
    return this.#log.write(() => {
      this.#log.model.checkWritableTrial(trialId);
      return Object.entries(attrs).map(([key, value]) => ({
        op_code: OP.SET_TRIAL_SYSTEM_ATTR,
        trial_id: trialId,
        system_attr: { [key]: value },
      }));
    });
  }
}
