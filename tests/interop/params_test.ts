// Live parameters both ways with Python Optuna 5.0.0, on a journal, SQLite, PostgreSQL and
// Optuna's gRPC proxy: Deno reads the trials Python's TPE ran exactly as Python lists them, and
// Python reads Deno's trials with params and distributions `==` to Deno's.
import assert from "node:assert/strict";
import { join } from "node:path";
import { createStudy, loadStudy } from "../../study/create_study.ts";
import { TPESampler } from "../../samplers/tpe_sampler.ts";
import { withTempDir } from "../_helpers.ts";
import { asPythonLists } from "../storages/_trial_model.ts";
import { kinds, py } from "./_live.ts";

for (const kind of kinds) {
  Deno.test({
    name: `Python's and Deno's parameters are read the same by both on ${kind.name}`,
    ignore: kind.ignore,
    async fn() {
      await withTempDir(async (dir) => {
        const where = await kind.spec(dir);
        // Python -> Deno: every field as Python lists it (Python creates the schema first).
        const pythonName = `python-params-${crypto.randomUUID()}`;
        const written = await py("params-write", where, pythonName);
        const { storage, close } = kind.open(where);
        try {
          const fromPython = await loadStudy({ storage, studyName: pythonName });
          const read = (await fromPython.trials()).map(asPythonLists);
          assert.deepEqual(read, written);
          assert.equal(written.length, 9);
          assert.deepEqual(read[0].params, { ...written[0].params, x: 2.5, c: "sgd" });

          // Deno -> Python: TPE in Deno, an enqueued trial, reports and attributes.
          const denoName = `deno-params-${crypto.randomUUID()}`;
          const study = await createStudy({
            storage,
            studyName: denoName,
            sampler: new TPESampler({ seed: 4, nStartupTrials: 3 }),
          });
          await study.enqueueTrial({ x: -3, c: null }, { userAttrs: { source: "deno enqueue" } });
          await study.optimize(async (trial) => {
            const x = await trial.suggestFloat("x", -10, 10);
            const lr = await trial.suggestFloat("lr", 1e-5, 1e-1, { log: true });
            const units = await trial.suggestInt("units", 1, 1024, { log: true });
            const n = await trial.suggestInt("n", 1, 9, { step: 2 });
            const drop = await trial.suggestFloat("drop", 0, 0.5, { step: 0.1 });
            const c = await trial.suggestCategorical("c", ["adam", "sgd", null, true, 1.5]);
            await trial.report(x * x, 0);
            await trial.report(Infinity, 1);
            await trial.setUserAttr("deno", { n });
            return x * x + lr + units / 1024 + n + drop + (c === "sgd" ? 1 : 0);
          }, { nTrials: 6 });
          const listing = (await study.trials()).map(asPythonLists);
          await Deno.writeTextFile(join(dir, "deno.json"), JSON.stringify(listing));
          // Behind the gRPC proxy, Python reads through it and from the database directly.
          for (const spec of [where, kind.direct?.(dir)].filter((s) => s !== undefined)) {
            const checked = await py("params-check", spec, denoName, join(dir, "deno.json"));
            assert.deepEqual(checked.mismatches, [], spec);
            assert.deepEqual(checked.listing, listing);
            assert.deepEqual(checked.best_params, await study.bestParams());
          }
          assert.deepEqual(listing[0].params.x, -3);
        } finally {
          await close();
          await kind.dispose?.(dir);
        }
      });
    },
  });
}
