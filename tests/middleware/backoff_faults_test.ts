// Backoff(S3ArtifactStore) through a fault-injecting proxy in front of a real S3 server
// (s3rver): 100 uploads and 100 downloads (open() and copyToFile()) of random sizes up to
// 16 MiB, every byte checked; and the same traffic without Backoff, which must fail.
import assert from "node:assert/strict";
import { Backoff } from "../../middleware/backoff.ts";
import { S3ArtifactStore } from "../../stores/s3.ts";
import type { ArtifactStore } from "../../stores/types.ts";
import { chunked, pseudoRandomBytes, sha256, sha256Stream } from "../_helpers.ts";
import { FaultProxy } from "../_fault_proxy.ts";
import { s3Client, startS3rver } from "../_servers.ts";

const MiB = 1024 * 1024;
// Started when the module loads, outside any test (see tests/stores/s3_test.ts).
const s3rver = await startS3rver();
const PLAN = {
  status500: 0.03,
  status503: 0.04,
  resetBeforeResponse: 0.04,
  resetMidBody: 0.08,
  seed: 20261130,
};

/** Sizes up to 16 MiB, most of them small, from a fixed seed. */
function sizes(count: number, seed: number): number[] {
  const bytes = pseudoRandomBytes(count * 4, seed);
  return Array.from({ length: count }, (_, i) => {
    const r = new DataView(bytes.buffer).getUint32(i * 4) / 2 ** 32;
    return Math.floor(r * r * 16 * MiB);
  });
}

async function roundTrips(store: ArtifactStore, count: number, prefix: string) {
  const failures: string[] = [];
  const ids: Array<[string, string]> = [];
  for (const [i, size] of sizes(count, 7).entries()) {
    const bytes = pseudoRandomBytes(size, i + 1);
    const id = `${prefix}-${i}`;
    try {
      await store.write(id, () => chunked(bytes, 256 * 1024), { contentLength: size });
      ids.push([id, sha256(bytes)]);
    } catch (error) {
      failures.push(`upload ${i} (${size} bytes): ${(error as Error).name}`);
    }
  }
  let verified = 0;
  const dir = await Deno.makeTempDir();
  try {
    for (const [i, [id, hash]] of ids.entries()) {
      try {
        // Half through open() (resumed at the byte reached), half through copyToFile()
        // (downloadArtifact's path, copied again from the start).
        if (i % 2 === 0) assert.equal(await sha256Stream(await store.open(id)), hash, id);
        else {
          await store.copyToFile!(id, `${dir}/${id}`);
          assert.equal(sha256(await Deno.readFile(`${dir}/${id}`)), hash, id);
        }
        verified++;
      } catch (error) {
        if (error instanceof assert.AssertionError) throw error;
        failures.push(`download ${id}: ${(error as Error).name}`);
      }
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  return { failures, verified };
}

Deno.test({
  name:
    "Backoff(S3ArtifactStore) survives injected faults: 100 uploads and 100 downloads, byte-exact",
  async fn() {
    const server = s3rver;
    const proxy = FaultProxy.start(Number(new URL(server.endpoint).port), PLAN);
    // The SDK's own retries are off (maxAttempts 1): Backoff alone recovers.
    const client = s3Client({ ...server, endpoint: proxy.endpoint });
    try {
      let retries = 0;
      const byOperation: Record<string, number> = {};
      const store = new Backoff(
        new S3ArtifactStore(server.bucket, { client, keyPrefix: `faults/${crypto.randomUUID()}/` }),
        {
          minDelay: 0.001,
          maxDelay: 0.01,
          onRetry: ({ operation }) => {
            retries++;
            byOperation[operation] = (byOperation[operation] ?? 0) + 1;
          },
        },
      );
      const { failures, verified } = await roundTrips(store, 100, "with-backoff");
      const c = proxy.counts;
      const injected = c.status500 + c.status503 + c.resetBeforeResponse + c.resetMidBody;
      console.log(
        `With Backoff: ${c.requests} requests, ${injected} faults injected ` +
          `(${c.status500} x 500, ${c.status503} x 503 SlowDown, ${c.resetBeforeResponse} resets ` +
          `before the response, ${c.resetMidBody} resets mid-body), ${retries} retries ` +
          `(${JSON.stringify(byOperation)}), ${verified}/100 artifacts byte-identical`,
      );
      assert.deepEqual(failures, []);
      assert.equal(verified, 100);
      assert.ok(c.resetMidBody > 0 && c.resetBeforeResponse > 0 && c.status503 > 0);
      // Every retry answers at least one fault (several parts of one write can fail at once).
      assert.ok(retries > 0 && retries <= injected, `${retries} retries for ${injected} faults`);
    } finally {
      client.destroy();
      await proxy.close();
    }
  },
});

Deno.test({
  name: "Without Backoff the same faults make uploads and downloads fail (the test above can fail)",
  async fn() {
    const server = s3rver;
    const proxy = FaultProxy.start(Number(new URL(server.endpoint).port), PLAN);
    const client = s3Client({ ...server, endpoint: proxy.endpoint });
    try {
      const store = new S3ArtifactStore(server.bucket, {
        client,
        keyPrefix: `faults/${crypto.randomUUID()}/`,
      });
      const { failures } = await roundTrips(store, 30, "without-backoff");
      console.log(`Without Backoff: ${failures.length} of 60 operations failed`);
      assert.ok(failures.length > 0);
    } finally {
      client.destroy();
      await proxy.close();
    }
  },
});
