import assert from "node:assert/strict";
import { join } from "node:path";
import { StorageFormatError, TrialNotFoundError } from "../../storages/errors.ts";
import { parseArtifactMeta, serializeArtifactMeta } from "../../helpers/_meta_codec.ts";
import {
  getAllArtifactMeta,
  getAllTrialsArtifactMeta,
} from "../../helpers/get_all_artifact_meta.ts";
import { uploadArtifact } from "../../helpers/upload_artifact.ts";
import { createStudy } from "../../study/create_study.ts";
import { InMemoryArtifactStore } from "../../stores/memory.ts";
import { assertListsEveryTrial } from "../storages/_fixtures.ts";
import { guessMimetype } from "../../helpers/guess_mimetype.ts";
import { InMemoryStorage } from "../../storages/memory.ts";
import { FIXTURES } from "../_helpers.ts";

const vectors = JSON.parse(await Deno.readTextFile(join(FIXTURES, "vectors.json")));

Deno.test("serializeArtifactMeta() reproduces every attribute value of vectors.json byte for byte", () => {
  assert.equal(vectors.attr_values.length, 21);
  for (const vector of vectors.attr_values) {
    const filename = vector.file_path.split("/").pop();
    const guess = guessMimetype(filename);
    const value = serializeArtifactMeta({
      artifactId: vectors.artifact_id,
      filename,
      mimetype: vector.mimetype_arg || guess.mimetype || "application/octet-stream",
      encoding: vector.encoding_arg || guess.encoding,
    });
    assert.equal(value, vector.value, vector.file_path);
    assert.equal(`artifacts:${vectors.artifact_id}`, vector.key);
  }
});

Deno.test("parseArtifactMeta() reads Python's values back and skips tombstones", () => {
  for (const vector of vectors.attr_values) {
    const meta = parseArtifactMeta(vector.value);
    assert.ok(meta !== null);
    assert.equal(serializeArtifactMeta(meta), vector.value);
  }
  assert.equal(parseArtifactMeta("null"), null);
  assert.equal(parseArtifactMeta(null), null);
});

Deno.test("parseArtifactMeta() ignores extra JSON fields", () => {
  const value =
    '{"artifact_id": "a", "filename": "f.txt", "mimetype": "text/plain", "encoding": null, "size": 3, "x": {"y": 1}}';
  assert.deepEqual(parseArtifactMeta(value), {
    artifactId: "a",
    filename: "f.txt",
    mimetype: "text/plain",
    encoding: null,
  });
});

Deno.test("parseArtifactMeta() rejects non-metadata with StorageFormatError", () => {
  for (const bad of ["{not json", "[1]", '{"artifact_id": 1}', '"text"', 42]) {
    assert.throws(() => parseArtifactMeta(bad), StorageFormatError, String(bad));
  }
});

Deno.test("getAllArtifactMeta() skips null tombstones, other keys and reports invalid entries", async () => {
  const storage = new InMemoryStorage();
  const studyId = await storage.createNewStudy();
  const good =
    '{"artifact_id": "g", "filename": "g.txt", "mimetype": "text/plain", "encoding": null, "extra": true}';
  await storage.setStudySystemAttr(studyId, "artifacts:g", good);
  await storage.setStudySystemAttr(studyId, "artifacts:dashboard-deleted", "null");
  await storage.setStudySystemAttr(studyId, "artifacts:raw-null", null);
  await storage.setStudySystemAttr(studyId, "artifacts:broken", "{oops");
  await storage.setStudySystemAttr(studyId, "other", "{}");
  const reported: string[] = [];
  const metas = await getAllArtifactMeta({ studyId, storage }, {
    onInvalidEntry: (key, error) => {
      assert.ok(error instanceof StorageFormatError);
      reported.push(key);
    },
  });
  assert.deepEqual(metas, [{
    artifactId: "g",
    filename: "g.txt",
    mimetype: "text/plain",
    encoding: null,
  }]);
  assert.deepEqual(reported, ["artifacts:broken"]);
});

Deno.test("getAllArtifactMeta() of a missing trial rejects with TrialNotFoundError", async () => {
  await assert.rejects(
    getAllArtifactMeta({ trialId: 99 }, { storage: new InMemoryStorage() }),
    TrialNotFoundError,
  );
});

Deno.test("getAllArtifactMeta() without any storage is a TypeError", async () => {
  await assert.rejects(getAllArtifactMeta({ studyId: 0 }), TypeError);
});

Deno.test("getAllTrialsArtifactMeta() lists every trial of an InMemoryStorage as getAllArtifactMeta() does", async () => {
  await assertListsEveryTrial(new InMemoryStorage());
});

Deno.test("getAllTrialsArtifactMeta() asks trial by trial a storage without the one-read method", async () => {
  const inner = new InMemoryStorage();
  const calls: string[] = [];
  // A storage of someone else's: Optuna's protocol only.
  const storage = new Proxy(inner, {
    get(target, key) {
      if (key === "getAllTrialsWithSystemAttrs") return undefined;
      const value = Reflect.get(target, key);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        calls.push(String(key));
        return value.apply(target, args);
      };
    },
  });
  const study = await createStudy({ storage });
  const artifactStore = new InMemoryArtifactStore();
  const trial = await study.ask();
  await study.ask();
  await uploadArtifact({ artifactStore, studyOrTrial: trial, body: "x", filename: "x.txt" });
  calls.length = 0;
  const listed = await getAllTrialsArtifactMeta(study);
  assert.deepEqual(listed.map((t) => [t.number, t.artifacts.map((a) => a.filename)]), [
    [0, ["x.txt"]],
    [1, []],
  ]);
  assert.deepEqual(calls, ["getAllTrials", "getTrialSystemAttrs", "getTrialSystemAttrs"]);
});
