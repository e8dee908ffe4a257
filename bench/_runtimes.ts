// The runtimes that run optuna-deno's benchmark workers: Deno from the source, and Node.js and
// Bun from the package as JSR serves it to them (scripts/build_npm.mjs --tests, which builds the
// workers beside it), so that each runtime's rows come from the same worker files.
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** One runtime: its name and how it runs a worker of `bench/`. */
export interface Runtime {
  label: string;
  cmd: string;
  /** The arguments that run `worker` (a file name in bench/) before the worker's own. */
  args(worker: string): string[];
}

const here = (name: string) => fileURLToPath(new URL(name, import.meta.url));

/** Deno, running the worker from the source with every permission. */
export const deno: Runtime = {
  label: `Deno ${Deno.version.deno}`,
  cmd: Deno.execPath(),
  args: (worker) => ["run", "-A", here(worker)],
};

async function version(cmd: string): Promise<string> {
  const { stdout } = await new Deno.Command(cmd, { args: ["--version"] }).output();
  return new TextDecoder().decode(stdout).trim().replace(/^v/, "");
}

/**
 * Builds the package into `dir` (with its dependencies installed; `built`: it is there already)
 * and returns Node.js and Bun for the binaries given; none without them.
 */
export async function otherRuntimes(
  dir: string,
  binaries: { node?: string; bun?: string },
  built = false,
): Promise<Runtime[]> {
  if (!binaries.node && !binaries.bun) return [];
  if (!built) await buildInto(dir);
  const script = (worker: string) => [join(dir, "bench", worker.replace(/\.ts$/, ".js"))];
  const found: Runtime[] = [];
  if (binaries.node) {
    found.push({
      label: `Node.js ${await version(binaries.node)}`,
      cmd: binaries.node,
      args: script,
    });
  }
  if (binaries.bun) {
    found.push({ label: `Bun ${await version(binaries.bun)}`, cmd: binaries.bun, args: script });
  }
  return found;
}

async function buildInto(dir: string): Promise<void> {
  const build = async (cmd: string, args: string[], cwd?: string) => {
    const { code, stderr } = await new Deno.Command(cmd, { args, cwd, stdout: "null" }).output();
    if (code !== 0) {
      throw new Error(`${cmd} ${args.join(" ")}: ${new TextDecoder().decode(stderr)}`);
    }
  };
  await build(Deno.execPath(), [
    "run",
    "-A",
    "--lock=.deno.lock",
    here("../scripts/build_npm.mjs"),
    "--tests",
    dir,
  ]);
  await build("npm", ["install", "--no-audit", "--no-fund"], dir);
}
