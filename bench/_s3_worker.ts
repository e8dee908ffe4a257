// One measured S3 round trip: uploadArtifact of a file through S3ArtifactStore, then
// downloadArtifact. Prints JSON with the phase times in seconds.
import { S3Client } from "@aws-sdk/client-s3";
import { createStudy, downloadArtifact, uploadArtifact } from "../mod.ts";
import { S3ArtifactStore } from "../stores/s3.ts";

const [endpoint, bucket, accessKeyId, secretAccessKey, source, target] = Deno.args;
const client = new S3Client({
  endpoint,
  region: "us-east-1",
  forcePathStyle: true,
  credentials: { accessKeyId, secretAccessKey },
  requestChecksumCalculation: "WHEN_REQUIRED",
  responseChecksumValidation: "WHEN_REQUIRED",
});
const artifactStore = new S3ArtifactStore(bucket, { client });
const study = await createStudy();
let start = performance.now();
const artifactId = await uploadArtifact({ artifactStore, studyOrTrial: study, filePath: source });
const upload = (performance.now() - start) / 1000;
start = performance.now();
await downloadArtifact({ artifactStore, artifactId, filePath: target });
const download = (performance.now() - start) / 1000;
await artifactStore.remove(artifactId);
client.destroy();
console.log(JSON.stringify({ upload, download }));
