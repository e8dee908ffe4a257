import assert from "node:assert/strict";
import { join } from "node:path";
import { InvalidArtifactIdError } from "../../stores/errors.ts";
import {
  StudyNotFoundError,
  TrialNotFoundError,
  UpdateFinishedTrialError,
} from "../../storages/errors.ts";
import { getAllArtifactMeta } from "../../helpers/get_all_artifact_meta.ts";
import { InMemoryStorage } from "../../storages/memory.ts";
import type { JsonValue } from "../../storages/types.ts";
import { FileSystemArtifactStore } from "../../stores/filesystem.ts";
import { InMemoryArtifactStore } from "../../stores/memory.ts";
import { createStudy } from "../../study/create_study.ts";
import { uploadArtifact } from "../../helpers/upload_artifact.ts";
import type { StreamSource, WriteOptions } from "../../stores/types.ts";
import { pseudoRandomBytes, sha256, stallingStream, withTempDir, xxh128 } from "../_helpers.ts";

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

async function files(dir: string): Promise<string[]> {
  return (await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name).sort();
}

Deno.test("uploadArtifact() from a file writes the blob and Python's exact attribute", async () => {
  await withTempDir(async (dir) => {
    await Deno.mkdir(join(dir, "store"));
    const bytes = pseudoRandomBytes(2 * 1024 * 1024 + 3);
    await Deno.writeFile(join(dir, "log.txt.gz"), bytes);
    const storage = new InMemoryStorage();
    const study = await createStudy({ storage });
    const trial = await study.ask();
    const artifactStore = new FileSystemArtifactStore(join(dir, "store"));
    const artifactId = await uploadArtifact({
      artifactStore,
      studyOrTrial: trial,
      filePath: join(dir, "log.txt.gz"),
    });
    assert.match(artifactId, UUID_V4);
    assert.equal(sha256(await Deno.readFile(join(dir, "store", artifactId))), sha256(bytes));
    const attrs = await storage.getTrialSystemAttrs(trial.trialId);
    assert.deepEqual(attrs, {
      [`artifact_digests:${artifactId}`]: `{"xxh128": "${await xxh128(
        bytes,
      )}", "size": ${bytes.length}}`,
      [`artifacts:${artifactId}`]:
        `{"artifact_id": "${artifactId}", "filename": "log.txt.gz", "mimetype": "text/plain", "encoding": "gzip"}`,
    });
  });
});

Deno.test("uploadArtifact() from a body records the given file name, mimetype and encoding", async () => {
  const artifactStore = new InMemoryArtifactStore();
  const study = await createStudy();
  const bodies: Array<[string, ReadableStream<Uint8Array> | Uint8Array | Blob | string]> = [
    ["text", "hello"],
    ["bytes", new TextEncoder().encode("hello")],
    ["blob", new Blob(["hel", "lo"])],
    [
      "stream",
      ReadableStream.from([new TextEncoder().encode("hel"), new TextEncoder().encode("lo")]),
    ],
  ];
  for (const [label, body] of bodies) {
    const artifactId = await uploadArtifact({
      artifactStore,
      studyOrTrial: study,
      body,
      filename: `dir/${label}.obj`,
      mimetype: "model/obj",
      encoding: "utf-8",
    });
    assert.equal(await new Response(await artifactStore.open(artifactId)).text(), "hello", label);
    const meta = (await getAllArtifactMeta(study)).find((m) => m.artifactId === artifactId);
    assert.deepEqual(meta, {
      artifactId,
      filename: `${label}.obj`,
      mimetype: "model/obj",
      encoding: "utf-8",
    });
  }
});

Deno.test("uploadArtifact() treats an empty mimetype or encoding as unset", async () => {
  const study = await createStudy();
  await uploadArtifact({
    artifactStore: new InMemoryArtifactStore(),
    studyOrTrial: study,
    body: "x",
    filename: "hello.txt",
    mimetype: "",
    encoding: "",
  });
  const [meta] = await getAllArtifactMeta(study);
  assert.equal(meta.mimetype, "text/plain");
  assert.equal(meta.encoding, null);
});

Deno.test("uploadArtifact() to a finished trial fails with UpdateFinishedTrialError and writes nothing", async () => {
  await withTempDir(async (dir) => {
    await Deno.writeTextFile(join(dir, "a.txt"), "a");
    await Deno.mkdir(join(dir, "store"));
    const study = await createStudy();
    for (const state of ["COMPLETE", "PRUNED", "FAIL"] as const) {
      const trial = await study.ask();
      await study.tell(trial, state === "COMPLETE" ? { values: 1 } : { state });
      await assert.rejects(
        uploadArtifact({
          artifactStore: new FileSystemArtifactStore(join(dir, "store")),
          studyOrTrial: trial,
          filePath: join(dir, "a.txt"),
        }),
        (error) => {
          assert.ok(error instanceof UpdateFinishedTrialError);
          assert.equal(error.state, state);
          return true;
        },
      );
      assert.deepEqual(await study.storage.getTrialSystemAttrs(trial.trialId), {});
    }
    assert.deepEqual(await files(join(dir, "store")), []);
  });
});

Deno.test("uploadArtifact() to a WAITING trial is allowed", async () => {
  const storage = new InMemoryStorage();
  const studyId = await storage.createNewStudy();
  const trialId = await storage.createNewTrial(studyId);
  await storage.setTrialStateValues(trialId, "WAITING");
  await uploadArtifact({
    artifactStore: new InMemoryArtifactStore(),
    studyOrTrial: { trialId },
    storage,
    body: "w",
    filename: "w.txt",
  });
  assert.equal((await getAllArtifactMeta({ trialId, storage })).length, 1);
});

Deno.test("uploadArtifact() of a missing file rejects with NotFound and records nothing", async () => {
  await withTempDir(async (dir) => {
    const study = await createStudy();
    await assert.rejects(
      uploadArtifact({
        artifactStore: new FileSystemArtifactStore(dir),
        studyOrTrial: study,
        filePath: join(dir, "missing.csv"),
      }),
      (error) => {
        assert.ok(error instanceof Deno.errors.NotFound);
        assert.match(error.message, /missing\.csv.*does not exist/);
        return true;
      },
    );
    assert.deepEqual(await study.storage.getStudySystemAttrs(study.studyId), {});
    assert.deepEqual(await files(dir), []);
  });
});

Deno.test("uploadArtifact() to a missing study or trial rejects and writes no blob", async () => {
  await withTempDir(async (dir) => {
    const storage = new InMemoryStorage();
    const artifactStore = new FileSystemArtifactStore(dir);
    await assert.rejects(
      uploadArtifact({
        artifactStore,
        studyOrTrial: { studyId: 5 },
        storage,
        body: "x",
        filename: "x",
      }),
      StudyNotFoundError,
    );
    await assert.rejects(
      uploadArtifact({
        artifactStore,
        studyOrTrial: { trialId: 5 },
        storage,
        body: "x",
        filename: "x",
      }),
      TrialNotFoundError,
    );
    assert.deepEqual(await files(dir), []);
  });
});

Deno.test("uploadArtifact() removes the blob when the attribute cannot be written", async () => {
  await withTempDir(async (dir) => {
    class FailingStorage extends InMemoryStorage {
      override setTrialSystemAttrs(_t: number, _a: Record<string, JsonValue>): Promise<void> {
        return Promise.reject(new Error("database is locked"));
      }
    }
    const storage = new FailingStorage();
    const study = await createStudy({ storage });
    const trial = await study.ask();
    await assert.rejects(
      uploadArtifact({
        artifactStore: new FileSystemArtifactStore(dir),
        studyOrTrial: trial,
        body: pseudoRandomBytes(100_000),
        filename: "x.bin",
      }),
      /database is locked/,
    );
    assert.deepEqual(await files(dir), []);
  });
});

Deno.test("uploadArtifact() keeps the blob and succeeds when the attribute was written before the error", async () => {
  await withTempDir(async (dir) => {
    // As a connection lost while the database committed: the write happened, the caller saw
    // an error. Removing the blob now would leave metadata that names nothing.
    class LostAckStorage extends InMemoryStorage {
      override async setTrialSystemAttrs(t: number, a: Record<string, JsonValue>): Promise<void> {
        await super.setTrialSystemAttrs(t, a);
        throw new Error("connection reset during COMMIT");
      }
    }
    const storage = new LostAckStorage();
    const study = await createStudy({ storage });
    const trial = await study.ask();
    const artifactId = await uploadArtifact({
      artifactStore: new FileSystemArtifactStore(dir),
      studyOrTrial: trial,
      body: "kept",
      filename: "x.txt",
    });
    assert.deepEqual(await files(dir), [artifactId]);
    assert.deepEqual((await getAllArtifactMeta(trial)).map((m) => m.artifactId), [artifactId]);
  });
});

Deno.test("uploadArtifact() keeps the blob when it cannot tell whether the attribute was written", async () => {
  await withTempDir(async (dir) => {
    let down = false;
    class DownStorage extends InMemoryStorage {
      override setTrialSystemAttrs(): Promise<void> {
        down = true;
        return Promise.reject(new Error("connection refused"));
      }
      override getTrialSystemAttrs(trialId: number): Promise<Record<string, JsonValue>> {
        if (down) return Promise.reject(new Error("connection refused"));
        return super.getTrialSystemAttrs(trialId);
      }
    }
    const storage = new DownStorage();
    const study = await createStudy({ storage });
    const trial = await study.ask();
    await assert.rejects(
      uploadArtifact({
        artifactStore: new FileSystemArtifactStore(dir),
        studyOrTrial: trial,
        body: "an orphan, never a dangling name",
        filename: "x.txt",
      }),
      /connection refused/,
    );
    assert.equal((await files(dir)).length, 1);
  });
});

Deno.test("uploadArtifact() aborted after the blob is written, before the metadata, removes the blob", async () => {
  await withTempDir(async (dir) => {
    const controller = new AbortController();
    // The abort comes as the store finishes: the blob exists, no metadata names it yet.
    class AbortingStore extends FileSystemArtifactStore {
      override async write(
        id: string,
        content: StreamSource,
        options?: WriteOptions,
      ): Promise<void> {
        await super.write(id, content, options);
        controller.abort(new Error("stop"));
      }
    }
    const study = await createStudy();
    const trial = await study.ask();
    await assert.rejects(
      uploadArtifact({
        artifactStore: new AbortingStore(dir),
        studyOrTrial: trial,
        body: "late",
        filename: "late.txt",
        signal: controller.signal,
      }),
      /stop/,
    );
    assert.deepEqual(await getAllArtifactMeta(trial), []);
    assert.deepEqual(await files(dir), []);
  });
});

Deno.test("uploadArtifact() aborted in the middle leaves no blob and no metadata", async () => {
  await withTempDir(async (dir) => {
    const study = await createStudy();
    const controller = new AbortController();
    await assert.rejects(
      uploadArtifact({
        artifactStore: new FileSystemArtifactStore(dir),
        studyOrTrial: study,
        body: stallingStream(pseudoRandomBytes(64 * 1024), () => controller.abort()),
        filename: "big.bin",
        signal: controller.signal,
      }),
      (error) => error instanceof DOMException && error.name === "AbortError",
    );
    assert.deepEqual(await getAllArtifactMeta(study), []);
    assert.deepEqual(await files(dir), []);
  });
});

Deno.test("uploadArtifact() refuses bad argument combinations with TypeError", async () => {
  const study = await createStudy();
  const artifactStore = new InMemoryArtifactStore();
  await assert.rejects(uploadArtifact({ artifactStore, studyOrTrial: study }), TypeError);
  await assert.rejects(
    uploadArtifact({ artifactStore, studyOrTrial: study, body: "x", filePath: "x" }),
    TypeError,
  );
  await assert.rejects(
    uploadArtifact({ artifactStore, studyOrTrial: study, body: "x" }),
    TypeError,
  );
  await assert.rejects(
    uploadArtifact({ artifactStore, studyOrTrial: { studyId: 0 }, body: "x", filename: "x" }),
    /pass `storage`/,
  );
});

Deno.test("uploadArtifact() of a directory path is refused", async () => {
  await withTempDir(async (dir) => {
    const study = await createStudy();
    await assert.rejects(
      uploadArtifact({
        artifactStore: new InMemoryArtifactStore(),
        studyOrTrial: study,
        filePath: dir,
      }),
      /not a regular file/,
    );
  });
});

Deno.test("ids read back through the store are validated: InvalidArtifactIdError", async () => {
  await assert.rejects(new InMemoryArtifactStore().open("../etc"), InvalidArtifactIdError);
});

Deno.test("uploadArtifact() reports progress, starting over on each retry of a factory", async () => {
  await withTempDir(async (dir) => {
    await Deno.writeFile(join(dir, "big.bin"), pseudoRandomBytes(3_000_000));
    const seen: Array<{ loaded: number; total?: number }> = [];
    await uploadArtifact({
      artifactStore: new InMemoryArtifactStore(),
      studyOrTrial: await createStudy(),
      filePath: join(dir, "big.bin"),
      onProgress: (p) => seen.push(p),
    });
    assert.equal(seen.length, 3); // 1 MiB reads
    assert.deepEqual(seen.at(-1), { loaded: 3_000_000, total: 3_000_000 });
  });
});
