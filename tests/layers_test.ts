// The source folders form layers: a file imports only from its own folder and the folders
// below it, so a lower layer never needs an upper one (for a type either).
import assert from "node:assert/strict";

const ROOT = new URL("../", import.meta.url);

/** Each folder's layer, lowest first; a folder may import from a lower number only. */
const LAYERS: Record<string, number> = {
  _common: 0,
  distributions: 1,
  stores: 1,
  storages: 2,
  middleware: 2,
  samplers: 3,
  study: 4,
  helpers: 5,
  http: 6,
  cli: 7,
};

/**
 * The one arrow allowed upward: a sampler is given the study it samples for, as Optuna's
 * `BaseSampler` is, so the `Sampler` interface names the `Study` type (a type only).
 */
const ALLOWED = new Set(["samplers -> study (type)"]);

Deno.test("no source file imports from a folder above its own", async () => {
  const upward: string[] = [];
  for (const folder of Object.keys(LAYERS)) {
    for await (const entry of Deno.readDir(new URL(folder, ROOT))) {
      if (!entry.name.endsWith(".ts")) continue;
      const text = await Deno.readTextFile(new URL(`${folder}/${entry.name}`, ROOT));
      for (
        const match of text.matchAll(/^(?:import|export)(\s+type)?[^;]*?from "\.\.\/([a-z_]+)\//gms)
      ) {
        const target = match[2];
        if (!(target in LAYERS) || LAYERS[target] < LAYERS[folder]) continue;
        if (target === folder) continue;
        const arrow = `${folder} -> ${target}${match[1] ? " (type)" : ""}`;
        if (!ALLOWED.has(arrow)) upward.push(`${folder}/${entry.name}: ${arrow}`);
      }
    }
  }
  assert.deepEqual(upward, []);
});

/** Source folders (tests and benchmarks aside): each file holds one idea. */
const SOURCES = [...Object.keys(LAYERS), "examples", "."];

Deno.test("no source file is over 400 lines", async () => {
  const long: string[] = [];
  for (const folder of SOURCES) {
    for await (const entry of Deno.readDir(new URL(`${folder}/`, ROOT))) {
      if (!entry.isFile || !entry.name.endsWith(".ts")) continue;
      const text = await Deno.readTextFile(new URL(`${folder}/${entry.name}`, ROOT));
      const lines = text.split("\n").length - (text.endsWith("\n") ? 1 : 0);
      if (lines > 400) long.push(`${folder}/${entry.name}: ${lines} lines`);
    }
  }
  assert.deepEqual(long, []);
});
