// The HTTP handler in front of real object stores: s3rver, Swift's S3 API and the Cloud Storage
// emulator. A Range download asks the store for the range only; the request after it must work
// (under Deno 2.5, a GCS read cancelled part-way left the SDK's next request hanging). Range downloads through the handler are byte-exact, and with redirectDownloads the
// presigned (S3) or signed (GCS) URL it redirects to is fetched by a plain fetch.
import assert from "node:assert/strict";
import { createArtifactHandler } from "../../http/handler.ts";
import { uploadArtifact } from "../../helpers/upload_artifact.ts";
import { GCSArtifactStore } from "../../stores/gcs.ts";
import { S3ArtifactStore } from "../../stores/s3.ts";
import type { ArtifactStore } from "../../stores/types.ts";
import { createStudy } from "../../study/create_study.ts";
import { pseudoRandomBytes, sha256 } from "../_helpers.ts";
import { gcsClient, s3Client, startGcsEmulator, startS3rver, swiftS3 } from "../_servers.ts";

const s3rver = await startS3rver();
const swift = swiftS3();
const gcs = await startGcsEmulator();
// The SDKs' keep-alive sockets and timers outlive a test.
const testOptions = { sanitizeOps: false, sanitizeResources: false };

/**
 * The emulator's store, whose URLs a client with a service account key signs; its data goes
 * through the emulator's usual client (the signing one would ask Google for access tokens).
 */
function gcsStore(): ArtifactStore {
  const data = new GCSArtifactStore(gcs.bucket, { client: gcsClient(gcs) });
  const signer = new GCSArtifactStore(gcs.bucket, { client: gcsClient(gcs, { signing: true }) });
  return {
    open: (id, o) => data.open(id, o),
    write: (id, c, o) => data.write(id, c, o),
    remove: (id, o) => data.remove(id, o),
    stat: (id, o) => data.stat(id, o),
    presign: (id, o) => signer.presign(id, o),
  };
}

const stores: Array<[string, boolean, () => ArtifactStore]> = [
  [
    "s3rver",
    false,
    () => new S3ArtifactStore(s3rver.bucket, { client: s3Client(s3rver) }),
  ],
  [
    "Swift",
    swift.ignore,
    () => new S3ArtifactStore(swift.server!.bucket, { client: s3Client(swift.server!) }),
  ],
  [
    "the GCS emulator",
    false,
    gcsStore,
  ],
];

for (const [name, ignore, makeStore] of stores) {
  Deno.test({
    name:
      `http on ${name}: Range downloads byte-exact, and a redirect to a presigned URL that a plain fetch follows`,
    ignore,
    ...testOptions,
    async fn() {
      const artifactStore = makeStore();
      const study = await createStudy();
      const bytes = pseudoRandomBytes(300_000, 12);
      const artifactId = await uploadArtifact({
        artifactStore,
        studyOrTrial: study,
        body: bytes,
        filename: "résumé.bin",
      });
      const url = `http://h/artifacts/${study.studyId}/${artifactId}`;
      const direct = createArtifactHandler({ artifactStore, storage: study.storage });
      const ranged = await direct(new Request(url, { headers: { range: "bytes=1000-2999" } }));
      assert.equal(ranged.status, 206);
      assert.equal(ranged.headers.get("content-range"), "bytes 1000-2999/300000");
      assert.equal(
        sha256(new Uint8Array(await ranged.arrayBuffer())),
        sha256(bytes.subarray(1000, 3000)),
      );
      const whole = await direct(new Request(url));
      assert.equal(sha256(new Uint8Array(await whole.arrayBuffer())), sha256(bytes));

      const redirecting = createArtifactHandler({
        artifactStore,
        storage: study.storage,
        redirectDownloads: true,
        presignExpiresIn: 60,
      });
      const redirect = await redirecting(new Request(url));
      assert.equal(redirect.status, 302);
      const location = redirect.headers.get("location")!;
      assert.match(location, /X-Amz-Signature=|X-Goog-Signature=/);
      const fetched = await fetch(location);
      assert.equal(fetched.status, 200);
      assert.equal(sha256(new Uint8Array(await fetched.arrayBuffer())), sha256(bytes));
      if (name !== "the GCS emulator") {
        // The emulator ignores the response overrides; S3 and Swift honour them.
        assert.equal(fetched.headers.get("content-type"), "application/octet-stream");
        assert.match(
          fetched.headers.get("content-disposition")!,
          /filename\*=UTF-8''r%C3%A9sum%C3%A9\.bin/,
        );
      }
      const tail = await fetch(location, { headers: { range: "bytes=299000-" } });
      assert.equal(tail.status, 206);
      assert.equal(
        sha256(new Uint8Array(await tail.arrayBuffer())),
        sha256(bytes.subarray(299000)),
      );
    },
  });
}
