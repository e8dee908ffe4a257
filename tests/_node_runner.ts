// Runs test files built for Node.js or Bun (scripts/build_npm.mjs) one after another, as
// `deno test` runs them, and prints Deno's summary line ("ok | N passed | N failed"), which
// .ci/run counts.
// Usage: node tests/_node_runner.js [--filter text] file.js...
import process from "node:process";
import { pathToFileURL } from "node:url";
import { performance } from "node:perf_hooks";
import { registered, type TestContext } from "./_node_deno.ts";

// The library under test must find no `Deno` global: the test files get theirs as a module.
if ("Deno" in globalThis) {
  throw new Error("This runner is for Node.js and Bun; on Deno, run deno task test");
}

// The tests stop their servers on "unload", a Deno event; here it is the process's exit. Bun has
// a global addEventListener of its own, which never sends "unload": the wrapper takes that type.
const unload: Array<() => void> = [];
const target = globalThis as unknown as { addEventListener?: (...args: unknown[]) => void };
const addEventListener = target.addEventListener;
target.addEventListener = (type: unknown, listener: unknown, ...rest: unknown[]) => {
  if (type === "unload") unload.push(listener as () => void);
  else addEventListener?.call(globalThis, type, listener, ...rest);
};
process.on("exit", () => unload.forEach((listener) => listener()));

// A test that hangs fails instead of holding the run.
const TEST_TIMEOUT_MS = 10 * 60 * 1000;

const args = process.argv.slice(2);
const filterAt = args.indexOf("--filter");
const filter = filterAt >= 0 ? args.splice(filterAt, 2)[1] : undefined;
const runtime = "Bun" in globalThis ? `Bun ${process.versions.bun}` : `Node.js ${process.version}`;

let passed = 0;
let failed = 0;
let ignored = 0;
const failures: string[] = [];

function context(name: string): TestContext {
  return {
    name,
    async step(nameOrDef: unknown, fn?: (t: TestContext) => unknown) {
      const def = typeof nameOrDef === "string"
        ? { name: nameOrDef, fn: fn! }
        : nameOrDef as { name: string; fn: (t: TestContext) => unknown; ignore?: boolean };
      if ((def as { ignore?: boolean }).ignore) return false;
      await def.fn(context(`${name} > ${def.name}`));
      return true;
    },
  };
}

async function runOne(name: string, fn: (t: TestContext) => unknown): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`timed out after ${TEST_TIMEOUT_MS} ms`)),
      TEST_TIMEOUT_MS,
    );
  });
  try {
    await Promise.race([fn(context(name)), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const started = performance.now();
for (const file of args) {
  const from = registered.length;
  await import(pathToFileURL(file).href);
  const tests = registered.slice(from);
  console.log(`running ${tests.length} tests from ${file} (${runtime})`);
  for (const { name, fn, ignore } of tests) {
    if (filter && !name.includes(filter)) continue;
    if (ignore) {
      ignored++;
      console.log(`${name} ... ignored`);
      continue;
    }
    const start = performance.now();
    try {
      await runOne(name, fn);
      passed++;
      console.log(`${name} ... ok (${Math.round(performance.now() - start)}ms)`);
    } catch (error) {
      failed++;
      failures.push(`${file}: ${name}\n${(error as Error)?.stack ?? error}`);
      console.log(`${name} ... FAILED (${Math.round(performance.now() - start)}ms)`);
    }
  }
}
for (const failure of failures) console.log(`\nFAILURE ${failure}`);
const seconds = Math.round((performance.now() - started) / 1000);
const verdict = failed ? "FAILED" : "ok";
console.log(
  `\n${verdict} | ${passed} passed | ${failed} failed | ${ignored} ignored (${seconds}s, ${runtime})`,
);
// Servers and SDK clients keep handles open; the run is over.
process.exit(failed ? 1 : 0);
