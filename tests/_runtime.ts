// The runtime that runs the tests (Deno, or Node.js and Bun through .ci/runtimes.sh), and the
// command lines that start a program of the module's in that same runtime: a kill -9 or a
// stopped lock holder then tests that runtime's own file code.
import process from "node:process";

/** The runtime running this test file. */
export const runtime: "deno" | "node" | "bun" = navigator.userAgent.startsWith("Deno/")
  ? "deno"
  : "Bun" in globalThis
  ? "bun"
  : "node";

/**
 * The URL of a module of the repository for a script a test starts: the `.ts` source on Deno,
 * the built `.js` beside this file on Node.js and Bun.
 */
export function moduleUrl(path: string, base: string | URL): string {
  const url = new URL(path, base).href;
  return runtime === "deno" ? url : url.replace(/\.ts$/, ".js");
}

/** The command line that runs `script`, an ES module's source, in this runtime. */
export function evalArgv(script: string): string[] {
  if (runtime === "deno") return [process.execPath, "eval", script];
  if (runtime === "bun") return [process.execPath, "-e", script];
  return [process.execPath, "--input-type=module", "-e", script];
}

/** The command line that runs the module file `url` (a {@linkcode moduleUrl}) with `args`. */
export function runArgv(url: string, ...args: string[]): string[] {
  const path = new URL(url).pathname;
  if (runtime === "deno") return [process.execPath, "run", "--allow-all", path, ...args];
  return [process.execPath, path, ...args];
}
