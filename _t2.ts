import { GCSArtifactStore } from "./stores/gcs.ts";
import { gcsClient, startGcsEmulator } from "./tests/_servers.ts";
import { FaultProxy } from "./tests/_fault_proxy.ts";
import { chunked, pseudoRandomBytes, sha256 } from "./tests/_helpers.ts";
const emulator = await startGcsEmulator();
const id = crypto.randomUUID();
const bytes = pseudoRandomBytes(300_000, 9);
await new GCSArtifactStore(emulator.bucket, { client: gcsClient(emulator) }).write(
  id,
  () => chunked(bytes),
);
const proxy = FaultProxy.start(Number(new URL(emulator.endpoint).port), {
  status500: 0,
  status503: 0,
  resetBeforeResponse: 0,
  resetMidBody: 0,
  corruptBody: 1,
  corruptRequests: /alt=media/,
  seed: 7,
});
const c = gcsClient({ ...emulator, endpoint: proxy.endpoint });
const f = c.bucket(emulator.bucket).file(id);
const [m] = await f.getMetadata();
console.log(m.crc32c, m.md5Hash);
try {
  const [buf] = await f.download();
  console.log("downloaded", sha256(new Uint8Array(buf)) === sha256(bytes));
} catch (e) {
  console.log("err", (e as Error).message);
}
console.log(proxy.counts);
const r = await fetch(
  `${emulator.endpoint}/download/storage/v1/b/${emulator.bucket}/o/${id}?alt=media`,
  { headers: { authorization: "Bearer owner" } },
);
console.log(r.status, [...r.headers]);
await r.body?.cancel();
await proxy.close();
Deno.exit(0);
