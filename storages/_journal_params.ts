// A trial's content in journal lines, both ways, as Python's JournalStorage writes and replays
// it: parameters (op 5), intermediate values (op 7), user attributes (op 2 and 8) and the
// fields of a trial created from a template (op 4).
import { type DumpableJson, pythonFloat, pythonNumber, RawJson } from "../_common/python_json.ts";
import {
  CategoricalDistribution,
  type Distribution,
  type ParamValue,
} from "../distributions/distributions.ts";
import { distributionFromJson, distributionToJson } from "../distributions/json.ts";
import { StorageFormatError } from "./errors.ts";
import type { JsonValue, TrialState, TrialTemplate } from "./types.ts";

/** Optuna's TrialState values, by their integer. */
export const TRIAL_STATES: readonly TrialState[] = [
  "RUNNING",
  "COMPLETE",
  "PRUNED",
  "FAIL",
  "WAITING",
];

/** A parsed journal line. */
export type Op = Record<string, unknown>;

const REPAIR = "; repair or remove that line";

/** Python's `datetime.now(timezone.utc).isoformat(timespec="microseconds")`. */
export function isoNow(date: Date = new Date()): string {
  return date.toISOString().replace("Z", "000+00:00");
}

/** An internal parameter value as Python writes it: a choice index is an int, others floats. */
export function internalJson(distribution: Distribution, internal: number): RawJson {
  return new RawJson(
    distribution instanceof CategoricalDistribution
      ? pythonNumber(internal)
      : pythonFloat(internal),
  );
}

/** The fields of op 5 (SET_TRIAL_PARAM) after `op_code`, in Python's order. */
export function paramFields(
  trialId: number,
  paramName: string,
  internal: number,
  distribution: Distribution,
): Record<string, DumpableJson> {
  return {
    trial_id: trialId,
    param_name: paramName,
    param_value_internal: internalJson(distribution, internal),
    distribution: distributionToJson(distribution),
  };
}

/** The template fields of op 4 (CREATE_TRIAL), in the order Python's `create_new_trial` adds them. */
export function templateFields(template: TrialTemplate): Record<string, DumpableJson> {
  const values = template.values ?? null;
  const floats = (list: number[]) => list.map((v) => new RawJson(pythonFloat(v)));
  const fields: Record<string, DumpableJson> = {
    datetime_start: template.datetimeStart ? isoNow(template.datetimeStart) : null,
    state: TRIAL_STATES.indexOf(template.state),
    // Python writes one objective as "value", several as "values".
    value: values !== null && values.length === 1 ? new RawJson(pythonFloat(values[0])) : null,
    values: values !== null && values.length > 1 ? floats(values) : null,
  };
  if (template.datetimeComplete) fields.datetime_complete = isoNow(template.datetimeComplete);
  const distributions = template.distributions ?? {};
  const params = template.params ?? {};
  fields.distributions = Object.fromEntries(
    Object.keys(params).map((name) => [name, distributionToJson(distributions[name])]),
  );
  fields.params = Object.fromEntries(
    Object.entries(params).map((
      [name, value],
    ) => [name, internalJson(distributions[name], distributions[name].toInternalRepr(value))]),
  );
  fields.user_attrs = template.userAttrs ?? {};
  fields.system_attrs = template.systemAttrs ?? {};
  fields.intermediate_values = Object.fromEntries(
    Object.entries(template.intermediateValues ?? {}).map((
      [step, value],
    ) => [step, new RawJson(pythonFloat(value))]),
  );
  return fields;
}

/** Reads the trial of an op 4 line, as Python's `_apply_create_trial`. */
export function templateOf(log: Op, where: () => string): TrialTemplate {
  const distributions: Record<string, Distribution> = {};
  for (
    const [name, json] of Object.entries(object(log.distributions ?? {}, "distributions", where))
  ) {
    distributions[name] = readDistribution(json, where);
  }
  const params: Record<string, ParamValue> = {};
  for (const [name, internal] of Object.entries(object(log.params ?? {}, "params", where))) {
    const distribution = distributions[name];
    if (distribution === undefined || typeof internal !== "number") {
      throw new StorageFormatError(
        `${where()}: its parameter "${name}" has no distribution${REPAIR}`,
      );
    }
    params[name] = distribution.toExternalRepr(internal);
  }
  const intermediateValues: Record<number, number> = {};
  for (
    const [step, value] of Object.entries(
      object(log.intermediate_values ?? {}, "intermediate_values", where),
    )
  ) {
    intermediateValues[Number(step)] = value as number;
  }
  return {
    state: log.state === undefined ? "RUNNING" : state(log.state, where),
    values: Array.isArray(log.values)
      ? log.values as number[]
      : typeof log.value === "number"
      ? [log.value]
      : null,
    datetimeStart: date(log.datetime_start ?? null, where),
    datetimeComplete: date(log.datetime_complete ?? null, where),
    params,
    distributions,
    userAttrs: object(log.user_attrs ?? {}, "user_attrs", where) as Record<string, JsonValue>,
    systemAttrs: object(log.system_attrs ?? {}, "system_attrs", where) as Record<string, JsonValue>,
    intermediateValues,
  };
}

/** A distribution's JSON from a line; malformed JSON names the line. */
export function readDistribution(json: unknown, where: () => string): Distribution {
  if (typeof json !== "string") {
    throw new StorageFormatError(`${where()}: a distribution is not a JSON string${REPAIR}`);
  }
  try {
    return distributionFromJson(json);
  } catch (error) {
    throw new StorageFormatError(`${where()}: ${(error as Error).message}${REPAIR}`, {
      cause: error,
    });
  }
}

/** A trial state's integer. */
export function state(value: unknown, where: () => string): TrialState {
  const name = TRIAL_STATES[value as number];
  if (name === undefined) {
    throw new StorageFormatError(`${where()}: it has an unknown state ${value}${REPAIR}`);
  }
  return name;
}

/** An ISO datetime with its zone, or null. */
export function date(value: unknown, where: () => string): Date | null {
  if (value === null) return null;
  const time = typeof value === "string" ? Date.parse(value) : NaN;
  if (Number.isNaN(time)) {
    throw new StorageFormatError(`${where()}: it has no ISO datetime but ${value}${REPAIR}`);
  }
  return new Date(time);
}

function object(value: unknown, what: string, where: () => string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new StorageFormatError(`${where()}: its "${what}" is not a JSON object${REPAIR}`);
  }
  return value as Record<string, unknown>;
}
