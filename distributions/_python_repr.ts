// Private to distributions/: Python's `repr` of a distribution, for messages.
import type { CategoricalChoice } from "./distributions.ts";
import { pythonNumber } from "../_common/python_json.ts";

export function pythonLiteral(value: CategoricalChoice): string {
  if (value === null) return "None";
  if (typeof value === "boolean") return value ? "True" : "False";
  if (typeof value === "string") return pythonStringRepr(value);
  return Number.isNaN(value) ? "nan" : pythonNumber(value);
}

/** Python's `repr(str)`: single quotes unless only double quotes avoid escaping. */
export function pythonStringRepr(value: string): string {
  const quote = value.includes("'") && !value.includes('"') ? '"' : "'";
  const escapes: Record<string, string> = { "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t" };
  // deno-lint-ignore no-control-regex -- Python escapes control characters in a repr
  const body = value.replace(/[\\\n\r\t\x00-\x1f\x7f'"]/g, (c) => {
    if (c in escapes) return escapes[c];
    if (c === "'" || c === '"') return c === quote ? "\\" + c : c;
    return "\\x" + c.charCodeAt(0).toString(16).padStart(2, "0");
  });
  return quote + body + quote;
}

export function pythonRepr(className: string, attributes: Record<string, string>): string {
  const literal = (text: string) =>
    text === "null" ? "None" : text === "true" ? "True" : text === "false" ? "False" : text;
  return `${className}(${
    Object.keys(attributes).sort().map((key) => `${key}=${literal(attributes[key])}`).join(", ")
  })`;
}
