// One measured phase of the S3 round trip, in its own process so that each phase's peak RSS
// is its own: "upload" runs uploadArtifact of a file through S3ArtifactStore and prints
// {upload, artifactId}; "download" runs downloadArtifact of that artifact and prints {download},
// then removes the object. The study lives in a journal file, so the download checks the digest
// the upload recorded. Arguments: upload|download xxh128|sha256|no-digest single|multipart
// RANGES (downloadConcurrency) ENDPOINT BUCKET ACCESS_KEY SECRET_KEY SOURCE|ARTIFACT_ID TARGET
// JOURNAL.
import process from "node:process";
// deno-lint-ignore no-import-prefix -- kept out of the import map (see docs/development.md)
import { S3Client } from "npm:@aws-sdk/client-s3@^3.1175.0";
import {
  createStudy,
  type DigestAlgorithm,
  downloadArtifact,
  loadStudy,
  uploadArtifact,
} from "../mod.ts";
import { JournalFileStorage } from "../storages/journal.ts";
import { S3ArtifactStore } from "../stores/s3.ts";
import { warmUp } from "./_round_trip.ts";

const [
  phase,
  digest,
  put,
  ranges,
  endpoint,
  bucket,
  accessKeyId,
  secretAccessKey,
  from,
  to,
  journal,
] = process.argv.slice(2);
const client = new S3Client({
  endpoint,
  region: "us-east-1",
  forcePathStyle: true,
  credentials: { accessKeyId, secretAccessKey },
  requestChecksumCalculation: "WHEN_REQUIRED",
  responseChecksumValidation: "WHEN_REQUIRED",
});
const artifactStore = new S3ArtifactStore(bucket, {
  client,
  singlePutMaxSize: put === "multipart" ? 0 : undefined,
  downloadConcurrency: Number(ranges),
});
const storage = new JournalFileStorage(journal);
const checked = digest !== "no-digest";
await warmUp(checked ? digest as DigestAlgorithm : false);
if (phase === "upload") {
  const study = await createStudy({ storage, studyName: "bench" });
  const start = performance.now();
  const artifactId = await uploadArtifact({
    artifactStore,
    studyOrTrial: study,
    filePath: from,
    digest: checked ? digest as DigestAlgorithm : false,
  });
  const upload = (performance.now() - start) / 1000;
  console.log(JSON.stringify({ upload, artifactId }));
} else {
  const study = await loadStudy({ storage, studyName: "bench" });
  const start = performance.now();
  // Python syncs nothing: the download is not synced either, so the two compare the transfer.
  await downloadArtifact({
    artifactStore,
    artifactId: from,
    filePath: to,
    sync: false,
    studyOrTrial: checked ? study : undefined,
  });
  const download = (performance.now() - start) / 1000;
  await artifactStore.remove(from);
  console.log(JSON.stringify({ download }));
}
client.destroy();
