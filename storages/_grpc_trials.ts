// Trials in the gRPC proxy's messages, both ways, as Optuna's servicer converts them
// (`_to_proto_trial` and `_from_proto_trial` in optuna/storages/_grpc/servicer.py): parameters
// as internal values beside their distribution JSON, attributes as `json.dumps` text, datetimes
// as the proxy's naive local time, "%Y-%m-%d %H:%M:%S.%f".
import { parsePythonJson, pythonJsonDumps } from "../_common/python_json.ts";
import { dictionary } from "../_common/dictionary.ts";
import type { Distribution, ParamValue } from "../distributions/distributions.ts";
import { distributionFromJson, distributionToJson } from "../distributions/json.ts";
import { TRIAL_STATES } from "./_grpc_schema.ts";
import type { FrozenTrial, JsonValue, TrialState, TrialTemplate } from "./types.ts";

/** The proxy's `Trial` message, as the decoder gives it. */
export interface ProtoTrial {
  trialId: bigint;
  number: bigint;
  state: number;
  values: number[];
  datetimeStart: string;
  datetimeComplete: string;
  params: Record<string, number>;
  distributions: Record<string, string>;
  userAttributes: Record<string, string>;
  systemAttributes: Record<string, string>;
  intermediateValues: Record<string, number>;
}

/** A trial of a message; the caller sets `studyId`, which the message does not carry. */
export function fromProtoTrial(proto: ProtoTrial): FrozenTrial {
  const state = TRIAL_STATES[proto.state] as TrialState;
  const distributions: Record<string, Distribution> = {};
  const params: Record<string, ParamValue> = {};
  for (const [name, json] of Object.entries(proto.distributions)) {
    distributions[name] = distributionFromJson(json);
  }
  for (const [name, internal] of Object.entries(proto.params)) {
    params[name] = distributions[name].toExternalRepr(internal);
  }
  const intermediateValues: Record<number, number> = {};
  for (const [step, value] of Object.entries(proto.intermediateValues)) {
    intermediateValues[Number(step)] = value;
  }
  return {
    trialId: Number(proto.trialId),
    studyId: -1,
    number: Number(proto.number),
    state,
    values: proto.values.length > 0 ? [...proto.values] : null,
    datetimeStart: localDate(proto.datetimeStart),
    datetimeComplete: localDate(proto.datetimeComplete),
    params,
    distributions,
    userAttrs: attrsOf(proto.userAttributes),
    intermediateValues,
  };
}

/** The message of a template trial, as Python's client sends it (`_to_proto_trial`). */
export function toProtoTrial(template: TrialTemplate): Record<string, unknown> {
  const distributions = template.distributions ?? {};
  const params = Object.entries(template.params ?? {});
  return {
    trialId: 0n,
    number: 0n,
    state: TRIAL_STATES.indexOf(template.state),
    values: template.values ?? [],
    datetimeStart: template.datetimeStart ? localText(template.datetimeStart) : "",
    datetimeComplete: template.datetimeComplete ? localText(template.datetimeComplete) : "",
    distributions: Object.fromEntries(
      params.map(([name]) => [name, distributionToJson(distributions[name])]),
    ),
    params: Object.fromEntries(
      params.map(([name, value]) => [name, distributions[name].toInternalRepr(value)]),
    ),
    userAttributes: dumps(template.userAttrs ?? {}),
    systemAttributes: dumps(template.systemAttrs ?? {}),
    intermediateValues: template.intermediateValues ?? {},
  };
}

/** A copy that shares no mutable part with a cached trial (distributions are frozen). */
export function copyTrial(trial: FrozenTrial): FrozenTrial {
  return {
    ...trial,
    values: trial.values && [...trial.values],
    params: { ...trial.params },
    distributions: { ...trial.distributions },
    userAttrs: structuredClone(trial.userAttrs),
    intermediateValues: { ...trial.intermediateValues },
  };
}

/** The proxy sends each value as Python's json.dumps text. */
export function attrsOf(values: Record<string, string>): Record<string, JsonValue> {
  const attrs = dictionary<JsonValue>();
  for (const [key, text] of Object.entries(values)) {
    attrs[key] = parsePythonJson(text) as JsonValue;
  }
  return attrs;
}

function dumps(attrs: Record<string, JsonValue>): Record<string, string> {
  return Object.fromEntries(Object.entries(attrs).map(([k, v]) => [k, pythonJsonDumps(v)]));
}

const DATETIME = /^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))?$/;

function localDate(text: string): Date | null {
  const match = DATETIME.exec(text);
  if (!match) return null;
  const [, y, mo, d, h, mi, s, fraction = "0"] = match;
  const ms = Math.floor(Number(fraction.padEnd(6, "0")) / 1000);
  return new Date(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
}

function localText(date: Date): string {
  const pad = (n: number, width = 2) => String(n).padStart(width, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.` +
    `${pad(date.getMilliseconds(), 3)}000`;
}
