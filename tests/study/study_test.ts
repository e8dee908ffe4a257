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
