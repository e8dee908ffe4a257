// Node.js's built-in modules, taken when first used instead of imported. On Deno a static
// `import "node:fs"` starts Deno's Node.js layer in every process that loads the module: 8-16
// MiB of memory before the first call (an empty script 30 MiB, with node:fs and node:process
// 45), though Deno's own API does the work there. So the modules that Deno needs only on some
// paths, and Node.js and Bun always, come from here: `process.getBuiltinModule` (Node.js 22.3,
// Bun, Deno) loads one synchronously, without making the importer's module graph asynchronous.
import type * as Crypto from "node:crypto";
import type * as Fs from "node:fs";
import type * as FsPromises from "node:fs/promises";
import type * as Path from "node:path";
import type * as Process from "node:process";
import type * as StringDecoder from "node:string_decoder";
import type * as Timers from "node:timers";
import type * as Util from "node:util";

/** The built-in modules taken through {@linkcode nodeBuiltin}, by specifier. */
export interface NodeBuiltins {
  "node:crypto": typeof Crypto;
  "node:fs": typeof Fs;
  "node:fs/promises": typeof FsPromises;
  "node:path": typeof Path;
  "node:process": typeof Process;
  "node:string_decoder": typeof StringDecoder;
  "node:timers": typeof Timers;
  "node:util": typeof Util;
}

/** The built-in module `name`, loaded on the first call (the runtime caches it). */
export function nodeBuiltin<Name extends keyof NodeBuiltins>(name: Name): NodeBuiltins[Name] {
  const { process } = globalThis as unknown as {
    process: { getBuiltinModule(name: string): unknown };
  };
  return process.getBuiltinModule(name) as NodeBuiltins[Name];
}

/** Deno's namespace on Deno, else `undefined` (Node.js, Bun). */
export const deno: typeof Deno | undefined = (globalThis as { Deno?: typeof Deno }).Deno;

/** This process's id (`Deno.pid` on Deno, where node:process would start the Node.js layer). */
export function processId(): number {
  return deno ? deno.pid : nodeBuiltin("node:process").pid;
}

/** Whether this is Windows. */
export function isWindows(): boolean {
  return deno ? deno.build.os === "windows" : nodeBuiltin("node:process").platform === "win32";
}
