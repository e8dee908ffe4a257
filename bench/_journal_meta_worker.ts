// One measured run: list every trial's artifacts from a journal, cold; then append 100 lines
// from another writer and list again. Prints JSON with the times in seconds.
import { getAllArtifactMeta } from "../helpers/get_all_artifact_meta.ts";
import { JournalFileStorage } from "../storages/journal.ts";

const [path, extraLines] = Deno.args;

async function listAll(storage: JournalFileStorage): Promise<number> {
  const [study] = await storage.getAllStudies();
  let count = 0;
  for (const trial of await storage.getAllTrials(study.studyId)) {
    count += (await getAllArtifactMeta({ trialId: trial.trialId, storage })).length;
  }
  return count;
}

let start = performance.now();
const storage = new JournalFileStorage(path);
const cold = await listAll(storage);
const coldSeconds = (performance.now() - start) / 1000;

await Deno.writeTextFile(path, await Deno.readTextFile(extraLines), { append: true });
start = performance.now();
await storage.getAllStudies(); // replays only the new lines
const rereadSeconds = (performance.now() - start) / 1000;
start = performance.now();
const warm = await listAll(storage);
const warmSeconds = (performance.now() - start) / 1000;
console.log(JSON.stringify({ cold, coldSeconds, rereadSeconds, warm, warmSeconds }));
