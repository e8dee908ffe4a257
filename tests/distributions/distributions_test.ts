// Distributions against what Python Optuna 5.0.0 wrote (tests/testdata/trial-vectors.json, made by
// regenerate_trials.py): distribution_to_json byte for byte, json_to_distribution, repr, single,
// the constructors Python refuses, and check_distribution_compatibility's verdicts.
import assert from "node:assert/strict";
import {
  type CategoricalChoice,
  CategoricalDistribution,
  type Distribution,
  FloatDistribution,
  IntDistribution,
} from "../../distributions/distributions.ts";
import { distributionFromJson, distributionToJson } from "../../distributions/json.ts";
import {
  checkDistributionCompatibility,
  IncompatibleDistributionError,
} from "../../distributions/compatibility.ts";
import { StorageFormatError } from "../../storages/errors.ts";

interface Case {
  class: string;
  args: Record<string, unknown>;
  json: string;
  repr: string;
  single: boolean;
}
const vectors = JSON.parse(
  await Deno.readTextFile(new URL("../testdata/trial-vectors.json", import.meta.url)),
) as {
  distributions: Case[];
  invalid: Omit<Case, "json" | "repr" | "single">[];
  compatibility: { a: string; b: string; compatible: boolean }[];
};

/** Builds the distribution Python's class of that name makes from these keyword arguments. */
function construct(name: string, args: Record<string, unknown>): Distribution {
  const low = args.low as number;
  const high = args.high as number;
  const log = args.log as boolean | undefined;
  switch (name) {
    case "CategoricalDistribution":
      return new CategoricalDistribution(args.choices as CategoricalChoice[]);
    case "FloatDistribution":
      return new FloatDistribution(low, high, { log, step: args.step as number | undefined });
    case "UniformDistribution":
      return new FloatDistribution(low, high, { className: name });
    case "LogUniformDistribution":
      return new FloatDistribution(low, high, { log: true, className: name });
    case "DiscreteUniformDistribution":
      return new FloatDistribution(low, high, { step: args.q as number, className: name });
    case "IntDistribution":
      return new IntDistribution(low, high, { log, step: args.step as number | undefined });
    case "IntUniformDistribution":
      return new IntDistribution(low, high, { step: args.step as number, className: name });
    case "IntLogUniformDistribution":
      return new IntDistribution(low, high, { log: true, className: name });
  }
  throw new Error(`no such class ${name}`);
}

Deno.test("distributionToJson() writes Python's distribution_to_json byte for byte", () => {
  assert.ok(vectors.distributions.length >= 20);
  for (const c of vectors.distributions) {
    const distribution = construct(c.class, c.args);
    assert.equal(distributionToJson(distribution), c.json, `${c.class} ${JSON.stringify(c.args)}`);
    assert.equal(String(distribution), c.repr);
    assert.equal(distribution.single(), c.single, c.repr);
  }
});

Deno.test("distributionFromJson() reads every class Python writes, to an equal distribution", () => {
  for (const c of vectors.distributions) {
    const read = distributionFromJson(c.json);
    assert.equal(read.className, c.class);
    assert.ok(read.equals(construct(c.class, c.args)), c.json);
    assert.equal(distributionToJson(read), c.json);
  }
});

Deno.test("distributionFromJson() reads Optuna's abbreviated form", () => {
  assert.throws(
    () => distributionFromJson('{"type": "float", "low": 0, "high": 1, "log": true}'),
    StorageFormatError,
  );
  assert.ok(
    distributionFromJson('{"type": "float", "low": 0.5, "high": 1, "log": true}')
      .equals(new FloatDistribution(0.5, 1, { log: true })),
  );
  assert.ok(
    distributionFromJson('{"type": "int", "low": 0, "high": 8, "step": 2}')
      .equals(new IntDistribution(0, 8, { step: 2 })),
  );
  assert.ok(
    distributionFromJson('{"type": "categorical", "choices": ["a", null]}')
      .equals(new CategoricalDistribution(["a", null])),
  );
});

Deno.test("the distributions Python's constructors refuse are refused", () => {
  assert.ok(vectors.invalid.length >= 9);
  for (const c of vectors.invalid) {
    assert.throws(
      () => construct(c.class, c.args),
      RangeError,
      `${c.class} ${JSON.stringify(c.args)}`,
    );
  }
  assert.throws(() => new IntDistribution(0.5, 3), TypeError);
  assert.throws(() => new FloatDistribution(0, Infinity), RangeError);
  assert.throws(() => new CategoricalDistribution([]), RangeError);
  assert.throws(() => new CategoricalDistribution([{} as unknown as string]), TypeError);
});

Deno.test("distributionFromJson() names a distribution Optuna does not write", () => {
  for (
    const json of [
      "not json",
      '{"name": "BetaDistribution", "attributes": {}}',
      '{"name": "FloatDistribution", "attributes": {"low": 0.0}}',
      '{"name": "FloatDistribution", "attributes": {"low": 1.0, "high": 0.0, "log": false, "step": null}}',
      '{"name": "IntDistribution", "attributes": {"low": 0, "high": 1, "extra": 1}}',
      '{"type": "bogus"}',
    ]
  ) {
    assert.throws(() => distributionFromJson(json), (error: Error) => {
      assert.ok(error instanceof StorageFormatError, json);
      assert.match(error.message, /distribution/);
      return true;
    });
  }
});

Deno.test("checkDistributionCompatibility() agrees with Python's on every pair", () => {
  for (const { a, b, compatible } of vectors.compatibility) {
    const check = () =>
      checkDistributionCompatibility(distributionFromJson(a), distributionFromJson(b));
    if (compatible) check();
    else assert.throws(check, IncompatibleDistributionError, `${a} vs ${b}`);
  }
});

Deno.test("internal and external representations are Python's", () => {
  const categorical = new CategoricalDistribution([null, false, "z", 1.5]);
  assert.equal(categorical.toInternalRepr("z"), 2);
  assert.equal(categorical.toExternalRepr(3), 1.5);
  assert.throws(() => categorical.toInternalRepr("absent"), RangeError);
  const int = new IntDistribution(0, 10, { step: 2 });
  assert.equal(int.toExternalRepr(4.0), 4);
  assert.equal(int.contains(3), false);
  assert.equal(int.contains(4), true);
  const float = new FloatDistribution(0, 1, { step: 0.25 });
  assert.equal(float.contains(0.5), true);
  assert.equal(float.contains(0.6), false);
  assert.throws(() => float.toInternalRepr("x"), TypeError);
});
