// S3ArtifactStore's ranged downloads against s3rver and Swift's S3 API, through the fault proxy,
// which counts the requests in flight and the body bytes sent: byte-exact at every part
// boundary, at most `downloadConcurrency` requests at once, a broken range fetched again alone
// under Backoff, an abort that ends every request, an object written again meanwhile, and a
// flipped bit caught by each digest.
import assert from "node:assert/strict";
import { Backoff } from "../../middleware/backoff.ts";
import { downloadArtifact } from "../../helpers/download_artifact.ts";
import { uploadArtifact } from "../../helpers/upload_artifact.ts";
import { createStudy } from "../../study/create_study.ts";
import { ArtifactChangedError, ArtifactCorruptedError } from "../../stores/errors.ts";
import { S3ArtifactStore } from "../../stores/s3.ts";
import { chunked, pseudoRandomBytes, sha256 } from "../_helpers.ts";
import { type FaultPlan, FaultProxy } from "../_fault_proxy.ts";
import { s3Client, type S3Server, startS3rver, swiftS3 } from "../_servers.ts";

const MiB = 1024 * 1024;
const NO_FAULTS = { status500: 0, status503: 0, resetBeforeResponse: 0, resetMidBody: 0, seed: 1 };
const s3rver = await startS3rver();
const swift = swiftS3();

interface Setup {
  store: S3ArtifactStore;
  proxy: FaultProxy;
  dir: string;
}

/** A store on `server` through a fault proxy, with 1 MiB ranges, and a temporary folder. */
async function withStore(
  server: S3Server,
  plan: FaultPlan,
  concurrency: number,
  fn: (setup: Setup) => Promise<void>,
): Promise<void> {
  const proxy = FaultProxy.start(Number(new URL(server.endpoint).port), plan);
  const client = s3Client({ ...server, endpoint: proxy.endpoint });
  const dir = await Deno.makeTempDir();
  try {
    const store = new S3ArtifactStore(server.bucket, {
      client,
      keyPrefix: `ranged/${crypto.randomUUID()}/`,
      downloadPartSize: MiB,
      downloadConcurrency: concurrency,
    });
    await fn({ store, proxy, dir });
  } finally {
    client.destroy();
    await proxy.close();
    await Deno.remove(dir, { recursive: true });
  }
}

/** Writes `bytes` with the proxy's faults off, then turns them on and resets the counts. */
async function put(setup: Setup, artifactId: string, bytes: Uint8Array): Promise<void> {
  setup.proxy.enabled = false;
  await setup.store.write(artifactId, () => chunked(bytes, MiB), { contentLength: bytes.length });
  setup.proxy.enabled = true;
  for (const key of Object.keys(setup.proxy.counts)) {
    (setup.proxy.counts as unknown as Record<string, number>)[key] = 0;
  }
}

/** Waits up to 2 s for the proxy to see every request end (the client drops them at once). */
async function noneInFlight(proxy: FaultProxy): Promise<void> {
  for (let wait = 0; proxy.inFlight > 0 && wait < 100; wait++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.equal(proxy.inFlight, 0, "no request left running");
}

// s3rver ignores If-Match (it answers 200 for any ETag), so only Swift can show a change.
const servers = [
  { label: "s3rver", get: () => s3rver, ignore: false, ifMatch: false },
  { label: "Swift", get: () => swift.server!, ignore: swift.ignore, ifMatch: true },
];

for (const { label, get, ignore, ifMatch } of servers) {
  Deno.test({
    name: `${label}: a ranged copyToFile is byte-exact at part boundaries, in order, ` +
      "with at most downloadConcurrency requests at once",
    ignore,
    async fn() {
      for (const concurrency of [2, 3, 8]) {
        // Each answer held 20 ms: the ranges the copy asks at once are in flight at once.
        const held = { ...NO_FAULTS, holdResponse: 20 };
        await withStore(get(), held, concurrency, async (setup) => {
          for (const size of [MiB + 1, 3 * MiB - 1, 3 * MiB, 3 * MiB + 1, 10 * MiB + 12345]) {
            const bytes = pseudoRandomBytes(size, size);
            await put(setup, "a1", bytes);
            const seen: Uint8Array<ArrayBuffer>[] = [];
            const out = `${setup.dir}/out-${concurrency}-${size}`;
            await setup.store.copyToFile("a1", out, {
              observeChunks: () => (chunk) => seen.push(chunk.slice()),
            });
            const what = `${size} bytes, ${concurrency} at once`;
            assert.equal(sha256(await Deno.readFile(out)), sha256(bytes), what);
            const observed = new Uint8Array(await new Blob(seen).arrayBuffer());
            assert.equal(sha256(observed), sha256(bytes), `${what}: observed in order`);
            const { requests, maxInFlight } = setup.proxy.counts;
            assert.equal(requests, Math.ceil(size / MiB), `${what}: one request per range`);
            assert.ok(maxInFlight <= concurrency, `${what}: ${maxInFlight} requests at once`);
            if (size > 3 * MiB) assert.ok(maxInFlight > 1, `${what}: ranges in parallel`);
          }
        });
      }
    },
  });

  Deno.test({
    name: `${label}: under Backoff a range broken mid-body is fetched again alone; ` +
      "the checked download is byte-exact",
    ignore,
    async fn() {
      const plan = { ...NO_FAULTS, status500: 0.05, resetMidBody: 0.2, seed: 20261207 };
      await withStore(get(), plan, 4, async (setup) => {
        const size = 24 * MiB + 3;
        const bytes = pseudoRandomBytes(size, 9);
        const study = await createStudy();
        setup.proxy.enabled = false;
        const artifactStore = new Backoff(setup.store, { minDelay: 0.001, maxDelay: 0.01 });
        const artifactId = await uploadArtifact({
          artifactStore,
          studyOrTrial: study,
          body: bytes,
          filename: "w.bin",
        });
        setup.proxy.enabled = true;
        const filePath = `${setup.dir}/out.bin`;
        await downloadArtifact({ artifactStore, artifactId, filePath, studyOrTrial: study });
        assert.equal(sha256(await Deno.readFile(filePath)), sha256(bytes));
        const { resetMidBody, status500, responseBodyBytes } = setup.proxy.counts;
        assert.ok(resetMidBody > 0 && status500 > 0, JSON.stringify(setup.proxy.counts));
        // Each break wastes at most its range; starting over would waste all read before it.
        assert.ok(
          responseBodyBytes <= size + resetMidBody * MiB,
          `${responseBodyBytes} body bytes for ${size} with ${resetMidBody} breaks`,
        );
      });
    },
  });

  Deno.test({
    name: `${label}: without Backoff a broken range fails the download and leaves no file`,
    ignore,
    async fn() {
      await withStore(get(), { ...NO_FAULTS, resetMidBody: 1 }, 4, async (setup) => {
        await put(setup, "a1", pseudoRandomBytes(8 * MiB, 4));
        await assert.rejects(
          downloadArtifact({
            artifactStore: setup.store,
            artifactId: "a1",
            filePath: `${setup.dir}/out.bin`,
          }),
        );
        assert.deepEqual([...Deno.readDirSync(setup.dir)], []);
        await noneInFlight(setup.proxy);
      });
    },
  });

  Deno.test({
    name: `${label}: a range whose retries are spent fails the copy without starting it over`,
    ignore,
    async fn() {
      await withStore(get(), { ...NO_FAULTS, resetMidBody: 1 }, 2, async (setup) => {
        await put(setup, "a1", pseudoRandomBytes(8 * MiB, 5));
        const maxRetries = 2;
        const store = new Backoff(setup.store, { maxRetries, minDelay: 0.001, maxDelay: 0.01 });
        await assert.rejects(store.copyToFile!("a1", `${setup.dir}/out.bin`));
        // Two ranges in flight, each with its own budget of two attempts; starting the whole
        // copy over would send more.
        const { requests } = setup.proxy.counts;
        assert.ok(requests <= 2 * maxRetries, `${requests} requests`);
      });
    },
  });

  Deno.test({
    name: `${label}: an abort in the middle of a ranged download ends every request and ` +
      "leaves no file",
    ignore,
    async fn() {
      await withStore(get(), NO_FAULTS, 4, async (setup) => {
        await put(setup, "a1", pseudoRandomBytes(32 * MiB, 6));
        const controller = new AbortController();
        const reason = new Error("stop the download");
        await assert.rejects(
          downloadArtifact({
            artifactStore: setup.store,
            artifactId: "a1",
            filePath: `${setup.dir}/out.bin`,
            signal: controller.signal,
            onProgress: ({ loaded }) => {
              if (loaded >= 4 * MiB) controller.abort(reason);
            },
          }),
          (error) => error === reason,
        );
        assert.deepEqual([...Deno.readDirSync(setup.dir)], []);
        assert.ok(setup.proxy.counts.requests < 32, "stopped before the end");
        await noneInFlight(setup.proxy);
      });
    },
  });

  Deno.test({
    name: `${label}: an object written again during a ranged download fails it with ` +
      "ArtifactChangedError",
    ignore: ignore || !ifMatch,
    async fn() {
      await withStore(get(), NO_FAULTS, 2, async (setup) => {
        await put(setup, "a1", pseudoRandomBytes(4 * MiB, 7));
        let overwrite: Promise<void> | undefined;
        await assert.rejects(
          setup.store.copyToFile("a1", `${setup.dir}/out.bin`, {
            // Runs before each range: the first call writes the object again.
            retryRange: async (fetch) => {
              overwrite ??= setup.store.write(
                "a1",
                () => chunked(pseudoRandomBytes(4 * MiB, 8)),
                { contentLength: 4 * MiB },
              );
              await overwrite;
              return await fetch();
            },
          }),
          // The ranges asked after the overwrite get 412 (ArtifactChangedError). Where the first
          // range was still streaming at the overwrite (seen on Node.js, whose client reads on
          // demand), Swift cut it short, which fails the copy as a short range: either way no
          // byte of the new object is mixed in, and nothing is published.
          (error) =>
            (error instanceof ArtifactChangedError && error.artifactId === "a1") ||
            /bytes 0-\d+ came back with fewer than/.test(String(error)),
        );
      });
    },
  });

  for (const digest of ["xxh128", "sha256"] as const) {
    Deno.test({
      name: `${label}: a bit flipped in a range fails the checked download (${digest})`,
      ignore,
      async fn() {
        const plan = { ...NO_FAULTS, corruptBody: 1, corruptRequests: /^GET / };
        await withStore(get(), plan, 4, async (setup) => {
          const study = await createStudy();
          const body = pseudoRandomBytes(6 * MiB + 5, 10);
          setup.proxy.enabled = false;
          const artifactStore = setup.store;
          const artifactId = await uploadArtifact({
            artifactStore,
            studyOrTrial: study,
            body,
            filename: "w.bin",
            digest,
          });
          setup.proxy.enabled = true;
          const filePath = `${setup.dir}/out.bin`;
          await assert.rejects(
            downloadArtifact({ artifactStore, artifactId, filePath, studyOrTrial: study }),
            (error) => error instanceof ArtifactCorruptedError && error.actual.size === body.length,
          );
          assert.deepEqual([...Deno.readDirSync(setup.dir)], []);
          assert.ok(setup.proxy.counts.corruptBody > 0);
        });
      },
    });
  }
}

Deno.test("S3ArtifactStore refuses a download part size or concurrency below 1", () => {
  for (const options of [{ downloadPartSize: 0 }, { downloadConcurrency: 1.5 }]) {
    assert.throws(
      () => new S3ArtifactStore("b", { client: s3Client(s3rver), ...options }),
      RangeError,
    );
  }
});
