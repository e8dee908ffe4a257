// The connection an RdbStorage works through: the schema checked once before the first
// statement, and write transactions that lock what they change before they check it. SQLite's
// `BEGIN IMMEDIATE` already holds the database's write lock; PostgreSQL locks the row
// (`SELECT ... FOR UPDATE`), as Python's RDBStorage does (`with_for_update()`).
import { StudyNotFoundError, TrialNotFoundError, UpdateFinishedTrialError } from "./errors.ts";
import type { RdbDriver, RdbQuery } from "./rdb_driver.ts";
import { checkSchema, schemaRevision } from "./_rdb_schema.ts";
import { trialState } from "./_rdb_trials.ts";
import { isFinished } from "./_trial_state.ts";
import type { TrialState } from "./types.ts";

/** A trial row locked for writing. */
export interface LockedTrial {
  /** Its state, not finished. */
  state: TrialState;
  /** Its study's id. */
  studyId: number;
}

/** A driver behind a schema check, with transactions that take row locks. */
export class RdbSession {
  #driver: RdbDriver;
  #schemaChecked: Promise<void> | undefined;

  constructor(driver: RdbDriver) {
    this.#driver = driver;
  }

  /** Where the data is, for messages ("SQLite database /path/optuna.db"). */
  get description(): string {
    return this.#driver.description;
  }

  /** The schema revision (`alembic_version`), read without the schema check. */
  schemaRevision(): Promise<string> {
    return schemaRevision(this.#driver);
  }

  /** The driver, once the schema has been checked. */
  async ready(): Promise<RdbDriver> {
    this.#schemaChecked ??= checkSchema(this.#driver);
    // A failed check is retried on the next call rather than cached.
    this.#schemaChecked.catch(() => this.#schemaChecked = undefined);
    await this.#schemaChecked;
    return this.#driver;
  }

  /** One transaction. */
  async write<T>(fn: (tx: RdbQuery) => Promise<T>): Promise<T> {
    return await (await this.ready()).transaction(fn);
  }

  /** One transaction that first locks the study's row; the study must exist. */
  writeStudy<T>(studyId: number, fn: (tx: RdbQuery) => Promise<T>): Promise<T> {
    return this.write(async (tx) => {
      const study = await tx.query(
        `SELECT study_id FROM studies WHERE study_id = ?${this.#forUpdate()}`,
        [studyId],
      );
      if (study.length === 0) throw new StudyNotFoundError(studyId);
      return await fn(tx);
    });
  }

  /**
   * One transaction that first locks the trial's row; the trial must exist
   * ({@linkcode TrialNotFoundError}) and not be finished ({@linkcode UpdateFinishedTrialError}).
   */
  writeTrial<T>(trialId: number, fn: (tx: RdbQuery, trial: LockedTrial) => Promise<T>): Promise<T> {
    return this.write(async (tx) => {
      const rows = await tx.query(
        `SELECT state, study_id FROM trials WHERE trial_id = ?${this.#forUpdate()}`,
        [trialId],
      );
      if (rows.length === 0) throw new TrialNotFoundError(trialId);
      const state = trialState(rows[0].state);
      if (isFinished(state)) throw new UpdateFinishedTrialError(trialId, state);
      return await fn(tx, { state, studyId: Number(rows[0].study_id) });
    });
  }

  /** Closes the connection. */
  close(): Promise<void> {
    return this.#driver.close();
  }

  #forUpdate(): string {
    return this.#driver.dialect === "postgres" ? " FOR UPDATE" : "";
  }
}
