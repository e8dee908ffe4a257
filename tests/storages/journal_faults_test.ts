// The journal under real faults: a lock holder stopped with SIGSTOP until another writer breaks
// its lock, a full disk (a small tmpfs) in the middle of an append, and a very long line.
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { getAllArtifactMeta } from "../../helpers/get_all_artifact_meta.ts";
import { JournalFileStorage } from "../../storages/journal.ts";
import { createStudy } from "../../study/create_study.ts";
import { optunaPython } from "../_env.ts";
import { withTempDir } from "../_helpers.ts";
import { evalArgv, moduleUrl, runArgv, runtime } from "../_runtime.ts";
import { fill, isDiskFull, tmpfsUnavailable, withTmpfs } from "../_tmpfs.ts";

const JOURNAL_MODULE = moduleUrl("../../storages/journal.ts", import.meta.url);
const WRITER = moduleUrl("_stalling_writer.ts", import.meta.url);
const SIDE = fileURLToPath(new URL("../interop/_optuna_side.py", import.meta.url));
const python = optunaPython();

async function py(...args: string[]) {
  const { code, stdout, stderr } = await new Deno.Command(python.value, {
    args: [SIDE, ...args],
  }).output();
  assert.equal(code, 0, `Python failed: ${new TextDecoder().decode(stderr)}`);
  return JSON.parse(new TextDecoder().decode(stdout));
}

/** Asserts that Deno and Python list the same artifacts and that each has its blob. */
async function assertNoDanglingMetadata(journal: string, studyName: string, dir: string) {
  const storage = new JournalFileStorage(journal);
  const studyId = await storage.getStudyIdFromName(studyName);
  const listed: string[] = [];
  for (const trial of await storage.getAllTrials(studyId)) {
    const metas = await getAllArtifactMeta({ trialId: trial.trialId, storage });
    listed.push(...metas.map((m) => m.artifactId));
  }
  listed.push(...(await getAllArtifactMeta({ studyId, storage })).map((m) => m.artifactId));
  for (const artifactId of listed) {
    assert.ok((await Deno.stat(join(dir, artifactId))).isFile, `blob of ${artifactId}`);
  }
  if (python.ignore) return listed;
  // Python lists the same artifacts and downloads every one of them.
  const out = await py("list", journal, studyName, dir);
  const pythonIds = [
    ...out.study,
    ...Object.values(out.trials as Record<string, { artifact_id: string }[]>).flat(),
  ].map((m: { artifact_id: string }) => m.artifact_id);
  assert.deepEqual(pythonIds.toSorted(), listed.toSorted());
  assert.equal(Object.keys(out.sha256).length, listed.length);
  return listed;
}

// The writer pauses inside the lock by wrapping the runtime's sync (tests/storages/
// _stalling_writer.ts); Bun's node:fs named exports cannot be wrapped, so not on Bun.
Deno.test({
  name:
    "JournalFileStorage: a writer stopped while holding the lock, whose lock another writer breaks, keeps its upload",
  ignore: runtime === "bun",
}, async () => {
  await withTempDir(async (dir) => {
    const journal = join(dir, "journal.log");
    const artifacts = join(dir, "artifacts");
    await Deno.mkdir(artifacts);
    const study = await createStudy({
      storage: new JournalFileStorage(journal),
      studyName: "stall",
    });
    await study.ask();

    const [command, ...args] = runArgv(WRITER, journal, "stall", artifacts);
    const writer = new Deno.Command(command, {
      args,
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const lines = writer.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let seen = "";
    while (!seen.includes("synced\n")) {
      const { value, done } = await lines.read();
      assert.ok(!done, "the writer ended before its append");
      seen += value;
    }
    // The writer's line is synced and it still holds the lock: stop it there.
    Deno.kill(writer.pid, "SIGSTOP");
    const warnings: string[] = [];
    const breaker = new JournalFileStorage(journal, {
      gracePeriod: 0.5,
      onWarning: (m) => warnings.push(m),
    });
    await breaker.setStudySystemAttr(study.studyId, "breaker", "took the stale lock");
    assert.ok(
      warnings.some((m) => m.startsWith("Breaking the stale journal lock")),
      warnings.join(),
    );
    Deno.kill(writer.pid, "SIGCONT");

    while (true) {
      const { value, done } = await lines.read();
      if (done) break;
      seen += value;
    }
    const { code } = await writer.status;
    const stderr = new TextDecoder().decode(
      new Uint8Array(await new Response(writer.stderr).arrayBuffer()),
    );
    assert.equal(code, 0, `the stalled writer failed: ${stderr}`);
    assert.match(stderr, /Cannot release the journal lock/);
    const artifactId = JSON.parse(seen.trim().split("\n").at(-1)!);
    const listed = await assertNoDanglingMetadata(journal, "stall", artifacts);
    assert.deepEqual(listed, [artifactId]);
  });
});

Deno.test({
  name:
    "JournalFileStorage: an append that fills the disk leaves no partial line; Deno and Python write after it",
  ignore: tmpfsUnavailable,
  async fn() {
    await withTmpfs(1024 * 1024, async (dir) => {
      const journal = join(dir, "journal.log");
      const artifacts = join(dir, "artifacts");
      await Deno.mkdir(artifacts);
      const storage = new JournalFileStorage(journal);
      const study = await createStudy({ storage, studyName: "full" });
      await study.ask();
      const before = await Deno.readFile(journal);
      const filler = await fill(dir, 64 * 1024);

      // A 200 KiB value cannot fit: the write fails midway.
      await assert.rejects(
        storage.setStudySystemAttr(study.studyId, "big", "x".repeat(200 * 1024)),
        (error) => {
          assert.ok(isDiskFull(error), String(error));
          assert.match((error as Error).message, /journal\.log/);
          return true;
        },
      );
      assert.deepEqual(await Deno.readFile(journal), before);

      await Deno.remove(filler);
      await storage.setStudySystemAttr(study.studyId, "after", "the disk has room again");
      if (!python.ignore) await py("upload-many", journal, "full", artifacts, "2");
      const fresh = new JournalFileStorage(journal);
      const attrs = await fresh.getStudySystemAttrs(study.studyId);
      assert.equal(attrs.after, "the disk has room again");
      assert.ok(!("big" in attrs));
      await assertNoDanglingMetadata(journal, "full", artifacts);
      const text = await Deno.readTextFile(journal);
      assert.ok(text.endsWith("\n"));
      for (const line of text.trimEnd().split("\n")) JSON.parse(line);
    });
  },
});

Deno.test("JournalFileStorage reads a 64 MiB line in one pass, in memory about twice the line", async () => {
  await withTempDir(async (dir) => {
    const journal = join(dir, "journal.log");
    const storage = new JournalFileStorage(journal);
    const study = await createStudy({ storage, studyName: "long" });
    const value = "0123456789abcdef".repeat(4 * 1024 * 1024); // 64 MiB
    await storage.setStudySystemAttr(study.studyId, "long", value);
    // A fresh process replays it and reports its peak resident memory (VmHWM), next to the
    // same process on a journal without the line.
    const peakMiB = async (path: string) => {
      const script = `
        import { readFileSync } from "node:fs";
        import { JournalFileStorage } from ${JSON.stringify(JOURNAL_MODULE)};
        const attrs = await new JournalFileStorage(${JSON.stringify(path)}).getStudySystemAttrs(0);
        const status = readFileSync("/proc/self/status", "utf8");
        console.log(JSON.stringify({
          length: attrs.long?.length ?? 0,
          hwm: Number(/VmHWM:\\s+(\\d+) kB/.exec(status)[1]) / 1024,
        }));
      `;
      const [command, ...args] = evalArgv(script);
      const { code, stdout, stderr } = await new Deno.Command(command, { args }).output();
      assert.equal(code, 0, new TextDecoder().decode(stderr));
      return JSON.parse(new TextDecoder().decode(stdout));
    };
    const empty = join(dir, "empty.log");
    await createStudy({ storage: new JournalFileStorage(empty), studyName: "long" });
    const base = await peakMiB(empty);
    const { length, hwm } = await peakMiB(journal);
    assert.equal(length, value.length);
    // The line's bytes are read 4 MiB at a time; its text (64 MiB) and the value parsed from
    // it (64 MiB) must exist at once. Copying the unread remainder on every read took about
    // 400 MiB above the base.
    const extra = hwm - base.hwm;
    console.log(`peak RSS replaying a 64 MiB line: ${extra.toFixed(0)} MiB above the base`);
    assert.ok(extra < 64 * 3.5, `${extra.toFixed(0)} MiB above the base`);
  });
});

Deno.test({
  name:
    "JournalFileStorage.setStudySystemAttrs(): a disk that fills between the two lines of an upload keeps neither",
  ignore: tmpfsUnavailable,
  async fn() {
    await withTmpfs(1024 * 1024, async (dir) => {
      const journal = join(dir, "journal.log");
      const storage = new JournalFileStorage(journal);
      const study = await createStudy({ storage, studyName: "full" });
      const before = await Deno.readFile(journal);
      const filler = await fill(dir, 64 * 1024);
      // The first line (a digest) fits in the room left; the second (200 KiB) cannot.
      await assert.rejects(
        storage.setStudySystemAttrs(study.studyId, {
          "artifact_digests:a": '{"sha256": "00", "size": 1}',
          "artifacts:a": "x".repeat(200 * 1024),
        }),
        (error) => isDiskFull(error),
      );
      assert.deepEqual(await Deno.readFile(journal), before, "neither line is left");
      await Deno.remove(filler);
      assert.deepEqual(
        await new JournalFileStorage(journal).getStudySystemAttrs(study.studyId),
        {},
      );
    });
  },
});
