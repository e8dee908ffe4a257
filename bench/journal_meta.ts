/**
 * Benchmark: `getAllArtifactMeta` for every trial of a journal with 10,000 trials and 20,000
 * artifacts, cold, and again after another writer appended 100 lines, next to Python Optuna
 * loading the same journal and listing the same metadata (when `--python` has optuna).
 *
 * Then a journal whose one line is a 128 MiB attribute (`--long-line-mib`): replaying it is
 * linear in the line's length, next to Python.
 *
 * With `--node` and `--bun` (binaries), the same worker runs on Node.js and Bun too, from the
 * package as JSR serves it to them (built into `--build`, or here).
 *
 * Usage: deno run -A bench/journal_meta.ts [--trials 10000] [--runs 3] [--long-line-mib 128]
 *   [--python python3] [--node PATH] [--bun PATH] [--build DIR]
 *
 * @module
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { pythonJsonDumps } from "../_common/python_json.ts";
import { serializeArtifactMeta } from "../helpers/_meta_codec.ts";
import { measure, printTable } from "./_util.ts";
import { otherRuntimes } from "./_runtimes.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    trials: { type: "string", default: "10000" },
    runs: { type: "string", default: "3" },
    "long-line-mib": { type: "string", default: "128" },
    python: { type: "string", default: "python3" },
    node: { type: "string" },
    bun: { type: "string" },
    build: { type: "string" },
  },
});
const trials = Number(values.trials);
const runs = Number(values.runs);
const here = (name: string) => fileURLToPath(new URL(name, import.meta.url));
const work = await Deno.makeTempDir({ prefix: "optuna-deno-journal-bench-" });
const compact = { item: ",", key: ":" };
const worker = `${crypto.randomUUID()}-1`;
const line = (op: Record<string, unknown>) =>
  pythonJsonDumps({ ...op, worker_id: worker } as never, compact) + "\n";
const artifactLine = (trialId: number, n: number) => {
  const artifactId = crypto.randomUUID();
  const meta = serializeArtifactMeta({
    artifactId,
    filename: `trial-${trialId}-${n}.png`,
    mimetype: "image/png",
    encoding: null,
  });
  return line({
    op_code: 9,
    trial_id: trialId,
    system_attr: { [`artifacts:${artifactId}`]: meta },
  });
};

try {
  // The journal Python would write: per trial CREATE_TRIAL, 2 artifacts, COMPLETE.
  const lines = [line({ op_code: 0, study_name: "bench", directions: [1] })];
  const start = "2026-11-30T00:00:00.000000+00:00";
  for (let t = 0; t < trials; t++) {
    lines.push(line({ op_code: 4, study_id: 0, datetime_start: start }));
    lines.push(artifactLine(t, 0), artifactLine(t, 1));
    lines.push(line({ op_code: 6, trial_id: t, state: 1, values: [t], datetime_complete: start }));
  }
  const journal = join(work, "base.log");
  await Deno.writeTextFile(journal, lines.join(""));
  // 100 more lines: 25 new trials with 2 artifacts each, and their completion.
  const extra: string[] = [];
  for (let t = trials; t < trials + 25; t++) {
    extra.push(line({ op_code: 4, study_id: 0, datetime_start: start }));
    extra.push(artifactLine(t, 0), artifactLine(t, 1));
    extra.push(line({ op_code: 6, trial_id: t, state: 1, values: [t], datetime_complete: start }));
  }
  const extraPath = join(work, "extra.log");
  await Deno.writeTextFile(extraPath, extra.join(""));
  const size = (await Deno.stat(journal)).size / 1024 / 1024;
  console.log(
    `Journal: ${trials} trials, ${2 * trials} artifacts, ${lines.length} lines, ` +
      `${size.toFixed(1)} MiB; then +${extra.length} lines (Deno ${Deno.version.deno}; the ` +
      `median of ${runs} runs, the highest peak RSS)\n`,
  );

  // Each contender runs `--runs` times, each in a new process on a fresh copy: the run with
  // the median cold time is shown, with the highest peak RSS of all runs.
  const run = async (cmd: string, args: string[]) => {
    const results = [];
    for (let i = 0; i < runs; i++) {
      const path = join(work, `run-${crypto.randomUUID()}.log`);
      await Deno.copyFile(journal, path);
      const { json, rssMiB } = await measure(work, cmd, [...args, path, extraPath]);
      if (json.cold !== 2 * trials || json.warm !== 2 * trials + 50) {
        throw new Error(`${cmd} listed ${json.cold} then ${json.warm} artifacts`);
      }
      results.push({ ...json, rssMiB });
    }
    results.sort((a, b) => a.coldSeconds - b.coldSeconds);
    const median = results[Math.floor(results.length / 2)];
    return { ...median, rssMiB: Math.max(...results.map((r) => r.rssMiB)) };
  };

  const rows = [[
    "what",
    "cold load + list s",
    "re-read +100 lines s",
    "list again s",
    "peak RSS MiB",
  ]];
  const add = (name: string, r: Record<string, number>) =>
    rows.push([
      name,
      r.coldSeconds.toFixed(3),
      r.rereadSeconds.toFixed(4),
      r.warmSeconds.toFixed(3),
      r.rssMiB.toFixed(0),
    ]);
  add(
    "limit: read + JSON.parse of every line (Deno)",
    await run(Deno.execPath(), ["run", "--allow-read", here("_journal_parse_floor.ts")]),
  );
  for (const mode of ["per-trial", "one-read"]) {
    add(
      `optuna-deno JournalFileStorage, ${
        mode === "one-read" ? "getAllTrialsArtifactMeta" : "getAllArtifactMeta per trial"
      }`,
      await run(Deno.execPath(), [
        "run",
        "--allow-read",
        "--allow-write",
        here("_journal_meta_worker.ts"),
        mode,
      ]),
    );
  }
  // V8 grows its young generation (the semi-spaces) under a replay's allocations; capped at
  // 1 MiB (a flag of the process, not of the module), the peak is the model's size.
  add(
    "optuna-deno, getAllTrialsArtifactMeta, --v8-flags=--max-semi-space-size=1",
    await run(Deno.execPath(), [
      "run",
      "--allow-read",
      "--allow-write",
      "--v8-flags=--max-semi-space-size=1",
      here("_journal_meta_worker.ts"),
      "one-read",
    ]),
  );
  const runtimes = await otherRuntimes(
    values.build ?? join(work, "js"),
    { node: values.node, bun: values.bun },
    values.build !== undefined,
  );
  for (const runtime of runtimes) {
    add(
      `optuna-deno on ${runtime.label}, getAllTrialsArtifactMeta`,
      await run(runtime.cmd, [...runtime.args("_journal_meta_worker.ts"), "one-read"]),
    );
  }
  const hasOptuna = (await new Deno.Command(values.python!, {
    args: ["-c", "import optuna.artifacts"],
    stderr: "null",
  }).output().catch(() => ({ code: 1 }))).code === 0;
  if (hasOptuna) {
    const version = new TextDecoder().decode(
      (await new Deno.Command(values.python!, {
        args: ["-c", "import optuna; print(optuna.__version__)"],
      }).output()).stdout,
    ).trim();
    add(
      `Python Optuna ${version} JournalStorage, get_all_artifact_meta per trial`,
      await run(values.python!, [here("_optuna_journal_meta.py"), "per-trial"]),
    );
    add(
      `Python Optuna ${version} JournalStorage, get_trials + system_attrs`,
      await run(values.python!, [here("_optuna_journal_meta.py"), "one-read"]),
    );
  } else {
    console.log(`(${values.python} has no optuna.artifacts: Python baseline skipped)\n`);
  }
  printTable(rows);

  // One long line: an attribute of --long-line-mib MiB.
  const longMiB = Number(values["long-line-mib"]);
  const longJournal = join(work, "long.log");
  const file = await Deno.open(longJournal, { write: true, create: true });
  try {
    const encoder = new TextEncoder();
    await file.write(encoder.encode(line({ op_code: 0, study_name: "long", directions: [1] })));
    await file.write(encoder.encode(
      `{"op_code":3,"worker_id":"${worker}","study_id":0,"system_attr":{"long":"`,
    ));
    const chunk = encoder.encode("0123456789abcdef".repeat(65536)); // 1 MiB
    for (let i = 0; i < longMiB; i++) await file.write(chunk);
    await file.write(encoder.encode('"}}\n'));
  } finally {
    file.close();
  }
  console.log(`\nJournal with one ${longMiB} MiB line\n`);
  const longRows = [["what", "replay + read s", "wall s", "peak RSS MiB"]];
  const longRun = async (name: string, cmd: string, args: string[]) => {
    const { json, wall, rssMiB } = await measure(work, cmd, [...args, longJournal]);
    if (json.length !== longMiB * 1024 * 1024) throw new Error(`${name} read ${json.length}`);
    longRows.push([name, json.seconds.toFixed(2), wall.toFixed(2), rssMiB.toFixed(0)]);
  };
  await longRun("optuna-deno JournalFileStorage", Deno.execPath(), [
    "run",
    "--allow-read",
    here("_journal_long_line_worker.ts"),
  ]);
  if (hasOptuna) {
    await longRun("Python Optuna JournalStorage", values.python!, [
      here("_optuna_journal_long_line.py"),
    ]);
  }
  printTable(longRows);
} finally {
  await Deno.remove(work, { recursive: true });
}
