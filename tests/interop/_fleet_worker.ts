// A Deno worker of the mixed-fleet test: optimizes a shared study (journal file or PostgreSQL
// URL) with TPE, at least 20 trials and until the Python enqueuer is done and no trial is
// WAITING, then prints the numbers of the trials it ran as JSON. Usage: _fleet_worker.ts STORAGE STUDY NAME SEED
import { JournalFileStorage } from "../../storages/journal.ts";
import { loadStudy } from "../../study/create_study.ts";
import { TPESampler } from "../../samplers/tpe_sampler.ts";

const [spec, studyName, name, seed] = Deno.args;
const storage = spec.startsWith("postgresql://")
  ? new (await import("../../storages/postgres.ts")).PostgresStorage(spec)
  : new JournalFileStorage(spec);
const study = await loadStudy({ storage, studyName, sampler: new TPESampler({ seed: +seed }) });
const ran: number[] = [];
await study.optimize(async (trial) => {
  ran.push(trial.number);
  await trial.setUserAttr("worker", name);
  const x = await trial.suggestFloat("x", -10, 10);
  const n = await trial.suggestInt("n", 0, 100);
  return x * x + n;
}, {
  nTrials: 300,
  callbacks: [async (study) => {
    // At least 20 trials each, so that every worker overlaps the enqueuing.
    const done = ran.length >= 20 && (await study.userAttrs()).enqueued === 50;
    if (done && (await study.getTrials({ states: ["WAITING"] })).length === 0) study.stop();
  }],
});
await (storage as { close?(): Promise<void> }).close?.();
console.log(JSON.stringify(ran));
