/**
 * A study storage on a PostgreSQL database with Optuna's RDB schema, through the `postgres`
 * npm driver: the same database Python's `RDBStorage("postgresql://...")` uses.
 *
 * The schema (which Python Optuna creates), the revisions accepted, the transactions and the
 * encoding of values are {@linkcode RdbStorage}'s, shared with the other RDB storage.
 *
 * @example Usage
 * ```ts ignore
 * import { PostgresStorage } from "@optuna-deno/artifacts/postgres";
 * import { getAllArtifactMeta, loadStudy } from "@optuna-deno/artifacts";
 * const storage = new PostgresStorage("postgresql://optuna:secret@127.0.0.1/optuna");
 * const study = await loadStudy({ storage, studyName: "my-study" });
 * console.log(await getAllArtifactMeta(study));
 * await storage.close();
 * ```
 *
 * @module
 */
// deno-lint-ignore no-import-prefix -- kept out of the import map (see docs/development.md)
import postgres from "npm:postgres@^3.4.9";
import { RdbStorage } from "./rdb.ts";
import type { RdbDriver, RdbQuery, RdbRow } from "./rdb.ts";

export { RdbStorage, SUPPORTED_SCHEMA_REVISIONS } from "./rdb.ts";
export type { RdbDriver, RdbQuery, RdbRow } from "./rdb.ts";

/** Options of {@linkcode PostgresStorage}. */
export interface PostgresStorageOptions {
  /**
   * The most connections to open at once.
   *
   * @default {4}
   */
  maxConnections?: number;
  /**
   * Seconds to wait for a connection.
   *
   * @default {30}
   */
  connectTimeout?: number;
}

/**
 * A study storage on a PostgreSQL database that Python Optuna created. Each write is one
 * transaction that locks the trial (or study) row with `SELECT ... FOR UPDATE` before it
 * checks the state and upserts.
 *
 * @example Usage
 * ```ts ignore
 * import { PostgresStorage } from "@optuna-deno/artifacts/postgres";
 * const storage = new PostgresStorage(Deno.env.get("OPTUNA_STORAGE")!);
 * console.log((await storage.getAllStudies()).map((s) => s.studyName));
 * await storage.close();
 * ```
 */
export class PostgresStorage extends RdbStorage {
  /**
   * Connects to the database (lazily, at the first query).
   *
   * @param url An Optuna/SQLAlchemy URL such as `postgresql://user:password@host:5432/db`
   *   (a `+driver` suffix such as `postgresql+psycopg2` is accepted).
   * @param options Pool size and connect timeout.
   */
  constructor(url: string, options: PostgresStorageOptions = {}) {
    super(new PostgresDriver(url, options));
  }
}

class PostgresDriver implements RdbDriver {
  readonly dialect = "postgres" as const;
  readonly description: string;
  #sql: postgres.Sql;

  constructor(url: string, options: PostgresStorageOptions) {
    const plain = url.replace(/^postgres(ql)?\+[a-z0-9]+:/, "postgresql:");
    const parsed = new URL(plain);
    parsed.password = parsed.password ? "***" : "";
    this.description = `PostgreSQL database "${parsed.href}"`;
    this.#sql = postgres(plain, {
      max: options.maxConnections ?? 4,
      connect_timeout: options.connectTimeout ?? 30,
      onnotice: () => {},
    });
  }

  async query(sql: string, params: unknown[] = []): Promise<RdbRow[]> {
    return [
      ...await this.#sql.unsafe(
        dollarPlaceholders(sql),
        params as postgres.ParameterOrJSON<never>[],
      ),
    ];
  }

  async transaction<T>(fn: (tx: RdbQuery) => Promise<T>): Promise<T> {
    return await this.#sql.begin(async (tx) =>
      await fn({
        query: async (sql, params = []) => [
          ...await tx.unsafe(dollarPlaceholders(sql), params as postgres.ParameterOrJSON<never>[]),
        ],
      })
    ) as T;
  }

  async close(): Promise<void> {
    await this.#sql.end({ timeout: 5 });
  }
}

// The shared SQL uses "?" placeholders and has no "?" elsewhere; PostgreSQL wants $1, $2, ...
function dollarPlaceholders(sql: string): string {
  let index = 0;
  return sql.replace(/\?/g, () => `$${++index}`);
}
