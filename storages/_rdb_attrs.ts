// Attributes of studies and trials in Optuna's RDB tables (`{study,trial}_{user,system}_attributes`):
// `value_json` holds Python's `json.dumps(value)`, rows come back in the order first set.
import { dictionary } from "../_common/dictionary.ts";
import { parsePythonJson, pythonJsonDumps } from "../_common/python_json.ts";
import { StorageFormatError } from "./errors.ts";
import type { RdbDriver, RdbQuery, RdbRow } from "./rdb_driver.ts";
import type { JsonValue } from "./types.ts";

/** Whose attributes: Optuna's tables and columns are named after it. */
export type Owner = "study" | "trial";

/** Which attributes: user or system. */
export type AttrKind = "user" | "system";

/** Inserts or replaces attributes, in order (`INSERT ... ON CONFLICT ... DO UPDATE`). */
export async function upsertAttrs(
  tx: RdbQuery,
  owner: Owner,
  kind: AttrKind,
  id: number,
  attrs: Record<string, JsonValue>,
): Promise<void> {
  for (const [key, value] of Object.entries(attrs)) {
    await tx.query(
      `INSERT INTO ${owner}_${kind}_attributes (${owner}_id, "key", value_json) ` +
        `VALUES (?, ?, ?) ` +
        `ON CONFLICT (${owner}_id, "key") DO UPDATE SET value_json = excluded.value_json`,
      [id, key, pythonJsonDumps(value)],
    );
  }
}

/** Deletes one system attribute. */
export async function deleteSystemAttr(
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

/** Attribute rows (`key`, `value_json`) as a record, in row order. */
export function attrs(rows: RdbRow[], where: string): Record<string, JsonValue> {
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

/** The attributes of a study or a trial, in the order they were first set. */
export async function readAttrs(
  db: RdbDriver,
  { owner, kind, id }: { owner: Owner; kind: AttrKind; id: number },
): Promise<Record<string, JsonValue>> {
  const rows = await db.query(
    `SELECT "key", value_json FROM ${owner}_${kind}_attributes WHERE ${owner}_id = ? ` +
      `ORDER BY ${owner}_${kind}_attribute_id`,
    [id],
  );
  return attrs(rows, db.description);
}

/**
 * The system attributes whose keys start with `keyPrefix` of every trial of a study, by trial
 * id: one query for all of them.
 */
export async function readTrialSystemAttrsOfStudy(
  db: RdbDriver,
  { studyId, keyPrefix }: { studyId: number; keyPrefix: string },
): Promise<Map<number, Record<string, JsonValue>>> {
  const rows = await db.query(
    'SELECT a.trial_id, a."key", a.value_json FROM trial_system_attributes a JOIN trials t ' +
      'ON t.trial_id = a.trial_id WHERE t.study_id = ? AND substr(a."key", 1, ?) = ? ' +
      "ORDER BY a.trial_system_attribute_id",
    [studyId, [...keyPrefix].length, keyPrefix],
  );
  const byTrial = Map.groupBy(rows, (row) => Number(row.trial_id));
  return new Map([...byTrial].map(([trialId, found]) => [trialId, attrs(found, db.description)]));
}
