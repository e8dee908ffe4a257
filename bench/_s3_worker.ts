// One measured S3 round trip: uploadArtifact of a file through S3ArtifactStore, then
// downloadArtifact. Prints JSON with the phase times in seconds. Arguments: digest|no-digest
// ENDPOINT BUCKET ACCESS_KEY SECRET_KEY SOURCE TARGET.
// deno-lint-ignore no-import-prefix -- kept out of the import map (see README, Layout)
import { S3Client } from "npm:@aws-sdk/client-s3@^3.1175.0";
import { createStudy } from "../mod.ts";
import { S3ArtifactStore } from "../stores/s3.ts";
import { timedRoundTrip } from "./_round_trip.ts";

const [digest, endpoint, bucket, accessKeyId, secretAccessKey, source, target] = Deno.args;
const client = new S3Client({
  endpoint,
  region: "us-east-1",
  forcePathStyle: true,
  credentials: { accessKeyId, secretAccessKey },
  requestChecksumCalculation: "WHEN_REQUIRED",
  responseChecksumValidation: "WHEN_REQUIRED",
});
const artifactStore = new S3ArtifactStore(bucket, { client });
const studyOrTrial = await createStudy();
// Python syncs nothing: the download is not synced either, so the two compare the transfer.
const times = await timedRoundTrip({
  artifactStore,
  studyOrTrial,
  source,
  target,
  sync: false,
  digest: digest !== "no-digest",
});
await artifactStore.remove(times.artifactId);
client.destroy();
console.log(JSON.stringify(times));
