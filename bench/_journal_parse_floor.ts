// The journal benchmark's limit: read the journal and JSON.parse every line, nothing else;
// counts the artifact attributes so its output has the listing's shape. Arguments: JOURNAL
// EXTRA_LINES.
const [path, extraLines] = Deno.args;

/** Parses every line of `text`; returns how many set an artifact attribute. */
function parseAll(text: string): number {
  let count = 0;
  for (const line of text.split("\n")) {
    if (!line) continue;
    const op = JSON.parse(line);
    for (const key in op.system_attr ?? {}) if (key.startsWith("artifacts:")) count++;
  }
  return count;
}

let start = performance.now();
const cold = parseAll(await Deno.readTextFile(path));
const coldSeconds = (performance.now() - start) / 1000;
start = performance.now();
const more = parseAll(await Deno.readTextFile(extraLines));
const rereadSeconds = (performance.now() - start) / 1000;
console.log(
  JSON.stringify({ cold, coldSeconds, rereadSeconds, warm: cold + more, warmSeconds: 0 }),
);
