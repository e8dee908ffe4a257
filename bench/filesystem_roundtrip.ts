/**
 * Benchmark: upload + download of one large file through FileSystemArtifactStore, durable
 * (the default: synced before publishing) and scratch (`sync: false`), next to `cp` (twice:
 * in and out), `cp` + `sync FILE`, and, when `python3 -c "import optuna"` works, Python
 * Optuna's own FileSystemArtifactStore (which does not sync), in one run. Prints wall time, throughput and peak RSS of each, and
 * checks every copy byte for byte.
 *
 * Each contender runs `--runs` times (default 3), in turns; the median of each phase is shown.
 *
 * Usage: deno task bench [--size-mib 1024] [--runs 3] [--dir /path/to/test] [--python python3]
 *
 * @module
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { measure, printTable, sameBytes, writeRandomFile } from "./_util.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    "size-mib": { type: "string", default: "1024" },
    runs: { type: "string", default: "3" },
    dir: { type: "string" },
    python: { type: "string", default: "python3" },
  },
});
const sizeMiB = Number(values["size-mib"]);
const python = values.python!;
const work = await Deno.makeTempDir({ dir: values.dir, prefix: "optuna-deno-bench-" });
const here = (name: string) => fileURLToPath(new URL(name, import.meta.url));

interface Run {
  upload: number;
  download: number;
  rss: number;
}

/** Measures `sync` first, so no run pays for the previous one's write-back. */
async function flushed(cmd: string, args: string[]) {
  await new Deno.Command("sync").output();
  return await measure(work, cmd, args);
}

async function fresh(name: string): Promise<string> {
  const dir = join(work, name);
  await Deno.remove(dir, { recursive: true }).catch(() => {});
  await Deno.mkdir(join(dir, "store"), { recursive: true });
  return dir;
}

/** A store round trip run by a worker script that prints {upload, download}. */
async function roundTrip(name: string, cmd: string, args: string[]): Promise<Run> {
  const dir = await fresh(name);
  const run = await flushed(cmd, [...args, source, join(dir, "store"), join(dir, "out")]);
  if (!await sameBytes(source, join(dir, "out"))) throw new Error(`${name}: the copy differs`);
  return { ...run.json, rss: run.rssMiB };
}

const source = join(work, "source.bin");
try {
  await writeRandomFile(source, sizeMiB);
  console.log(`Round trip of ${sizeMiB} MiB on ${work} (Deno ${Deno.version.deno})\n`);
  const pythonVersion = await new Deno.Command(python, {
    args: ["-c", "import optuna; print(optuna.__version__)"],
    stderr: "null",
  }).output().then((o) => o.code === 0 ? new TextDecoder().decode(o.stdout).trim() : "")
    .catch(() => "");
  if (!pythonVersion) console.log(`(${python} has no optuna: Python baseline skipped)\n`);

  const contenders: Array<[string, () => Promise<Run>]> = [
    ["cp (in, then out)", async () => {
      const dir = await fresh("cp");
      const up = await flushed("cp", [source, join(dir, "in")]);
      const down = await flushed("cp", [join(dir, "in"), join(dir, "out")]);
      if (!await sameBytes(source, join(dir, "out"))) throw new Error("cp: the copy differs");
      return { upload: up.wall, download: down.wall, rss: Math.max(up.rssMiB, down.rssMiB) };
    }],
    ["cp + sync FILE (in, then out)", async () => {
      const dir = await fresh("cp-sync");
      const copy = (from: string, to: string) =>
        flushed("sh", ["-c", 'cp "$1" "$2" && sync "$2"', "sh", from, to]);
      const up = await copy(source, join(dir, "in"));
      const down = await copy(join(dir, "in"), join(dir, "out"));
      if (!await sameBytes(source, join(dir, "out"))) throw new Error("cp: the copy differs");
      return { upload: up.wall, download: down.wall, rss: Math.max(up.rssMiB, down.rssMiB) };
    }],
    ...(["durable", "scratch"] as const).map((mode): [string, () => Promise<Run>] => [
      `optuna-deno FileSystemArtifactStore (${mode === "durable" ? "synced" : "sync: false"})`,
      () =>
        roundTrip(`deno-${mode}`, Deno.execPath(), [
          "run",
          "--allow-read",
          "--allow-write",
          here("_filesystem_worker.ts"),
          mode,
        ]),
    ]),
  ];
  if (pythonVersion) {
    contenders.push([
      `Python Optuna ${pythonVersion} FileSystemArtifactStore`,
      () => roundTrip("python", python, [here("_optuna_filesystem.py")]),
    ]);
  }

  const runs = new Map<string, Run[]>(contenders.map(([name]) => [name, []]));
  for (let i = 0; i < Number(values.runs); i++) {
    for (const [name, run] of contenders) runs.get(name)!.push(await run());
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const rows: string[][] = [["what", "upload s", "download s", "total s", "MiB/s", "peak RSS MiB"]];
  for (const [name, results] of runs) {
    const up = median(results.map((r) => r.upload));
    const down = median(results.map((r) => r.download));
    rows.push([
      name,
      up.toFixed(2),
      down.toFixed(2),
      (up + down).toFixed(2),
      ((2 * sizeMiB) / (up + down)).toFixed(0),
      Math.max(...results.map((r) => r.rss)).toFixed(1),
    ]);
  }
  printTable(rows);
  console.log(
    `\nMedians of ${values.runs} runs; peak RSS is the largest seen. Every copy byte-identical (cmp).`,
  );
} finally {
  await Deno.remove(work, { recursive: true });
}
