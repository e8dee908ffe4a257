// Optuna's RDB schema as this module uses it: the alembic revisions whose tables have the shape
// read and written here, and a check of the tables and columns in the database's catalog.
import { StorageFormatError } from "./errors.ts";
import { withContext } from "../_common/error_context.ts";
import type { RdbDriver, RdbRow } from "./rdb_driver.ts";

/** The alembic revisions whose study, trial and attribute tables have the shape used here. */
export const SUPPORTED_SCHEMA_REVISIONS: readonly string[] = [
  "v3.0.0.a",
  "v3.0.0.b",
  "v3.0.0.c",
  "v3.0.0.d",
  "v3.2.0.a",
];

/** The tables and columns used here (optuna/storages/_rdb/models.py). */
const TABLES: Record<string, string[]> = {
  studies: ["study_id", "study_name"],
  study_directions: ["study_id", "direction", "objective"],
  trials: ["trial_id", "number", "study_id", "state", "datetime_start", "datetime_complete"],
  trial_values: ["trial_id", "objective", "value", "value_type"],
  trial_params: ["param_id", "trial_id", "param_name", "param_value", "distribution_json"],
  trial_intermediate_values: [
    "trial_intermediate_value_id",
    "trial_id",
    "step",
    "intermediate_value",
    "intermediate_value_type",
  ],
  study_user_attributes: ["study_user_attribute_id", "study_id", "key", "value_json"],
  study_system_attributes: ["study_system_attribute_id", "study_id", "key", "value_json"],
  trial_user_attributes: ["trial_user_attribute_id", "trial_id", "key", "value_json"],
  trial_system_attributes: ["trial_system_attribute_id", "trial_id", "key", "value_json"],
};

/** The schema revision (`alembic_version`). */
export async function schemaRevision(driver: RdbDriver): Promise<string> {
  if ((await columnsOf(driver, "alembic_version")).size === 0) {
    throw new StorageFormatError(
      `Cannot use ${driver.description}: it has no Optuna schema (no alembic_version ` +
        "table); create it with Python Optuna first: optuna.storages.RDBStorage(url)",
    );
  }
  const rows = await driver.query("SELECT version_num FROM alembic_version");
  if (rows.length !== 1) {
    throw new StorageFormatError(
      `Cannot use ${driver.description}: it has ${rows.length} schema revisions; expected one`,
    );
  }
  return String(rows[0].version_num);
}

/** Checks the revision, then every table and column used here. */
export async function checkSchema(driver: RdbDriver): Promise<void> {
  const revision = await schemaRevision(driver);
  if (!SUPPORTED_SCHEMA_REVISIONS.includes(revision)) {
    throw new StorageFormatError(
      `Cannot use ${driver.description}: it has Optuna schema revision ` +
        `"${revision}"; this module reads ${SUPPORTED_SCHEMA_REVISIONS.join(", ")} ` +
        "(Optuna 3.0 to 5.0); upgrade it with `optuna storage upgrade`",
    );
  }
  // The revision alone does not prove the tables: check each one and its columns.
  for (const [table, columns] of Object.entries(TABLES)) {
    const found = await columnsOf(driver, table);
    const missing = columns.filter((column) => !found.has(column));
    if (missing.length > 0) {
      throw new StorageFormatError(
        `Cannot use ${driver.description}: its table ${table} ` +
          (found.size === 0 ? "is missing" : `lacks ${missing.join(", ")}`) +
          ` (schema revision "${revision}"); let Python Optuna create or upgrade the schema`,
      );
    }
  }
}

/** The columns of a table, from the database's catalog; none when the table is missing. */
async function columnsOf(driver: RdbDriver, table: string): Promise<Set<string>> {
  const sql = driver.dialect === "sqlite"
    ? "SELECT name FROM pragma_table_info(?)"
    : "SELECT column_name AS name FROM information_schema.columns " +
      "WHERE table_schema = current_schema() AND table_name = ?";
  let rows: RdbRow[];
  try {
    rows = await driver.query(sql, [table]);
  } catch (error) {
    // SQLite opens any file and finds out at the first query (SQLITE_NOTADB).
    if (driver.dialect === "sqlite" && await notADatabase(driver, error)) {
      throw new StorageFormatError(
        `Cannot use ${driver.description}: the file is not an SQLite database; give the ` +
          "path of a database Python Optuna created",
        { cause: error },
      );
    }
    throw withContext(
      error,
      `Cannot reach ${driver.description}; check that it runs and the URL or path`,
    );
  }
  return new Set(rows.map((row) => String(row.name)));
}

/**
 * Whether a failed SQLite query failed because the file is not a database: Deno 2.5's
 * node:sqlite reports any failed prepare as "failed to prepare statement", so a pragma that
 * reads the file's header is asked again for the reason.
 */
async function notADatabase(driver: RdbDriver, error: unknown): Promise<boolean> {
  const says = (e: unknown) => /file is not a database/i.test((e as Error)?.message ?? "");
  if (says(error)) return true;
  try {
    await driver.query("PRAGMA schema_version");
    return false;
  } catch (again) {
    return says(again);
  }
}
