// GCSArtifactStore against the Cloud Storage emulator of firebase-tools (started here).
import assert from "node:assert/strict";
import { GCSArtifactStore } from "../../stores/gcs.ts";
import { chunked, pseudoRandomBytes, sha256, sha256Stream } from "../_helpers.ts";
import { gcsClient, startGcsEmulator } from "../_servers.ts";
import { storeConformance } from "./_conformance.ts";

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
