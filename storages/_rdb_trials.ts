// Trials read from Optuna's RDB tables, as Python's `_build_frozen_trial_from_trial_model`:
// values by objective with their infinity types, parameters in `param_id` order through their
// distribution JSON, user attributes, intermediate values with their NaN and infinity types, and
// datetimes, which Optuna 5.0 stores as naive UTC.
import { distributionFromJson } from "../distributions/json.ts";
import type { Distribution, ParamValue } from "../distributions/distributions.ts";
import { StorageFormatError, TrialNotFoundError } from "./errors.ts";
import { attrs } from "./_rdb_attrs.ts";
import type { RdbDriver, RdbQuery, RdbRow } from "./rdb_driver.ts";
import type { FrozenTrial, TrialState } from "./types.ts";
import { readStudy } from "./_rdb_studies.ts";

const STATES: readonly TrialState[] = ["RUNNING", "COMPLETE", "PRUNED", "FAIL", "WAITING"];

/** Which trials: one by id, or a study's (optionally only some states). */
export type TrialSelection =
  | { trialId: number }
  | { studyId: number; states?: readonly TrialState[] };

/**
 * A trial's id, by id (to check that it exists) or by its number in a study; throws
 * {@linkcode TrialNotFoundError}, or {@linkcode StudyNotFoundError} when the study is missing.
 */
export async function readTrialId(
  db: RdbQuery,
  trial: { trialId: number } | { studyId: number; number: number },
): Promise<number> {
  const rows = "trialId" in trial
    ? await db.query("SELECT trial_id FROM trials WHERE trial_id = ?", [trial.trialId])
    : await db.query("SELECT trial_id FROM trials WHERE study_id = ? AND number = ?", [
      trial.studyId,
      trial.number,
    ]);
  if (rows.length > 0) return Number(rows[0].trial_id);
  if ("studyId" in trial) await readStudy(db, trial.studyId);
  throw new TrialNotFoundError("trialId" in trial ? trial.trialId : trial);
}

/** Reads the selected trials with everything Python's `FrozenTrial` has but system attributes. */
export async function readTrials(db: RdbDriver, selection: TrialSelection): Promise<FrozenTrial[]> {
  const where = db.description;
  const [filter, params] = "trialId" in selection
    ? ["t.trial_id = ?", [selection.trialId]]
    : selection.states
    ? [
      `t.study_id = ? AND t.state IN (${selection.states.map(() => "?").join(", ") || "NULL"})`,
      [selection.studyId, ...selection.states],
    ]
    : ["t.study_id = ?", [selection.studyId]];
  const rows = await db.query(
    "SELECT t.trial_id, t.number, t.study_id, t.state, CAST(t.datetime_start AS TEXT) AS " +
      "datetime_start, CAST(t.datetime_complete AS TEXT) AS datetime_complete FROM trials t " +
      `WHERE ${filter} ORDER BY t.trial_id`,
    params,
  );
  if (rows.length === 0) return [];
  // One query per table for all the trials, joined to the same filter.
  const related = (columns: string, table: string, order: string) =>
    db.query(
      `SELECT x.trial_id, ${columns} FROM ${table} x JOIN trials t ON t.trial_id = x.trial_id ` +
        `WHERE ${filter} ORDER BY x.trial_id, ${order}`,
      params,
    ).then((found) => Map.groupBy(found, (row) => Number(row.trial_id)));
  const [values, trialParams, userAttrs, intermediate] = await Promise.all([
    related("x.objective, x.value, x.value_type", "trial_values", "x.objective"),
    related("x.param_name, x.param_value, x.distribution_json", "trial_params", "x.param_id"),
    related('x."key", x.value_json', "trial_user_attributes", "x.trial_user_attribute_id"),
    related(
      "x.step, x.intermediate_value, x.intermediate_value_type",
      "trial_intermediate_values",
      "x.step",
    ),
  ]);
  return rows.map((row) => {
    const id = Number(row.trial_id);
    const [paramValues, distributions] = paramsOf(trialParams.get(id) ?? [], where);
    const trialValues = values.get(id) ?? [];
    return {
      trialId: id,
      studyId: Number(row.study_id),
      number: Number(row.number),
      state: trialState(row.state),
      values: trialValues.length === 0
        ? null
        : trialValues.map((v) => stored(v.value, v.value_type)),
      datetimeStart: utcDate(row.datetime_start),
      datetimeComplete: utcDate(row.datetime_complete),
      params: paramValues,
      distributions,
      userAttrs: attrs(userAttrs.get(id) ?? [], where),
      intermediateValues: Object.fromEntries(
        (intermediate.get(id) ?? []).map((
          v,
        ) => [Number(v.step), stored(v.intermediate_value, v.intermediate_value_type)]),
      ),
    };
  });
}

/** A state column's value. */
export function trialState(value: unknown): TrialState {
  const state = STATES.find((s) => s === value);
  if (state === undefined) {
    throw new StorageFormatError(
      `Cannot read trial state ${String(value)}: Optuna has no such state`,
    );
  }
  return state;
}

/** A value as Optuna stores it: the number, or null with its type for NaN and infinities. */
export function storedValue(value: number): [number | null, string] {
  if (Number.isNaN(value)) return [null, "NAN"];
  if (value === Infinity) return [null, "INF_POS"];
  if (value === -Infinity) return [null, "INF_NEG"];
  return [value, "FINITE"];
}

function stored(value: unknown, type: unknown): number {
  switch (type) {
    case "INF_POS":
      return Infinity;
    case "INF_NEG":
      return -Infinity;
    case "NAN":
      return NaN;
    default:
      return Number(value);
  }
}

function paramsOf(
  rows: RdbRow[],
  where: string,
): [Record<string, ParamValue>, Record<string, Distribution>] {
  const params: Record<string, ParamValue> = {};
  const distributions: Record<string, Distribution> = {};
  for (const row of rows) {
    const name = String(row.param_name);
    let distribution: Distribution;
    try {
      distribution = distributionFromJson(String(row.distribution_json));
    } catch (error) {
      throw new StorageFormatError(
        `Cannot read parameter "${name}" in ${where}: ${(error as Error).message}`,
        { cause: error },
      );
    }
    distributions[name] = distribution;
    params[name] = distribution.toExternalRepr(Number(row.param_value));
  }
  return [params, distributions];
}

/** A naive UTC datetime column (`CAST(... AS TEXT)`), as Optuna 5.0 writes it. */
function utcDate(text: unknown): Date | null {
  if (text === null || text === undefined) return null;
  const time = Date.parse(String(text).replace(" ", "T") + "Z");
  return Number.isNaN(time) ? null : new Date(time);
}

/** A date as Optuna 5.0 stores it: naive UTC with microseconds (SQLAlchemy's text form). */
export function utcText(date: Date = new Date()): string {
  return date.toISOString().replace("T", " ").replace("Z", "000");
}
