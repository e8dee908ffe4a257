// One measured run of the FileSystem round trip: upload a file with uploadArtifact, then
// download it with downloadArtifact. Prints a JSON line with the phase times in seconds.
import { createStudy, FileSystemArtifactStore } from "../mod.ts";
import { timedRoundTrip } from "./_round_trip.ts";

const [source, storeDir, target] = Deno.args;
const artifactStore = new FileSystemArtifactStore(storeDir);
const trial = await (await createStudy()).ask();
console.log(JSON.stringify(
  await timedRoundTrip({ artifactStore, studyOrTrial: trial, source, target }),
));
