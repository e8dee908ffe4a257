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
import {
  StorageFormatError,
  StudyNotFoundError,
  TrialNotFoundError,
  UpdateFinishedTrialError,
} from "./errors.ts";
import { parsePythonJson, pythonJsonDumps } from "../_common/python_json.ts";
import { withContext } from "../_common/error_context.ts";
import { studyNameOrDefault } from "./_names.ts";
import { DuplicatedStudyError } from "./errors.ts";
import type {
  CreateNewStudyOptions,
  FrozenStudy,
  FrozenTrial,
  GetAllTrialsWithSystemAttrsOptions,
  JsonValue,
  StudyDirection,
  StudyStorage,
  TrialState,
  TrialWithSystemAttrs,
} from "./types.ts";
import { isFinished } from "./_trial_state.ts";
import { dictionary } from "../_common/dictionary.ts";

/** A row, by column name. */
export type RdbRow = Record<string, unknown>;

/** Runs SQL with `?` placeholders. */
export interface RdbQuery {
  /**
   * Runs one statement.
   *
   * @param sql The statement, with `?` placeholders.
   * @param params The values of the placeholders.
   * @returns The rows it returns, if any.
   */
  query(sql: string, params?: unknown[]): Promise<RdbRow[]>;
}

/** What {@linkcode RdbStorage} needs of a database: queries and write transactions. */
export interface RdbDriver extends RdbQuery {
  /** `"sqlite"` or `"postgres"`: selects the row-locking clause. */
  readonly dialect: "sqlite" | "postgres";
  /** Where the database is, for messages (never with a password). */
  readonly description: string;
  /**
   * Runs `fn` in one write transaction (SQLite: `BEGIN IMMEDIATE`), committed when it
   * resolves and rolled back when it rejects.
   *
   * @param fn The work, given a query runner bound to the transaction.
   * @returns What `fn` returns.
   */
  transaction<T>(fn: (tx: RdbQuery) => Promise<T>): Promise<T>;
  /**
   * Closes the connection(s).
   *
   * @returns Nothing, once closed.
   */
  close(): Promise<void>;
}

/** The alembic revisions whose study, trial and attribute tables have the shape used here. */
export const SUPPORTED_SCHEMA_REVISIONS: readonly string[] = [
  "v3.0.0.a",
  "v3.0.0.b",
  "v3.0.0.c",
  "v3.0.0.d",
  "v3.2.0.a",
];

const STATES: readonly TrialState[] = ["RUNNING", "COMPLETE", "PRUNED", "FAIL", "WAITING"];

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
  async schemaRevision(): Promise<string> {
    if ((await this.#columnsOf("alembic_version")).size === 0) {
      throw new StorageFormatError(
        `Cannot use ${this.#driver.description}: it has no Optuna schema (no alembic_version ` +
          "table); create it with Python Optuna first: optuna.storages.RDBStorage(url)",
      );
    }
    const rows = await this.#driver.query("SELECT version_num FROM alembic_version");
    if (rows.length !== 1) {
      throw new StorageFormatError(
        `Cannot use ${this.#driver.description}: it has ${rows.length} schema revisions; ` +
          "expected one",
      );
    }
    return String(rows[0].version_num);
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
   * Creates a RUNNING trial with the next number, numbered as Python's `RDBStorage` does.
   *
   * @param studyId The study's id.
   * @returns The new trial's id.
   */
  createNewTrial(studyId: number): Promise<number> {
    return this.#write(async (tx) => {
      const study = await tx.query(
        `SELECT study_id FROM studies WHERE study_id = ?${this.#forUpdate}`,
        [studyId],
      );
      if (study.length === 0) throw new StudyNotFoundError(studyId);
      const [row] = await tx.query(
        "INSERT INTO trials (number, study_id, state, datetime_start) " +
          "VALUES (NULL, ?, 'RUNNING', ?) RETURNING trial_id",
        [studyId, localNow()],
      );
      const trialId = Number(row.trial_id);
      await tx.query(
        "UPDATE trials SET number = (SELECT COUNT(*) FROM trials WHERE study_id = ? AND " +
          "trial_id < ?) WHERE trial_id = ?",
        [studyId, trialId, trialId],
      );
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
   * @returns The trial's number, state and values.
   */
  async getTrial(trialId: number): Promise<FrozenTrial> {
    const rows = await this.#read(
      "SELECT trial_id, number, study_id, state FROM trials WHERE trial_id = ?",
      [trialId],
    );
    if (rows.length === 0) throw new TrialNotFoundError(trialId);
    const values = await this.#read(
      "SELECT trial_id, value, value_type FROM trial_values WHERE trial_id = ? ORDER BY objective",
      [trialId],
    );
    return toTrial(rows[0], values);
  }

  /**
   * Lists the trials of a study.
   *
   * @param studyId The study's id.
   * @returns The trials, in number order.
   */
  async getAllTrials(studyId: number): Promise<FrozenTrial[]> {
    await this.getStudy(studyId);
    const rows = await this.#read(
      "SELECT trial_id, number, study_id, state FROM trials WHERE study_id = ? ORDER BY trial_id",
      [studyId],
    );
    const values = await this.#read(
      "SELECT v.trial_id, v.value, v.value_type FROM trial_values v JOIN trials t " +
        "ON t.trial_id = v.trial_id WHERE t.study_id = ? ORDER BY v.trial_id, v.objective",
      [studyId],
    );
    const byTrial = Map.groupBy(values, (v) => Number(v.trial_id));
    return rows.map((row) => toTrial(row, byTrial.get(Number(row.trial_id)) ?? []));
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
   * Sets a trial's state and, for COMPLETE, its values.
   *
   * @param trialId The trial's id.
   * @param state The new state.
   * @param values The objective values, for COMPLETE.
   * @throws {UpdateFinishedTrialError} When the trial has finished.
   */
  setTrialStateValues(trialId: number, state: TrialState, values?: number[]): Promise<void> {
    return this.#write(async (tx) => {
      const current = await this.#lockWritableTrial(tx, trialId);
      if (state === "RUNNING" && current !== "WAITING") return;
      const column = state === "RUNNING"
        ? ", datetime_start = ?"
        : isFinished(state)
        ? ", datetime_complete = ?"
        : "";
      await tx.query(
        `UPDATE trials SET state = ?${column} WHERE trial_id = ?`,
        column ? [state, localNow(), trialId] : [state, trialId],
      );
      for (const [objective, value] of (values ?? []).entries()) {
        if (Number.isNaN(value)) {
          throw new RangeError(`Cannot store NaN as a value of trial ${trialId}; tell it FAIL`);
        }
        const type = value === Infinity ? "INF_POS" : value === -Infinity ? "INF_NEG" : "FINITE";
        await tx.query(
          "INSERT INTO trial_values (trial_id, objective, value, value_type) VALUES (?, ?, ?, ?) " +
            "ON CONFLICT (trial_id, objective) DO UPDATE SET value = excluded.value, " +
            "value_type = excluded.value_type",
          [trialId, objective, type === "FINITE" ? value : null, type],
        );
      }
    });
  }

  /**
   * Reads a study's system attributes.
   *
   * @param studyId The study's id.
   * @returns The attributes, in the order they were first set.
   */
  async getStudySystemAttrs(studyId: number): Promise<Record<string, JsonValue>> {
    await this.getStudy(studyId);
    return await this.#systemAttrs("study", studyId);
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
    return this.#write(async (tx) => {
      const study = await tx.query(
        `SELECT study_id FROM studies WHERE study_id = ?${this.#forUpdate}`,
        [studyId],
      );
      if (study.length === 0) throw new StudyNotFoundError(studyId);
      await upsertSystemAttrs(tx, "study", studyId, attrs);
    });
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
    return await this.#systemAttrs("trial", trialId);
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
    return this.#write(async (tx) => {
      await this.#lockWritableTrial(tx, trialId);
      await upsertSystemAttrs(tx, "trial", trialId, attrs);
    });
  }

  /**
   * Deletes one system attribute of a study.
   *
   * @param studyId The study's id.
   * @param key The attribute's key.
   */
  deleteStudySystemAttr(studyId: number, key: string): Promise<void> {
    return this.#write(async (tx) => {
      const study = await tx.query(
        `SELECT study_id FROM studies WHERE study_id = ?${this.#forUpdate}`,
        [studyId],
      );
      if (study.length === 0) throw new StudyNotFoundError(studyId);
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

  /** The system attributes of a study or a trial, in the order they were first set. */
  async #systemAttrs(owner: Owner, id: number): Promise<Record<string, JsonValue>> {
    return attrs(
      await this.#read(
        `SELECT "key", value_json FROM ${owner}_system_attributes WHERE ${owner}_id = ? ` +
          `ORDER BY ${owner}_system_attribute_id`,
        [id],
      ),
      this.#driver.description,
    );
  }

  get #forUpdate(): string {
    // SQLite's BEGIN IMMEDIATE already holds the write lock; PostgreSQL locks the row.
    return this.#driver.dialect === "postgres" ? " FOR UPDATE" : "";
  }

  async #lockWritableTrial(tx: RdbQuery, trialId: number): Promise<TrialState> {
    const rows = await tx.query(
      `SELECT state FROM trials WHERE trial_id = ?${this.#forUpdate}`,
      [trialId],
    );
    if (rows.length === 0) throw new TrialNotFoundError(trialId);
    const state = trialState(rows[0].state);
    if (isFinished(state)) throw new UpdateFinishedTrialError(trialId, state);
    return state;
  }

  #checkSchema(): Promise<void> {
    this.#schemaChecked ??= this.schemaRevision().then(async (revision) => {
      if (!SUPPORTED_SCHEMA_REVISIONS.includes(revision)) {
        throw new StorageFormatError(
          `Cannot use ${this.#driver.description}: it has Optuna schema revision ` +
            `"${revision}"; this module reads ${SUPPORTED_SCHEMA_REVISIONS.join(", ")} ` +
            "(Optuna 3.0 to 5.0); upgrade it with `optuna storage upgrade`",
        );
      }
      // The revision alone does not prove the tables: check each one and its columns.
      for (const [table, columns] of Object.entries(TABLES)) {
        const found = await this.#columnsOf(table);
        const missing = columns.filter((column) => !found.has(column));
        if (missing.length > 0) {
          throw new StorageFormatError(
            `Cannot use ${this.#driver.description}: its table ${table} ` +
              (found.size === 0 ? "is missing" : `lacks ${missing.join(", ")}`) +
              ` (schema revision "${revision}"); let Python Optuna create or upgrade the schema`,
          );
        }
      }
    });
    // A failed check is retried on the next call rather than cached.
    this.#schemaChecked.catch(() => this.#schemaChecked = undefined);
    return this.#schemaChecked;
  }

  /** The columns of a table, from the database's catalog; none when the table is missing. */
  async #columnsOf(table: string): Promise<Set<string>> {
    const sql = this.#driver.dialect === "sqlite"
      ? "SELECT name FROM pragma_table_info(?)"
      : "SELECT column_name AS name FROM information_schema.columns " +
        "WHERE table_schema = current_schema() AND table_name = ?";
    let rows: RdbRow[];
    try {
      rows = await this.#driver.query(sql, [table]);
    } catch (error) {
      throw this.#unreachable(error);
    }
    return new Set(rows.map((row) => String(row.name)));
  }

  #unreachable(error: unknown): unknown {
    return withContext(
      error,
      `Cannot reach ${this.#driver.description}; check that it runs and the URL or path`,
    );
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

/** The tables and columns used here, checked once per storage in the database's catalog. */
const TABLES: Record<string, string[]> = {
  studies: ["study_id", "study_name"],
  study_directions: ["study_id", "direction", "objective"],
  trials: ["trial_id", "number", "study_id", "state", "datetime_start", "datetime_complete"],
  trial_values: ["trial_id", "objective", "value", "value_type"],
  study_system_attributes: ["study_system_attribute_id", "study_id", "key", "value_json"],
  trial_system_attributes: ["trial_system_attribute_id", "trial_id", "key", "value_json"],
};

function direction(value: unknown): StudyDirection {
  return value === "MAXIMIZE" ? "maximize" : "minimize";
}

function trialState(value: unknown): TrialState {
  const state = STATES.find((s) => s === value);
  if (state === undefined) {
    throw new StorageFormatError(
      `Cannot read trial state ${String(value)}: Optuna has no such state`,
    );
  }
  return state;
}

function toTrial(row: RdbRow, values: RdbRow[]): FrozenTrial {
  const state = trialState(row.state);
  return {
    trialId: Number(row.trial_id),
    studyId: Number(row.study_id),
    number: Number(row.number),
    state,
    values: values.length === 0
      ? null
      : values.map((v) =>
        v.value_type === "INF_POS"
          ? Infinity
          : v.value_type === "INF_NEG"
          ? -Infinity
          : Number(v.value)
      ),
  };
}

/** Whose system attributes: Optuna's tables and columns are named after it. */
type Owner = "study" | "trial";

/** Inserts or replaces system attributes, in order, inside the caller's transaction. */
async function upsertSystemAttrs(
  tx: RdbQuery,
  owner: Owner,
  id: number,
  attrs: Record<string, JsonValue>,
): Promise<void> {
  for (const [key, value] of Object.entries(attrs)) {
    await tx.query(
      `INSERT INTO ${owner}_system_attributes (${owner}_id, "key", value_json) ` +
        `VALUES (?, ?, ?) ` +
        `ON CONFLICT (${owner}_id, "key") DO UPDATE SET value_json = excluded.value_json`,
      [id, key, pythonJsonDumps(value)],
    );
  }
}

/** Deletes one system attribute, inside the caller's transaction. */
async function deleteSystemAttr(
  tx: RdbQuery,
  owner: Owner,
  id: number,
  key: string,
): Promise<void> {
  await tx.query(`DELETE FROM ${owner}_system_attributes WHERE ${owner}_id = ? AND "key" = ?`, [
    id,
    key,
  ]);
}

function attrs(rows: RdbRow[], where: string): Record<string, JsonValue> {
  const result = dictionary<JsonValue>();
  for (const row of rows) {
    try {
      result[String(row.key)] = parsePythonJson(String(row.value_json)) as JsonValue;
    } catch (error) {
      throw new StorageFormatError(
        `Cannot read attribute "${row.key}" in ${where}: it is not JSON; repair or delete it`,
        { cause: error },
      );
    }
  }
  return result;
}

// Python's datetime.now() as SQLAlchemy stores it: local time, microseconds, no zone.
function localNow(): string {
  const now = new Date();
  const local = new Date(now.getTime() - now.getTimezoneOffset() * 60_000);
  return local.toISOString().replace("T", " ").replace("Z", "000");
}
