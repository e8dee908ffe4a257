import assert from "node:assert/strict";
import { pythonJsonDumps, pythonNumber } from "../../_common/python_json.ts";

Deno.test("pythonNumber() formats floats as Python's repr", () => {
  const cases: Array<[number, string]> = [
    [1.5, "1.5"],
    [0.1, "0.1"],
    [1e-7, "1e-07"],
    [0.0001, "0.0001"],
    [1e16, "1e+16"],
    [1.2345e20, "1.2345e+20"],
    [123456789.25, "123456789.25"],
    [-2.5e-10, "-2.5e-10"],
    [NaN, "NaN"],
    [Infinity, "Infinity"],
    [-Infinity, "-Infinity"],
    [42, "42"],
  ];
  for (const [value, text] of cases) assert.equal(pythonNumber(value), text, String(value));
});

Deno.test("pythonJsonDumps() escapes as Python's ensure_ascii and honours separators", () => {
  assert.equal(
    pythonJsonDumps({ a: ["\u007f", "é", "😀", '\b\f\n\r\t"\\'], b: null, c: true }),
    '{"a": ["\\u007f", "\\u00e9", "\\ud83d\\ude00", "\\b\\f\\n\\r\\t\\"\\\\"], "b": null, "c": true}',
  );
  assert.equal(pythonJsonDumps({ a: [1, 2] }, { item: ",", key: ":" }), '{"a":[1,2]}');
});
