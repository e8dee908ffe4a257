// The trial model every storage keeps: what a Python-written `params` study holds (read as
// Python reads it), and what Deno writes (parameters, intermediate values, user attributes,
// templates, claims), read back through the same storage and, when asked, through a second one.
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  CategoricalDistribution,
  FloatDistribution,
  IntDistribution,
} from "../../distributions/distributions.ts";
import { distributionToJson } from "../../distributions/json.ts";
import { IncompatibleDistributionError } from "../../distributions/compatibility.ts";
import { TrialNotFoundError, UpdateFinishedTrialError } from "../../storages/errors.ts";
import type { FrozenTrial, StudyStorage } from "../../storages/types.ts";
import { createStudy, loadStudy } from "../../study/create_study.ts";
import { RandomSampler } from "../../samplers/random_sampler.ts";
import { FIXTURES } from "../_helpers.ts";
import { pythonFloat } from "../../_common/python_json.ts";

/** What Python's repr prints of an intermediate value. */
const pythonRepr = (v: number) =>
  Number.isNaN(v) ? "nan" : v === Infinity ? "inf" : v === -Infinity ? "-inf" : pythonFloat(v);

/** A trial as regenerate_trials.py and _optuna_side.py list it. */
export interface PythonListing {
  completed: boolean;
  distributions: Record<string, string>;
  intermediate_values: Record<string, string>;
  number: number;
  params: Record<string, unknown>;
  started: boolean;
  state: string;
  user_attrs: Record<string, unknown>;
  values: number[] | null;
}

/** A trial as regenerate_trials.py lists it, for comparing with Python's listing. */
export function asPythonLists(t: FrozenTrial): PythonListing {
  return {
    completed: t.datetimeComplete !== null,
    distributions: Object.fromEntries(
      Object.entries(t.distributions).map(([k, d]) => [k, distributionToJson(d)]),
    ),
    intermediate_values: Object.fromEntries(
      Object.entries(t.intermediateValues).map(([k, v]) => [k, pythonRepr(v)]),
    ),
    number: t.number,
    params: t.params,
    started: t.datetimeStart !== null,
    state: t.state,
    user_attrs: t.userAttrs,
    values: t.values,
  };
}

/**
 * Asserts that `storage`, holding the Python-written `params` study of Optuna 5.0.0, lists what
 * Python listed: every distribution class, external values, intermediate values, attributes.
 */
export async function assertReadsPythonParams(
  storage: StudyStorage,
  kind: "journal" | "sqlite",
): Promise<void> {
  const expected = JSON.parse(
    await Deno.readTextFile(join(FIXTURES, "optuna-5.0.0", "params-expected.json")),
  )[kind];
  const studyId = await storage.getStudyIdFromName("params");
  const trials = await storage.getAllTrials(studyId);
  assert.deepEqual(trials.map(asPythonLists), expected.trials);
  assert.deepEqual(await storage.getStudyUserAttrs(studyId), expected.study_user_attrs);
  // A categorical is stored as its index and read as its choice; legacy classes stay legacy.
  assert.equal(trials[1].params.cat, "z");
  assert.equal(trials[1].distributions.du.className, "DiscreteUniformDistribution");
  assert.ok(Number.isNaN(trials[0].intermediateValues[1]));
  // The enqueued trial is still WAITING, with its fixed parameters in a system attribute.
  assert.equal(trials[2].state, "WAITING");
  assert.deepEqual(
    (await storage.getTrialSystemAttrs(trials[2].trialId)).fixed_params,
    { x: -1.0 },
  );
  const waiting = await storage.getAllTrials(studyId, { states: ["WAITING"] });
  assert.deepEqual(waiting.map((t) => t.number), [2]);
}

/**
 * Asserts the trial model of `storage`: what a Deno objective records is read back exactly,
 * by `storage` and by `reader` (another connection to the same data, if given); errors are
 * typed and lose nothing.
 */
export async function assertTrialModel(
  storage: StudyStorage,
  reader: StudyStorage = storage,
): Promise<void> {
  const studyName = `trial-model-${crypto.randomUUID()}`;
  const study = await createStudy({ storage, studyName, sampler: new RandomSampler({ seed: 1 }) });
  await study.setUserAttr("team", { name: "deno", n: [1, 2] });
  const trial = await study.ask();
  const x = await trial.suggestFloat("x", -10, 10);
  const lr = await trial.suggestFloat("lr", 1e-5, 1e-1, { log: true });
  const drop = await trial.suggestFloat("drop", 0, 0.5, { step: 0.1 });
  const units = await trial.suggestInt("units", 1, 1024, { log: true });
  const n = await trial.suggestInt("n", 1, 9, { step: 2 });
  const c = await trial.suggestCategorical("c", [null, true, 1.5, "sgd"]);
  assert.equal(await trial.suggestFloat("x", -10, 10), x, "the same name returns its value");
  await assert.rejects(trial.suggestInt("x", -10, 10), IncompatibleDistributionError);
  await trial.report(0.5, 0);
  await trial.report(NaN, 1);
  await trial.report(Infinity, 2);
  await trial.report(-Infinity, 3);
  await trial.setUserAttr("note", { nested: [1, "two", null] });
  await study.tell(trial, { values: 1.25 });
  await assert.rejects(trial.suggestFloat("late", 0, 1), UpdateFinishedTrialError);
  await assert.rejects(trial.report(1, 4), UpdateFinishedTrialError);
  await assert.rejects(trial.setUserAttr("late", 1), UpdateFinishedTrialError);

  const readerStudy = await loadStudy({ storage: reader, studyName });
  const [read] = await reader.getAllTrials(readerStudy.studyId);
  assert.deepEqual(read.params, { x, lr, drop, units, n, c });
  assert.ok(read.distributions.x.equals(new FloatDistribution(-10, 10)));
  assert.ok(read.distributions.lr.equals(new FloatDistribution(1e-5, 1e-1, { log: true })));
  assert.ok(read.distributions.drop.equals(new FloatDistribution(0, 0.5, { step: 0.1 })));
  assert.ok(read.distributions.units.equals(new IntDistribution(1, 1024, { log: true })));
  assert.ok(read.distributions.n.equals(new IntDistribution(1, 9, { step: 2 })));
  assert.ok(read.distributions.c.equals(new CategoricalDistribution([null, true, 1.5, "sgd"])));
  assert.equal(read.intermediateValues[0], 0.5);
  assert.ok(Number.isNaN(read.intermediateValues[1]));
  assert.equal(read.intermediateValues[2], Infinity);
  assert.equal(read.intermediateValues[3], -Infinity);
  assert.deepEqual(read.userAttrs, { note: { nested: [1, "two", null] } });
  assert.deepEqual(read.values, [1.25]);
  assert.ok(read.datetimeStart instanceof Date && read.datetimeComplete instanceof Date);
  assert.ok(read.datetimeComplete.getTime() >= read.datetimeStart.getTime());
  assert.ok(Math.abs(read.datetimeStart.getTime() - Date.now()) < 10 * 60_000, "UTC, not local");
  assert.deepEqual(await readerStudy.userAttrs(), { team: { name: "deno", n: [1, 2] } });

  // Enqueued: WAITING with fixed params; the first claim wins, the second is told it lost.
  await study.enqueueTrial({ x: 2.5, c: "sgd" }, { userAttrs: { source: "enqueue" } });
  const [waiting] = await reader.getAllTrials(readerStudy.studyId, { states: ["WAITING"] });
  assert.equal(waiting.datetimeStart, null);
  assert.deepEqual(waiting.userAttrs, { source: "enqueue" });
  assert.equal(await storage.setTrialStateValues(waiting.trialId, "RUNNING"), true);
  assert.equal(await reader.setTrialStateValues(waiting.trialId, "RUNNING"), false);
  const claimed = await study.trial(waiting.number);
  assert.equal(await claimed.suggestFloat("x", -10, 10), 2.5);
  assert.equal(await claimed.suggestCategorical("c", [null, true, 1.5, "sgd"]), "sgd");
  await study.tell(claimed, { state: "FAIL" });
  assert.deepEqual(
    (await reader.getAllTrials(readerStudy.studyId, { states: ["COMPLETE", "FAIL"] }))
      .map((t) => [t.number, t.state]),
    [[0, "COMPLETE"], [1, "FAIL"]],
  );
  // A finished template (Python's add_trial) keeps everything it was given.
  await study.addTrial({
    state: "COMPLETE",
    values: [3],
    params: { x: 1 },
    distributions: { x: new FloatDistribution(-10, 10) },
    userAttrs: { added: true },
    intermediateValues: { 0: 7 },
  });
  const added = (await reader.getAllTrials(readerStudy.studyId)).at(-1)!;
  assert.deepEqual([added.number, added.state, added.values, added.params], [
    2,
    "COMPLETE",
    [3],
    { x: 1 },
  ]);
  assert.deepEqual(added.intermediateValues, { 0: 7 });
  assert.deepEqual(added.userAttrs, { added: true });
  // Another distribution under a recorded name, or an unknown trial, is refused.
  const next = await study.ask();
  await assert.rejects(
    storage.setTrialParam(next.trialId, "x", 0, new IntDistribution(-10, 10)),
    IncompatibleDistributionError,
  );
  await assert.rejects(
    storage.setTrialParam(2 ** 31 - 1, "x", 0, new FloatDistribution(-10, 10)),
    TrialNotFoundError,
  );
  assert.deepEqual((await reader.getTrial(next.trialId)).params, {});
}
