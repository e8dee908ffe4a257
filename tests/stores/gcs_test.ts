// GCSArtifactStore against the Cloud Storage emulator of firebase-tools (started here).
import assert from "node:assert/strict";
import { GCSArtifactStore } from "../../stores/gcs.ts";
import { chunked, pseudoRandomBytes, sha256, sha256Stream } from "../_helpers.ts";
import { gcsClient, startGcsEmulator } from "../_servers.ts";
import { storeConformance } from "./_conformance.ts";
import { FaultProxy } from "../_fault_proxy.ts";

// Started when the module loads, outside any test (see tests/stores/s3_test.ts).
const emulator = await startGcsEmulator();

// The SDK's keep-alive sockets and timers outlive a test; they are closed with the process.
const testOptions = { sanitizeOps: false, sanitizeResources: false };

storeConformance({
  name: "GCSArtifactStore on the Cloud Storage emulator",
  sizes: [0, 1, 1024 * 1024 + 7, 8 * 1024 * 1024 + 1, 64 * 1024 * 1024],
  testOptions,
  setup: () =>
    Promise.resolve({
      store: new GCSArtifactStore(emulator.bucket, {
        client: gcsClient(emulator),
        keyPrefix: `conformance/${crypto.randomUUID()}/`,
      }),
      dispose: () => Promise.resolve(),
    }),
});

Deno.test({
  name:
    "GCSArtifactStore names objects by artifact id (Optuna's layout) and records the content type",
  ...testOptions,
  async fn() {
    const server = emulator;
    const client = gcsClient(server);
    const id = crypto.randomUUID();
    const bytes = pseudoRandomBytes(100_000, 5);
    await new GCSArtifactStore(server.bucket, { client }).write(id, () => chunked(bytes), {
      contentType: "image/png",
    });
    const [metadata] = await client.bucket(server.bucket).file(id).getMetadata();
    assert.equal(metadata.contentType, "image/png");
    assert.equal(Number(metadata.size), bytes.length);
    const [content] = await client.bucket(server.bucket).file(id).download();
    assert.equal(sha256(new Uint8Array(content)), sha256(bytes));
  },
});

Deno.test({
  name: "GCSArtifactStore reads a generation consistently while it is overwritten",
  ...testOptions,
  async fn() {
    const server = emulator;
    const store = new GCSArtifactStore(server.bucket, { client: gcsClient(server) });
    const id = crypto.randomUUID();
    const first = pseudoRandomBytes(3 * 1024 * 1024, 1);
    await store.write(id, () => chunked(first));
    const reading = await store.open(id);
    await store.write(id, () => chunked(pseudoRandomBytes(3 * 1024 * 1024, 2)));
    const hash = await sha256Stream(reading);
    assert.equal(hash, sha256(first));
  },
});

Deno.test({
  name:
    "GCSArtifactStore validates a full read (the SDK's CRC32C) and leaves a ranged read unchecked",
  ...testOptions,
  async fn() {
    const id = crypto.randomUUID();
    const bytes = pseudoRandomBytes(300_000, 9);
    await new GCSArtifactStore(emulator.bucket, { client: gcsClient(emulator) }).write(
      id,
      () => chunked(bytes),
    );
    // Every download's body has one bit flipped in its middle on its way back.
    const proxy = FaultProxy.start(Number(new URL(emulator.endpoint).port), {
      status500: 0,
      status503: 0,
      resetBeforeResponse: 0,
      resetMidBody: 0,
      corruptBody: 1,
      corruptRequests: /alt=media/,
      // Real GCS sends it and the SDK validates only with it; the emulator leaves it out.
      addHeaders: "x-goog-stored-content-encoding: identity\r\n",
      seed: 7,
    });
    try {
      const store = new GCSArtifactStore(emulator.bucket, {
        client: gcsClient({ ...emulator, endpoint: proxy.endpoint }),
      });
      const full = await store.open(id);
      const ranged = await store.open(id, { offset: 1000 });
      await assert.rejects(sha256Stream(full), /did not match the data from the server/);
      const damaged = new Uint8Array(await new Response(ranged).arrayBuffer());
      assert.equal(damaged.length, bytes.length - 1000);
      assert.notEqual(sha256(damaged), sha256(bytes.subarray(1000)));
      assert.equal(proxy.counts.corruptBody, 2);
    } finally {
      await proxy.close();
    }
  },
});
