/**
 * Benchmark: upload + download of one large file through FileSystemArtifactStore, next to
 * `cp` (twice: in and out) and, when `python3 -c "import optuna"` works, Python Optuna's own
 * FileSystemArtifactStore, in one run. Prints wall time, throughput and peak RSS of each, and
 * checks every copy byte for byte.
 *
 * Usage: deno task bench [--size-mib 1024] [--dir /path/on/the/disk/to/test] [--python python3]
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
  const gib = sizeMiB / 1024;
  console.log(`Round trip of ${sizeMiB} MiB on ${work} (Deno ${Deno.version.deno})\n`);

  const rows: string[][] = [["what", "upload s", "download s", "total s", "MiB/s", "peak RSS MiB"]];
  const row = (what: string, up: number, down: number, rss: number) =>
    rows.push([
      what,
      up.toFixed(2),
      down.toFixed(2),
      (up + down).toFixed(2),
      ((2 * sizeMiB) / (up + down)).toFixed(0),
      rss.toFixed(1),
    ]);

  const cpDir = await fresh("cp");
  const cpIn = await measure("cp", [source, join(cpDir, "in")]);
  const cpOut = await measure("cp", [join(cpDir, "in"), join(cpDir, "out")]);
  if (!await sameBytes(source, join(cpDir, "out"))) throw new Error("cp copy differs");
  row("cp (in, then out)", cpIn.wall, cpOut.wall, Math.max(cpIn.maxRssMiB, cpOut.maxRssMiB));

  const denoDir = await fresh("deno");
  await Deno.mkdir(join(denoDir, "store"));
  const deno = await measure(Deno.execPath(), [
    "run",
    "--allow-read",
    "--allow-write",
    here("_filesystem_worker.ts"),
    source,
    join(denoDir, "store"),
    join(denoDir, "out"),
  ]);
  const denoTimes = JSON.parse(deno.stdout);
  if (!await sameBytes(source, join(denoDir, "out"))) throw new Error("Deno copy differs");
  row("optuna-deno FileSystemArtifactStore", denoTimes.upload, denoTimes.download, deno.maxRssMiB);

  const hasOptuna =
    (await new Deno.Command(values.python!, { args: ["-c", "import optuna"], stderr: "null" })
      .output().catch(() => ({ code: 1 }))).code === 0;
  if (hasOptuna) {
    const pyDir = await fresh("python");
    await Deno.mkdir(join(pyDir, "store"));
    const py = await measure(values.python!, [
      here("_optuna_filesystem.py"),
      source,
      join(pyDir, "store"),
      join(pyDir, "out"),
    ]);
    const pyTimes = JSON.parse(py.stdout.trim().split("\n").pop()!);
    if (!await sameBytes(source, join(pyDir, "out"))) throw new Error("Python copy differs");
    const version = new TextDecoder().decode(
      (await new Deno.Command(values.python!, {
        args: ["-c", "import optuna; print(optuna.__version__)"],
      }).output()).stdout,
    ).trim();
    row(
      `Python Optuna ${version} FileSystemArtifactStore`,
      pyTimes.upload,
      pyTimes.download,
      py.maxRssMiB,
    );
  } else {
    console.log(`(${values.python} has no optuna: Python baseline skipped)`);
  }

  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const r of rows) {
    console.log(
      r.map((cell, i) => i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i])).join("  "),
    );
  }
  console.log(`\nAll copies byte-identical (cmp). ${gib.toFixed(2)} GiB each way.`);
} finally {
  await Deno.remove(work, { recursive: true });
}
