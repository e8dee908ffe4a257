import assert from "node:assert/strict";
import { ArtifactNotFoundError, InvalidArtifactIdError } from "../../stores/errors.ts";
import { Backoff, type RetryInfo, StreamConsumedError } from "../../middleware/backoff.ts";
import { InMemoryArtifactStore } from "../../stores/memory.ts";
import { FileSystemArtifactStore } from "../../stores/filesystem.ts";
import type { ArtifactStore, OpenOptions, StreamSource, WriteOptions } from "../../stores/types.ts";
import { chunked, pseudoRandomBytes, readAll, sha256, xxh128 } from "../_helpers.ts";
import { uploadArtifact } from "../../helpers/upload_artifact.ts";
import { createStudy } from "../../study/create_study.ts";

/** An in-memory store that fails on demand, and counts calls. */
class FlakyStore implements ArtifactStore {
  inner = new InMemoryArtifactStore();
  failures = { open: 0, write: 0, remove: 0 };
  calls = { open: [] as number[], write: 0, remove: 0 };
  /** Streams from `open` break after this many bytes, this many times. */
  breakAfter = 0;
  breaks = 0;
  error = new Error("503 SlowDown");

  async open(id: string, options: OpenOptions = {}) {
    this.calls.open.push(options.offset ?? 0);
    if (this.failures.open > 0) {
      this.failures.open--;
      throw this.error;
    }
    const stream = await this.inner.open(id, options);
    if (this.breaks === 0) return stream;
    this.breaks--;
    let sent = 0;
    const reader = stream.getReader();
    const limit = this.breakAfter;
    return new ReadableStream<Uint8Array>({
      async pull(c) {
        if (sent >= limit) {
          await reader.cancel();
          return c.error(new Error("connection reset"));
        }
        const { done, value } = await reader.read();
        if (done) return c.close();
        const part = value.subarray(0, limit - sent);
        sent += part.length;
        c.enqueue(part);
      },
    });
  }

  async write(id: string, content: StreamSource, options?: WriteOptions) {
    this.calls.write++;
    if (this.failures.write > 0) {
      this.failures.write--;
      // Fail after reading the first chunk, as a connection that breaks mid-upload.
      const stream = typeof content === "function" ? await content() : content;
      const reader = stream.getReader();
      await reader.read();
      reader.releaseLock();
      throw this.error;
    }
    await this.inner.write(id, content, options);
  }

  async remove(id: string) {
    this.calls.remove++;
    if (this.failures.remove > 0) {
      this.failures.remove--;
      throw this.error;
    }
    await this.inner.remove(id);
  }
}

function recorder() {
  const sleeps: number[] = [];
  return { sleeps, sleep: (ms: number) => (sleeps.push(ms), Promise.resolve()) };
}

Deno.test("Backoff uses Optuna's defaults: 10 attempts, delays min(0.1 * 2 ** n, 30) s", async () => {
  const flaky = new FlakyStore();
  flaky.failures.remove = 100;
  const { sleeps, sleep } = recorder();
  const store = new Backoff(flaky, { sleep });
  await assert.rejects(store.remove("a"), /503 SlowDown/);
  assert.equal(flaky.calls.remove, 10);
  assert.deepEqual(sleeps.map(Math.round), [100, 200, 400, 800, 1600, 3200, 6400, 12800, 25600]);
  assert.equal(store.delay(9), 30);
  assert.equal(store.delay(20), 30);
});

Deno.test("Backoff.remove() stops after the first success (Optuna 5.0 keeps calling)", async () => {
  const flaky = new FlakyStore();
  flaky.failures.remove = 2;
  const { sleep } = recorder();
  await new Backoff(flaky, { sleep }).remove("a");
  assert.equal(flaky.calls.remove, 3);
  await new Backoff(flaky, { sleep }).remove("a");
  assert.equal(flaky.calls.remove, 4);
});

Deno.test("Backoff never retries not-found, invalid ids, bad offsets or an abort", async () => {
  const flaky = new FlakyStore();
  const { sleeps, sleep } = recorder();
  const store = new Backoff(flaky, { sleep });
  await assert.rejects(store.open("missing"), ArtifactNotFoundError);
  await assert.rejects(store.open("../x"), InvalidArtifactIdError);
  await flaky.inner.write("a", () => chunked(new Uint8Array(3)));
  await assert.rejects(store.open("a", { offset: 9 }), RangeError);
  const controller = new AbortController();
  controller.abort(new Error("user stop"));
  await assert.rejects(store.remove("a", { signal: controller.signal }), /user stop/);
  assert.deepEqual(sleeps, []);
  assert.deepEqual(flaky.calls.open, [0, 0, 9]);
});

Deno.test("Backoff.write() calls the stream factory again for each attempt", async () => {
  const flaky = new FlakyStore();
  flaky.failures.write = 3;
  const { sleep } = recorder();
  const bytes = pseudoRandomBytes(300_000);
  let factoryCalls = 0;
  await new Backoff(flaky, { sleep }).write("a", () => {
    factoryCalls++;
    return chunked(bytes);
  });
  assert.equal(factoryCalls, 4);
  assert.equal(sha256(await readAll(await flaky.inner.open("a"))), sha256(bytes));
});

Deno.test("Backoff.write() retries a bare stream only while nothing was read from it", async () => {
  const { sleep } = recorder();
  // Fails before reading: retried with the same stream, which arrives whole.
  const early = new FlakyStore();
  let calls = 0;
  const failingEarly: ArtifactStore = {
    ...early,
    open: (id, o) => early.open(id, o),
    remove: (id) => early.remove(id),
    write: (id, content, o) => {
      if (calls++ < 2) return Promise.reject(new Error("connect refused"));
      return early.inner.write(id, content, o);
    },
  };
  const bytes = pseudoRandomBytes(200_000, 3);
  await new Backoff(failingEarly, { sleep }).write("a", chunked(bytes));
  assert.equal(sha256(await readAll(await early.inner.open("a"))), sha256(bytes));

  // Fails after reading: a clear error that says to pass a factory.
  const late = new FlakyStore();
  late.failures.write = 1;
  await assert.rejects(
    new Backoff(late, { sleep }).write("b", chunked(bytes)),
    (error) => {
      assert.ok(error instanceof StreamConsumedError);
      assert.match(error.message, /pass a stream factory/);
      assert.match(String((error.cause as Error).message), /503/);
      return true;
    },
  );
  assert.equal(late.calls.write, 1);
});

Deno.test("Backoff.write() passes a bare stream's own failure through at once, without retrying", async () => {
  const { sleep, sleeps } = recorder();
  const store = new FlakyStore();
  // A request body whose client goes away after the first chunk.
  const gone = new Error("connection closed before the body was complete");
  let sent = false;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent) return controller.error(gone);
      sent = true;
      controller.enqueue(new Uint8Array(1000));
    },
  });
  await assert.rejects(new Backoff(store, { sleep }).write("c", body), (error) => {
    assert.equal(error, gone);
    return true;
  });
  assert.equal(store.calls.write, 1);
  assert.deepEqual(sleeps, []);
  await assert.rejects(store.inner.open("c"), ArtifactNotFoundError);
});

Deno.test("Backoff.open() resumes a broken stream at the byte it reached", async () => {
  const flaky = new FlakyStore();
  const bytes = pseudoRandomBytes(1_000_000, 9);
  await flaky.inner.write("a", () => chunked(bytes));
  flaky.failures.open = 1;
  flaky.breakAfter = 150_000;
  flaky.breaks = 3;
  const retries: RetryInfo[] = [];
  const { sleep } = recorder();
  const store = new Backoff(flaky, { sleep, onRetry: (info) => retries.push(info) });
  const got = await readAll(await store.open("a", { offset: 10 }));
  assert.equal(sha256(got), sha256(bytes.subarray(10)));
  assert.deepEqual(flaky.calls.open, [10, 10, 150_010, 300_010, 450_010]);
  assert.deepEqual(retries.map((r) => [r.operation, r.attempt]), [
    ["open", 1],
    ["read", 2],
    ["read", 3],
    ["read", 4],
  ]);
});

Deno.test("Backoff.open() gives up when breaks use up the budget", async () => {
  const flaky = new FlakyStore();
  await flaky.inner.write("a", () => chunked(pseudoRandomBytes(500_000)));
  flaky.breakAfter = 1000;
  flaky.breaks = 100;
  const { sleep } = recorder();
  const stream = await new Backoff(flaky, { sleep, maxRetries: 3 }).open("a");
  await assert.rejects(readAll(stream), /connection reset/);
  assert.equal(flaky.calls.open.length, 3);
});

Deno.test("Backoff's signal cancels a wait at once", async () => {
  const flaky = new FlakyStore();
  flaky.failures.remove = 100;
  const controller = new AbortController();
  const store = new Backoff(flaky, { minDelay: 60, maxDelay: 120, signal: controller.signal });
  const started = performance.now();
  const removing = store.remove("a");
  setTimeout(() => controller.abort(new Error("shutting down")), 20);
  await assert.rejects(removing, /shutting down/);
  assert.ok(performance.now() - started < 5000);
  assert.equal(flaky.calls.remove, 1);
});

Deno.test("Backoff asks retryIf, and applies jitter below the computed delay", async () => {
  const flaky = new FlakyStore();
  flaky.failures.remove = 5;
  const { sleeps, sleep } = recorder();
  const seen: unknown[] = [];
  const store = new Backoff(flaky, {
    sleep,
    jitter: 0.5,
    random: () => 1,
    retryIf: (_error, info) => {
      seen.push([info.operation, info.attempt]);
      return info.attempt < 3;
    },
  });
  await assert.rejects(store.remove("a"), /503/);
  assert.deepEqual(seen, [["remove", 1], ["remove", 2], ["remove", 3]]);
  assert.deepEqual(sleeps.map(Math.round), [50, 100]);
});

Deno.test("Backoff refuses invalid options", () => {
  const store = new InMemoryArtifactStore();
  assert.throws(() => new Backoff(store, { maxRetries: 0 }), RangeError);
  assert.throws(() => new Backoff(store, { minDelay: 2, maxDelay: 1 }), RangeError);
  assert.throws(() => new Backoff(store, { jitter: 2 }), RangeError);
});

Deno.test("Backoff has the file fast paths exactly when the wrapped store has them, with retries", async () => {
  const { sleep, sleeps } = recorder();
  assert.equal(new Backoff(new InMemoryArtifactStore()).writeFile, undefined);
  assert.equal(new Backoff(new InMemoryArtifactStore()).openFile, undefined);

  const dir = await Deno.makeTempDir();
  try {
    const inner = new FileSystemArtifactStore(dir);
    let failures = 2;
    const flaky: ArtifactStore = {
      open: (id, o) => inner.open(id, o),
      write: (id, c, o) => inner.write(id, c, o),
      remove: (id, o) => inner.remove(id, o),
      writeFile: (id, path, o) =>
        failures-- > 0 ? Promise.reject(new Error("EIO")) : inner.writeFile(id, path, o),
      openFile: (id, o) => inner.openFile(id, o),
    };
    await Deno.writeTextFile(`${dir}/source.txt`, "fast");
    const store = new Backoff(flaky, { sleep });
    await store.writeFile!("a1", `${dir}/source.txt`);
    assert.deepEqual(sleeps, [100, 200]);
    const file = await store.openFile!("a1");
    assert.equal(await new Response(file.readable).text(), "fast");
    await assert.rejects(store.openFile!("missing"), ArtifactNotFoundError);
    assert.deepEqual(sleeps, [100, 200]); // not-found is never retried
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("Backoff retries an observed file copy from byte 0, so uploadArtifact's digest is of the bytes stored", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const inner = new FileSystemArtifactStore(dir);
    let failures = 1;
    // The first attempt breaks after its observer saw the first chunk.
    const flaky: ArtifactStore = {
      open: (id, o) => inner.open(id, o),
      write: (id, c, o) => inner.write(id, c, o),
      remove: (id, o) => inner.remove(id, o),
      writeFile: (id, path, o = {}) =>
        inner.writeFile(id, path, {
          ...o,
          observeChunks: o.observeChunks && (() => {
            const observe = o.observeChunks!();
            const breaks = failures-- > 0;
            return (chunk) => {
              observe(chunk);
              if (breaks) throw new Error("EIO");
            };
          }),
        }),
    };
    const bytes = pseudoRandomBytes(3 * 1024 * 1024 + 11, 8);
    await Deno.writeFile(`${dir}/source.bin`, bytes);
    const study = await createStudy();
    const artifactId = await uploadArtifact({
      artifactStore: new Backoff(flaky, { sleep: () => Promise.resolve() }),
      studyOrTrial: study,
      filePath: `${dir}/source.bin`,
    });
    assert.equal(failures, -1, "one failed attempt, one retry");
    const attrs = await study.storage.getStudySystemAttrs(study.studyId);
    assert.equal(
      attrs[`artifact_digests:${artifactId}`],
      `{"xxh128": "${await xxh128(bytes)}", "size": ${bytes.length}}`,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
