// Checks a storage loaded from a Python-written fixture against Python's expected output.
import assert from "node:assert/strict";
import { join } from "node:path";
import { getAllArtifactMeta } from "../../helpers/get_all_artifact_meta.ts";
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
  const store = new FileSystemArtifactStore(join(dir, `${kind}-artifacts`));
  for (const [name, artifactId] of Object.entries(expected.uploaded as Record<string, string>)) {
    const input = await Deno.readFile(join(dir, "inputs", name.split(":")[1]));
    assert.equal(sha256(await readAll(await store.open(artifactId))), sha256(input), name);
  }
}
