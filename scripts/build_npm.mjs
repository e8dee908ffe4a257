// Builds the package as JSR serves it to Node.js and Bun, into a folder that `npm install` and
// `bun add` take: each .ts file transpiled to .js (esbuild), `npm:name@range/sub` imports
// rewritten to `name/sub` and `./x.ts` to `./x.js`, and a package.json whose exports are
// deno.json's and whose dependencies are the versions .deno.lock pins. No type declarations:
// the package on JSR has them.
//
// With --tests (CI, .ci/runtimes.sh; the benchmarks), the tests and the benchmark workers are
// built beside it, and each test file that
// uses `Deno` gets the module-local one of tests/_node_deno.ts, so the library itself runs with
// no `Deno` global.
//
// Usage: deno task npm [--tests] [folder]   (default folder: npm)
import { mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import process from "node:process";
// deno-lint-ignore no-import-prefix -- a build tool stays out of the package's imports
import { transform } from "npm:esbuild@0.25.12";

const args = process.argv.slice(2);
const withTests = args.includes("--tests");
const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const out = resolve(args.find((arg) => !arg.startsWith("--")) ?? join(root, "npm"));

// What is not the package: tooling, benchmarks, docs, examples (they run on Deno) and the
// build's own output.
const SKIP = new Set([
  ".git",
  ".ci",
  "node_modules",
  "bench",
  "docs",
  "examples",
  "scripts",
  "npm",
]);
// Servers and browsers that the tests start under Deno, not imports of the package.
const NOT_DEPENDENCIES = new Set(["firebase-tools", "puppeteer-core", "s3rver", "@types/node"]);
const SPECIFIER = /(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(["'])([^"'\n]+)\2/g;

function rewrite(specifier) {
  const npm = /^npm:((?:@[^/@]+\/)?[^/@]+)(?:@[^/]*)?(\/.*)?$/.exec(specifier);
  if (npm) return npm[1] + (npm[2] ?? "");
  if (/^\.\.?\//.test(specifier) && specifier.endsWith(".ts")) {
    return `${specifier.slice(0, -3)}.js`;
  }
  return specifier;
}

async function build(dir) {
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const testsOnly = path === "tests" || path === "bench";
    if ((SKIP.has(entry.name) && !(withTests && path === "bench")) || (!withTests && testsOnly)) {
      continue;
    }
    if (path === "tests/testdata") {
      symlinkSync(join(root, path), join(out, path)); // the fixtures, linked whole
    } else if (entry.isDirectory()) {
      mkdirSync(join(out, path), { recursive: true });
      await build(path);
    } else if (entry.name.endsWith(".ts")) {
      const source = readFileSync(join(root, path), "utf8");
      let { code } = await transform(source, { loader: "ts", format: "esm", target: "es2022" });
      code = code.replace(
        SPECIFIER,
        (_, head, q, specifier) => `${head}${q}${rewrite(specifier)}${q}`,
      );
      if (path.startsWith("tests/") && !path.startsWith("tests/_node_") && /\bDeno\./.test(code)) {
        let shim = relative(dirname(path), "tests/_node_deno.js");
        if (!shim.startsWith(".")) shim = `./${shim}`;
        code = `import { Deno } from "${shim}";\n${code}`;
      }
      writeFileSync(join(out, `${path.slice(0, -3)}.js`), code);
    } else if (entry.isFile() && /^(tests|bench)\//.test(path)) {
      symlinkSync(join(root, path), join(out, path)); // Python helpers, the emulator's script
    }
  }
}

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
await build(".");

const deno = JSON.parse(readFileSync(join(root, "deno.json"), "utf8"));
const lock = JSON.parse(readFileSync(join(root, ".deno.lock"), "utf8"));
const dependencies = {};
for (const [specifier, resolved] of Object.entries(lock.specifiers)) {
  const name = /^npm:((?:@[^/@]+\/)?[^/@]+)/.exec(specifier)?.[1];
  if (name && name !== "esbuild" && !NOT_DEPENDENCIES.has(name)) {
    dependencies[name] = resolved.split("_")[0];
  }
}
const exports = Object.fromEntries(
  Object.entries(deno.exports).map(([key, path]) => [key, path.replace(/\.ts$/, ".js")]),
);
const manifest = {
  name: deno.name,
  version: deno.version,
  license: deno.license,
  type: "module",
  exports,
  engines: { node: ">=22.5" },
  dependencies,
};
writeFileSync(join(out, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
writeFileSync(join(out, "LICENSE"), readFileSync(join(root, "LICENSE")));
console.log(`Built ${deno.name}@${deno.version} for Node.js and Bun in ${out}`);
