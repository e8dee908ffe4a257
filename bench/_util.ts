// Shared pieces of the benchmark scripts: test files, measured child processes, tables.
import { join } from "node:path";

/** Writes `sizeMiB` MiB of incompressible bytes to `path`, 8 MiB blocks that all differ. */
export async function writeRandomFile(path: string, sizeMiB: number): Promise<void> {
  const file = await Deno.open(path, { write: true, create: true, truncate: true });
  try {
    const block = new Uint8Array(8 * 1024 * 1024);
    for (let i = 0; i < sizeMiB / 8; i++) {
      for (let j = 0; j < block.length; j += 65536) {
        crypto.getRandomValues(block.subarray(j, j + 65536));
      }
      await file.write(block);
    }
  } finally {
    file.close();
  }
}

/**
 * What one measured process did: wall seconds, peak RSS, CPU seconds in user space and in the
 * kernel (its page faults and copies into the page cache among them), and its last JSON line.
 */
export interface Measured {
  wall: number;
  rssMiB: number;
  userSeconds: number;
  systemSeconds: number;
  stdout: string;
  // deno-lint-ignore no-explicit-any
  json: any;
}

/** Runs a command under GNU time (`/usr/bin/time`): wall time, peak RSS and CPU of the process. */
export async function measure(workDir: string, cmd: string, args: string[]): Promise<Measured> {
  const timeFile = join(workDir, `time-${crypto.randomUUID()}.txt`);
  // Wall time from here (GNU time's %e has a 10 ms resolution, which rounds a small copy to 0).
  const start = performance.now();
  const { code, stdout, stderr } = await new Deno.Command("/usr/bin/time", {
    args: ["-f", "%M %U %S", "-o", timeFile, cmd, ...args],
    env: { DENO_NO_UPDATE_CHECK: "1" },
  }).output();
  const wall = (performance.now() - start) / 1000;
  if (code !== 0) throw new Error(`${cmd} failed: ${new TextDecoder().decode(stderr)}`);
  // The last line: GNU time puts a note about a signal or an exit status above it.
  const [rssKiB, userSeconds, systemSeconds] = (await Deno.readTextFile(timeFile)).trim()
    .split("\n").at(-1)!.split(" ").map(Number);
  await Deno.remove(timeFile);
  const text = new TextDecoder().decode(stdout);
  const last = text.trim().split("\n").at(-1) ?? "";
  return {
    wall,
    rssMiB: rssKiB / 1024,
    userSeconds,
    systemSeconds,
    stdout: text,
    json: last.startsWith("{") ? JSON.parse(last) : undefined,
  };
}

/** Whether two files hold the same bytes (`cmp`). */
export async function sameBytes(a: string, b: string): Promise<boolean> {
  return (await new Deno.Command("cmp", { args: ["-s", a, b] }).output()).code === 0;
}

/** Prints rows as a table: the first `textColumns` columns left-aligned, numbers right-aligned. */
export function printTable(rows: string[][], textColumns = 1): void {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const row of rows) {
    console.log(
      row.map((cell, i) => i < textColumns ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))
        .join("  "),
    );
  }
}

/** The Optuna version of `python` when it imports every module of `modules`, else undefined. */
export async function pythonVersion(
  python: string,
  modules: string[],
): Promise<string | undefined> {
  const script = `import ${modules.join(", ")}; import optuna; print(optuna.__version__)`;
  try {
    const { code, stdout } = await new Deno.Command(python, {
      args: ["-c", script],
      stderr: "null",
    }).output();
    return code === 0 ? new TextDecoder().decode(stdout).trim() : undefined;
  } catch {
    return undefined; // no such program
  }
}
