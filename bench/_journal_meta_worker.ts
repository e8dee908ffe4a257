// One measured run: list every trial's artifacts from a journal, cold; then append 100 lines
// from another writer and list again. Prints JSON with the times in seconds. "per-trial" lists
// with getAllArtifactMeta trial by trial, "one-read" with getAllTrialsArtifactMeta.
// Arguments: per-trial|one-read JOURNAL EXTRA_LINES.
import { JournalFileStorage } from "../storages/journal.ts";
import { deno, nodeBuiltin } from "../_common/node_builtin.ts";
import { listAll } from "./_list_all.ts";

// Deno's own API on Deno: a `node:` import there would start Deno's Node.js layer (10 MiB and
// more), which the library measured here does not load.
const [mode, path, extraLines] = deno ? deno.args : nodeBuiltin("node:process").argv.slice(2);
const appendFile = (target: string, bytes: Uint8Array) =>
  deno
    ? deno.writeFile(target, bytes, { append: true })
    : nodeBuiltin("node:fs/promises").appendFile(target, bytes);
const readFile = (source: string) =>
  deno ? deno.readFile(source) : nodeBuiltin("node:fs/promises").readFile(source);
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
