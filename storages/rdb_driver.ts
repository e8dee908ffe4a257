/**
 * What `RdbStorage` needs of a database: a query runner and write transactions.
 * `SqliteStorage` (`./sqlite`) and `PostgresStorage` (`./postgres`) bring their own; implement
 * it to put Optuna's RDB schema behind another driver.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import type { RdbQuery } from "@optuna-deno/artifacts/sqlite";
 * const query: RdbQuery = { query: () => Promise.resolve([{ one: 1 }]) };
 * assert.deepEqual(await query.query("SELECT 1 AS one"), [{ one: 1 }]);
 * ```
 *
 * @module
 */

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

/** What `RdbStorage` needs of a database: queries and write transactions. */
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
