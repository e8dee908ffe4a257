// A mixed fleet on one study: 2 Deno and 2 Python worker processes optimize with TPE while
// Python enqueues 50 trials, on a journal file and on PostgreSQL. Every enqueued trial runs
// exactly once with its fixed parameters, no trial is lost or run twice, and Python and Deno
// list the same trials and parameters.
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { JournalFileStorage } from "../../storages/journal.ts";
import { PostgresStorage } from "../../storages/postgres.ts";
import type { StudyStorage } from "../../storages/types.ts";
import { createStudy } from "../../study/create_study.ts";
import { withDatabase } from "../_postgres.ts";
import { withTempDir } from "../_helpers.ts";
import { asPythonLists } from "../storages/_trial_model.ts";
import { postgresUrl, py, python, runWorker, SIDE } from "./_live.ts";

const WORKER = fileURLToPath(new URL("_fleet_worker.ts", import.meta.url));

const run = runWorker<number[]>;

async function fleet(spec: string, storage: StudyStorage): Promise<void> {
  const studyName = `fleet-${crypto.randomUUID()}`;
  const study = await createStudy({ storage, studyName });
  const denoWorker = (name: string, seed: number) =>
    run(Deno.execPath(), ["run", "--allow-all", WORKER, spec, studyName, name, String(seed)]);
  const pythonWorker = (name: string, seed: number) =>
    run(python.value, [SIDE, "fleet-worker", spec, studyName, name, String(seed)]);
  const [ranBy] = await Promise.all([
    Promise.all([
      denoWorker("deno-1", 1),
      denoWorker("deno-2", 2),
      pythonWorker("python-1", 3),
      pythonWorker("python-2", 4),
    ]),
    py("fleet-enqueue", spec, studyName, "50"),
  ]);
  const numbers = ranBy.flat();
  const trials = await study.trials();
  // No trial lost, none run twice: the workers' lists partition the study's trials.
  assert.deepEqual(numbers.toSorted((a, b) => a - b), trials.map((t) => t.number));
  assert.deepEqual(trials.map((t) => t.state).filter((s) => s !== "COMPLETE"), []);
  for (const [i, ran] of ranBy.entries()) {
    const name = ["deno-1", "deno-2", "python-1", "python-2"][i];
    for (const n of ran) assert.equal(trials[n].userAttrs.worker, name, `trial ${n}`);
  }
  // Every enqueued trial ran once, with the parameters Python fixed.
  const enqueued = trials.filter((t) => "i" in t.userAttrs);
  assert.deepEqual(enqueued.map((t) => t.userAttrs.i).toSorted((a, b) => +a! - +b!), [
    ...Array(50).keys(),
  ]);
  for (const t of enqueued) {
    const i = t.userAttrs.i as number;
    assert.deepEqual(t.params, { x: i / 10 - 2.5, n: i }, `enqueued ${i}`);
    assert.deepEqual(t.values, [(i / 10 - 2.5) ** 2 + i]);
  }
  // Python lists the same trials and parameters.
  const listing = trials.map(asPythonLists);
  await withTempDir(async (dir) => {
    await Deno.writeTextFile(join(dir, "deno.json"), JSON.stringify(listing));
    const checked = await py("params-check", spec, studyName, join(dir, "deno.json"));
    assert.deepEqual(checked.mismatches, []);
    assert.deepEqual(checked.listing, listing);
  });
  const byWorker = Object.fromEntries(
    ["deno-1", "deno-2", "python-1", "python-2"].map((name, i) => [
      name,
      `${ranBy[i].length} (${ranBy[i].filter((n) => "i" in trials[n].userAttrs).length} enqueued)`,
    ]),
  );
  console.log(`${trials.length} trials: ${JSON.stringify(byWorker)}`);
}

Deno.test({
  name: "2 Deno and 2 Python workers share a journal while Python enqueues 50 trials",
  ignore: python.ignore,
  async fn() {
    await withTempDir(async (dir) => {
      const journal = join(dir, "journal.log");
      await fleet(journal, new JournalFileStorage(journal));
    });
  },
});

Deno.test({
  name: "2 Deno and 2 Python workers share PostgreSQL while Python enqueues 50 trials",
  ignore: python.ignore || postgresUrl.ignore,
  async fn() {
    await withDatabase(postgresUrl.value, python.value, true, async (url) => {
      const storage = new PostgresStorage(url);
      try {
        await fleet(url, storage);
      } finally {
        await storage.close();
      }
    });
  },
});
