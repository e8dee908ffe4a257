/**
 * Benchmark: upload + download of one large file through FileSystemArtifactStore, next to
 * `cp` (twice: in and out) and, when `python3 -c "import optuna"` works, Python Optuna's own
 * FileSystemArtifactStore, in one run. Prints wall time, throughput and peak RSS of each, and
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
const work = await Deno.makeTempDir({ dir: values.dir, prefix: "optuna-deno-bench-" });
const here = (name: string) => fileURLToPath(new URL(name, import.meta.url));

interface Measured {
  wall: number;
  maxRssMiB: number;
  stdout: string;
}

/** Runs a command under GNU time: wall seconds and peak RSS of the whole process. */
async function measure(cmd: string, args: string[]): Promise<Measured> {
  // Flush dirty pages first, so no run pays for the previous one's write-back.
  await new Deno.Command("sync").output();
  const timeFile = join(work, "time.txt");
  const { code, stdout, stderr } = await new Deno.Command("/usr/bin/time", {
    args: ["-f", "%e %M", "-o", timeFile, cmd, ...args],
    env: { DENO_NO_UPDATE_CHECK: "1" },
  }).output();
  if (code !== 0) throw new Error(`${cmd} failed: ${new TextDecoder().decode(stderr)}`);
  const [wall, rssKiB] = (await Deno.readTextFile(timeFile)).trim().split(" ").map(Number);
  return { wall, maxRssMiB: rssKiB / 1024, stdout: new TextDecoder().decode(stdout) };
}

async function sameBytes(a: string, b: string): Promise<boolean> {
  return (await new Deno.Command("cmp", { args: ["-s", a, b] }).output()).code === 0;
}

async function fresh(name: string): Promise<string> {
  const dir = join(work, name);
  await Deno.remove(dir, { recursive: true }).catch(() => {});
  await Deno.mkdir(dir);
  return dir;
}

try {
  // Incompressible content, written in 8 MiB blocks that differ from each other.
  const source = join(work, "source.bin");
  const file = await Deno.open(source, { write: true, create: true });
  const block = new Uint8Array(8 * 1024 * 1024);
  for (let i = 0; i < sizeMiB / 8; i++) {
    for (let j = 0; j < block.length; j += 65536) {
      crypto.getRandomValues(block.subarray(j, j + 65536));
    }
    await file.write(block);
  }
  file.close();
  console.log(`Round trip of ${sizeMiB} MiB on ${work} (Deno ${Deno.version.deno})\n`);

  const hasOptuna =
    (await new Deno.Command(values.python!, { args: ["-c", "import optuna"], stderr: "null" })
      .output().catch(() => ({ code: 1 }))).code === 0;
  const pythonVersion = hasOptuna
    ? new TextDecoder().decode(
      (await new Deno.Command(values.python!, {
        args: ["-c", "import optuna; print(optuna.__version__)"],
      }).output()).stdout,
    ).trim()
    : "";
  if (!hasOptuna) console.log(`(${values.python} has no optuna: Python baseline skipped)\n`);

  interface Run {
    upload: number;
    download: number;
    rss: number;
  }
  /** One round trip of each contender: upload and download seconds, peak RSS. */
  const contenders: Array<[string, () => Promise<Run>]> = [
    ["cp (in, then out)", async () => {
      const dir = await fresh("cp");
      const up = await measure("cp", [source, join(dir, "in")]);
      const down = await measure("cp", [join(dir, "in"), join(dir, "out")]);
      if (!await sameBytes(source, join(dir, "out"))) throw new Error("cp copy differs");
      return { upload: up.wall, download: down.wall, rss: Math.max(up.maxRssMiB, down.maxRssMiB) };
    }],
    ["optuna-deno FileSystemArtifactStore", async () => {
      const dir = await fresh("deno");
      await Deno.mkdir(join(dir, "store"));
      const run = await measure(Deno.execPath(), [
        "run",
        "--allow-read",
        "--allow-write",
        here("_filesystem_worker.ts"),
        source,
        join(dir, "store"),
        join(dir, "out"),
      ]);
      if (!await sameBytes(source, join(dir, "out"))) throw new Error("Deno copy differs");
      return { ...JSON.parse(run.stdout), rss: run.maxRssMiB };
    }],
  ];
  if (hasOptuna) {
    contenders.push([`Python Optuna ${pythonVersion} FileSystemArtifactStore`, async () => {
      const dir = await fresh("python");
      await Deno.mkdir(join(dir, "store"));
      const run = await measure(values.python!, [
        here("_optuna_filesystem.py"),
        source,
        join(dir, "store"),
        join(dir, "out"),
      ]);
      if (!await sameBytes(source, join(dir, "out"))) throw new Error("Python copy differs");
      return { ...JSON.parse(run.stdout.trim().split("\n").pop()!), rss: run.maxRssMiB };
    }]);
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
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const r of rows) {
    console.log(
      r.map((cell, i) => i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i])).join("  "),
    );
  }
  console.log(
    `\nMedians of ${values.runs} runs; peak RSS is the largest seen. Every copy byte-identical (cmp).`,
  );
} finally {
  await Deno.remove(work, { recursive: true });
}
