import assert from "node:assert/strict";
import { join } from "node:path";
import { ArtifactNotFoundError } from "../../stores/errors.ts";
import { downloadArtifact } from "../../helpers/download_artifact.ts";
import { FileSystemArtifactStore } from "../../stores/filesystem.ts";
import { InMemoryArtifactStore } from "../../stores/memory.ts";
import type { ArtifactStore } from "../../stores/types.ts";
import { chunked, pseudoRandomBytes, sha256, withTempDir } from "../_helpers.ts";

Deno.test("downloadArtifact() writes the exact bytes to a new file", async () => {
  await withTempDir(async (dir) => {
    const bytes = pseudoRandomBytes(3 * 1024 * 1024 + 11);
    const artifactStore = new FileSystemArtifactStore(dir);
    await artifactStore.write("a1", () => chunked(bytes));
    await downloadArtifact({ artifactStore, artifactId: "a1", filePath: join(dir, "out.bin") });
    assert.equal(sha256(await Deno.readFile(join(dir, "out.bin"))), sha256(bytes));
    assert.deepEqual((await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name).sort(), [
      "a1",
      "out.bin",
    ]);
  });
});

Deno.test("downloadArtifact() refuses an existing target and leaves it unchanged", async () => {
  await withTempDir(async (dir) => {
    const artifactStore = new InMemoryArtifactStore();
    await artifactStore.write("a1", () => chunked(new Uint8Array([1, 2, 3])));
    await Deno.writeTextFile(join(dir, "keep.txt"), "precious");
    await Deno.symlink(join(dir, "nowhere"), join(dir, "dangling"));
    for (const name of ["keep.txt", "dangling"]) {
      await assert.rejects(
        downloadArtifact({ artifactStore, artifactId: "a1", filePath: join(dir, name) }),
        (error) => {
          assert.ok(error instanceof Deno.errors.AlreadyExists);
          assert.match(error.message, /already exists; remove it or choose another path/);
          return true;
        },
      );
    }
    assert.equal(await Deno.readTextFile(join(dir, "keep.txt")), "precious");
    assert.deepEqual((await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name).sort(), [
      "dangling",
      "keep.txt",
    ]);
  });
});

Deno.test("downloadArtifact() of a missing artifact creates no file", async () => {
  await withTempDir(async (dir) => {
    await assert.rejects(
      downloadArtifact({
        artifactStore: new InMemoryArtifactStore(),
        artifactId: "nope",
        filePath: join(dir, "out"),
      }),
      ArtifactNotFoundError,
    );
    assert.deepEqual(await Array.fromAsync(Deno.readDir(dir)), []);
  });
});

Deno.test("downloadArtifact() aborted in the middle leaves no file behind", async () => {
  await withTempDir(async (dir) => {
    const controller = new AbortController();
    // A store whose stream stalls after the first chunk, as a network that stops.
    const stalling: ArtifactStore = {
      open: () =>
        Promise.resolve(
          new ReadableStream<Uint8Array>({
            pull(c) {
              c.enqueue(new Uint8Array(1000));
              setTimeout(() => controller.abort(new Error("user cancelled")), 10);
              return new Promise(() => {});
            },
          }),
        ),
      write: () => Promise.resolve(),
      remove: () => Promise.resolve(),
    };
    await assert.rejects(
      downloadArtifact({
        artifactStore: stalling,
        artifactId: "a",
        filePath: join(dir, "out"),
        signal: controller.signal,
      }),
      /user cancelled/,
    );
    assert.deepEqual(await Array.fromAsync(Deno.readDir(dir)), []);
  });
});

Deno.test("downloadArtifact() that fails while streaming leaves no file behind", async () => {
  await withTempDir(async (dir) => {
    let sent = false;
    const failing: ArtifactStore = {
      open: () =>
        Promise.resolve(
          new ReadableStream<Uint8Array>({
            pull(c) {
              if (sent) return c.error(new Error("connection reset"));
              sent = true;
              c.enqueue(new Uint8Array(5000));
            },
          }),
        ),
      write: () => Promise.resolve(),
      remove: () => Promise.resolve(),
    };
    await assert.rejects(
      downloadArtifact({ artifactStore: failing, artifactId: "a", filePath: join(dir, "out") }),
      /connection reset/,
    );
    assert.deepEqual(await Array.fromAsync(Deno.readDir(dir)), []);
  });
});

Deno.test("downloadArtifact() reports progress up to the size the store tells", async () => {
  await withTempDir(async (dir) => {
    const artifactStore = new FileSystemArtifactStore(dir);
    const bytes = pseudoRandomBytes(2_500_000);
    await artifactStore.write("a1", () => chunked(bytes));
    const seen: Array<{ loaded: number; total?: number }> = [];
    await downloadArtifact({
      artifactStore,
      artifactId: "a1",
      filePath: join(dir, "out"),
      onProgress: (p) => seen.push(p),
    });
    assert.ok(seen.length >= 3);
    assert.deepEqual(seen.at(-1), { loaded: 2_500_000, total: 2_500_000 });
    assert.ok(seen.every((p, i) => i === 0 || p.loaded > seen[i - 1].loaded));
  });
});
