/**
 * A study storage on Optuna's RDB schema (the tables Python's `RDBStorage` creates), over a
 * small driver interface. Use it through `SqliteStorage` (`./sqlite`) or `PostgresStorage`
 * (`./postgres`); this module itself loads no database driver.
 *
 * @example Usage
 * ```ts ignore
 * import { SqliteStorage } from "@optuna-deno/artifacts/sqlite";
 * const storage = new SqliteStorage("sqlite:///optuna.db"); // a database Python Optuna created
 * console.log(await storage.getAllStudies());
 * await storage.close();
 * ```
 *
 * @module
 */
import { StudyNotFoundError, TrialNotFoundError, UpdateFinishedTrialError } from "./errors.ts";
import { studyNameOrDefault } from "./_names.ts";
import { DuplicatedStudyError } from "./errors.ts";
import type {
  CreateNewStudyOptions,
  FrozenStudy,
  FrozenTrial,
  GetAllTrialsOptions,
  GetAllTrialsWithSystemAttrsOptions,
  JsonValue,
  StudyDirection,
  StudyStorage,
  TrialState,
  TrialTemplate,
  TrialWithSystemAttrs,
} from "./types.ts";
import type { Distribution } from "../distributions/distributions.ts";
import { isFinished } from "./_trial_state.ts";
import type { RdbDriver, RdbQuery, RdbRow } from "./rdb_driver.ts";
import { checkSchema, schemaRevision } from "./_rdb_schema.ts";
import { attrs, readTrials, trialState, utcText } from "./_rdb_trials.ts";
import {
  type AttrKind,
  deleteSystemAttr,
  insertParam,
  insertTrial,
  type Owner,
  upsertAttrs,
  upsertIntermediateValue,
  upsertValue,
} from "./_rdb_params.ts";

export type { RdbDriver, RdbQuery, RdbRow } from "./rdb_driver.ts";
export { SUPPORTED_SCHEMA_REVISIONS } from "./_rdb_schema.ts";

/**
 * A {@linkcode StudyStorage} on Optuna's RDB schema. The schema must exist (created by Python
 * Optuna) at a supported revision, which is checked on first use. Attribute values are stored
 * as Python's `json.dumps(value)`; every write is one transaction that checks the trial's state
 * under a row lock, so a trial finished by another process is never changed.
 *
 * @example Usage
 * ```ts ignore
 * import { RdbStorage } from "@optuna-deno/artifacts/sqlite";
 * declare const driver: import("@optuna-deno/artifacts/sqlite").RdbDriver;
 * const storage = new RdbStorage(driver);
 * ```
 */
export class RdbStorage implements StudyStorage {
  #driver: RdbDriver;
  #schemaChecked: Promise<void> | undefined;

  /**
   * Wraps a driver.
   *
   * @param driver The database connection.
   */
  constructor(driver: RdbDriver) {
    this.#driver = driver;
  }

  /**
   * Closes the database connection.
   *
   * @returns Nothing, once closed.
   */
  close(): Promise<void> {
    return this.#driver.close();
  }

  /**
   * Reads the schema revision (`alembic_version`).
   *
   * @returns The revision, such as `"v3.2.0.a"`.
   * @throws {StorageFormatError} When the database has no Optuna schema.
   */
  schemaRevision(): Promise<string> {
    return schemaRevision(this.#driver);
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
    return this.#write(async (tx) => {
      const taken = await tx.query("SELECT study_id FROM studies WHERE study_name = ?", [
        studyName,
      ]);
      if (taken.length > 0) throw new DuplicatedStudyError(studyName);
      const [row] = await tx.query(
        "INSERT INTO studies (study_name) VALUES (?) RETURNING study_id",
        [studyName],
      );
      const studyId = Number(row.study_id);
      for (const [objective, direction] of directions.entries()) {
        await tx.query(
          "INSERT INTO study_directions (direction, study_id, objective) VALUES (?, ?, ?)",
          [direction.toUpperCase(), studyId, objective],
        );
      }
      return studyId;
    });
  }

  /**
   * Looks a study up by name.
   *
   * @param studyName The study's name.
   * @returns The study's id.
   */
  async getStudyIdFromName(studyName: string): Promise<number> {
    const rows = await this.#read("SELECT study_id FROM studies WHERE study_name = ?", [studyName]);
    if (rows.length === 0) throw new StudyNotFoundError(studyName);
    return Number(rows[0].study_id);
  }

  /**
   * Reads a study.
   *
   * @param studyId The study's id.
   * @returns The study's name and directions.
   */
  async getStudy(studyId: number): Promise<FrozenStudy> {
    const studies = await this.#read("SELECT study_name FROM studies WHERE study_id = ?", [
      studyId,
    ]);
    if (studies.length === 0) throw new StudyNotFoundError(studyId);
    const directions = await this.#read(
      "SELECT direction FROM study_directions WHERE study_id = ? ORDER BY objective",
      [studyId],
    );
    return {
      studyId,
      studyName: String(studies[0].study_name),
      directions: directions.map((row) => direction(row.direction)),
    };
  }

  /**
   * Lists every study.
   *
   * @returns The studies, in id order.
   */
  async getAllStudies(): Promise<FrozenStudy[]> {
    const studies = await this.#read("SELECT study_id, study_name FROM studies ORDER BY study_id");
    const directions = await this.#read(
      "SELECT study_id, direction FROM study_directions ORDER BY study_id, objective",
    );
    return studies.map((row) => ({
      studyId: Number(row.study_id),
      studyName: String(row.study_name),
      directions: directions.filter((d) => Number(d.study_id) === Number(row.study_id))
        .map((d) => direction(d.direction)),
    }));
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
    return this.#write(async (tx) => {
      await this.#lockStudy(tx, studyId);
      return await insertTrial(tx, studyId, template);
    });
  }

  /**
   * Looks a trial up by its number in a study.
   *
   * @param studyId The study's id.
   * @param trialNumber The trial's number.
   * @returns The trial's id.
   */
  async getTrialIdFromStudyIdTrialNumber(studyId: number, trialNumber: number): Promise<number> {
    const rows = await this.#read(
      "SELECT trial_id FROM trials WHERE study_id = ? AND number = ?",
      [studyId, trialNumber],
    );
    if (rows.length === 0) {
      await this.getStudy(studyId);
      throw new TrialNotFoundError({ studyId, number: trialNumber });
    }
    return Number(rows[0].trial_id);
  }

  /**
   * Reads a trial.
   *
   * @param trialId The trial's id.
   * @returns The trial.
   */
  async getTrial(trialId: number): Promise<FrozenTrial> {
    await this.#checkSchema();
    const [trial] = await readTrials(this.#driver, { trialId }, this.#driver.description);
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
    return await readTrials(
      this.#driver,
      { studyId, states: options.states },
      this.#driver.description,
    );
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
    const prefix = options.keyPrefix ?? "";
    const rows = await this.#read(
      'SELECT a.trial_id, a."key", a.value_json FROM trial_system_attributes a JOIN trials t ' +
        'ON t.trial_id = a.trial_id WHERE t.study_id = ? AND substr(a."key", 1, ?) = ? ' +
        "ORDER BY a.trial_system_attribute_id",
      [studyId, [...prefix].length, prefix],
    );
    const byTrial = Map.groupBy(rows, (row) => Number(row.trial_id));
    return trials.map((trial) => ({
      ...trial,
      systemAttrs: attrs(byTrial.get(trial.trialId) ?? [], this.#driver.description),
    }));
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
    return this.#write(async (tx) => {
      const { state: current } = await this.#lockWritableTrial(tx, trialId);
      if (state === "RUNNING" && current !== "WAITING") return false;
      const column = state === "RUNNING"
        ? ", datetime_start = ?"
        : isFinished(state)
        ? ", datetime_complete = ?"
        : "";
      await tx.query(
        `UPDATE trials SET state = ?${column} WHERE trial_id = ?`,
        column ? [state, utcText(), trialId] : [state, trialId],
      );
      for (const [objective, value] of (values ?? []).entries()) {
        await upsertValue(tx, trialId, objective, value);
      }
      return true;
    });
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
    return this.#write(async (tx) => {
      const { studyId } = await this.#lockWritableTrial(tx, trialId);
      await insertParam(tx, studyId, trialId, paramName, paramValueInternal, distribution);
    });
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
    return this.#write(async (tx) => {
      await this.#lockWritableTrial(tx, trialId);
      await upsertIntermediateValue(tx, trialId, step, intermediateValue);
    });
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
    const rows = await this.#read("SELECT trial_id FROM trials WHERE trial_id = ?", [trialId]);
    if (rows.length === 0) throw new TrialNotFoundError(trialId);
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
    return this.#write(async (tx) => {
      await this.#lockStudy(tx, studyId);
      await deleteSystemAttr(tx, "study", studyId, key);
    });
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
    return this.#write(async (tx) => {
      await this.#lockWritableTrial(tx, trialId);
      await deleteSystemAttr(tx, "trial", trialId, key);
    });
  }

  #setStudyAttrs(kind: AttrKind, studyId: number, attrs: Record<string, JsonValue>): Promise<void> {
    return this.#write(async (tx) => {
      await this.#lockStudy(tx, studyId);
      await upsertAttrs(tx, "study", kind, studyId, attrs);
    });
  }

  #setTrialAttrs(kind: AttrKind, trialId: number, attrs: Record<string, JsonValue>): Promise<void> {
    return this.#write(async (tx) => {
      await this.#lockWritableTrial(tx, trialId);
      await upsertAttrs(tx, "trial", kind, trialId, attrs);
    });
  }

  /** The attributes of a study or a trial, in the order they were first set. */
  async #attrs(owner: Owner, kind: AttrKind, id: number): Promise<Record<string, JsonValue>> {
    return attrs(
      await this.#read(
        `SELECT "key", value_json FROM ${owner}_${kind}_attributes WHERE ${owner}_id = ? ` +
          `ORDER BY ${owner}_${kind}_attribute_id`,
        [id],
      ),
      this.#driver.description,
    );
  }

  get #forUpdate(): string {
    // SQLite's BEGIN IMMEDIATE already holds the write lock; PostgreSQL locks the row.
    return this.#driver.dialect === "postgres" ? " FOR UPDATE" : "";
  }

  async #lockStudy(tx: RdbQuery, studyId: number): Promise<void> {
    const study = await tx.query(
      `SELECT study_id FROM studies WHERE study_id = ?${this.#forUpdate}`,
      [studyId],
    );
    if (study.length === 0) throw new StudyNotFoundError(studyId);
  }

  async #lockWritableTrial(
    tx: RdbQuery,
    trialId: number,
  ): Promise<{ state: TrialState; studyId: number }> {
    const rows = await tx.query(
      `SELECT state, study_id FROM trials WHERE trial_id = ?${this.#forUpdate}`,
      [trialId],
    );
    if (rows.length === 0) throw new TrialNotFoundError(trialId);
    const state = trialState(rows[0].state);
    if (isFinished(state)) throw new UpdateFinishedTrialError(trialId, state);
    return { state, studyId: Number(rows[0].study_id) };
  }

  #checkSchema(): Promise<void> {
    this.#schemaChecked ??= checkSchema(this.#driver);
    // A failed check is retried on the next call rather than cached.
    this.#schemaChecked.catch(() => this.#schemaChecked = undefined);
    return this.#schemaChecked;
  }

  async #read(sql: string, params: unknown[] = []): Promise<RdbRow[]> {
    await this.#checkSchema();
    return await this.#driver.query(sql, params);
  }

  async #write<T>(fn: (tx: RdbQuery) => Promise<T>): Promise<T> {
    await this.#checkSchema();
    return await this.#driver.transaction(fn);
  }
}

function direction(value: unknown): StudyDirection {
  return value === "MAXIMIZE" ? "maximize" : "minimize";
}
