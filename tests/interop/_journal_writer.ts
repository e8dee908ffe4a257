// A writer process for the journal concurrency test: N uploads, alternating between the study
// and its first trial. Prints the artifact ids as JSON.
import { JournalFileStorage } from "../../storages/journal.ts";
import { FileSystemArtifactStore } from "../../stores/filesystem.ts";
import { loadStudy } from "../../study/study.ts";
import { uploadArtifact } from "../../helpers/upload_artifact.ts";

const [journal, studyName, artifactDir, count, lock] = Deno.args;
const storage = new JournalFileStorage(journal, { lock: lock as "symlink" | "open" });
const study = await loadStudy({ storage, studyName });
const trial = await study.trial(0);
const artifactStore = new FileSystemArtifactStore(artifactDir);
const ids: string[] = [];
for (let i = 0; i < Number(count); i++) {
  ids.push(
    await uploadArtifact({
      artifactStore,
      studyOrTrial: i % 2 === 0 ? study : trial,
      body: `deno ${Deno.pid} ${i}`,
      filename: `deno-${i}.txt`,
    }),
  );
}
console.log(JSON.stringify(ids));
