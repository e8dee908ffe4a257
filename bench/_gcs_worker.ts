// One measured GCS round trip against the emulator. Mode "store": uploadArtifact of a file
// through GCSArtifactStore, then downloadArtifact. Mode "sdk": the SDK's own file.save() of the
// whole file as one buffer, then file.download() into a buffer written out. Prints JSON times.
import { createStudy } from "../mod.ts";
import { GCSArtifactStore } from "../stores/gcs.ts";
import { gcsClient } from "../tests/_servers.ts";
import { timedRoundTrip } from "./_round_trip.ts";

const [mode, endpoint, source, target] = Deno.args;
const client = gcsClient({ endpoint, projectId: "demo-optuna-deno", bucket: "optuna" });
if (mode === "store") {
  const artifactStore = new GCSArtifactStore("optuna", { client });
  const studyOrTrial = await createStudy();
  const times = await timedRoundTrip({
    artifactStore,
    studyOrTrial,
    source,
    target,
    sync: false, // the SDK's file.save() baseline syncs nothing either
  });
  await artifactStore.remove(times.artifactId);
  console.log(JSON.stringify(times));
} else {
  const file = client.bucket("optuna").file(crypto.randomUUID());
  let start = performance.now();
  await file.save(await Deno.readFile(source), { resumable: true });
  const upload = (performance.now() - start) / 1000;
  start = performance.now();
  const [content] = await file.download();
  await Deno.writeFile(target, content);
  const download = (performance.now() - start) / 1000;
  await file.delete();
  console.log(JSON.stringify({ upload, download }));
}
Deno.exit(0);
