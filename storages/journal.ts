/**
 * A study storage on an Optuna journal file, byte-compatible with Python's
 * `JournalStorage(JournalFileBackend(path))`: the same JSON lines, ids, replay rules and
 * lock files, so Python Optuna, optuna-dashboard and Deno can share one journal at once.
 *
 * @example Usage
 * ```ts
 * import { JournalFileStorage } from "@optuna-deno/artifacts/journal";
 * import { createStudy, InMemoryArtifactStore, uploadArtifact } from "@optuna-deno/artifacts";
 * const dir = await Deno.makeTempDir();
 * const storage = new JournalFileStorage(`${dir}/journal.log`);
 * const study = await createStudy({ storage, studyName: "demo" });
 * const trial = await study.ask();
 * await uploadArtifact({
 *   artifactStore: new InMemoryArtifactStore(),
 *   studyOrTrial: trial,
 *   body: "hi",
 *   filename: "notes.txt",
 * });
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @module
 */
import { pythonFloat, pythonJsonDumps, RawJson } from "../_common/python_json.ts";
import type { DumpableJson } from "../_common/python_json.ts";
import { parsePythonJson } from "../_common/python_json.ts";
import type { JournalLockKind } from "./_journal_lock.ts";
import { JournalFile } from "./_journal_file.ts";
import { applyJournalOp, DIRECTIONS, OP } from "./_journal_replay.ts";
import { isoNow, paramFields, templateFields, TRIAL_STATES } from "./_journal_params.ts";
import { StorageModel } from "./_model.ts";
import { studyNameOrDefault } from "./_names.ts";
import { DuplicatedStudyError, StorageFormatError } from "./errors.ts";
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
import { isFinished } from "./_trial_state.ts";

export type { JournalLockKind };

/** Options of {@linkcode JournalFileStorage}. */
export interface JournalFileStorageOptions {
  /**
   * The lock file kind: `"symlink"` (Python's default `JournalFileSymlinkLock`) or `"open"`
   * (`JournalFileOpenLock`, an exclusively created file). Both exclude each other.
   *
   * @default {"symlink"}
   */
  lock?: JournalLockKind;
  /**
   * Seconds an unchanged lock is waited for before it is broken as stale, as Python's
   * `grace_period`; `null` waits forever.
   *
   * @default {30}
   */
  gracePeriod?: number | null;
  /**
   * Told what went wrong without failing an operation: a long wait for the lock, a stale lock
   * broken, a lock that another writer broke while this one held it.
   *
   * @default {console.warn}
   */
  onWarning?: (message: string) => void;
}

const COMPACT = { item: ",", key: ":" };

/** One journal operation, before `worker_id` is added. */
type JournalOp = { op_code: number } & Record<string, DumpableJson>;

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
  #file: JournalFile;
  #model = new StorageModel();
  #workerId = `${crypto.randomUUID()}-${Deno.pid}`;
  #queue: Promise<unknown> = Promise.resolve();
  #apply = (line: string): void => this.#applyLine(line);

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
    this.#file = new JournalFile(path, {
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
    return this.#file.path;
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
    return this.#write(() => {
      if (this.#model.findStudyId(studyName) !== undefined) {
        throw new DuplicatedStudyError(studyName);
      }
      return {
        op_code: OP.CREATE_STUDY,
        study_name: studyName,
        directions: directions.map((d) => DIRECTIONS[d]),
      };
    }, () => this.#model.getStudyIdFromName(studyName));
  }

  /**
   * Looks a study up by name.
   *
   * @param studyName The study's name.
   * @returns The study's id.
   */
  getStudyIdFromName(studyName: string): Promise<number> {
    return this.#read((model) => model.getStudyIdFromName(studyName));
  }

  /**
   * Reads a study.
   *
   * @param studyId The study's id.
   * @returns The study's name and directions.
   */
  getStudy(studyId: number): Promise<FrozenStudy> {
    return this.#read((model) => model.getStudy(studyId));
  }

  /**
   * Lists every study.
   *
   * @returns The studies, in id order.
   */
  getAllStudies(): Promise<FrozenStudy[]> {
    return this.#read((model) => model.getAllStudies());
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
    return this.#write((): JournalOp => {
      this.#model.getStudy(studyId);
      if (!template) {
        return { op_code: OP.CREATE_TRIAL, study_id: studyId, datetime_start: isoNow() };
      }
      this.#model.checkTemplate(studyId, template);
      return { op_code: OP.CREATE_TRIAL, study_id: studyId, ...templateFields(template) };
    }, () => this.#model.lastTrialId(studyId)!);
  }

  /**
   * Looks a trial up by its number in a study.
   *
   * @param studyId The study's id.
   * @param trialNumber The trial's number.
   * @returns The trial's id.
   */
  getTrialIdFromStudyIdTrialNumber(studyId: number, trialNumber: number): Promise<number> {
    return this.#read((model) => model.getTrialIdFromStudyIdTrialNumber(studyId, trialNumber));
  }

  /**
   * Reads a trial.
   *
   * @param trialId The trial's id.
   * @returns The trial.
   */
  getTrial(trialId: number): Promise<FrozenTrial> {
    return this.#read((model) => model.getTrial(trialId));
  }

  /**
   * Lists the trials of a study.
   *
   * @param studyId The study's id.
   * @param options Which states.
   * @returns The trials, in number order.
   */
  getAllTrials(studyId: number, options: GetAllTrialsOptions = {}): Promise<FrozenTrial[]> {
    return this.#read((model) => model.getAllTrials(studyId, options.states));
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
    return this.#read((model) => model.getAllTrialsWithSystemAttrs(studyId, options.keyPrefix));
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
    return this.#write(() => {
      this.#model.checkWritableTrial(trialId);
      if (state === "RUNNING") {
        if (this.#model.getTrial(trialId).state !== "WAITING") return null;
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
    }, () => state !== "RUNNING" || (claiming && this.#model.runnerOf(trialId) === this.#workerId));
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
    return this.#write(() => {
      this.#model.checkParam(trialId, paramName, distribution);
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
    return this.#write(() => {
      this.#model.checkWritableTrial(trialId);
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
    return this.#write(() => {
      this.#model.checkWritableTrial(trialId);
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
    return this.#read((model) => model.getStudyUserAttrs(studyId));
  }

  /**
   * Sets one user attribute of a study (op 2).
   *
   * @param studyId The study's id.
   * @param key The attribute's key.
   * @param value The attribute's value.
   */
  setStudyUserAttr(studyId: number, key: string, value: JsonValue): Promise<void> {
    return this.#write(() => {
      this.#model.getStudy(studyId);
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
    return this.#read((model) => model.getStudySystemAttrs(studyId));
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
    return this.#write(() => {
      this.#model.getStudy(studyId);
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
    return this.#read((model) => model.getTrialSystemAttrs(trialId));
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
    return this.#write(() => {
      this.#model.checkWritableTrial(trialId);
      return Object.entries(attrs).map(([key, value]) => ({
        op_code: OP.SET_TRIAL_SYSTEM_ATTR,
        trial_id: trialId,
        system_attr: { [key]: value },
      }));
    });
  }

  /** Runs `fn` after every earlier call of this instance, so replays never interleave. */
  #exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(fn, fn);
    this.#queue = next.catch(() => {});
    return next;
  }

  #read<T>(fn: (model: StorageModel) => T): Promise<T> {
    return this.#exclusive(async () => {
      await this.#file.read(this.#apply);
      return fn(this.#model);
    });
  }

  /**
   * Under the lock and after a re-read: `build` validates and returns the operation, which is
   * appended as one line (or nothing, for `null`); `result`, if given, then reads the outcome
   * from the replayed model. An append that fails (a full disk) is cut back off the file, so no
   * partial line stays. Once the line is synced the operation has succeeded: a later step that
   * fails (the re-read) does not fail an operation without a result, which callers would
   * otherwise undo.
   */
  #write(build: () => JournalOp | JournalOp[] | null): Promise<void>;
  #write<T>(build: () => JournalOp | JournalOp[] | null, result: () => T): Promise<T>;
  #write<T>(
    build: () => JournalOp | JournalOp[] | null,
    result?: () => T,
  ): Promise<T | undefined> {
    return this.#exclusive(() =>
      this.#file.locked(this.#apply, async () => {
        const built = build();
        if (built === null) return result?.();
        const lines = (Array.isArray(built) ? built : [built]).map(({ op_code, ...fields }) =>
          pythonJsonDumps({ op_code, worker_id: this.#workerId, ...fields }, COMPACT) + "\n"
        );
        await this.#file.append(new TextEncoder().encode(lines.join("")));
        try {
          await this.#file.read(this.#apply);
        } catch (error) {
          if (result) throw error;
          this.#file.warn(
            `Appended to journal "${this.path}", but cannot read it back: ` +
              `${(error as Error).message}`,
          );
          return undefined;
        }
        return result?.();
      })
    );
  }

  #applyLine(line: string): void {
    const where = this.#file.where;
    let op: unknown;
    try {
      op = parsePythonJson(line);
    } catch (error) {
      throw new StorageFormatError(
        `${where()}: it is not valid JSON (${
          (error as Error).message
        }); repair or remove that line`,
        { cause: error },
      );
    }
    applyJournalOp(this.#model, op, where);
  }
}
