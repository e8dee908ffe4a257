// One measured run of the FileSystem round trip: upload a file with uploadArtifact, then
// download it with downloadArtifact. Prints a JSON line with the phase times in seconds.
import { createStudy, downloadArtifact, FileSystemArtifactStore, uploadArtifact } from "../mod.ts";

const [source, storeDir, target] = Deno.args;
const artifactStore = new FileSystemArtifactStore(storeDir);
const study = await createStudy();
const trial = await study.ask();

let start = performance.now();
const artifactId = await uploadArtifact({ artifactStore, studyOrTrial: trial, filePath: source });
const upload = (performance.now() - start) / 1000;
start = performance.now();
await downloadArtifact({ artifactStore, artifactId, filePath: target });
const download = (performance.now() - start) / 1000;
console.log(JSON.stringify({ upload, download, artifactId }));
