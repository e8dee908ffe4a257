import assert from "node:assert/strict";
import { ArtifactNotFoundError } from "../../stores/errors.ts";
import { UpdateFinishedTrialError } from "../../storages/errors.ts";
import { getAllArtifactMeta } from "../../helpers/get_all_artifact_meta.ts";
import { removeArtifact } from "../../helpers/remove_artifact.ts";
import { InMemoryArtifactStore } from "../../stores/memory.ts";
import { createStudy } from "../../study/create_study.ts";
import { uploadArtifact } from "../../helpers/upload_artifact.ts";
import { JournalFileStorage } from "../../storages/journal.ts";
import type { ArtifactStore } from "../../stores/types.ts";
import type { StudyOrTrial } from "../../study/study_or_trial.ts";

/** Uploads `text` as "<text>.txt"; returns the artifact id. */
function upload(artifactStore: ArtifactStore, studyOrTrial: StudyOrTrial, text: string) {
  return uploadArtifact({ artifactStore, studyOrTrial, body: text, filename: `${text}.txt` });
}

/** A journal storage in a temporary folder, removed when disposed. */
async function tempJournal() {
  const dir = await Deno.makeTempDir();
  return {
    storage: new JournalFileStorage(`${dir}/journal.log`),
    [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }),
  };
}

Deno.test("removeArtifact() deletes the attribute where the storage can delete (memory)", async () => {
  const study = await createStudy();
  const trial = await study.ask();
  const artifactStore = new InMemoryArtifactStore();
  const gone = await upload(artifactStore, trial, "g");
  await removeArtifact({ artifactStore, studyOrTrial: trial, artifactId: gone });
  assert.deepEqual(await study.storage.getTrialSystemAttrs(trial.trialId), {});
  assert.deepEqual(await study.storage.getStudySystemAttrs(study.studyId), {});
  await assert.rejects(artifactStore.open(gone), ArtifactNotFoundError);
});

Deno.test("removeArtifact() of a trial artifact in a journal writes optuna-dashboard's two tombstones", async () => {
  await using journal = await tempJournal();
  const study = await createStudy({ storage: journal.storage });
  const trial = await study.ask();
  const artifactStore = new InMemoryArtifactStore();
  const keep = await upload(artifactStore, trial, "k");
  const gone = await upload(artifactStore, trial, "g");
  await removeArtifact({ artifactStore, studyOrTrial: trial, artifactId: gone });
  assert.deepEqual((await getAllArtifactMeta(trial)).map((m) => m.artifactId), [keep]);
  const trialAttrs = await study.storage.getTrialSystemAttrs(trial.trialId);
  assert.equal(trialAttrs[`artifacts:${gone}`], "null");
  const studyAttrs = await study.storage.getStudySystemAttrs(study.studyId);
  assert.deepEqual(studyAttrs, { [`dashboard:artifacts:${trial.trialId}:${gone}`]: "null" });
  await assert.rejects(artifactStore.open(gone), ArtifactNotFoundError);
  assert.equal(await new Response(await artifactStore.open(keep)).text(), "k");
});

Deno.test("removeArtifact() of a study artifact in a journal writes the study tombstone", async () => {
  await using journal = await tempJournal();
  const study = await createStudy({ storage: journal.storage });
  const artifactStore = new InMemoryArtifactStore();
  const id = await upload(artifactStore, study, "s");
  await removeArtifact({ artifactStore, studyOrTrial: study, artifactId: id });
  // A journal cannot delete: the digest stays, named by no metadata, and is ignored.
  const attrs = await study.storage.getStudySystemAttrs(study.studyId);
  assert.deepEqual(Object.keys(attrs), [`artifact_digests:${id}`, `artifacts:${id}`]);
  assert.equal(attrs[`artifacts:${id}`], "null");
  await assert.rejects(artifactStore.open(id), ArtifactNotFoundError);
});

Deno.test("removeArtifact() of an unknown or already removed artifact is ArtifactNotFoundError", async () => {
  const study = await createStudy();
  const other = await createStudy();
  const artifactStore = new InMemoryArtifactStore();
  const id = await upload(artifactStore, other, "o");
  // Listed by another study: refused, and the other study's blob survives.
  await assert.rejects(
    removeArtifact({ artifactStore, studyOrTrial: study, artifactId: id }),
    ArtifactNotFoundError,
  );
  assert.equal(await new Response(await artifactStore.open(id)).text(), "o");
  await removeArtifact({ artifactStore, studyOrTrial: other, artifactId: id });
  await assert.rejects(
    removeArtifact({ artifactStore, studyOrTrial: other, artifactId: id }),
    ArtifactNotFoundError,
  );
});

Deno.test("removeArtifact() of a finished trial's artifact is refused and touches nothing", async () => {
  const study = await createStudy();
  const trial = await study.ask();
  const artifactStore = new InMemoryArtifactStore();
  const id = await upload(artifactStore, trial, "x");
  await study.tell(trial, { values: 1 });
  await assert.rejects(
    removeArtifact({ artifactStore, studyOrTrial: trial, artifactId: id }),
    UpdateFinishedTrialError,
  );
  assert.equal((await getAllArtifactMeta(trial)).length, 1);
  assert.deepEqual(await study.storage.getStudySystemAttrs(study.studyId), {});
  assert.equal(await new Response(await artifactStore.open(id)).text(), "x");
});
