// One measured GCS round trip against the emulator. Mode "store": uploadArtifact of a file
// through GCSArtifactStore, then downloadArtifact. Mode "sdk": the SDK's own file.save() of the
// whole file as one buffer, then file.download() into a buffer written out. Prints JSON times.
import { createStudy, downloadArtifact, uploadArtifact } from "../mod.ts";
import { GCSArtifactStore } from "../stores/gcs.ts";
import { gcsClient } from "../tests/_servers.ts";

const [mode, endpoint, source, target] = Deno.args;
const client = gcsClient({ endpoint, projectId: "demo-optuna-deno", bucket: "optuna" });
let start = performance.now();
let upload: number;
let download: number;
if (mode === "store") {
  const artifactStore = new GCSArtifactStore("optuna", { client });
  const artifactId = await uploadArtifact({
    artifactStore,
    studyOrTrial: await createStudy(),
    filePath: source,
  });
  upload = (performance.now() - start) / 1000;
  start = performance.now();
  await downloadArtifact({ artifactStore, artifactId, filePath: target });
  download = (performance.now() - start) / 1000;
  await artifactStore.remove(artifactId);
} else {
  const file = client.bucket("optuna").file(crypto.randomUUID());
  await file.save(await Deno.readFile(source), { resumable: true });
  upload = (performance.now() - start) / 1000;
  start = performance.now();
  const [content] = await file.download();
  await Deno.writeFile(target, content);
  download = (performance.now() - start) / 1000;
  await file.delete();
}
console.log(JSON.stringify({ upload, download }));
Deno.exit(0);
