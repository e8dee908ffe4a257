// One measured run: list every trial's artifacts from a journal, cold; then append 100 lines
// from another writer and list again. Prints JSON with the times in seconds.
import { JournalFileStorage } from "../storages/journal.ts";
import { listAll } from "./_list_all.ts";

const [path, extraLines] = Deno.args;

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
