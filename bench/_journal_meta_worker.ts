// One measured run: list every trial's artifacts from a journal, cold; then append 100 lines
// from another writer and list again. Prints JSON with the times in seconds. "per-trial" lists
// with getAllArtifactMeta trial by trial, "one-read" with getAllTrialsArtifactMeta.
// Arguments: per-trial|one-read JOURNAL EXTRA_LINES.
import { appendFile, readFile } from "node:fs/promises";
import process from "node:process";
import { JournalFileStorage } from "../storages/journal.ts";
import { listAll } from "./_list_all.ts";

const [mode, path, extraLines] = process.argv.slice(2);
const oneRead = mode === "one-read";

let start = performance.now();
const storage = new JournalFileStorage(path);
const cold = await listAll(storage, { oneRead });
const coldSeconds = (performance.now() - start) / 1000;

await appendFile(path, await readFile(extraLines));
start = performance.now();
await storage.getAllStudies(); // replays only the new lines
const rereadSeconds = (performance.now() - start) / 1000;
start = performance.now();
const warm = await listAll(storage, { oneRead });
const warmSeconds = (performance.now() - start) / 1000;
console.log(JSON.stringify({ cold, coldSeconds, rereadSeconds, warm, warmSeconds }));
