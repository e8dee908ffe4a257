import assert from "node:assert/strict";
import {
  DuplicatedStudyError,
  StudyNotFoundError,
  TrialNotFoundError,
  UpdateFinishedTrialError,
} from "../../storages/errors.ts";
import { InMemoryStorage } from "../../storages/memory.ts";
import { createStudy, loadStudy } from "../../study/create_study.ts";
import { assertTrialModel } from "../storages/_trial_model.ts";
import { RandomSampler } from "../../samplers/random_sampler.ts";
import { TPESampler } from "../../samplers/tpe_sampler.ts";
import { TrialPruned } from "../../study/trial_pruned.ts";
import { IncompatibleDistributionError } from "../../distributions/compatibility.ts";
import { FloatDistribution } from "../../distributions/distributions.ts";

Deno.test("createStudy() and loadStudy() find the same study by name", async () => {
  const storage = new InMemoryStorage();
  const created = await createStudy({ storage, studyName: "s", direction: "maximize" });
  const loaded = await loadStudy({ storage, studyName: "s" });
  assert.equal(loaded.studyId, created.studyId);
  assert.deepEqual(loaded.directions, ["maximize"]);
  await assert.rejects(createStudy({ storage, studyName: "s" }), DuplicatedStudyError);
  const again = await createStudy({ storage, studyName: "s", loadIfExists: true });
  assert.equal(again.studyId, created.studyId);
  await assert.rejects(loadStudy({ storage, studyName: "nope" }), StudyNotFoundError);
});

Deno.test("Study.ask() numbers trials from 0 and tell() finishes them", async () => {
  const study = await createStudy({ direction: "minimize" });
  const values = [3, 1, 2];
  for (const value of values) await study.tell(await study.ask(), { values: value });
  const pruned = await study.ask();
  await study.tell(pruned, { state: "PRUNED" });
  const failed = await study.ask();
  await study.tell(failed.number);
  const trials = await study.getTrials();
  assert.deepEqual(trials.map((t) => [t.number, t.state, t.values]), [
    [0, "COMPLETE", [3]],
    [1, "COMPLETE", [1]],
    [2, "COMPLETE", [2]],
    [3, "PRUNED", null],
    [4, "FAIL", null],
  ]);
  assert.equal((await study.bestTrial()).number, 1);
  await assert.rejects(study.tell(pruned, { values: 0 }), UpdateFinishedTrialError);
  await assert.rejects(study.trial(99), TrialNotFoundError);
});

Deno.test("Study.tell() fails a trial told a wrong number of values, as Python", async () => {
  const study = await createStudy({ directions: ["minimize", "maximize"] });
  const told = await study.tell(await study.ask(), { values: 1 });
  assert.deepEqual([told.state, told.values], ["FAIL", null]);
  // With the state given, the same values are refused and the trial stays RUNNING.
  const trial = await study.ask();
  await assert.rejects(study.tell(trial, { values: 1, state: "COMPLETE" }), RangeError);
  assert.equal((await trial.freeze()).state, "RUNNING");
  await assert.rejects(study.bestTrial(), TypeError);
});

Deno.test("InMemoryStorage refuses system attributes on a finished trial", async () => {
  const storage = new InMemoryStorage();
  const studyId = await storage.createNewStudy();
  const trialId = await storage.createNewTrial(studyId);
  await storage.setTrialSystemAttr(trialId, "k", "v");
  await storage.setTrialStateValues(trialId, "FAIL");
  await assert.rejects(storage.setTrialSystemAttr(trialId, "k", "w"), UpdateFinishedTrialError);
  assert.deepEqual(await storage.getTrialSystemAttrs(trialId), { k: "v" });
  await assert.rejects(storage.getTrial(7), TrialNotFoundError);
  await assert.rejects(storage.getStudySystemAttrs(7), StudyNotFoundError);
  await assert.rejects(storage.getTrialIdFromStudyIdTrialNumber(studyId, 1), TrialNotFoundError);
});

Deno.test("InMemoryStorage keeps the trial model", async () => {
  await assertTrialModel(new InMemoryStorage());
});

Deno.test("optimize() tells COMPLETE, PRUNED with the last report, FAIL for NaN and for errors", async () => {
  const study = await createStudy({ sampler: new RandomSampler({ seed: 2 }) });
  const outcomes: (() => number)[] = [
    () => 2,
    () => {
      throw new TrialPruned();
    },
    () => NaN,
    () => {
      throw new RangeError("diverged");
    },
  ];
  let i = 0;
  const seen: number[] = [];
  const warn = console.warn;
  const warnings: string[] = [];
  console.warn = (message: string) => warnings.push(message);
  try {
    await study.optimize(async (trial) => {
      await trial.report(0.25, 3);
      return outcomes[i++]();
    }, {
      nTrials: 4,
      catch: [RangeError],
      callbacks: [(_study, frozen) => void seen.push(frozen.number)],
    });
  } finally {
    console.warn = warn;
  }
  const trials = await study.trials();
  assert.deepEqual(trials.map((t) => [t.state, t.values]), [
    ["COMPLETE", [2]],
    ["PRUNED", [0.25]],
    ["FAIL", null],
    ["FAIL", null],
  ]);
  assert.deepEqual(seen, [0, 1, 2, 3]);
  assert.match(warnings.join("\n"), /Trial 2 failed with value NaN/);
  assert.equal(await study.bestValue(), 2);
});

Deno.test("optimize() rethrows an error it does not catch, after failing the trial", async () => {
  const study = await createStudy();
  await assert.rejects(
    study.optimize(() => {
      throw new TypeError("bug in the objective");
    }, { nTrials: 5, catch: [RangeError] }),
    TypeError,
  );
  assert.deepEqual((await study.trials()).map((t) => t.state), ["FAIL"]);
});

Deno.test("optimize() stops at nTrials, at timeout, on stop() and on an aborted signal", async () => {
  const study = await createStudy();
  await study.optimize((trial) => trial.suggestFloat("x", 0, 1), { nTrials: 3 });
  assert.equal((await study.trials()).length, 3);
  await study.optimize(async (trial) => {
    await new Promise((resolve) => setTimeout(resolve, 20));
    return trial.suggestFloat("x", 0, 1);
  }, { timeout: 0.1 });
  const timed = (await study.trials()).length - 3;
  // The first trial always starts; each takes at least 20 ms, so no more than 6 fit in 0.1 s.
  assert.ok(timed >= 1 && timed <= 6, `${timed} trials in 0.1 s of 20 ms each`);
  await study.optimize((trial) => {
    if (trial.number === 3 + timed + 1) study.stop();
    return 1;
  });
  assert.equal((await study.trials()).length, 3 + timed + 2);
  const controller = new AbortController();
  await study.optimize((trial) => {
    controller.abort();
    return trial.number;
  }, { signal: controller.signal, nTrials: 10 });
  assert.equal((await study.trials()).length, 3 + timed + 3);
  await assert.rejects(
    Promise.all([study.optimize(() => 1, { nTrials: 1 }), study.optimize(() => 1, { nTrials: 1 })]),
    /nest/,
  );
});

Deno.test("ask() runs enqueued trials first, oldest first, with their fixed parameters", async () => {
  const study = await createStudy({ sampler: new TPESampler({ seed: 1 }) });
  await study.enqueueTrial({ x: 1.5, n: 4, c: "b" });
  await study.enqueueTrial({ x: -2 });
  await study.enqueueTrial({ x: -2 }, { skipIfExists: true });
  await study.optimize(async (trial) => {
    const x = await trial.suggestFloat("x", -10, 10);
    const n = await trial.suggestInt("n", 0, 9);
    const c = await trial.suggestCategorical("c", ["a", "b"]);
    return x * x + n + (c === "a" ? 0 : 1);
  }, { nTrials: 3 });
  const trials = await study.trials();
  assert.deepEqual(trials.map((t) => t.state), ["COMPLETE", "COMPLETE", "COMPLETE"]);
  assert.deepEqual(trials[0].params, { x: 1.5, n: 4, c: "b" });
  assert.equal(trials[1].params.x, -2);
  assert.notEqual(trials[2].params.x, -2, "the duplicate was skipped; trial 2 is sampled");
  assert.deepEqual(
    await study.bestParams(),
    trials[0].values![0] < trials[1].values![0]
      ? trials[0].params
      : trials[2].values![0] < trials[1].values![0]
      ? trials[2].params
      : trials[1].params,
  );
});

Deno.test("suggest* validate as Python: bounds, log with step, log at 0, same name twice", async () => {
  const study = await createStudy();
  const trial = await study.ask();
  await assert.rejects(trial.suggestFloat("a", 2, 1), RangeError);
  await assert.rejects(trial.suggestFloat("b", 0, 1, { log: true }), RangeError);
  await assert.rejects(trial.suggestFloat("c", 1, 2, { log: true, step: 0.5 }), RangeError);
  await assert.rejects(trial.suggestInt("d", 0, 10, { log: true }), RangeError);
  await assert.rejects(trial.suggestInt("e", 0.5, 10), TypeError);
  // Python's adjustment: high lowered to the last step.
  const v = await trial.suggestFloat("f", 0, 1.05, { step: 0.1 });
  assert.ok(v >= 0 && v <= 1 && Math.abs(Math.round(v * 10) - v * 10) < 1e-9);
  assert.ok(
    (await trial.freeze()).distributions.f.equals(new FloatDistribution(0, 1, { step: 0.1 })),
  );
  const x = await trial.suggestInt("x", 0, 100);
  assert.equal(await trial.suggestInt("x", 0, 100), x);
  // Python checks the class and the log flag only: another range returns the recorded value.
  assert.equal(await trial.suggestInt("x", 0, 50), x);
  await assert.rejects(trial.suggestInt("x", 1, 100, { log: true }), IncompatibleDistributionError);
  await assert.rejects(trial.suggestFloat("x", 0, 100), IncompatibleDistributionError);
  assert.deepEqual(Object.keys(trial.params), ["f", "x"]);
  await study.tell(trial, { values: 0 });
  await assert.rejects(study.tell(trial, { values: 0 }), UpdateFinishedTrialError);
});
