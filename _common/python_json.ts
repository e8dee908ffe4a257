// Python's `json.dumps` (ensure_ascii=True), reproduced byte for byte: Optuna stores its
// attribute values in that form, and readers such as optuna-dashboard compare them as text.
import type { JsonValue } from "./types.ts";

/** Separators between items and between a key and its value, as Python's `separators=`. */
export interface PythonJsonSeparators {
  item: string;
  key: string;
}

const DEFAULT_SEPARATORS: PythonJsonSeparators = { item: ", ", key: ": " };
const SHORT_ESCAPES: Record<string, string> = {
  '"': '\\"',
  "\\": "\\\\",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
  "\b": "\\b",
  "\f": "\\f",
};
// Everything outside printable ASCII (space to "~") is escaped, as Python's ESCAPE_ASCII.
const NEEDS_ESCAPE = /[\\"]|[^\x20-\x7e]/g;

/** Encodes a string as Python's `json.dumps(str)`: `\uXXXX` in lowercase hex, UTF-16 units. */
export function pythonJsonString(value: string): string {
  return '"' + value.replace(NEEDS_ESCAPE, (char) => {
    return SHORT_ESCAPES[char] ?? "\\u" + char.charCodeAt(0).toString(16).padStart(4, "0");
  }) + '"';
}

/** Formats a number as Python does: integers bare, other floats as `repr(float)`. */
export function pythonNumber(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "Infinity";
  if (value === -Infinity) return "-Infinity";
  // JavaScript has no integer -0: it can only be Python's float -0.0.
  if (Object.is(value, -0)) return "-0.0";
  if (Number.isSafeInteger(value)) return String(value);
  // Shortest round-trip digits, then Python's layout: fixed for exponents -4..15.
  const [mantissa, exponentText] = value.toExponential().split("e");
  const exponent = Number(exponentText);
  const negative = mantissa.startsWith("-");
  const digits = mantissa.replace("-", "").replace(".", "");
  let text: string;
  if (exponent < -4 || exponent >= 16) {
    const rest = digits.slice(1);
    const sign = exponent < 0 ? "-" : "+";
    text = digits[0] + (rest ? "." + rest : "") + "e" + sign +
      String(Math.abs(exponent)).padStart(2, "0");
  } else if (exponent < 0) {
    text = "0." + "0".repeat(-exponent - 1) + digits;
  } else if (digits.length > exponent + 1) {
    text = digits.slice(0, exponent + 1) + "." + digits.slice(exponent + 1);
  } else {
    text = digits + "0".repeat(exponent + 1 - digits.length) + ".0";
  }
  return (negative ? "-" : "") + text;
}

/** Formats a number as a Python float: `repr(float(value))`, so 2 becomes `2.0`. */
export function pythonFloat(value: number): string {
  const text = pythonNumber(value);
  return Number.isSafeInteger(value) && !Object.is(value, -0) ? text + ".0" : text;
}

/** JSON text inserted as it is by {@linkcode pythonJsonDumps}, such as floats from `pythonFloat`. */
export class RawJson {
  constructor(readonly text: string) {}
}

/** A JSON value that may hold {@linkcode RawJson} pieces. */
export type DumpableJson =
  | JsonValue
  | RawJson
  | DumpableJson[]
  | { [key: string]: DumpableJson };

/** Encodes a JSON value as Python's `json.dumps(value, separators=...)`, keys in given order. */
export function pythonJsonDumps(
  value: DumpableJson,
  separators: PythonJsonSeparators = DEFAULT_SEPARATORS,
): string {
  if (value === null) return "null";
  if (value instanceof RawJson) return value.text;
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "number") return pythonNumber(value);
  if (typeof value === "string") return pythonJsonString(value);
  if (Array.isArray(value)) {
    return "[" + value.map((item) => pythonJsonDumps(item, separators)).join(separators.item) +
      "]";
  }
  return "{" +
    Object.entries(value).map(([key, item]) =>
      pythonJsonString(key) + separators.key + pythonJsonDumps(item, separators)
    ).join(separators.item) + "}";
}

/**
 * Parses JSON written by Python's `json.dumps`, which writes NaN, Infinity and -Infinity as
 * bare tokens that JSON.parse refuses; they are read here, but only outside strings.
 */
export function parsePythonJson(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch (error) {
    if (!/NaN|Infinity/.test(line)) throw error;
  }
  // A marker no real string can equal: NUL plus a fresh UUID.
  const nanMarker = `\u0000NaN-${crypto.randomUUID()}`;
  let out = "";
  let copied = 0;
  let inString = false;
  let sawNaN = false;
  for (let i = 0; i < line.length; i++) {
    const char = line[i];
    if (inString) {
      if (char === "\\") i++;
      else if (char === '"') inString = false;
    } else if (char === '"') {
      inString = true;
    } else if (char === "N" && line.startsWith("NaN", i)) {
      out += line.slice(copied, i) + JSON.stringify(nanMarker);
      copied = i += 3;
      i--;
      sawNaN = true;
    } else if (char === "I" && line.startsWith("Infinity", i)) {
      // 1e999 parses as Infinity, and "-1e999" as -Infinity: no reviver needed.
      out += line.slice(copied, i) + "1e999";
      copied = i += 8;
      i--;
    }
  }
  out += line.slice(copied);
  return sawNaN
    ? JSON.parse(out, (_key, value) => value === nanMarker ? NaN : value)
    : JSON.parse(out);
}
