// The store conformance suite: every ArtifactStore must pass it, against its real backend.
import assert from "node:assert/strict";
import { ArtifactNotFoundError, InvalidArtifactIdError } from "../../stores/errors.ts";
import type { ArtifactStore } from "../../stores/types.ts";
import {
  chunked,
  pseudoRandomBytes,
  readAll,
  sha256,
  sha256Stream,
  stallingStream,
} from "../_helpers.ts";

/** How to get a fresh store for one test, and how to clean it up. */
export interface StoreFixture {
  name: string;
  /** Makes a store; `dispose` runs after the test. */
  setup(): Promise<{ store: ArtifactStore; dispose(): Promise<void> }>;
  /** Sizes to round-trip; the largest is read and written by hash. */
  sizes?: number[];
  /** Test options (for example sanitizers off for SDK clients that keep sockets). */
  testOptions?: Partial<Deno.TestDefinition>;
  /**
   * The longest id to round-trip; 255 (the id limit) by default. s3rver keeps objects as files
   * named after the key plus a suffix, so it cannot hold a 255-byte name.
   */
  longIdBytes?: number;
  /** Lists what an aborted write may leave behind (temporary files, multipart uploads). */
  leftovers?: () => Promise<string[]>;
}

export const INVALID_IDS: Array<[string, string]> = [
  ["empty", ""],
  ["dot", "."],
  ["dot-dot", ".."],
  ["parent path", "../x"],
  ["absolute path", "/abs"],
  ["slash", "a/b"],
  ["backslash", "a\\b"],
  ["NUL", "a\0b"],
  ["256 bytes", "a".repeat(256)],
  ["256 bytes of UTF-8", "é".repeat(128)],
  ["temporary file name", ".optuna-deno-0d5c9b2e-3f7a-4c1e-9b8d-2a6f4e1c7b90.tmp"],
];

/** Registers the conformance tests of one store. */
export function storeConformance(fixture: StoreFixture): void {
  const sizes = fixture.sizes ?? [0, 1, 1024 * 1024 + 7, 5 * 1024 * 1024];
  const test = (name: string, fn: (store: ArtifactStore) => Promise<void>) => {
    Deno.test({
      name: `${fixture.name} ${name}`,
      ...fixture.testOptions,
      async fn() {
        const { store, dispose } = await fixture.setup();
        try {
          await fn(store);
        } finally {
          await dispose();
        }
      },
    });
  };

  for (const size of sizes) {
    test(`round-trips ${size} bytes with the same SHA-256`, async (store) => {
      const bytes = pseudoRandomBytes(size, size + 1);
      await store.write("round-trip", () => chunked(bytes), { contentLength: size });
      assert.equal(await sha256Stream(await store.open("round-trip")), sha256(bytes));
    });
  }

  test("writes a stream of unknown length, passed bare", async (store) => {
    const bytes = pseudoRandomBytes(3 * 1024 * 1024 + 5, 9);
    await store.write("bare", chunked(bytes, 100_000));
    assert.equal(await sha256Stream(await store.open("bare")), sha256(bytes));
  });

  test("calls a stream factory once per write", async (store) => {
    let calls = 0;
    await store.write("factory", () => {
      calls++;
      return chunked(new Uint8Array([1, 2, 3]));
    });
    assert.equal(calls, 1);
    assert.deepEqual(await readAll(await store.open("factory")), new Uint8Array([1, 2, 3]));
  });

  test("stat() tells the size, and a missing id is ArtifactNotFoundError", async (store) => {
    assert.ok(store.stat, "every store of this module has stat()");
    await store.write("sized", () => chunked(pseudoRandomBytes(123_457)));
    assert.deepEqual(await store.stat("sized"), { size: 123_457 });
    await assert.rejects(store.stat("missing-sized"), ArtifactNotFoundError);
  });

  test("open() honours offset, including offset = size", async (store) => {
    const bytes = pseudoRandomBytes(300_000, 3);
    await store.write("offset", () => chunked(bytes));
    for (const offset of [0, 1, 65_536, 299_999, 300_000]) {
      const got = await readAll(await store.open("offset", { offset }));
      assert.equal(sha256(got), sha256(bytes.subarray(offset)), `offset ${offset}`);
    }
  });

  test("open() rejects a negative or fractional offset with RangeError", async (store) => {
    await store.write("bad-offset", () => chunked(new Uint8Array([1])));
    await assert.rejects(store.open("bad-offset", { offset: -1 }), RangeError);
    await assert.rejects(store.open("bad-offset", { offset: 0.5 }), RangeError);
  });

  test("open() of a missing artifact rejects with ArtifactNotFoundError", async (store) => {
    await assert.rejects(store.open("missing-artifact"), (error) => {
      assert.ok(error instanceof ArtifactNotFoundError);
      assert.equal(error.artifactId, "missing-artifact");
      assert.match(error.message, /missing-artifact/);
      return true;
    });
  });

  test("write() overwrites an artifact", async (store) => {
    await store.write("overwrite", () => chunked(new TextEncoder().encode("first version")));
    await store.write("overwrite", () => chunked(new TextEncoder().encode("second")));
    assert.equal(await new Response(await store.open("overwrite")).text(), "second");
  });

  test("remove() removes, and is idempotent", async (store) => {
    await store.write("removed", () => chunked(new Uint8Array([7])));
    await store.remove("removed");
    await assert.rejects(store.open("removed"), ArtifactNotFoundError);
    await store.remove("removed");
    await store.remove("never-existed");
  });

  for (const [label, id] of INVALID_IDS) {
    test(`refuses the invalid id (${label}) in open, write and remove`, async (store) => {
      await assert.rejects(store.open(id), InvalidArtifactIdError);
      await assert.rejects(
        store.write(id, () => chunked(new Uint8Array([1]))),
        InvalidArtifactIdError,
      );
      await assert.rejects(store.remove(id), InvalidArtifactIdError);
    });
  }

  test(`accepts a ${fixture.longIdBytes ?? 255}-byte id`, async (store) => {
    const id = "a".repeat(fixture.longIdBytes ?? 255);
    await store.write(id, () => chunked(new Uint8Array([1, 2])));
    assert.deepEqual(await readAll(await store.open(id)), new Uint8Array([1, 2]));
    await store.remove(id);
  });

  test("an abort in the middle of a write leaves no artifact and keeps the old one", async (store) => {
    await store.write("aborted", () => chunked(new TextEncoder().encode("old")));
    const controller = new AbortController();
    const reason = new Error("stop");
    const source = stallingStream(pseudoRandomBytes(200_000), () => controller.abort(reason));
    await assert.rejects(
      store.write("aborted", source, { signal: controller.signal }),
      (error) => error === reason,
    );
    assert.equal(await new Response(await store.open("aborted")).text(), "old");
    const fresh = new AbortController();
    const source2 = stallingStream(pseudoRandomBytes(200_000), () => fresh.abort(reason));
    await assert.rejects(store.write("aborted-new", source2, { signal: fresh.signal }));
    await assert.rejects(store.open("aborted-new"), ArtifactNotFoundError);
    assert.deepEqual(await fixture.leftovers?.(), fixture.leftovers ? [] : undefined);
  });

  test("an abort after several parts leaves no artifact and nothing pending", async (store) => {
    const controller = new AbortController();
    const reason = new Error("stop late");
    const source = stallingStream(
      pseudoRandomBytes(24 * 1024 * 1024, 24),
      () => controller.abort(reason),
    );
    await assert.rejects(
      store.write("aborted-late", source, { signal: controller.signal }),
      (error) => error === reason,
    );
    await assert.rejects(store.open("aborted-late"), ArtifactNotFoundError);
    assert.deepEqual(await fixture.leftovers?.(), fixture.leftovers ? [] : undefined);
  });

  test("a source that fails in the middle of a write leaves no artifact", async (store) => {
    // Fails after 12 MiB, past the first multipart part of the S3 store.
    let sent = 0;
    const failing = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 12 * 1024 * 1024) return controller.error(new Error("source broke"));
        sent += 1024 * 1024;
        controller.enqueue(pseudoRandomBytes(1024 * 1024, sent));
      },
    });
    await assert.rejects(store.write("broken", failing), /source broke/);
    await assert.rejects(store.open("broken"), ArtifactNotFoundError);
    assert.deepEqual(await fixture.leftovers?.(), fixture.leftovers ? [] : undefined);
  });

  test("an abort in the middle of a read errors the stream and frees it", async (store) => {
    const bytes = pseudoRandomBytes(4 * 1024 * 1024, 5);
    await store.write("read-abort", () => chunked(bytes));
    const controller = new AbortController();
    const reason = new Error("reader gone");
    const stream = await store.open("read-abort", { signal: controller.signal });
    const reader = stream.getReader();
    const first = await reader.read();
    assert.ok(!first.done && first.value.length > 0);
    controller.abort(reason);
    await assert.rejects(
      (async () => {
        while (!(await reader.read()).done);
      })(),
      (error) => error === reason,
    );
  });

  test("cancelling a read stream frees it", async (store) => {
    await store.write("cancel", () => chunked(pseudoRandomBytes(2 * 1024 * 1024)));
    const stream = await store.open("cancel");
    const reader = stream.getReader();
    await reader.read();
    await reader.cancel();
  });

  test("an already aborted signal rejects before any work", async (store) => {
    const reason = new Error("too late");
    const signal = AbortSignal.abort(reason);
    await assert.rejects(
      store.write("pre-aborted", () => chunked(new Uint8Array([1])), { signal }),
      (error) => error === reason,
    );
    await assert.rejects(store.open("pre-aborted"), ArtifactNotFoundError);
  });
}
