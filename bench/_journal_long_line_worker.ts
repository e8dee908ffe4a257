// One measured run: replay a journal whose one attribute is a very long line, and read it.
// Prints JSON with the time in seconds and the value's length.
import { JournalFileStorage } from "../storages/journal.ts";

const start = performance.now();
const attrs = await new JournalFileStorage(Deno.args[0]).getStudySystemAttrs(0);
const seconds = (performance.now() - start) / 1000;
console.log(JSON.stringify({ seconds, length: String(attrs.long).length }));
