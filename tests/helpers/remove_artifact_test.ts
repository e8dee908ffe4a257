import assert from "node:assert/strict";
import { ArtifactNotFoundError } from "../../stores/errors.ts";
import { UpdateFinishedTrialError } from "../../storages/errors.ts";
import { getAllArtifactMeta } from "../../helpers/get_all_artifact_meta.ts";
import { removeArtifact } from "../../helpers/remove_artifact.ts";
import { InMemoryArtifactStore } from "../../stores/memory.ts";
import { createStudy } from "../../study/study.ts";
import { uploadArtifact } from "../../helpers/upload_artifact.ts";
import { JournalFileStorage } from "../../storages/journal.ts";

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
  const gone = await uploadArtifact({
    artifactStore,
    studyOrTrial: trial,
    body: "g",
    filename: "g.txt",
  });
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
  const keep = await uploadArtifact({
    artifactStore,
    studyOrTrial: trial,
    body: "k",
    filename: "k.txt",
  });
  const gone = await uploadArtifact({
    artifactStore,
    studyOrTrial: trial,
    body: "g",
    filename: "g.txt",
  });
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
  const id = await uploadArtifact({
    artifactStore,
    studyOrTrial: study,
    body: "s",
    filename: "s.txt",
  });
  await removeArtifact({ artifactStore, studyOrTrial: study, artifactId: id });
  assert.deepEqual(await study.storage.getStudySystemAttrs(study.studyId), {
    [`artifacts:${id}`]: "null",
  });
  await assert.rejects(artifactStore.open(id), ArtifactNotFoundError);
});

Deno.test("removeArtifact() of an unknown or already removed artifact is ArtifactNotFoundError", async () => {
  const study = await createStudy();
  const other = await createStudy();
  const artifactStore = new InMemoryArtifactStore();
  const id = await uploadArtifact({
    artifactStore,
    studyOrTrial: other,
    body: "o",
    filename: "o.txt",
  });
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
  const id = await uploadArtifact({
    artifactStore,
    studyOrTrial: trial,
    body: "x",
    filename: "x.txt",
  });
  await study.tell(trial, { values: 1 });
  await assert.rejects(
    removeArtifact({ artifactStore, studyOrTrial: trial, artifactId: id }),
    UpdateFinishedTrialError,
  );
  assert.equal((await getAllArtifactMeta(trial)).length, 1);
  assert.deepEqual(await study.storage.getStudySystemAttrs(study.studyId), {});
  assert.equal(await new Response(await artifactStore.open(id)).text(), "x");
});
