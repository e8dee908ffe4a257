import assert from "node:assert/strict";
import { join } from "node:path";
import {
  DuplicatedStudyError,
  StorageFormatError,
  StudyNotFoundError,
  TrialNotFoundError,
  UpdateFinishedTrialError,
} from "../../storages/errors.ts";
import { getAllArtifactMeta } from "../../helpers/get_all_artifact_meta.ts";
import { JournalFileStorage } from "../../storages/journal.ts";
import { InMemoryArtifactStore } from "../../stores/memory.ts";
import { createStudy, loadStudy } from "../../study/create_study.ts";
import { uploadArtifact } from "../../helpers/upload_artifact.ts";
import { FIXTURES, withTempDir } from "../_helpers.ts";
import { assertListsEveryTrial, assertMatchesFixture, snake } from "./_fixtures.ts";
import { assertReadsPythonParams, assertTrialModel } from "./_trial_model.ts";

for (const version of ["optuna-5.0.0", "optuna-4.9.0"]) {
  Deno.test(`JournalFileStorage reads the ${version} journal exactly as Python`, async () => {
    const storage = new JournalFileStorage(join(FIXTURES, version, "interop.journal.log"));
    await assertMatchesFixture(storage, version, "journal");
  });
}

Deno.test("JournalFileStorage skips optuna-dashboard's tombstone (Python raises TypeError)", async () => {
  const storage = new JournalFileStorage(
    join(FIXTURES, "optuna-4.9.0", "interop-tombstone.journal.log"),
  );
  const studyId = await storage.getStudyIdFromName("interop");
  assert.deepEqual(await getAllArtifactMeta({ studyId, storage }), []);
  assert.equal(
    (await storage.getStudySystemAttrs(studyId))["artifacts:dd9f44bc-38a3-4ec2-958b-ef5394a6c1c6"],
    "null",
  );
});

Deno.test("JournalFileStorage reads bare NaN, Infinity and -Infinity", async () => {
  const storage = new JournalFileStorage(join(FIXTURES, "optuna-4.9.0", "nan-inf.journal.log"));
  const studyId = await storage.getStudyIdFromName("nan");
  const trials = await storage.getAllTrials(studyId);
  assert.deepEqual(trials.map((t) => [t.state, t.values]), [["COMPLETE", [Infinity]], [
    "FAIL",
    null,
  ]]);
});

Deno.test("JournalFileStorage reads Optuna 3.3's spaced journal", async () => {
  const storage = new JournalFileStorage(
    join(FIXTURES, "optuna-4.9.0", "interop-optuna3.3.journal.log"),
  );
  const studyId = await storage.getStudyIdFromName("interop");
  const trials = await storage.getAllTrials(studyId);
  assert.ok(trials.length >= 1);
  const metas = [];
  for (const t of trials) metas.push(...await getAllArtifactMeta({ trialId: t.trialId, storage }));
  assert.equal(metas.length, 3);
  for (const meta of metas) {
    await Deno.stat(join(FIXTURES, "optuna-4.9.0", "optuna3.3-artifacts", meta.artifactId));
  }
});

// printf x | xxhsum -H2
const XXH128_OF_X = "5c7401c0ec22eeeeeaf06c6480b2cd11";

Deno.test("JournalFileStorage appends Python's exact line for an artifact", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "j.log");
    await Deno.copyFile(join(FIXTURES, "optuna-5.0.0", "interop.journal.log"), path);
    const before = await Deno.readTextFile(path);
    const storage = new JournalFileStorage(path);
    const study = await loadStudy({ storage, studyName: "interop" });
    const running = await study.trial(1);
    const id = await uploadArtifact({
      artifactStore: new InMemoryArtifactStore(),
      studyOrTrial: running,
      body: "x",
      filename: "日本.txt",
    });
    const after = await Deno.readTextFile(path);
    assert.ok(after.startsWith(before));
    // Two lines in one append: the digest (Python asserts one key per line), then the metadata.
    const [digestLine, line] = after.slice(before.length).split(/(?<=\n)/);
    assert.match(
      digestLine,
      new RegExp(
        `^\\{"op_code":9,"worker_id":"[0-9a-f-]+-\\d+","trial_id":1,"system_attr":\\{"artifact_digests:${id}":` +
          `"\\{\\\\"xxh128\\\\": \\\\"${XXH128_OF_X}\\\\", \\\\"size\\\\": 1\\}"\\}\\}\\n$`,
      ),
    );
    assert.match(
      line,
      new RegExp(
        `^\\{"op_code":9,"worker_id":"[0-9a-f-]+-\\d+","trial_id":1,"system_attr":\\{"artifacts:${id}":` +
          `"\\{\\\\"artifact_id\\\\": \\\\"${id}\\\\", \\\\"filename\\\\": \\\\"\\\\\\\\u65e5\\\\\\\\u672c.txt\\\\", ` +
          `\\\\"mimetype\\\\": \\\\"text/plain\\\\", \\\\"encoding\\\\": null\\}"\\}\\}\\n$`,
      ),
    );
    const reread = new JournalFileStorage(path);
    assert.deepEqual(
      (await getAllArtifactMeta({ trialId: 1, storage: reread })).map(snake).at(-1),
      {
        artifact_id: id,
        encoding: null,
        filename: "日本.txt",
        mimetype: "text/plain",
      },
    );
    await assert.rejects(Deno.lstat(path + ".lock"), Deno.errors.NotFound);
  });
});

Deno.test("JournalFileStorage refuses a finished trial under the lock and appends nothing", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "j.log");
    await Deno.copyFile(join(FIXTURES, "optuna-5.0.0", "interop.journal.log"), path);
    const before = await Deno.readFile(path);
    const storage = new JournalFileStorage(path);
    await assert.rejects(storage.setTrialSystemAttr(0, "k", "v"), UpdateFinishedTrialError);
    await assert.rejects(storage.setTrialStateValues(2, "COMPLETE", [1]), UpdateFinishedTrialError);
    await assert.rejects(storage.setStudySystemAttr(9, "k", "v"), StudyNotFoundError);
    await assert.rejects(storage.setTrialSystemAttr(99, "k", "v"), TrialNotFoundError);
    await assert.rejects(
      storage.createNewStudy({ studyName: "interop" }),
      DuplicatedStudyError,
    );
    assert.deepEqual(await Deno.readFile(path), before);
  });
});

Deno.test("JournalFileStorage creates studies and trials that Python's id rules number", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "new.log");
    const storage = new JournalFileStorage(path, { lock: "open" });
    const a = await createStudy({ storage, studyName: "a" });
    const b = await createStudy({ storage, studyName: "b", direction: "maximize" });
    assert.deepEqual([a.studyId, b.studyId], [0, 1]);
    const t0 = await a.ask();
    const t1 = await b.ask();
    const t2 = await a.ask();
    assert.deepEqual([t0.trialId, t1.trialId, t2.trialId], [0, 1, 2]);
    assert.deepEqual([t0.number, t1.number, t2.number], [0, 0, 1]);
    await a.tell(t0, { values: 2 });
    await a.tell(t2, { state: "PRUNED" });
    const lines = (await Deno.readTextFile(path)).trimEnd().split("\n");
    assert.match(
      lines[1],
      /^\{"op_code":0,"worker_id":"[^"]+","study_name":"b","directions":\[2\]\}$/,
    );
    assert.match(
      lines[2],
      /^\{"op_code":4,"worker_id":"[^"]+","study_id":0,"datetime_start":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00"\}$/,
    );
    assert.match(
      lines[5],
      /^\{"op_code":6,"worker_id":"[^"]+","trial_id":0,"state":1,"values":\[2\.0\],"datetime_complete":"[^"]+"\}$/,
    );
    assert.match(lines[6], /"trial_id":2,"state":2,"values":null,/);
    const reread = new JournalFileStorage(path);
    assert.deepEqual((await reread.getAllTrials(0)).map((t) => [t.number, t.state, t.values]), [
      [0, "COMPLETE", [2]],
      [1, "PRUNED", null],
    ]);
  });
});

Deno.test("JournalFileStorage reads only new lines and picks up other writers' appends", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "j.log");
    const writer = new JournalFileStorage(path);
    const reader = new JournalFileStorage(path);
    const studyId = await writer.createNewStudy({ studyName: "s" });
    assert.deepEqual(await reader.getStudySystemAttrs(studyId), {});
    await writer.setStudySystemAttr(studyId, "k", "v1");
    await writer.setStudySystemAttr(studyId, "k", "v2");
    assert.deepEqual(await reader.getStudySystemAttrs(studyId), { k: "v2" });
  });
});

Deno.test("JournalFileStorage treats a last line without newline as not yet written, and refuses to write after it", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "j.log");
    const full = await Deno.readTextFile(join(FIXTURES, "optuna-5.0.0", "interop.journal.log"));
    const lines = full.split("\n");
    // The study artifact line, cut in the middle: a write in progress.
    await Deno.writeTextFile(path, lines[0] + "\n" + lines[1].slice(0, 40));
    const storage = new JournalFileStorage(path);
    assert.deepEqual(await storage.getStudySystemAttrs(0), {});
    await assert.rejects(storage.setStudySystemAttr(0, "k", "v"), (error) => {
      assert.ok(error instanceof StorageFormatError);
      assert.match(error.message, /ends with an incomplete line/);
      return true;
    });
    // The writer finishes its line: now it is read.
    await Deno.writeTextFile(path, lines[1].slice(40) + "\n", { append: true });
    assert.equal(Object.keys(await storage.getStudySystemAttrs(0)).length, 1);
  });
});

Deno.test("JournalFileStorage names a malformed line in the middle", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "j.log");
    const lines = (await Deno.readTextFile(join(FIXTURES, "optuna-5.0.0", "interop.journal.log")))
      .split("\n");
    lines[4] = '{"op_code":9,"trial_id":0,"system_attr":{"artifacts:x": BROKEN';
    await Deno.writeTextFile(path, lines.join("\n"));
    const storage = new JournalFileStorage(path);
    await assert.rejects(storage.getStudyIdFromName("interop"), (error) => {
      assert.ok(error instanceof StorageFormatError);
      assert.match(
        error.message,
        /^Cannot replay line 5 of journal ".*j\.log": it is not valid JSON/,
      );
      return true;
    });
    const before = await Deno.readFile(path);
    await assert.rejects(storage.setStudySystemAttr(0, "k", "v"), StorageFormatError);
    assert.deepEqual(await Deno.readFile(path), before);
  });
});

Deno.test("JournalFileStorage rejects an unknown op code with StorageFormatError", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "j.log");
    await Deno.writeTextFile(path, '{"op_code":42,"worker_id":"w"}\n');
    await assert.rejects(
      new JournalFileStorage(path).getAllStudies(),
      /line 1 .* unknown op_code 42/,
    );
  });
});

for (const kind of ["symlink", "open"] as const) {
  Deno.test(`JournalFileStorage breaks a stale ${kind} lock after the grace period`, async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, "j.log");
      await Deno.writeTextFile(path, "");
      if (kind === "symlink") await Deno.symlink(path, path + ".lock");
      else await Deno.writeTextFile(path + ".lock", "");
      const storage = new JournalFileStorage(path, { lock: kind, gracePeriod: 0.3 });
      const warn = console.warn;
      const warnings: string[] = [];
      console.warn = (message: string) => warnings.push(message);
      try {
        await storage.createNewStudy({ studyName: "after-stale-lock" });
      } finally {
        console.warn = warn;
      }
      assert.ok(warnings.some((w) => w.includes("Breaking the stale journal lock")));
      assert.equal(await storage.getStudyIdFromName("after-stale-lock"), 0);
      assert.deepEqual((await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name), ["j.log"]);
    });
  });

  Deno.test(`JournalFileStorage waits for a held ${kind} lock, whichever kind holds it`, async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, "j.log");
      await Deno.writeTextFile(path, "");
      // The other kind holds the lock (as Python's other lock class would).
      if (kind === "symlink") await Deno.writeTextFile(path + ".lock", "");
      else await Deno.symlink(path, path + ".lock");
      const storage = new JournalFileStorage(path, { lock: kind });
      let done = false;
      const writing = storage.createNewStudy({ studyName: "s" }).then(() => done = true);
      await new Promise((r) => setTimeout(r, 150));
      assert.equal(done, false);
      assert.equal(await Deno.readTextFile(path), "");
      await Deno.remove(path + ".lock");
      await writing;
      assert.equal(await storage.getStudyIdFromName("s"), 0);
    });
  });
}

Deno.test("JournalFileStorage instances writing at once each get their own line", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "j.log");
    const storages = [0, 1, 2, 3].map(() => new JournalFileStorage(path));
    const studyId = await storages[0].createNewStudy({ studyName: "s" });
    await Promise.all(
      storages.flatMap((s, i) =>
        Array.from({ length: 10 }, (_, j) => s.setStudySystemAttr(studyId, `k${i}-${j}`, j))
      ),
    );
    const attrs = await new JournalFileStorage(path).getStudySystemAttrs(studyId);
    assert.equal(Object.keys(attrs).length, 40);
    assert.equal((await Deno.readTextFile(path)).split("\n").length, 42);
  });
});

Deno.test("JournalFileStorage keeps exact byte offsets across reads for non-ASCII lines that straddle a 4 MiB read", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "j.log");
    const writer = new JournalFileStorage(path);
    const studyId = await writer.createNewStudy({ studyName: "utf8" });
    const head = (await Deno.stat(path)).size;
    // Lines of mixed 1-, 2-, 3- and 4-byte characters, until past two 4 MiB reads; the
    // emoji of one line is placed across the first read's end.
    const chunk = 4 * 1024 * 1024;
    const values: string[] = [];
    let size = head;
    for (let i = 0; size < 2 * chunk + 1000; i++) {
      const line = (value: string) =>
        JSON.stringify({
          op_code: 3,
          worker_id: "w",
          study_id: studyId,
          system_attr: { [`k${i}`]: value },
        }) + "\n";
      let value = `é${"x".repeat(1000 + (i % 7))}€😀${i}`;
      const bytes = new TextEncoder().encode(line(value)).length;
      if (size < chunk && size + bytes > chunk) {
        // Pad so that the emoji's 4 bytes start 3 bytes before the read boundary (the value
        // starts 4 bytes before the end of its line, "}}\n" and its closing quote aside).
        const valueAt = size + new TextEncoder().encode(line("")).length - 4;
        value = `${"y".repeat(chunk - 3 - valueAt)}😀${i}`;
      }
      values.push(value);
      const text = line(value);
      await Deno.writeTextFile(path, text, { append: true });
      size += new TextEncoder().encode(text).length;
    }
    const file = await Deno.readFile(path);
    assert.deepEqual([...file.subarray(chunk - 3, chunk + 1)], [0xf0, 0x9f, 0x98, 0x80]);
    const reader = new JournalFileStorage(path);
    const attrs = await reader.getStudySystemAttrs(studyId);
    assert.deepEqual(values.map((_, i) => attrs[`k${i}`]), values);
    // The next read starts exactly where this one stopped.
    await writer.setStudySystemAttr(studyId, "after", "ünïcödé 😀");
    assert.equal((await reader.getStudySystemAttrs(studyId)).after, "ünïcödé 😀");
  });
});

Deno.test("JournalFileStorage lists every trial's artifacts in one read", async () => {
  await withTempDir(async (dir) => {
    await assertListsEveryTrial(new JournalFileStorage(join(dir, "journal.log")));
  });
});

Deno.test("JournalFileStorage reads Python's parameters of every distribution class", async () => {
  await assertReadsPythonParams(
    new JournalFileStorage(join(FIXTURES, "optuna-5.0.0", "params.journal.log")),
    "journal",
  );
});

Deno.test("JournalFileStorage keeps the trial model; a second instance replays it", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "journal.log");
    await assertTrialModel(new JournalFileStorage(path), new JournalFileStorage(path));
    // Python's op 5 lines: compact JSON, a categorical's index as an int, an int as a float,
    // the distribution as distribution_to_json.
    const lines = (await Deno.readTextFile(path)).split("\n");
    const op5 = (name: string) => lines.find((l) => l.includes(`"param_name":"${name}"`))!;
    assert.match(op5("c"), /"param_value_internal":3,"distribution":/);
    assert.match(op5("n"), /"param_value_internal":\d\.0,"distribution":/);
    assert.ok(
      op5("units").endsWith(
        String
          .raw`"distribution":"{\"name\": \"IntDistribution\", \"attributes\": {\"log\": true, \"step\": 1, \"low\": 1, \"high\": 1024}}"}`,
      ),
    );
  });
});
