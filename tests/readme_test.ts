// A newcomer's path through the README, as printed: the deno.json of "Import it", the program
// of "Quick start" and the command under it, run in an empty folder beside a link to this
// repository named as the README names it.
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { withTempDir } from "./_helpers.ts";

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
  const [command] = blocks(section("Quick start"), "sh");
  const mapped = JSON.parse(config).imports["@optuna-deno/artifacts"];
  assert.match(mapped, /^\.\/optuna-deno\//);
  const args = command.trim().split(/\s+/);
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
    await Deno.stat(join(ROOT, link)); // throws NotFound for a broken link
  }
  const config = JSON.parse(await Deno.readTextFile(join(ROOT, "deno.json")));
  for (const key of Object.keys(config.exports)) {
    const path = key === "." ? "`.`" : `\`${key}\``;
    assert.ok(section("Where the rest is").includes(`| ${path}`), `${key} is not in the table`);
  }
});
