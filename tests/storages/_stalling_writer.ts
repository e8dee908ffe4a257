// A writer process for the stalled-lock test: one upload to a journal study, which pauses
// right after its journal line is synced, inside the lock, so the test can stop it there.
// Prints "synced" at the pause and the artifact id (JSON) when done.
import { JournalFileStorage } from "../../storages/journal.ts";
import { FileSystemArtifactStore } from "../../stores/filesystem.ts";
import { loadStudy } from "../../study/create_study.ts";
import { uploadArtifact } from "../../helpers/upload_artifact.ts";

const [journal, studyName, artifactDir] = Deno.args;
// The store does not sync, so the only FsFile.sync is the journal's append.
const sync = Deno.FsFile.prototype.sync;
Deno.FsFile.prototype.sync = async function (this: Deno.FsFile) {
  await sync.call(this);
  console.log("synced");
  await new Promise((resolve) => setTimeout(resolve, 300)); // time for the test's SIGSTOP
};
const storage = new JournalFileStorage(journal, { onWarning: (m) => console.error(m) });
const study = await loadStudy({ storage, studyName });
const artifactId = await uploadArtifact({
  artifactStore: new FileSystemArtifactStore(artifactDir, { sync: false }),
  studyOrTrial: await study.trial(0),
  body: "written before the stall",
  filename: "stalled.txt",
});
console.log(JSON.stringify(artifactId));
