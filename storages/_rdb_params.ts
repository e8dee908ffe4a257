// Writes of a trial's content into Optuna's RDB tables, inside the caller's transaction, as
// Python's RDBStorage does them (`_set_trial_param_without_commit`, `_set_trial_attr_without_commit`,
// `_set_trial_intermediate_value_without_commit`, `_get_prepared_new_trial`).
import { checkDistributionCompatibility } from "../distributions/compatibility.ts";
import type { Distribution } from "../distributions/distributions.ts";
import { distributionFromJson, distributionToJson } from "../distributions/json.ts";
import type { RdbQuery } from "./rdb_driver.ts";
import { storedValue, utcText } from "./_rdb_trials.ts";
import { upsertAttrs } from "./_rdb_attrs.ts";
import type { TrialState, TrialTemplate } from "./types.ts";
import { isFinished } from "./_trial_state.ts";

/**
 * Inserts a parameter after Python's check against the study's first record of that name
 * (any record gives the same answer: compatibility is an equivalence).
 */
export async function insertParam(
  tx: RdbQuery,
  studyId: number,
  trialId: number,
  paramName: string,
  internal: number,
  distribution: Distribution,
): Promise<void> {
  const [previous] = await tx.query(
    "SELECT p.distribution_json FROM trial_params p JOIN trials t ON t.trial_id = p.trial_id " +
      "WHERE t.study_id = ? AND p.param_name = ? ORDER BY p.param_id LIMIT 1",
    [studyId, paramName],
  );
  if (previous) {
    checkDistributionCompatibility(
      distributionFromJson(String(previous.distribution_json)),
      distribution,
      paramName,
    );
  }
  await tx.query(
    "INSERT INTO trial_params (trial_id, param_name, param_value, distribution_json) " +
      "VALUES (?, ?, ?, ?)",
    [trialId, paramName, internal, distributionToJson(distribution)],
  );
}

/** Inserts or replaces one objective value. */
export async function upsertValue(
  tx: RdbQuery,
  trialId: number,
  objective: number,
  value: number,
): Promise<void> {
  if (Number.isNaN(value)) {
    throw new RangeError(`Cannot store NaN as a value of trial ${trialId}; tell it FAIL`);
  }
  const [stored, type] = storedValue(value);
  await tx.query(
    "INSERT INTO trial_values (trial_id, objective, value, value_type) VALUES (?, ?, ?, ?) " +
      "ON CONFLICT (trial_id, objective) DO UPDATE SET value = excluded.value, " +
      "value_type = excluded.value_type",
    [trialId, objective, stored, type],
  );
}

/** Inserts or replaces the intermediate value of a step. */
export async function upsertIntermediateValue(
  tx: RdbQuery,
  trialId: number,
  step: number,
  value: number,
): Promise<void> {
  const [stored, type] = storedValue(value);
  await tx.query(
    "INSERT INTO trial_intermediate_values (trial_id, step, intermediate_value, " +
      "intermediate_value_type) VALUES (?, ?, ?, ?) ON CONFLICT (trial_id, step) DO UPDATE SET " +
      "intermediate_value = excluded.intermediate_value, " +
      "intermediate_value_type = excluded.intermediate_value_type",
    [trialId, step, stored, type],
  );
}

/**
 * Sets a locked trial's state, its start or completion time and its values, as Python's
 * `set_trial_state_values`; RUNNING only claims a WAITING trial (returns `false` otherwise).
 */
export async function updateTrialState(
  tx: RdbQuery,
  { trialId, current, state, values }: {
    trialId: number;
    current: TrialState;
    state: TrialState;
    values: number[] | undefined;
  },
): Promise<boolean> {
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
}

/**
 * Inserts a trial, RUNNING or from a template, with its number counted as Python's
 * `count_past_trials` (the caller holds the study's row lock). A template's content is written
 * while the trial is RUNNING, then its state is set, as Python does.
 */
export async function insertTrial(
  tx: RdbQuery,
  studyId: number,
  template: TrialTemplate | undefined,
): Promise<number> {
  const [row] = await tx.query(
    "INSERT INTO trials (number, study_id, state, datetime_start, datetime_complete) " +
      "VALUES (NULL, ?, 'RUNNING', ?, ?) RETURNING trial_id",
    [
      studyId,
      template ? dateText(template.datetimeStart) : utcText(),
      template ? dateText(template.datetimeComplete) : null,
    ],
  );
  const trialId = Number(row.trial_id);
  if (template) {
    for (const [objective, value] of (template.values ?? []).entries()) {
      await upsertValue(tx, trialId, objective, value);
    }
    for (const [name, value] of Object.entries(template.params ?? {})) {
      const distribution = template.distributions?.[name];
      if (distribution === undefined) {
        throw new TypeError(
          `Cannot create a trial with parameter "${name}": it has no distribution`,
        );
      }
      await insertParam(
        tx,
        studyId,
        trialId,
        name,
        distribution.toInternalRepr(value),
        distribution,
      );
    }
    await upsertAttrs(tx, "trial", "user", trialId, template.userAttrs ?? {});
    await upsertAttrs(tx, "trial", "system", trialId, template.systemAttrs ?? {});
    for (const [step, value] of Object.entries(template.intermediateValues ?? {})) {
      await upsertIntermediateValue(tx, trialId, Number(step), value);
    }
    await tx.query("UPDATE trials SET state = ? WHERE trial_id = ?", [template.state, trialId]);
  }
  await tx.query(
    "UPDATE trials SET number = (SELECT COUNT(*) FROM trials WHERE study_id = ? AND " +
      "trial_id < ?) WHERE trial_id = ?",
    [studyId, trialId, trialId],
  );
  return trialId;
}

function dateText(date: Date | null | undefined): string | null {
  return date ? utcText(date) : null;
}
