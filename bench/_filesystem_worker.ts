// One measured run of the FileSystem round trip: upload a file with uploadArtifact, then
// download it with downloadArtifact. Prints a JSON line with the phase times in seconds.
// Arguments: durable|scratch xxh128|sha256|no-digest SOURCE STORE_DIR TARGET. "scratch" turns the
// syncs off (FileSystemArtifactStore({ sync: false }) and downloadArtifact({ sync: false }));
// "no-digest" records no digest at upload and checks none at download.
import process from "node:process";
import { createStudy, type DigestAlgorithm, FileSystemArtifactStore } from "../mod.ts";
import { timedRoundTrip } from "./_round_trip.ts";

const [mode, digest, source, storeDir, target] = process.argv.slice(2);
const sync = mode !== "scratch";
const artifactStore = new FileSystemArtifactStore(storeDir, { sync });
const trial = await (await createStudy()).ask();
console.log(JSON.stringify(
  await timedRoundTrip({
    artifactStore,
    studyOrTrial: trial,
    source,
    target,
    sync,
    digest: digest === "no-digest" ? false : digest as DigestAlgorithm,
  }),
));
