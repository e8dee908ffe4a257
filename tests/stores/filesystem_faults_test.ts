// FileSystemArtifactStore and downloadArtifact under real faults: kill -9 in the middle of a
// write, links swapped while artifacts are opened, a full disk, and what reaches the disk
// before a write resolves (seen with strace).
import assert from "node:assert/strict";
import { join } from "node:path";
import { downloadArtifact } from "../../helpers/download_artifact.ts";
import { uploadArtifact } from "../../helpers/upload_artifact.ts";
import { getAllArtifactMeta } from "../../helpers/get_all_artifact_meta.ts";
import { InMemoryStorage } from "../../storages/memory.ts";
import { JournalFileStorage } from "../../storages/journal.ts";
import { verifyArtifacts } from "../../helpers/verify_artifacts.ts";
import {
  ArtifactCorruptedError,
  ArtifactNotFoundError,
  ArtifactPathEscapeError,
  InvalidArtifactIdError,
} from "../../stores/errors.ts";
import { FileSystemArtifactStore } from "../../stores/filesystem.ts";
import { InMemoryArtifactStore } from "../../stores/memory.ts";
import { createStudy } from "../../study/create_study.ts";
import { chunked, pseudoRandomBytes, sha256, withTempDir } from "../_helpers.ts";
import { isDiskFull, tmpfsUnavailable, withTmpfs } from "../_tmpfs.ts";
import { evalArgv, moduleUrl } from "../_runtime.ts";

const STORE_MODULE = moduleUrl("../../stores/filesystem.ts", import.meta.url);
const DOWNLOAD_MODULE = moduleUrl("../../helpers/download_artifact.ts", import.meta.url);
const UPLOAD_MODULE = moduleUrl("../../helpers/upload_artifact.ts", import.meta.url);
const JOURNAL_MODULE = moduleUrl("../../storages/journal.ts", import.meta.url);
const hasTryLock = "tryLock" in Deno.FsFile.prototype;
const strace = (() => {
  try {
    return new Deno.Command("strace", { args: ["-V"] }).outputSync().code === 0;
  } catch {
    if (Deno.env.get("CI")) throw new Error("CI must install strace");
    console.warn("Skipping the durability tests: no strace");
    return false;
  }
})();

const names = (dir: string) => [...Deno.readDirSync(dir)].map((e) => e.name).toSorted();

/**
 * Starts a process that writes artifact `id` into `dir` and stalls after 4 MiB, and resolves
 * once it is midway. `kill()` ends it with SIGKILL.
 */
async function stalledWriter(dir: string, id: string) {
  const script = `
    import { FileSystemArtifactStore } from ${JSON.stringify(STORE_MODULE)};
    const store = new FileSystemArtifactStore(${JSON.stringify(dir)}, { sweepTempFiles: false });
    let sent = 0;
    await store.write(${JSON.stringify(id)}, new ReadableStream({
      async pull(controller) {
        controller.enqueue(new Uint8Array(1024 * 1024));
        if (++sent === 4) console.log("midway");
        await new Promise((r) => setTimeout(r, sent >= 4 ? 60_000 : 0));
      },
    }));
  `;
  const [command, ...args] = evalArgv(script);
  const child = new Deno.Command(command, { args, stdout: "piped" }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  assert.equal((await reader.read()).value?.trim(), "midway");
  reader.releaseLock();
  return {
    async kill() {
      child.kill("SIGKILL");
      await child.status;
      await child.stdout.cancel().catch(() => {});
    },
  };
}

const agedBy = async (path: string, seconds: number) => {
  const then = new Date(Date.now() - seconds * 1000);
  await Deno.utime(path, then, then);
};

Deno.test("FileSystemArtifactStore: a write killed with SIGKILL leaves a temp file that no id reaches and removeStaleTempFiles() removes", async () => {
  await withTempDir(async (dir) => {
    await (await stalledWriter(dir, "victim")).kill();

    const [temp] = names(dir);
    assert.match(temp, /^\.optuna-deno-[0-9a-f-]{36}\.tmp$/);
    const store = new FileSystemArtifactStore(dir);
    await assert.rejects(store.open("victim"), ArtifactNotFoundError);
    await assert.rejects(store.open(temp), InvalidArtifactIdError);
    await assert.rejects(store.remove(temp), InvalidArtifactIdError);
    await assert.rejects(store.stat(temp), InvalidArtifactIdError);
    // Younger than the threshold: kept (it might be a slow write).
    assert.deepEqual(await store.removeStaleTempFiles({ olderThan: 3600 }), {
      names: [],
      bytes: 0,
    });
    const removed = await store.removeStaleTempFiles({ olderThan: 0 });
    assert.deepEqual(removed.names, [temp]);
    assert.ok(removed.bytes >= 1024 * 1024, String(removed.bytes));
    assert.deepEqual(names(dir), []);
  });
});

Deno.test("FileSystemArtifactStore's first write removes what killed writes left, and keeps a write in progress and a fresh file", async () => {
  await withTempDir(async (dir) => {
    await (await stalledWriter(dir, "victim")).kill();
    const [killed] = names(dir);
    // Stale by either rule: unlocked, and unchanged for two hours.
    await agedBy(join(dir, killed), 7200);
    // Where a lock can be tested, a live writer's file is kept however old it looks.
    const live = hasTryLock ? await stalledWriter(dir, "live") : undefined;
    const [inProgress] = names(dir).filter((name) => name !== killed);
    if (inProgress) await agedBy(join(dir, inProgress), 7200);
    // Unlocked but fresh (a write between its create and its lock): kept.
    const fresh = ".optuna-deno-00000000-0000-4000-8000-000000000000.tmp";
    await Deno.writeTextFile(join(dir, fresh), "fresh");
    try {
      const store = new FileSystemArtifactStore(dir);
      await store.remove("absent"); // not a write: no sweep
      assert.ok(names(dir).includes(killed));
      await store.write("next", ReadableStream.from([new TextEncoder().encode("next")]));
      const kept = [fresh, "next", ...(inProgress ? [inProgress] : [])].toSorted();
      assert.deepEqual(names(dir), kept);
      // Once per store: a file left after the first write waits for the next store.
      await Deno.writeTextFile(join(dir, killed), "again");
      await agedBy(join(dir, killed), 7200);
      await store.writeFile("copied", join(dir, "next"));
      assert.ok(names(dir).includes(killed));
      await new FileSystemArtifactStore(dir).writeFile("copied", join(dir, "next"));
      assert.ok(!names(dir).includes(killed));
      assert.equal(await Deno.readTextFile(join(dir, "copied")), "next");
    } finally {
      await live?.kill();
    }
  });
});

Deno.test("FileSystemArtifactStore with sweepTempFiles: false leaves temporary files alone", async () => {
  await withTempDir(async (dir) => {
    const stale = ".optuna-deno-00000000-0000-4000-8000-000000000001.tmp";
    await Deno.writeTextFile(join(dir, stale), "stale");
    await agedBy(join(dir, stale), 7200);
    const store = new FileSystemArtifactStore(dir, { sweepTempFiles: false });
    await store.write("a", ReadableStream.from([new Uint8Array([1])]));
    assert.deepEqual(names(dir), [stale, "a"].toSorted());
  });
});

Deno.test({
  name:
    "FileSystemArtifactStore.removeStaleTempFiles() never touches a write in progress, however old it looks",
  ignore: !hasTryLock,
  async fn() {
    await withTempDir(async (dir) => {
      const store = new FileSystemArtifactStore(dir);
      const data = pseudoRandomBytes(3 * 1024 * 1024);
      let resume!: () => void;
      let stalled!: () => void;
      const midway = new Promise<void>((r) => stalled = r);
      const gate = new Promise<void>((r) => resume = r);
      let sent = false;
      const writing = store.write(
        "slow",
        new ReadableStream({
          async pull(controller) {
            if (sent) {
              controller.close();
              return;
            }
            controller.enqueue(data.subarray(0, 2 * 1024 * 1024));
            stalled();
            await gate;
            controller.enqueue(data.subarray(2 * 1024 * 1024));
            sent = true;
          },
        }),
      );
      await midway;
      await new Promise((r) => setTimeout(r, 50)); // the buffered writer flushes its first MiB
      const [temp] = names(dir);
      const hourAgo = new Date(Date.now() - 3600_000);
      await Deno.utime(join(dir, temp), hourAgo, hourAgo);
      assert.deepEqual((await store.removeStaleTempFiles({ olderThan: 60 })).names, []);
      assert.deepEqual(names(dir), [temp]);
      resume();
      await writing;
      assert.equal(sha256(await Deno.readFile(join(dir, "slow"))), sha256(data));
      assert.deepEqual(names(dir), ["slow"]);
    });
  },
});

Deno.test("FileSystemArtifactStore.open(), openFile() and copyToFile() never read a file outside the store while a link is swapped", async () => {
  await withTempDir(async (outside) => {
    await withTempDir(async (dir) => {
      await Deno.writeTextFile(join(outside, "secret"), "outside");
      await Deno.writeTextFile(join(dir, "inside"), "inside");
      // A second process swaps "link" between the two targets as fast as it can (rename is
      // atomic, so "link" always exists).
      const swapper = new Deno.Command("bash", {
        args: [
          "-c",
          `cd ${JSON.stringify(dir)}; for i in $(seq 1 200000); do ` +
          `ln -sfn ${JSON.stringify(join(outside, "secret"))} a.tmp && mv -fT a.tmp link; ` +
          `ln -sfn ${JSON.stringify(join(dir, "inside"))} b.tmp && mv -fT b.tmp link; done`,
        ],
      }).spawn();
      const store = new FileSystemArtifactStore(dir);
      while (true) {
        try {
          await Deno.lstat(join(dir, "link"));
          break;
        } catch {
          await new Promise((r) => setTimeout(r, 10));
        }
      }
      const seen = { inside: 0, refused: 0, replaced: 0 };
      try {
        for (let i = 0; i < 4000; i++) {
          try {
            // open(), openFile() (the HTTP handler's) and copyToFile() (downloadArtifact's
            // kernel copy) go through the same check.
            const copy = join(outside, `copy-${i}`);
            const text = i % 3 === 0
              ? await new Response(await store.open("link")).text()
              : i % 3 === 1
              ? await new Response((await store.openFile("link")).readable).text()
              : await store.copyToFile("link", copy).then(() => Deno.readTextFile(copy));
            assert.equal(text, "inside", `open ${i} returned the outside file`);
            seen.inside++;
          } catch (error) {
            if (error instanceof ArtifactPathEscapeError) seen.refused++;
            else if (/was replaced \d+ times while being opened/.test(String(error))) {
              seen.replaced++;
            } else if (!(error instanceof ArtifactNotFoundError)) throw error;
          }
        }
      } finally {
        swapper.kill();
        await swapper.status;
      }
      console.log(`4000 opens and copies during swaps: ${JSON.stringify(seen)}`);
      assert.ok(seen.inside > 0 && seen.refused > 0, JSON.stringify(seen));
    });
  });
});

/** The syscalls of a script (run in this runtime) that touch the disk's durability, with their paths. */
async function traced(script: string): Promise<string[]> {
  await using log = await Deno.makeTempFile().then((path) => ({
    path,
    async [Symbol.asyncDispose]() {
      await Deno.remove(path);
    },
  }));
  const { code, stderr } = await new Deno.Command("strace", {
    args: [
      "-f",
      "-y",
      "-qq",
      "-o",
      log.path,
      "-e",
      "trace=fsync,fdatasync,rename,renameat,renameat2,link,linkat",
      ...evalArgv(script),
    ],
  }).output();
  assert.equal(code, 0, new TextDecoder().decode(stderr));
  return (await Deno.readTextFile(log.path)).split("\n")
    .map((line) => line.replace(/^\d+\s+/, ""))
    .filter((line) => /^(fsync|fdatasync|rename|link)/.test(line) && !/resumed/.test(line))
    // Deno's own caches (DENO_DIR, such as ~/.cache/deno, which a first run on a new machine
    // fills and syncs), both the folder itself and files in it.
    .filter((line) => !/\/deno[/>]/.test(line));
}

Deno.test({
  name: "FileSystemArtifactStore.write() syncs the bytes before the rename and the folder after",
  ignore: !strace,
  async fn() {
    await withTempDir(async (dir) => {
      const write = (sync: boolean, id: string) =>
        traced(`
          import { FileSystemArtifactStore } from ${JSON.stringify(STORE_MODULE)};
          const store = new FileSystemArtifactStore(${JSON.stringify(dir)}, { sync: ${sync} });
          await store.write(${JSON.stringify(id)}, ReadableStream.from([new Uint8Array(10)]));
        `);
      const calls = await write(true, "durable");
      const order = calls.map((c) =>
        c.startsWith("fsync") || c.startsWith("fdatasync")
          ? (c.includes(".optuna-deno-") ? "sync temp" : c.includes(`<${dir}>`) ? "sync dir" : c)
          : c.includes("durable")
          ? "rename"
          : c
      );
      assert.deepEqual(order, ["sync temp", "rename", "sync dir"], calls.join("\n"));
      assert.deepEqual((await write(false, "scratch")).filter((c) => /sync/.test(c)), []);
    });
  },
});

Deno.test({
  name:
    "uploadArtifact() from a file and downloadArtifact() on the file-system store sync before they publish",
  ignore: !strace,
  async fn() {
    await withTempDir(async (dir) => {
      await Deno.mkdir(join(dir, "store"));
      await Deno.writeFile(join(dir, "source.bin"), new Uint8Array(10));
      const calls = await traced(`
        import { createStudy, downloadArtifact, FileSystemArtifactStore, uploadArtifact } from ${
        JSON.stringify(moduleUrl("../../mod.ts", import.meta.url))
      };
        const artifactStore = new FileSystemArtifactStore(${JSON.stringify(join(dir, "store"))});
        const artifactId = await uploadArtifact({
          artifactStore,
          studyOrTrial: await createStudy(),
          filePath: ${JSON.stringify(join(dir, "source.bin"))},
        });
        await downloadArtifact({ artifactStore, artifactId, filePath: ${
        JSON.stringify(join(dir, "copy.bin"))
      } });
      `);
      const order = calls.map((c) =>
        /^f(data)?sync/.test(c)
          ? (c.includes(".optuna-deno-")
            ? "sync temp"
            : c.includes(`<${join(dir, "store")}>`)
            ? "sync store"
            : c.includes(`<${dir}>`)
            ? "sync dir"
            : c)
          : c.startsWith("link")
          ? "link"
          : c.startsWith("rename")
          ? "rename"
          : c
      );
      // A kernel copy syncs its temporary file as soon as the copy ends (while the hash reads
      // the last bytes) and again before the publish, where that costs next to nothing: a run
      // of syncs of the temporary file counts once.
      const syncs = order.filter((entry, i) => entry !== "sync temp" || order[i - 1] !== entry);
      assert.deepEqual(syncs, [
        "sync temp",
        "rename",
        "sync store",
        "sync temp",
        "link",
        "sync dir",
      ], calls.join("\n"));
    });
  },
});

Deno.test({
  name: "downloadArtifact() syncs the file before linking it into place, and the folder after",
  ignore: !strace,
  async fn() {
    await withTempDir(async (dir) => {
      const calls = await traced(`
        import { downloadArtifact } from ${JSON.stringify(DOWNLOAD_MODULE)};
        import { InMemoryArtifactStore } from ${
        JSON.stringify(moduleUrl("../../stores/memory.ts", import.meta.url))
      };
        const artifactStore = new InMemoryArtifactStore();
        await artifactStore.write("a1", ReadableStream.from([new Uint8Array(10)]));
        await downloadArtifact({ artifactStore, artifactId: "a1", filePath: ${
        JSON.stringify(join(dir, "copy.bin"))
      } });
      `);
      const order = calls.map((c) =>
        /^f(data)?sync/.test(c)
          ? (c.includes(".optuna-deno-") ? "sync temp" : c.includes(`<${dir}>`) ? "sync dir" : c)
          : c.startsWith("link")
          ? "link"
          : c
      );
      assert.deepEqual(order, ["sync temp", "link", "sync dir"], calls.join("\n"));
      assert.deepEqual(names(dir), ["copy.bin"]);
    });
  },
});

Deno.test({
  name:
    "A full disk fails a store write, a download and an upload with a clear error and leaves nothing partial",
  ignore: tmpfsUnavailable,
  async fn() {
    await withTmpfs(2 * 1024 * 1024, async (dir) => {
      const store = new FileSystemArtifactStore(dir);
      const big = pseudoRandomBytes(3 * 1024 * 1024);
      const diskFull = (what: RegExp) => (error: unknown) => {
        assert.ok(isDiskFull(error), String(error));
        assert.match((error as Error).message, what);
        return true;
      };

      await assert.rejects(store.write("big", () => chunked(big)), diskFull(/artifact "big"/));
      assert.deepEqual(names(dir), []);

      const source = new InMemoryArtifactStore();
      await source.write("big", () => chunked(big));
      const target = join(dir, "copy.bin");
      await assert.rejects(
        downloadArtifact({ artifactStore: source, artifactId: "big", filePath: target }),
        diskFull(/copy\.bin/),
      );
      assert.deepEqual(names(dir), []);

      // The file-system fast paths: a kernel copy in, a buffer copy out.
      await withTempDir(async (roomy) => {
        await Deno.writeFile(join(roomy, "big.bin"), big);
        const roomyStore = new FileSystemArtifactStore(roomy);
        await roomyStore.write("big", () => chunked(big));
        await assert.rejects(
          downloadArtifact({ artifactStore: roomyStore, artifactId: "big", filePath: target }),
          diskFull(/copy\.bin/),
        );
        await assert.rejects(store.writeFile("big", join(roomy, "big.bin")), diskFull(/"big"/));
      });
      assert.deepEqual(names(dir), []);

      const storage = new InMemoryStorage();
      const study = await createStudy({ storage });
      const trial = await study.ask();
      await assert.rejects(
        uploadArtifact({ artifactStore: store, studyOrTrial: trial, body: big, filename: "b" }),
        diskFull(/Cannot write artifact/),
      );
      assert.deepEqual(await getAllArtifactMeta(trial), []);
      assert.deepEqual(names(dir), []);

      // What fits is written, byte for byte, once the failures are behind.
      const fits = big.subarray(0, 1024 * 1024);
      await store.write("fits", () => chunked(fits));
      assert.equal(sha256(await Deno.readFile(join(dir, "fits"))), sha256(fits));
      assert.deepEqual(names(dir), ["fits"]);
    });
  },
});

Deno.test("FileSystemArtifactStore refuses an id with the temporary files' prefix on every operation", async () => {
  await withTempDir(async (dir) => {
    const store = new FileSystemArtifactStore(dir);
    const id = ".optuna-deno-0d5c9b2e-3f7a-4c1e-9b8d-2a6f4e1c7b90.tmp";
    await assert.rejects(store.write(id, () => chunked(new Uint8Array([1]))), (error) => {
      assert.ok(error instanceof InvalidArtifactIdError);
      assert.match(error.message, /prefix of temporary files/);
      return true;
    });
    assert.deepEqual(names(dir), []);
  });
});

Deno.test("verifyArtifacts(): an upload killed with SIGKILL between the blob and the metadata leaves an orphan, found and (past the threshold) removed; a write in progress is never touched", async () => {
  await withTempDir(async (dir) => {
    const journal = join(dir, "journal.log");
    const storeDir = join(dir, "store");
    await Deno.mkdir(storeDir);
    const storage = new JournalFileStorage(journal, { lock: "open" });
    const study = await createStudy({ storage, studyName: "orphans" });
    const kept = await uploadArtifact({
      artifactStore: new FileSystemArtifactStore(storeDir),
      studyOrTrial: study,
      body: "recorded",
      filename: "kept.txt",
    });
    // We hold the journal lock: the child writes and publishes its blob, then waits for the
    // lock to record the metadata, and is killed there.
    await Deno.writeTextFile(`${journal}.lock`, "held by the test");
    const script = `
      import { JournalFileStorage } from ${JSON.stringify(JOURNAL_MODULE)};
      import { FileSystemArtifactStore } from ${JSON.stringify(STORE_MODULE)};
      import { uploadArtifact } from ${JSON.stringify(UPLOAD_MODULE)};
      const storage = new JournalFileStorage(${JSON.stringify(journal)}, {
        lock: "open",
        gracePeriod: null,
        onWarning: () => {},
      });
      await uploadArtifact({
        artifactStore: new FileSystemArtifactStore(${JSON.stringify(storeDir)}),
        studyOrTrial: { studyId: 0, storage },
        body: "never recorded",
        filename: "lost.txt",
      });
    `;
    const [command, ...args] = evalArgv(script);
    const child = new Deno.Command(command, { args }).spawn();
    let orphan: string | undefined;
    for (let i = 0; i < 600 && orphan === undefined; i++) {
      await new Promise((r) => setTimeout(r, 50));
      orphan = names(storeDir).find((n) => n !== kept && !n.startsWith("."));
    }
    child.kill("SIGKILL");
    await child.status;
    await Deno.remove(`${journal}.lock`);
    assert.ok(orphan, "the child published its blob");

    const artifactStore = new FileSystemArtifactStore(storeDir);
    // Another write in progress: its temporary file is not an artifact and is never touched.
    let release!: () => void;
    const stalled = artifactStore.write(
      crypto.randomUUID(),
      new ReadableStream({
        async pull(controller) {
          controller.enqueue(new Uint8Array(1024));
          await new Promise<void>((r) => release = r);
          controller.close();
        },
      }),
    );
    await new Promise((r) => setTimeout(r, 100));
    const temp = names(storeDir).find((n) => n.startsWith(".optuna-deno-"));
    assert.ok(temp, "the write in progress has its temporary file");

    const young = await verifyArtifacts({
      artifactStore,
      studyOrTrial: study,
      removeOrphansOlderThan: 3600,
    });
    assert.deepEqual(young.artifacts.map((a) => [a.artifactId, a.status]), [[kept, "ok"]]);
    assert.deepEqual(young.orphans.map((o) => [o.artifactId, o.size, o.removed]), [
      [orphan, "never recorded".length, false],
    ]);
    assert.equal(young.ok, false);
    const fixed = await verifyArtifacts({
      artifactStore,
      studyOrTrial: study,
      removeOrphansOlderThan: 0,
    });
    assert.deepEqual(fixed.orphans.map((o) => [o.artifactId, o.removed]), [[orphan, true]]);
    assert.equal(fixed.ok, true);
    assert.ok(names(storeDir).includes(temp), "the write in progress is untouched");
    assert.ok(!names(storeDir).includes(orphan));
    release();
    await stalled;
    assert.equal(await new Response(await artifactStore.open(kept)).text(), "recorded");
  });
});

Deno.test("downloadArtifact(): a blob damaged in place (same file, same size) is ArtifactCorruptedError and no file", async () => {
  await withTempDir(async (dir) => {
    const artifactStore = new FileSystemArtifactStore(dir);
    const study = await createStudy();
    const bytes = pseudoRandomBytes(3 * 1024 * 1024, 4);
    const artifactId = await uploadArtifact({
      artifactStore,
      studyOrTrial: study,
      body: bytes,
      filename: "model.bin",
    });
    // As a bad sector or a stray write: one byte changed inside the same inode.
    const before = await Deno.stat(join(dir, artifactId));
    const file = await Deno.open(join(dir, artifactId), { write: true });
    await file.seek(2 * 1024 * 1024 + 17, Deno.SeekMode.Start);
    await file.write(new Uint8Array([bytes[2 * 1024 * 1024 + 17] ^ 0xff]));
    file.close();
    assert.equal((await Deno.stat(join(dir, artifactId))).ino, before.ino);
    const out = join(dir, "out");
    await Deno.mkdir(out);
    await assert.rejects(
      downloadArtifact({
        artifactStore,
        artifactId,
        filePath: join(out, "model.bin"),
        studyOrTrial: study,
      }),
      ArtifactCorruptedError,
    );
    assert.deepEqual(names(out), []);
  });
});
