// The store conformance suite: every ArtifactStore must pass it, against its real backend.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import {
  ArtifactCorruptedError,
  ArtifactNotFoundError,
  InvalidArtifactIdError,
} from "../../stores/errors.ts";
import { downloadArtifact } from "../../helpers/download_artifact.ts";
import { uploadArtifact } from "../../helpers/upload_artifact.ts";
import { verifyArtifacts } from "../../helpers/verify_artifacts.ts";
import { createStudy } from "../../study/create_study.ts";
import type { ArtifactStore } from "../../stores/types.ts";
import {
  chunked,
  pseudoRandomBytes,
  readAll,
  sha256,
  sha256Stream,
  stallingStream,
  xxh128,
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
  /** The optional local-file fast paths the store has; tested when present. */
  fastPaths?: Array<"writeFile" | "copyToFile">;
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

  test("open() with a length delivers exactly that range, and no more", async (store) => {
    const bytes = pseudoRandomBytes(2 * 1024 * 1024 + 5, 21);
    await store.write("ranged", () => chunked(bytes));
    const cases: Array<[number, number, Uint8Array]> = [
      [1000, 5000, bytes.subarray(1000, 6000)],
      [0, 1, bytes.subarray(0, 1)],
      [bytes.length - 10, 1000, bytes.subarray(bytes.length - 10)], // past the end: to the end
      [5, 0, new Uint8Array(0)],
    ];
    for (const [offset, length, expected] of cases) {
      const got = await readAll(await store.open("ranged", { offset, length }));
      assert.equal(sha256(got), sha256(expected), `offset ${offset}, length ${length}`);
    }
    await assert.rejects(store.open("ranged", { length: -1 }), RangeError);
  });

  test("list() names every artifact with its size, and nothing removed", async (store) => {
    assert.ok(store.list, "every store here can list");
    const ids = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()];
    for (const [i, id] of ids.entries()) {
      await store.write(id, () => chunked(pseudoRandomBytes(1000 * i + 1, i)));
    }
    await store.remove(ids[1]);
    const before = Date.now() - 60_000;
    const listed = await Array.fromAsync(store.list());
    assert.deepEqual(
      listed.map((a) => [a.artifactId, a.size]).sort(),
      [[ids[0], 1], [ids[2], 2001]].sort(),
    );
    for (const a of listed) assert.ok(a.lastModified.getTime() > before, "a recent time");
  });

  // The optional local-file fast paths: the same bytes as write() and open(), every byte shown
  // once to an observer, and their errors.
  const fastPaths = new Set(fixture.fastPaths ?? []);
  test("has exactly the local-file fast paths it declares", (store) => {
    assert.equal(store.writeFile !== undefined, fastPaths.has("writeFile"), "writeFile");
    assert.equal(store.copyToFile !== undefined, fastPaths.has("copyToFile"), "copyToFile");
    return Promise.resolve();
  });
  const observer = (seen: string[]) => () => {
    const hash = createHash("sha256");
    seen.push(sha256(new Uint8Array())); // an attempt that sees no byte
    return (chunk: Uint8Array) => {
      hash.update(chunk);
      seen[seen.length - 1] = hash.copy().digest("hex");
    };
  };
  for (const size of [0, 1, 5 * 1024 * 1024 + 3]) {
    if (fastPaths.has("copyToFile")) {
      test(`copyToFile() copies ${size} bytes out, observed or not`, async (store) => {
        const dir = await Deno.makeTempDir();
        try {
          const bytes = pseudoRandomBytes(size, size + 5);
          await store.write("copied-out", () => chunked(bytes), { contentLength: size });
          for (const observe of [false, true]) {
            const seen: string[] = [];
            const out = `${dir}/out-${observe}.bin`;
            await store.copyToFile!("copied-out", out, {
              observeChunks: observe ? observer(seen) : undefined,
            });
            assert.equal(sha256(await Deno.readFile(out)), sha256(bytes));
            assert.deepEqual(seen, observe ? [sha256(bytes)] : []);
          }
        } finally {
          await Deno.remove(dir, { recursive: true });
        }
      });
    }
    if (fastPaths.has("writeFile")) {
      test(`writeFile() copies ${size} bytes in, observed or not`, async (store) => {
        const dir = await Deno.makeTempDir();
        try {
          const bytes = pseudoRandomBytes(size, size + 6);
          await Deno.writeFile(`${dir}/in.bin`, bytes);
          for (const observe of [false, true]) {
            const seen: string[] = [];
            await store.writeFile!(`copied-in-${observe}`, `${dir}/in.bin`, {
              observeChunks: observe ? observer(seen) : undefined,
            });
            assert.equal(
              await sha256Stream(await store.open(`copied-in-${observe}`)),
              sha256(bytes),
            );
            assert.deepEqual(seen, observe ? [sha256(bytes)] : []);
          }
        } finally {
          await Deno.remove(dir, { recursive: true });
        }
      });
    }
  }

  if (fastPaths.has("copyToFile")) {
    test("copyToFile() of a missing artifact or with an aborted signal rejects and creates nothing", async (store) => {
      const dir = await Deno.makeTempDir();
      try {
        await assert.rejects(
          store.copyToFile!("missing-copy", `${dir}/out`),
          ArtifactNotFoundError,
        );
        await store.write("aborted-copy", () => chunked(new Uint8Array([1])));
        await assert.rejects(
          store.copyToFile!("aborted-copy", `${dir}/out`, { signal: AbortSignal.abort() }),
          (error) => (error as Error).name === "AbortError",
        );
        assert.deepEqual([...Deno.readDirSync(dir)], []);
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    });

    test("copyToFile() aborted in the middle rejects with the reason", async (store) => {
      const dir = await Deno.makeTempDir();
      try {
        await store.write("abort-mid-copy", () => chunked(pseudoRandomBytes(8 * 1024 * 1024, 2)));
        const controller = new AbortController();
        const reason = new Error("stop the copy");
        await assert.rejects(
          store.copyToFile!("abort-mid-copy", `${dir}/out`, {
            signal: controller.signal,
            observeChunks: () => () => controller.abort(reason),
          }),
          (error) => error === reason,
        );
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    });
  }

  // Damage behind the metadata's back: the blob rewritten with other bytes of the same size,
  // then cut short. The digest recorded at upload must catch both, and leave no file.
  for (const [damage, replace] of DAMAGES) {
    for (const algorithm of ["xxh128", "sha256"] as const) {
      test(`a blob ${damage} fails the download with ArtifactCorruptedError (${algorithm} digest) and verify names it`, async (store) => {
        const study = await createStudy();
        const bytes = pseudoRandomBytes(300_000, 3);
        const artifactId = await uploadArtifact({
          artifactStore: store,
          studyOrTrial: study,
          body: bytes,
          filename: "weights.bin",
          // The default is XXH3-128; SHA-256 on request.
          digest: algorithm === "xxh128" ? undefined : algorithm,
        });
        await store.write(artifactId, () => chunked(replace(bytes)));
        const [expected, actual] = await Promise.all(
          [bytes, replace(bytes)].map((b) => algorithm === "sha256" ? sha256(b) : xxh128(b)),
        );
        const dir = await Deno.makeTempDir();
        try {
          const filePath = `${dir}/weights.bin`;
          await assert.rejects(
            downloadArtifact({ artifactStore: store, artifactId, filePath, studyOrTrial: study }),
            (error) =>
              error instanceof ArtifactCorruptedError && error.artifactId === artifactId &&
              error.expected.algorithm === algorithm &&
              error.expected.hash === expected &&
              error.expected.size === bytes.length &&
              error.actual.algorithm === algorithm &&
              error.actual.hash === actual &&
              error.actual.size === replace(bytes).length,
          );
          assert.deepEqual([...Deno.readDirSync(dir)], [], "no file, no temporary file");
          const report = await verifyArtifacts({ artifactStore: store, studyOrTrial: study });
          assert.equal(report.ok, false);
          assert.deepEqual(
            report.artifacts.map((a) => [a.artifactId, a.status]),
            [[artifactId, "corrupted"]],
          );
          // The check is what stopped it: without it the damaged bytes come through.
          await downloadArtifact({
            artifactStore: store,
            artifactId,
            filePath,
            studyOrTrial: study,
            checkDigest: false,
          });
          assert.equal(sha256(await Deno.readFile(filePath)), sha256(replace(bytes)));
        } finally {
          await Deno.remove(dir, { recursive: true });
        }
      });
    }
  }
}

const DAMAGES: Array<[string, (bytes: Uint8Array) => Uint8Array]> = [
  ["rewritten with other bytes of the same size", (bytes) => {
    const damaged = bytes.slice();
    damaged[150_000] ^= 0x40;
    return damaged;
  }],
  ["truncated", (bytes) => bytes.subarray(0, bytes.length - 1)],
];
