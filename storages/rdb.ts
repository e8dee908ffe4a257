// RdbStorage, which `./sqlite` and `./postgres` export on their drivers.
import { TrialNotFoundError } from "./errors.ts";
import { studyNameOrDefault } from "./_names.ts";
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
import type { RdbDriver } from "./rdb_driver.ts";
import { RdbSession } from "./_rdb_session.ts";
import { readTrialId, readTrials } from "./_rdb_trials.ts";
import { insertStudy, readAllStudies, readStudy, readStudyId } from "./_rdb_studies.ts";
import {
  type AttrKind,
  deleteSystemAttr,
  type Owner,
  readAttrs,
  readTrialSystemAttrsOfStudy,
  upsertAttrs,
} from "./_rdb_attrs.ts";
import {
  insertParam,
  insertTrial,
  updateTrialState,
  upsertIntermediateValue,
} from "./_rdb_params.ts";

export type { RdbDriver, RdbQuery, RdbRow } from "./rdb_driver.ts";
export { SUPPORTED_SCHEMA_REVISIONS } from "./_rdb_schema.ts";

/**
 * A {@linkcode StudyStorage} on Optuna's RDB schema: {@linkcode SqliteStorage} (`./sqlite`) and
 * {@linkcode PostgresStorage} (`./postgres`) are this class on their drivers.
 *
 * The schema is the one Python Optuna creates; this module does not create or migrate schemas
 * (`SqliteStorage` refuses a missing file rather than create an empty one). Revisions `v3.0.0.a`
 * to `v3.2.0.a` (Optuna 3.0 to 5.0) are accepted; any other, or missing tables or columns, is a
 * `StorageFormatError`, and a failed connection says so ("Cannot reach PostgreSQL database ...").
 * `value_json` holds Python's `json.dumps(value)`, so artifact metadata is JSON-encoded twice, as
 * in Python. Each write is one transaction that checks the trial's state under a lock (`BEGIN
 * IMMEDIATE` on SQLite, `SELECT ... FOR UPDATE` on PostgreSQL) and upserts with `INSERT ... ON
 * CONFLICT ... DO UPDATE`. Ids start at 1, as in Python; attributes come back in the order they
 * were first set (Python's RDB storage returns them in no fixed order).
 *
 * @example Usage
 * ```ts ignore
 * import { RdbStorage } from "@optuna-deno/artifacts/sqlite";
 * declare const driver: import("@optuna-deno/artifacts/sqlite").RdbDriver;
 * const storage = new RdbStorage(driver);
 * ```
 */
export class RdbStorage implements StudyStorage {
  #db: RdbSession;

  /**
   * Wraps a driver.
   *
   * @param driver The database connection.
   */
  constructor(driver: RdbDriver) {
    this.#db = new RdbSession(driver);
  }

  /**
   * Closes the database connection.
   *
   * @returns Nothing, once closed.
   */
  close(): Promise<void> {
    return this.#db.close();
  }

  /**
   * Reads the schema revision (`alembic_version`).
   *
   * @returns The revision, such as `"v3.2.0.a"`.
   * @throws {StorageFormatError} When the database has no Optuna schema.
   */
  schemaRevision(): Promise<string> {
    return this.#db.schemaRevision();
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
    return this.#db.write((tx) => insertStudy(tx, studyName, directions));
  }

  /**
   * Looks a study up by name.
   *
   * @param studyName The study's name.
   * @returns The study's id.
   */
  async getStudyIdFromName(studyName: string): Promise<number> {
    return await readStudyId(await this.#db.ready(), studyName);
  }

  /**
   * Reads a study.
   *
   * @param studyId The study's id.
   * @returns The study's name and directions.
   */
  async getStudy(studyId: number): Promise<FrozenStudy> {
    return await readStudy(await this.#db.ready(), studyId);
  }

  /**
   * Lists every study.
   *
   * @returns The studies, in id order.
   */
  async getAllStudies(): Promise<FrozenStudy[]> {
    return await readAllStudies(await this.#db.ready());
  }

  /**
   * Creates a trial with the next number, RUNNING or from a template, numbered as Python's
   * `RDBStorage` does, under the study's row lock.
   *
   * @param studyId The study's id.
   * @param template The trial's state, parameters and attributes.
   * @returns The new trial's id.
   * @throws {IncompatibleDistributionError} When a template parameter does not fit the study.
   */
  createNewTrial(studyId: number, template?: TrialTemplate): Promise<number> {
    return this.#db.writeStudy(studyId, (tx) => insertTrial(tx, studyId, template));
  }

  /**
   * Looks a trial up by its number in a study.
   *
   * @param studyId The study's id.
   * @param trialNumber The trial's number.
   * @returns The trial's id.
   */
  async getTrialIdFromStudyIdTrialNumber(studyId: number, trialNumber: number): Promise<number> {
    return await readTrialId(await this.#db.ready(), { studyId, number: trialNumber });
  }

  /**
   * Reads a trial.
   *
   * @param trialId The trial's id.
   * @returns The trial.
   */
  async getTrial(trialId: number): Promise<FrozenTrial> {
    const [trial] = await readTrials(await this.#db.ready(), { trialId });
    if (trial === undefined) throw new TrialNotFoundError(trialId);
    return trial;
  }

  /**
   * Lists the trials of a study: one query per table for all of them.
   *
   * @param studyId The study's id.
   * @param options Which states.
   * @returns The trials, in number order.
   */
  async getAllTrials(studyId: number, options: GetAllTrialsOptions = {}): Promise<FrozenTrial[]> {
    await this.getStudy(studyId);
    return await readTrials(await this.#db.ready(), { studyId, states: options.states });
  }

  /**
   * Lists the trials of a study with their system attributes whose keys start with
   * `keyPrefix`: one query for the attributes of every trial, not one per trial.
   *
   * @param studyId The study's id.
   * @param options Which attributes, by key prefix.
   * @returns The trials, in number order.
   * @throws {StudyNotFoundError} When the study does not exist.
   */
  async getAllTrialsWithSystemAttrs(
    studyId: number,
    options: GetAllTrialsWithSystemAttrsOptions = {},
  ): Promise<TrialWithSystemAttrs[]> {
    const trials = await this.getAllTrials(studyId);
    const systemAttrs = await readTrialSystemAttrsOfStudy(await this.#db.ready(), {
      studyId,
      keyPrefix: options.keyPrefix ?? "",
    });
    return trials.map((trial) => ({ ...trial, systemAttrs: systemAttrs.get(trial.trialId) ?? {} }));
  }

  /**
   * Sets a trial's state and, for COMPLETE, its values. RUNNING claims a WAITING trial under
   * its row lock, as Python's `set_trial_state_values`.
   *
   * @param trialId The trial's id.
   * @param state The new state.
   * @param values The objective values, for COMPLETE.
   * @returns `false` when RUNNING was asked for a trial that is not WAITING.
   * @throws {UpdateFinishedTrialError} When the trial has finished.
   */
  setTrialStateValues(trialId: number, state: TrialState, values?: number[]): Promise<boolean> {
    return this.#db.writeTrial(
      trialId,
      (tx, { state: current }) => updateTrialState(tx, { trialId, current, state, values }),
    );
  }

  /**
   * Records a parameter of a RUNNING or WAITING trial, checked against the study's
   * distribution of that name in the same transaction.
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
    return this.#db.writeTrial(
      trialId,
      (tx, { studyId }) =>
        insertParam(tx, studyId, trialId, paramName, paramValueInternal, distribution),
    );
  }

  /**
   * Records an intermediate value (`trial_intermediate_values`, with its type for NaN and
   * infinities).
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
    return this.#db.writeTrial(
      trialId,
      (tx) => upsertIntermediateValue(tx, trialId, step, intermediateValue),
    );
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
    return this.#setTrialAttrs("user", trialId, { [key]: value });
  }

  /**
   * Reads a study's user attributes.
   *
   * @param studyId The study's id.
   * @returns The attributes.
   */
  async getStudyUserAttrs(studyId: number): Promise<Record<string, JsonValue>> {
    await this.getStudy(studyId);
    return await this.#attrs("study", "user", studyId);
  }

  /**
   * Sets one user attribute of a study.
   *
   * @param studyId The study's id.
   * @param key The attribute's key.
   * @param value The attribute's value.
   */
  setStudyUserAttr(studyId: number, key: string, value: JsonValue): Promise<void> {
    return this.#setStudyAttrs("user", studyId, { [key]: value });
  }

  /**
   * Reads a study's system attributes.
   *
   * @param studyId The study's id.
   * @returns The attributes, in the order they were first set.
   */
  async getStudySystemAttrs(studyId: number): Promise<Record<string, JsonValue>> {
    await this.getStudy(studyId);
    return await this.#attrs("study", "system", studyId);
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
   * Sets several system attributes of a study in one transaction.
   *
   * @param studyId The study's id.
   * @param attrs The attributes, written in this order.
   */
  setStudySystemAttrs(studyId: number, attrs: Record<string, JsonValue>): Promise<void> {
    return this.#setStudyAttrs("system", studyId, attrs);
  }

  /**
   * Reads a trial's system attributes.
   *
   * @param trialId The trial's id.
   * @returns The attributes, in the order they were first set.
   */
  async getTrialSystemAttrs(trialId: number): Promise<Record<string, JsonValue>> {
    await readTrialId(await this.#db.ready(), { trialId });
    return await this.#attrs("trial", "system", trialId);
  }

  /**
   * Sets one system attribute of a RUNNING or WAITING trial, in one transaction with a check of
   * its state.
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
   * Sets several system attributes of a RUNNING or WAITING trial in one transaction with a
   * check of its state.
   *
   * @param trialId The trial's id.
   * @param attrs The attributes, written in this order.
   * @throws {UpdateFinishedTrialError} When the trial has finished.
   */
  setTrialSystemAttrs(trialId: number, attrs: Record<string, JsonValue>): Promise<void> {
    return this.#setTrialAttrs("system", trialId, attrs);
  }

  /**
   * Deletes one system attribute of a study.
   *
   * @param studyId The study's id.
   * @param key The attribute's key.
   */
  deleteStudySystemAttr(studyId: number, key: string): Promise<void> {
    return this.#db.writeStudy(studyId, (tx) => deleteSystemAttr(tx, "study", studyId, key));
  }

  /**
   * Deletes one system attribute of a RUNNING or WAITING trial, in one transaction with a
   * check of its state.
   *
   * @param trialId The trial's id.
   * @param key The attribute's key.
   * @throws {UpdateFinishedTrialError} When the trial has finished.
   */
  deleteTrialSystemAttr(trialId: number, key: string): Promise<void> {
    return this.#db.writeTrial(trialId, (tx) => deleteSystemAttr(tx, "trial", trialId, key));
  }

  #setStudyAttrs(kind: AttrKind, studyId: number, attrs: Record<string, JsonValue>): Promise<void> {
    return this.#db.writeStudy(studyId, (tx) => upsertAttrs(tx, "study", kind, studyId, attrs));
  }

  #setTrialAttrs(kind: AttrKind, trialId: number, attrs: Record<string, JsonValue>): Promise<void> {
    return this.#db.writeTrial(trialId, (tx) => upsertAttrs(tx, "trial", kind, trialId, attrs));
  }

  async #attrs(owner: Owner, kind: AttrKind, id: number): Promise<Record<string, JsonValue>> {
    return await readAttrs(await this.#db.ready(), { owner, kind, id });
  }
}
