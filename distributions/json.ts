/**
 * Distributions to and from the JSON Optuna stores them in (`distribution_to_json` and
 * `json_to_distribution`), byte for byte: journal lines, RDB `distribution_json` and the gRPC
 * proxy carry this text.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { distributionFromJson, distributionToJson, IntDistribution } from "@optuna-deno/artifacts";
 * const json = distributionToJson(new IntDistribution(1, 9, { step: 2 }));
 * assert.equal(
 *   json,
 *   '{"name": "IntDistribution", "attributes": {"log": false, "step": 2, "low": 1, "high": 9}}',
 * );
 * assert.ok(distributionFromJson(json).equals(new IntDistribution(1, 9, { step: 2 })));
 * ```
 *
 * @module
 */
import { parsePythonJson } from "../_common/python_json.ts";
import { StorageFormatError } from "../_common/storage_format_error.ts";
import {
  CategoricalDistribution,
  type Distribution,
  FloatDistribution,
  type FloatDistributionClass,
  IntDistribution,
  type IntDistributionClass,
  pythonAttributes,
} from "./distributions.ts";

/**
 * Serializes a distribution as Python's `distribution_to_json`: `json.dumps` of its class name
 * and attributes, in Python's key order and number formats.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { distributionToJson, FloatDistribution } from "@optuna-deno/artifacts";
 * assert.equal(
 *   distributionToJson(new FloatDistribution(-10, 10)),
 *   '{"name": "FloatDistribution", "attributes": {"step": null, "low": -10.0, "high": 10.0, "log": false}}',
 * );
 * ```
 *
 * @param distribution The distribution.
 * @returns The JSON text.
 */
export function distributionToJson(distribution: Distribution): string {
  const attributes = Object.entries(pythonAttributes(distribution))
    .map(([key, text]) => `"${key}": ${text}`).join(", ");
  return `{"name": "${distribution.className}", "attributes": {${attributes}}}`;
}

const FLOAT_CLASSES: readonly FloatDistributionClass[] = [
  "FloatDistribution",
  "UniformDistribution",
  "LogUniformDistribution",
  "DiscreteUniformDistribution",
];
const INT_CLASSES: readonly IntDistributionClass[] = [
  "IntDistribution",
  "IntUniformDistribution",
  "IntLogUniformDistribution",
];

/** The attributes each Python class takes, required ones first (Python's constructors). */
const ATTRIBUTES: Record<string, { required: string[]; optional: string[] }> = {
  FloatDistribution: { required: ["low", "high"], optional: ["log", "step"] },
  UniformDistribution: { required: ["low", "high"], optional: [] },
  LogUniformDistribution: { required: ["low", "high"], optional: [] },
  DiscreteUniformDistribution: { required: ["low", "high", "q"], optional: [] },
  IntDistribution: { required: ["low", "high"], optional: ["log", "step"] },
  IntUniformDistribution: { required: ["low", "high"], optional: ["step"] },
  IntLogUniformDistribution: { required: ["low", "high"], optional: ["step"] },
  CategoricalDistribution: { required: ["choices"], optional: [] },
};

/**
 * Reads a distribution as Python's `json_to_distribution`: every class Optuna 5.0 reads (the
 * legacy ones included) and the abbreviated `{"type": "float", ...}` form.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { distributionFromJson, StorageFormatError } from "@optuna-deno/artifacts";
 * const d = distributionFromJson('{"name": "UniformDistribution", "attributes": {"low": 0.0, "high": 1.0}}');
 * assert.equal(d.className, "UniformDistribution");
 * assert.throws(() => distributionFromJson('{"name": "Beta", "attributes": {}}'), StorageFormatError);
 * ```
 *
 * @param json The JSON text.
 * @returns The distribution.
 * @throws {StorageFormatError} When the text is not a distribution Optuna writes (unknown class,
 *   missing or extra attributes, invalid bounds).
 */
export function distributionFromJson(json: string): Distribution {
  let parsed: unknown;
  try {
    parsed = parsePythonJson(json);
    return fromObject(parsed);
  } catch (error) {
    if (error instanceof StorageFormatError) throw error;
    throw new StorageFormatError(
      `Cannot read the distribution ${json}: ${(error as Error).message}; ` +
        "it is not one Optuna writes",
      { cause: error },
    );
  }
}

function fromObject(parsed: unknown): Distribution {
  if (!isObject(parsed)) throw new TypeError("it is not a JSON object");
  if ("name" in parsed) {
    const name = parsed.name;
    const attributes = parsed.attributes;
    if (typeof name !== "string" || !(name in ATTRIBUTES)) {
      throw new TypeError(`the class ${JSON.stringify(name)} is unknown`);
    }
    if (!isObject(attributes)) throw new TypeError("it has no attributes object");
    const { required, optional } = ATTRIBUTES[name];
    for (const key of required) {
      if (!(key in attributes)) throw new TypeError(`it lacks the attribute "${key}"`);
    }
    for (const key of Object.keys(attributes)) {
      if (!required.includes(key) && !optional.includes(key)) {
        throw new TypeError(`${name} has no attribute "${key}"`);
      }
    }
    return build(name, attributes);
  }
  switch (parsed.type) {
    case "categorical":
      return build("CategoricalDistribution", { choices: parsed.choices });
    case "float":
      return build("FloatDistribution", parsed);
    case "int":
      return build("IntDistribution", parsed);
    default:
      throw new TypeError(`the type ${JSON.stringify(parsed.type)} is unknown`);
  }
}

function build(name: string, a: Record<string, unknown>): Distribution {
  if (name === "CategoricalDistribution") {
    if (!Array.isArray(a.choices)) throw new TypeError("its choices are not a list");
    return new CategoricalDistribution(a.choices);
  }
  const low = number(a.low, "low");
  const high = number(a.high, "high");
  if ((FLOAT_CLASSES as readonly string[]).includes(name)) {
    const className = name as FloatDistributionClass;
    const log = className === "LogUniformDistribution" || boolean(a.log ?? false, "log");
    const stepValue = className === "DiscreteUniformDistribution" ? a.q : a.step;
    const step = stepValue === null || stepValue === undefined ? null : number(stepValue, "step");
    return new FloatDistribution(low, high, { log, step, className });
  }
  const className = name as IntDistributionClass;
  if (!INT_CLASSES.includes(className)) throw new TypeError(`the class ${name} is unknown`);
  const log = className === "IntLogUniformDistribution" || boolean(a.log ?? false, "log");
  const step = a.step === undefined || a.step === null ? 1 : number(a.step, "step");
  return new IntDistribution(low, high, { log, step, className });
}

function number(value: unknown, what: string): number {
  if (typeof value !== "number") throw new TypeError(`its ${what} is not a number`);
  return value;
}

function boolean(value: unknown, what: string): boolean {
  if (typeof value !== "boolean") throw new TypeError(`its ${what} is not true or false`);
  return value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
