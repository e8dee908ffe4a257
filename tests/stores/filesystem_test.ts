import assert from "node:assert/strict";
import { join } from "node:path";
import { ArtifactNotFoundError, ArtifactPathEscapeError } from "../../stores/errors.ts";
import { FileSystemArtifactStore } from "../../stores/filesystem.ts";
import { chunked, FIXTURES, readAll, sha256, stallingStream, withTempDir } from "../_helpers.ts";
import { storeConformance } from "./_conformance.ts";

storeConformance({
  name: "FileSystemArtifactStore",
  async setup() {
    const dir = await Deno.makeTempDir({ prefix: "optuna-deno-fs-" });
    return {
      store: new FileSystemArtifactStore(dir),
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
