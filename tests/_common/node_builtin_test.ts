// On Deno the main module and a journal listing run on Deno's own API: neither imports a `node:`
// module nor takes one through `process.getBuiltinModule`, either of which starts Deno's Node.js
// layer (10 MiB and more of memory in every process; see _common/node_builtin.ts).
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { FIXTURES, withTempDir } from "../_helpers.ts";
import { runtime } from "../_runtime.ts";

const ROOT = new URL("../../", import.meta.url);
const root = fileURLToPath(ROOT);
const ENTRIES = ["mod.ts", "storages/journal.ts"];

Deno.test({
  name: "The main module and the journal storage import no node: module for their code",
  ignore: runtime !== "deno",
  fn: async () => {
    const imported: string[] = [];
    for (const entry of ENTRIES) {
      const { stdout, code } = await new Deno.Command(Deno.execPath(), {
        args: ["info", "--json", `--lock=${join(root, ".deno.lock")}`, join(root, entry)],
        stderr: "null",
      }).output();
      assert.equal(code, 0, `deno info ${entry}`);
      const graph = JSON.parse(new TextDecoder().decode(stdout)) as {
        modules: { specifier: string; dependencies?: { specifier: string; code?: unknown }[] }[];
      };
      assert.ok(graph.modules.length > 10, `the graph of ${entry} has its modules`);
      for (const module of graph.modules) {
        for (const dependency of module.dependencies ?? []) {
          // A `code` entry is an import that runs; `import type` has a `type` entry only.
          if (dependency.specifier.startsWith("node:") && dependency.code) {
            imported.push(`${module.specifier.slice(ROOT.href.length)}: ${dependency.specifier}`);
          }
        }
      }
    }
    assert.deepEqual(imported, []);
  },
});

Deno.test({
  name: "A journal listing on Deno never reaches for node:process or a built-in module",
  ignore: runtime !== "deno",
  fn: async () => {
    await withTempDir(async (dir) => {
      const journal = join(dir, "journal.log");
      await Deno.copyFile(join(FIXTURES, "optuna-5.0.0", "interop.journal.log"), journal);
      // `globalThis.process` is how node_builtin.ts takes a module: a getter in front of it
      // records every use, before the module is imported.
      const script = `
        const original = Object.getOwnPropertyDescriptor(globalThis, "process");
        let touched = false;
        Object.defineProperty(globalThis, "process", {
          configurable: true,
          get() {
            touched = true;
            return original.get ? original.get.call(globalThis) : original.value;
          },
        });
        const { getAllArtifactMeta, getAllTrialsArtifactMeta } = await import(${
        JSON.stringify(new URL("mod.ts", ROOT).href)
      });
        const { JournalFileStorage } = await import(${
        JSON.stringify(new URL("storages/journal.ts", ROOT).href)
      });
        const storage = new JournalFileStorage(${JSON.stringify(journal)});
        const [study] = await storage.getAllStudies();
        let artifacts = (await getAllArtifactMeta({ studyId: study.studyId, storage })).length;
        for (const trial of await getAllTrialsArtifactMeta({ studyId: study.studyId, storage })) {
          artifacts += trial.artifacts.length;
        }
        console.log(JSON.stringify({ touched, artifacts }));
      `;
      const { stdout, stderr, code } = await new Deno.Command(Deno.execPath(), {
        args: ["eval", script],
      }).output();
      assert.equal(code, 0, new TextDecoder().decode(stderr));
      const result = JSON.parse(new TextDecoder().decode(stdout));
      const expected = JSON.parse(
        await Deno.readTextFile(join(FIXTURES, "optuna-5.0.0", "journal-expected.json")),
      ) as { study_artifacts: unknown[]; trials: { artifacts: unknown[] }[] };
      const count = expected.study_artifacts.length +
        expected.trials.reduce((sum, trial) => sum + trial.artifacts.length, 0);
      assert.deepEqual(result, { touched: false, artifacts: count });
    });
  },
});
