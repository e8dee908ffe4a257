/**
 * A study storage on an SQLite database with Optuna's RDB schema, through `node:sqlite`
 * (built into Deno): the same file Python's `RDBStorage("sqlite:///path")` uses.
 *
 * The schema (which Python Optuna creates), the revisions accepted, the transactions and the
 * encoding of values are {@linkcode RdbStorage}'s, shared with the other RDB storage.
 *
 * @example Usage
 * ```ts ignore
 * import { SqliteStorage } from "@optuna-deno/artifacts/sqlite";
 * import { getAllArtifactMeta, loadStudy } from "@optuna-deno/artifacts";
 * const storage = new SqliteStorage("sqlite:///optuna.db");
 * const study = await loadStudy({ storage, studyName: "my-study" });
 * console.log(await getAllArtifactMeta(study));
 * await storage.close();
 * ```
 *
 * @module
 */
import { existsSync } from "node:fs";
import { DatabaseSync, type SQLInputValue } from "node:sqlite";
import { RdbStorage } from "./rdb.ts";
import { notFoundError } from "../_common/fs.ts";
import type { RdbDriver, RdbQuery, RdbRow } from "./rdb.ts";

export { RdbStorage, SUPPORTED_SCHEMA_REVISIONS } from "./rdb.ts";
export type { RdbDriver, RdbQuery, RdbRow } from "./rdb.ts";

/** Options of {@linkcode SqliteStorage}. */
export interface SqliteStorageOptions {
  /**
   * Milliseconds to wait for another process's write lock (SQLite's busy timeout).
   *
   * @default {5000}
   */
  busyTimeout?: number;
}

/**
 * A study storage on an SQLite file that Python Optuna created. Writes run in
 * `BEGIN IMMEDIATE` transactions, so a trial's state check and the attribute upsert are atomic
 * against Python writers too.
 *
 * @example Usage
 * ```ts ignore
 * import { SqliteStorage } from "@optuna-deno/artifacts/sqlite";
 * const storage = new SqliteStorage("/data/optuna.db", { busyTimeout: 10_000 });
 * console.log((await storage.getAllStudies()).map((s) => s.studyName));
 * await storage.close();
 * ```
 */
export class SqliteStorage extends RdbStorage {
  /**
   * Opens the database.
   *
   * @param pathOrUrl A file path, or an Optuna/SQLAlchemy URL: `sqlite:///relative.db`,
   *   `sqlite:////absolute.db`.
   * @param options The busy timeout.
   */
  constructor(pathOrUrl: string, options: SqliteStorageOptions = {}) {
    super(new SqliteDriver(sqlitePath(pathOrUrl), options.busyTimeout ?? 5000));
  }
}

/**
 * The file path of an SQLite URL as SQLAlchemy reads it (`sqlite:///x` is `x`), or the path
 * itself.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { sqlitePath } from "@optuna-deno/artifacts/sqlite";
 * assert.deepEqual(sqlitePath("sqlite:////tmp/a.db"), "/tmp/a.db");
 * ```
 *
 * @param pathOrUrl A path or a `sqlite:///` URL.
 * @returns The file path.
 */
export function sqlitePath(pathOrUrl: string): string {
  return pathOrUrl.startsWith("sqlite:///") ? pathOrUrl.slice("sqlite:///".length) : pathOrUrl;
}

class SqliteDriver implements RdbDriver {
  readonly dialect = "sqlite" as const;
  readonly description: string;
  #db: DatabaseSync;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(path: string, busyTimeout: number) {
    this.description = `SQLite database "${path}"`;
    // SQLite would create an empty file; Optuna's schema comes from Python Optuna.
    if (path !== ":memory:" && !existsSync(path)) {
      throw notFoundError(
        `Cannot open ${this.description}: the file does not exist; Python Optuna creates it ` +
          `with its schema: optuna.storages.RDBStorage("sqlite:///${path}")`,
      );
    }
    this.#db = new DatabaseSync(path);
    this.#db.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.floor(busyTimeout))}`);
    this.#db.exec("PRAGMA foreign_keys = ON");
  }

  query(sql: string, params: unknown[] = []): Promise<RdbRow[]> {
    // Waits for a transaction of this connection in progress, so none interleaves with it.
    return this.#queue.then(() => this.#run(sql, params));
  }

  transaction<T>(fn: (tx: RdbQuery) => Promise<T>): Promise<T> {
    const tx: RdbQuery = { query: (sql, params = []) => Promise.resolve(this.#run(sql, params)) };
    const next = this.#queue.then(async () => {
      this.#db.exec("BEGIN IMMEDIATE");
      try {
        const result = await fn(tx);
        this.#db.exec("COMMIT");
        return result;
      } catch (error) {
        this.#db.exec("ROLLBACK");
        throw error;
      }
    });
    // Not `next.catch()`: that would keep the last result (a whole listing) alive until the
    // next call.
    this.#queue = next.then(() => {}, () => {});
    return next;
  }

  close(): Promise<void> {
    return this.#queue.then(() => this.#db.close());
  }

  #run(sql: string, params: unknown[]): RdbRow[] {
    const statement = this.#db.prepare(sql);
    return statement.all(...params as SQLInputValue[]) as RdbRow[];
  }
}
