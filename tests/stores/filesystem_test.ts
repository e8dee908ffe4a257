import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { ArtifactNotFoundError, ArtifactPathEscapeError } from "../../stores/errors.ts";
import { FileSystemArtifactStore } from "../../stores/filesystem.ts";
import {
  chunked,
  FIXTURES,
  pseudoRandomBytes,
  readAll,
  sha256,
  stallingStream,
  withTempDir,
} from "../_helpers.ts";
import { storeConformance } from "./_conformance.ts";
import { Backoff } from "../../middleware/backoff.ts";

// The store alone, and with Backoff around it (which must pass the fast paths through).
for (const backoff of [false, true]) {
  storeConformance({
    name: backoff ? "Backoff(FileSystemArtifactStore)" : "FileSystemArtifactStore",
    fastPaths: ["writeFile", "copyToFile"],
    // Deno 2.5 flags the read a file stream runs one chunk ahead when an abort reaches it
    // through Backoff's resuming stream: the file is closed, the read ends on its own thread
    // after the test. Later Deno releases it at the close.
    testOptions: backoff && Deno.version.deno.startsWith("2.5.") ? { sanitizeOps: false } : {},
    async setup() {
      const dir = await Deno.makeTempDir({ prefix: "optuna-deno-fs-" });
      const store = new FileSystemArtifactStore(dir);
      return {
        store: backoff ? new Backoff(store) : store,
        async dispose() {
          // Every test must leave only finished artifacts: no temporary files.
          for await (const entry of Deno.readDir(dir)) {
            assert.ok(!entry.name.startsWith(".optuna-deno-"), `left behind ${entry.name}`);
          }
          await Deno.remove(dir, { recursive: true });
        },
      };
    },
  });
}

Deno.test("FileSystemArtifactStore writes Optuna's flat layout <basePath>/<artifactId>", async () => {
  await withTempDir(async (dir) => {
    await new FileSystemArtifactStore(dir).write("abc", () => chunked(new Uint8Array([1, 2, 3])));
    assert.deepEqual(await Deno.readFile(join(dir, "abc")), new Uint8Array([1, 2, 3]));
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["abc"]);
  });
});

Deno.test("FileSystemArtifactStore reads every artifact folder Python Optuna wrote", async () => {
  for (const version of ["optuna-5.0.0", "optuna-4.9.0"]) {
    for (const kind of ["journal", "sqlite"]) {
      const expected = JSON.parse(
        await Deno.readTextFile(join(FIXTURES, version, `${kind}-expected.json`)),
      );
      const store = new FileSystemArtifactStore(join(FIXTURES, version, `${kind}-artifacts`));
      for (
        const [name, artifactId] of Object.entries(expected.uploaded as Record<string, string>)
      ) {
        const input = await Deno.readFile(join(FIXTURES, version, "inputs", name.split(":")[1]));
        assert.equal(sha256(await readAll(await store.open(artifactId))), sha256(input), name);
      }
    }
  }
});

Deno.test("FileSystemArtifactStore.open() refuses a symlink that leads outside the base directory", async () => {
  await withTempDir(async (outside) => {
    await withTempDir(async (dir) => {
      await Deno.writeTextFile(join(outside, "secret"), "secret");
      await Deno.symlink(join(outside, "secret"), join(dir, "link"));
      const store = new FileSystemArtifactStore(dir);
      await assert.rejects(store.open("link"), (error) => {
        assert.ok(error instanceof ArtifactPathEscapeError);
        assert.equal(error.artifactId, "link");
        assert.match(error.message, /outside the base directory/);
        return true;
      });
      await assert.rejects(
        store.write("link", () => chunked(new Uint8Array([1]))),
        ArtifactPathEscapeError,
      );
      await assert.rejects(store.remove("link"), ArtifactPathEscapeError);
      assert.equal(await Deno.readTextFile(join(outside, "secret")), "secret");
      assert.ok((await Deno.lstat(join(dir, "link"))).isSymlink);
    });
  });
});

Deno.test("FileSystemArtifactStore follows a symlink that stays inside the base directory", async () => {
  await withTempDir(async (dir) => {
    await Deno.writeTextFile(join(dir, "target"), "inside");
    await Deno.symlink(join(dir, "target"), join(dir, "alias"));
    const store = new FileSystemArtifactStore(dir);
    assert.equal(await new Response(await store.open("alias")).text(), "inside");
  });
});

Deno.test("FileSystemArtifactStore.open() of a directory rejects with ArtifactNotFoundError", async () => {
  await withTempDir(async (dir) => {
    await Deno.mkdir(join(dir, "sub"));
    await assert.rejects(new FileSystemArtifactStore(dir).open("sub"), ArtifactNotFoundError);
  });
});

Deno.test("FileSystemArtifactStore.write() to a missing base directory says to create it", async () => {
  await withTempDir(async (dir) => {
    const store = new FileSystemArtifactStore(join(dir, "nope"));
    await assert.rejects(store.write("a", () => chunked(new Uint8Array([1]))), (error) => {
      assert.ok(error instanceof Deno.errors.NotFound);
      assert.match(error.message, /base directory does not exist; create it first/);
      return true;
    });
  });
});

Deno.test("FileSystemArtifactStore.open() does not report a permission error as not found", async () => {
  if (Deno.uid() === 0) {
    // root reads any file; check instead that a non-NotFound error passes through unchanged.
    await withTempDir(async (dir) => {
      await Deno.writeTextFile(join(dir, "file"), "x");
      const store = new FileSystemArtifactStore(join(dir, "file"));
      await assert.rejects(store.open("a"), (error) => !(error instanceof ArtifactNotFoundError));
    });
    return;
  }
  await withTempDir(async (dir) => {
    await Deno.writeTextFile(join(dir, "locked"), "x");
    await Deno.chmod(join(dir, "locked"), 0o000);
    await assert.rejects(
      new FileSystemArtifactStore(dir).open("locked"),
      Deno.errors.PermissionDenied,
    );
  });
});

Deno.test("FileSystemArtifactStore readers never see a half-written artifact", async () => {
  await withTempDir(async (dir) => {
    const store = new FileSystemArtifactStore(dir);
    const controller = new AbortController();
    let stalled!: () => void;
    const midway = new Promise<void>((resolve) => stalled = resolve);
    const writing = store.write("pending", stallingStream(new Uint8Array(50_000), stalled), {
      signal: controller.signal,
    });
    await midway;
    await assert.rejects(store.open("pending"), ArtifactNotFoundError);
    controller.abort();
    await assert.rejects(writing);
    assert.deepEqual([...Deno.readDirSync(dir)], []);
  });
});

Deno.test("FileSystemArtifactStore.writeFile() copies a local file in, with the mode a new file gets", async () => {
  await withTempDir(async (dir) => {
    const source = join(dir, "source.bin");
    const bytes = new Uint8Array(3 * 1024 * 1024).map((_, i) => i * 7);
    await Deno.writeFile(source, bytes, { mode: 0o700 });
    await Deno.chmod(source, 0o700); // copyFile alone would copy these bits
    const store = new FileSystemArtifactStore(dir);
    await store.writeFile("copied", source);
    assert.equal(sha256(await Deno.readFile(join(dir, "copied"))), sha256(bytes));
    const created = join(dir, "created");
    (await Deno.open(created, { write: true, createNew: true })).close();
    assert.equal(
      (await Deno.stat(join(dir, "copied"))).mode! & 0o777,
      (await Deno.stat(created)).mode! & 0o777,
    );
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name).toSorted(), [
      "copied",
      "created",
      "source.bin",
    ]);
  });
});

Deno.test("FileSystemArtifactStore.writeFile() aborted before the copy, or into a missing folder, leaves nothing", async () => {
  await withTempDir(async (dir) => {
    await Deno.writeTextFile(join(dir, "source.txt"), "x");
    const store = new FileSystemArtifactStore(join(dir, "store"));
    await assert.rejects(store.writeFile("a", join(dir, "source.txt")), (error) => {
      assert.ok(error instanceof Deno.errors.NotFound);
      assert.match(error.message, /base directory does not exist; create it first/);
      return true;
    });
    await Deno.mkdir(join(dir, "store"));
    const controller = new AbortController();
    controller.abort(new Error("stop"));
    await assert.rejects(
      store.writeFile("a", join(dir, "source.txt"), { signal: controller.signal }),
      /stop/,
    );
    assert.deepEqual([...Deno.readDirSync(join(dir, "store"))], []);
  });
});

Deno.test("FileSystemArtifactStore.openFile() opens the checked file and refuses a link that leads out", async () => {
  await withTempDir(async (outside) => {
    await withTempDir(async (dir) => {
      await Deno.writeTextFile(join(dir, "a1"), "inside");
      await Deno.writeTextFile(join(outside, "secret"), "outside");
      await Deno.symlink(join(outside, "secret"), join(dir, "link"));
      const store = new FileSystemArtifactStore(dir);
      const file = await store.openFile("a1");
      try {
        assert.equal(await new Response(file.readable).text(), "inside");
      } catch (error) {
        file.close();
        throw error;
      }
      await assert.rejects(store.openFile("link"), ArtifactPathEscapeError);
      await assert.rejects(store.openFile("missing"), ArtifactNotFoundError);
      await assert.rejects(store.copyToFile("link", join(dir, "copy")), ArtifactPathEscapeError);
      assert.ok(!existsSync(join(dir, "copy")));
    });
  });
});

Deno.test("FileSystemArtifactStore.copyToFile() copies the file it opened, even when a new version is renamed over it meanwhile", async () => {
  await withTempDir(async (dir) => {
    const store = new FileSystemArtifactStore(dir);
    const first = pseudoRandomBytes(8 * 1024 * 1024 + 1, 1);
    const second = pseudoRandomBytes(3 * 1024 * 1024, 2);
    await store.write("a1", () => chunked(first));
    await Deno.writeFile(join(dir, "second"), second);
    const hash = createHash("sha256");
    let renamed = false;
    await store.copyToFile("a1", join(dir, "copy"), {
      observeChunks: () => (chunk) => {
        hash.update(chunk);
        // On the first chunk, another writer publishes a new version under the same name.
        if (!renamed) Deno.renameSync(join(dir, "second"), join(dir, "a1"));
        renamed = true;
      },
    });
    assert.equal(sha256(await Deno.readFile(join(dir, "copy"))), sha256(first));
    assert.equal(hash.digest("hex"), sha256(first), "the bytes observed are the bytes copied");
    assert.equal(sha256(await Deno.readFile(join(dir, "a1"))), sha256(second));
  });
});

Deno.test("FileSystemArtifactStore.writeFile() shows the observer the bytes stored, even when the source is rewritten during the copy", async () => {
  await withTempDir(async (dir) => {
    await Deno.mkdir(join(dir, "store"));
    const store = new FileSystemArtifactStore(join(dir, "store"));
    const source = join(dir, "source.bin");
    await Deno.writeFile(source, pseudoRandomBytes(64 * 1024 * 1024, 3));
    const hash = createHash("sha256");
    let touched = false;
    await store.writeFile("a1", source, {
      observeChunks: () => (chunk) => {
        hash.update(chunk);
        if (touched) return;
        touched = true;
        // Another writer rewrites the source's last bytes in place while it is being copied.
        const file = Deno.openSync(source, { write: true });
        file.seekSync(-3, Deno.SeekMode.End);
        file.writeSync(new Uint8Array([1, 2, 3]));
        file.close();
      },
    });
    const stored = await Deno.readFile(join(dir, "store", "a1"));
    assert.equal(hash.digest("hex"), sha256(stored), "the digest is of the bytes stored");
  });
});

Deno.test("FileSystemArtifactStore.writeFile() with observeChunks shows every byte once per attempt; an abort between chunks leaves nothing", async () => {
  await withTempDir(async (dir) => {
    const store = new FileSystemArtifactStore(dir);
    const bytes = pseudoRandomBytes(5 * 1024 * 1024 + 3, 2);
    const source = join(await Deno.makeTempDir(), "s.bin");
    await Deno.writeFile(source, bytes);
    const hash = createHash("sha256");
    let attempts = 0;
    await store.writeFile("observed", source, {
      observeChunks: () => {
        attempts++;
        return (chunk) => hash.update(chunk);
      },
    });
    assert.equal(attempts, 1);
    assert.equal(hash.digest("hex"), sha256(bytes));
    assert.equal(sha256(await Deno.readFile(join(dir, "observed"))), sha256(bytes));

    const controller = new AbortController();
    const reason = new Error("stop");
    await assert.rejects(
      store.writeFile("aborted", source, {
        signal: controller.signal,
        observeChunks: () => () => controller.abort(reason),
      }),
      (error) => error === reason,
    );
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["observed"]);
    await Deno.remove(source);
  });
});
