// Checks a storage loaded from a Python-written fixture against Python's expected output, and
// the one-read listing of every trial that each storage of this module has.
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  getAllArtifactMeta,
  getAllTrialsArtifactMeta,
} from "../../helpers/get_all_artifact_meta.ts";
import { removeArtifact } from "../../helpers/remove_artifact.ts";
import { uploadArtifact } from "../../helpers/upload_artifact.ts";
import { StudyNotFoundError } from "../../storages/errors.ts";
import { createStudy } from "../../study/create_study.ts";
import { InMemoryArtifactStore } from "../../stores/memory.ts";
import type { StudyStorage } from "../../storages/types.ts";
import { FileSystemArtifactStore } from "../../stores/filesystem.ts";
import { FIXTURES, readAll, sha256 } from "../_helpers.ts";

interface ExpectedMeta {
  artifact_id: string;
  filename: string;
  mimetype: string;
  encoding: string | null;
}

export const snake = (m: {
  artifactId: string;
  filename: string;
  mimetype: string;
  encoding: string | null;
}): ExpectedMeta => ({
  artifact_id: m.artifactId,
  encoding: m.encoding,
  filename: m.filename,
  mimetype: m.mimetype,
});

/** Asserts that `storage` lists exactly what Python listed, and that every blob matches. */
export async function assertMatchesFixture(
  storage: StudyStorage,
  version: string,
  kind: "journal" | "sqlite",
): Promise<void> {
  const dir = join(FIXTURES, version);
  const expected = JSON.parse(await Deno.readTextFile(join(dir, `${kind}-expected.json`)));
  const studyId = await storage.getStudyIdFromName("interop");
  assert.equal(studyId, expected.study_id);
  assert.deepEqual(
    (await getAllArtifactMeta({ studyId, storage })).map(snake),
    expected.study_artifacts,
  );
  const trials = await storage.getAllTrials(studyId);
  assert.equal(trials.length, expected.trials.length);
  for (const want of expected.trials) {
    const trial = trials[want.number];
    assert.equal(trial.trialId, want.trial_id);
    assert.equal(trial.state, want.state);
    assert.deepEqual(
      (await getAllArtifactMeta({ trialId: trial.trialId, storage })).map(snake),
      want.artifacts,
    );
  }
  // The one-read listing gives the same, for every trial at once.
  assert.deepEqual(
    (await getAllTrialsArtifactMeta({ studyId, storage })).map((t) => ({
      trial_id: t.trialId,
      number: t.number,
      state: t.state,
      artifacts: t.artifacts.map(snake),
    })),
    expected.trials.map((t: Record<string, unknown>) => ({
      trial_id: t.trial_id,
      number: t.number,
      state: t.state,
      artifacts: t.artifacts,
    })),
  );
  const store = new FileSystemArtifactStore(join(dir, `${kind}-artifacts`));
  for (const [name, artifactId] of Object.entries(expected.uploaded as Record<string, string>)) {
    const input = await Deno.readFile(join(dir, "inputs", name.split(":")[1]));
    assert.equal(sha256(await readAll(await store.open(artifactId))), sha256(input), name);
  }
}

/**
 * Asserts that `getAllTrialsArtifactMeta` of a study lists what `getAllArtifactMeta` lists
 * trial by trial, through the storage's one-read path (which it must have), and that the
 * storage returns only the attributes with the prefix asked for.
 */
export async function assertListsEveryTrial(storage: StudyStorage): Promise<void> {
  assert.ok(storage.getAllTrialsWithSystemAttrs, "the storage lists trials with attributes");
  const study = await createStudy({ storage, studyName: `every-trial-${crypto.randomUUID()}` });
  const artifactStore = new InMemoryArtifactStore();
  const trials = [await study.ask(), await study.ask(), await study.ask(), await study.ask()];
  const upload = (i: number, filename: string) =>
    uploadArtifact({ artifactStore, studyOrTrial: trials[i], body: filename, filename });
  await upload(0, "a.png");
  await upload(0, "b.csv");
  const removed = await upload(2, "gone.txt");
  await upload(2, "kept.txt");
  await removeArtifact({ artifactStore, studyOrTrial: trials[2], artifactId: removed });
  await upload(3, "final.json");
  await storage.setTrialSystemAttr(trials[3].trialId, "other:key", { nested: [1] });
  await study.tell(trials[3], { values: 1.5 });
  await upload(0, "c.txt"); // trial 0 again, after the others

  const listed = await getAllTrialsArtifactMeta(study);
  const oneByOne = await Promise.all(
    (await storage.getAllTrials(study.studyId)).map(async (t) => ({
      trialId: t.trialId,
      number: t.number,
      state: t.state,
      artifacts: await getAllArtifactMeta({ trialId: t.trialId, storage }),
    })),
  );
  assert.deepEqual(listed, oneByOne);
  // In the order set, but through gRPC in the order of the proxy's map.
  assert.deepEqual(
    listed.map((t) => [t.number, t.state, t.artifacts.map((a) => a.filename).sort()]),
    [
      [0, "RUNNING", ["a.png", "b.csv", "c.txt"]],
      [1, "RUNNING", []],
      [2, "RUNNING", ["kept.txt"]],
      [3, "COMPLETE", ["final.json"]],
    ],
  );
  const withAttrs = await storage.getAllTrialsWithSystemAttrs(study.studyId, {
    keyPrefix: "artifacts:",
  });
  for (const trial of withAttrs) {
    for (const key of Object.keys(trial.systemAttrs)) assert.match(key, /^artifacts:/);
  }
  const all = await storage.getAllTrialsWithSystemAttrs(study.studyId);
  assert.deepEqual(all[3].systemAttrs["other:key"], { nested: [1] });
  assert.ok(Object.keys(all[0].systemAttrs).some((k) => k.startsWith("artifact_digests:")));
  await assert.rejects(
    storage.getAllTrialsWithSystemAttrs(study.studyId + 1000),
    StudyNotFoundError,
  );
}
