// The command line, run as a subprocess, against Python-written fixtures and a fresh journal.
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { FIXTURES, sha256, withTempDir, xxh128 } from "../_helpers.ts";
import type { JsonValue } from "../../storages/types.ts";
import { JournalFileStorage } from "../../storages/journal.ts";
import { FileSystemArtifactStore } from "../../stores/filesystem.ts";
import { createStudy } from "../../study/create_study.ts";
import { uploadArtifact } from "../../helpers/upload_artifact.ts";

const CLI = fileURLToPath(new URL("../../cli/mod.ts", import.meta.url));
const V5 = join(FIXTURES, "optuna-5.0.0");

async function cli(args: string[], cwd?: string) {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", CLI, ...args],
    cwd,
    env: { NO_COLOR: "1" },
    stdin: "null",
  }).output();
  return {
    code,
    stdout: new TextDecoder().decode(stdout),
    bytes: stdout,
    stderr: new TextDecoder().decode(stderr),
  };
}

const fixture = [
  "--storage",
  join(V5, "interop.journal.log"),
  "--store",
  join(V5, "journal-artifacts"),
];

Deno.test("cli ls --all-trials --json lists what Python's get_all_artifact_meta lists", async () => {
  const expected = JSON.parse(await Deno.readTextFile(join(V5, "journal-expected.json")));
  const { code, stdout } = await cli(["ls", "--all-trials", "--json", ...fixture]);
  assert.equal(code, 0);
  const rows = JSON.parse(stdout);
  // Python's parameters, from its op 5 lines (trial ids are the numbers in this journal).
  const params: Record<number, Record<string, number>> = {};
  for (const line of (await Deno.readTextFile(fixture[1])).trim().split("\n")) {
    const op = JSON.parse(line);
    if (op.op_code === 5) params[op.trial_id] = { [op.param_name]: op.param_value_internal };
  }
  assert.equal(Object.keys(params).length, 3);
  const want = [
    ...expected.study_artifacts.map((m: object) => ({
      ...m,
      trial: null,
      state: null,
      values: null,
      params: null,
    })),
    ...expected.trials.flatMap((t: { artifacts: object[]; number: number; state: string }) =>
      t.artifacts.map((m) => ({
        ...m,
        trial: t.number,
        state: t.state,
        values: t.state === "COMPLETE" ? [1.5] : null,
        params: params[t.number],
      }))
    ),
  ];
  const key = (r: { artifact_id: string }) => r.artifact_id;
  assert.deepEqual(
    rows.map((r: Record<string, unknown>) => ({ ...r })).sort((a: never, b: never) =>
      key(a).localeCompare(key(b))
    ),
    want.sort((a, b) => key(a).localeCompare(key(b))),
  );
});

Deno.test("cli ls prints a table of the study's (or one trial's) artifacts", async () => {
  const study = await cli(["ls", ...fixture]);
  assert.equal(study.code, 0);
  assert.match(
    study.stdout,
    /^ID\s+FILENAME\s+MIMETYPE\s+ENCODING\s+TRIAL\s+STATE\s+VALUES\s+PARAMS\n/,
  );
  assert.match(
    study.stdout,
    /82e3178a-b55c-4038-b3f4-16a75d234aa8\s+study-notes\.txt\s+text\/plain\s+-\s+study/,
  );
  const trial = await cli(["ls", "--trial", "0", ...fixture]);
  assert.match(
    trial.stdout,
    /log\.txt\.gz\s+text\/plain\s+gzip\s+0\s+COMPLETE\s+1\.5\s+x=-9\.76088930186589\n/,
  );
  assert.equal(trial.stdout.trim().split("\n").length, 3);
});

Deno.test("cli get writes one artifact to a file, to stdout, or a trial's artifacts to a folder", async () => {
  await withTempDir(async (dir) => {
    const input = await Deno.readFile(join(V5, "inputs", "model.json"));
    const toFile = await cli(["get", "d3da56e1-f417-4d75-9204-e562403f9ac0", ...fixture], dir);
    assert.equal(toFile.code, 0, toFile.stderr);
    assert.equal(sha256(await Deno.readFile(join(dir, "model.json"))), sha256(input));

    const toStdout = await cli([
      "get",
      "d3da56e1-f417-4d75-9204-e562403f9ac0",
      "-o",
      "-",
      ...fixture,
    ]);
    assert.equal(sha256(toStdout.bytes), sha256(input));

    const all = await cli(["get", "--trial", "0", "--all", "-o", join(dir, "trial0"), ...fixture]);
    assert.equal(all.code, 0, all.stderr);
    assert.deepEqual(
      (await Array.fromAsync(Deno.readDir(join(dir, "trial0")))).map((e) => e.name).sort(),
      [
        "log.txt.gz",
        "model.json",
      ],
    );
    assert.equal(
      sha256(await Deno.readFile(join(dir, "trial0", "log.txt.gz"))),
      sha256(await Deno.readFile(join(V5, "inputs", "log.txt.gz"))),
    );
  });
});

Deno.test("cli get refuses an existing output file (exit 1) and leaves it unchanged", async () => {
  await withTempDir(async (dir) => {
    await Deno.writeTextFile(join(dir, "model.json"), "mine");
    const result = await cli(["get", "d3da56e1-f417-4d75-9204-e562403f9ac0", ...fixture], dir);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^optuna-artifacts: Cannot download artifact .* already exists/);
    assert.doesNotMatch(result.stderr, /\n\s+at /); // no stack trace
    assert.equal(await Deno.readTextFile(join(dir, "model.json")), "mine");
  });
});

Deno.test("cli put, ls and rm work on a fresh journal, and refuse a finished trial", async () => {
  await withTempDir(async (dir) => {
    const journal = join(dir, "journal.log");
    await Deno.copyFile(join(V5, "interop.journal.log"), journal);
    await Deno.mkdir(join(dir, "store"));
    const target = ["--storage", journal, "--store", join(dir, "store")];
    await Deno.writeTextFile(join(dir, "a.csv"), "x\n1\n");
    await Deno.writeTextFile(join(dir, "b.txt"), "b");

    const put = await cli([
      "put",
      join(dir, "a.csv"),
      join(dir, "b.txt"),
      "--trial",
      "1",
      "--json",
      ...target,
    ]);
    assert.equal(put.code, 0, put.stderr);
    const uploaded = JSON.parse(put.stdout);
    assert.equal(uploaded.length, 2);

    const listed = JSON.parse((await cli(["ls", "--trial", "1", "--json", ...target])).stdout);
    assert.deepEqual(
      listed.slice(1).map((r: { filename: string; mimetype: string }) => [r.filename, r.mimetype]),
      [
        ["a.csv", "text/csv"],
        ["b.txt", "text/plain"],
      ],
    );

    const finished = await cli(["put", join(dir, "a.csv"), "--trial", "0", ...target]);
    assert.equal(finished.code, 1);
    assert.match(finished.stderr, /has already finished \(state COMPLETE\)/);

    const rm = await cli(["rm", uploaded[0].artifact_id, ...target]);
    assert.equal(rm.code, 0, rm.stderr);
    const after = JSON.parse((await cli(["ls", "--trial", "1", "--json", ...target])).stdout);
    assert.deepEqual(after.map((r: { filename: string }) => r.filename), [
      "running-ckpt.bin",
      "b.txt",
    ]);
    await assert.rejects(
      Deno.stat(join(dir, "store", uploaded[0].artifact_id)),
      Deno.errors.NotFound,
    );

    const again = await cli(["rm", uploaded[0].artifact_id, ...target]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /Cannot find artifact/);
  });
});

Deno.test("cli reports user mistakes in one line with exit codes 1 and 2", async () => {
  await withTempDir(async (dir) => {
    const cases: Array<[string[], number, RegExp]> = [
      [[], 2, /Give a command/],
      [["frobnicate", ...fixture], 2, /Unknown command "frobnicate"/],
      [["ls", "--store", "x"], 2, /--storage/],
      [["ls", "--bogus", ...fixture], 2, /Unknown option '--bogus'/],
      [["ls", "--trial", "x", ...fixture], 2, /Cannot read the trial number "x"/],
      [["ls", "--trial=", ...fixture], 2, /Cannot read the trial number ""/],
      [["ls", "--trial=0x1", ...fixture], 2, /Cannot read the trial number "0x1"/],
      [["ls", "--trial=1e0", ...fixture], 2, /Cannot read the trial number "1e0"/],
      [["ls", "--trial=99999999999999999999", ...fixture], 2, /Cannot read the trial number/],
      [["ls", "--storage", fixture[1], "--store", "file:"], 2, /give its folder, file:DIR/],
      [["sweep", "--store", dir, "--older-than", "soon"], 2, /Cannot read the duration "soon"/],
      [["ls", "--study", "nope", ...fixture], 1, /Cannot find a study with name "nope"/],
      [["ls", "--trial", "9", ...fixture], 1, /Cannot find a trial with number 9/],
      [
        ["ls", "--storage", join(dir, "missing.log"), "--store", dir],
        1,
        /Cannot find the journal file/,
      ],
      [["put", join(dir, "missing.bin"), ...fixture], 1, /missing\.bin": the file does not exist/],
      [["get", "not-an-artifact", ...fixture], 1, /Cannot find artifact "not-an-artifact"/],
      [["ls", "--storage", "redis://x", "--store", dir], 2, /Cannot use the storage "redis:\/\/x"/],
      [
        ["ls", "--storage", `sqlite:///${join(dir, "missing.db")}`, "--store", dir],
        1,
        /missing\.db": the file does not exist; Python Optuna creates it/,
      ],
    ];
    for (const [args, code, message] of cases) {
      const result = await cli(args, dir);
      assert.equal(result.code, code, `${args.join(" ")}: ${result.stderr}`);
      assert.match(result.stderr, message, args.join(" "));
      assert.doesNotMatch(result.stderr, /\n\s+at /, args.join(" "));
    }
  });
});

Deno.test("cli --help prints the usage and exits 0", async () => {
  const { code, stdout } = await cli(["--help"]);
  assert.equal(code, 0);
  assert.match(stdout, /^Usage: optuna-artifacts <command>/);
});

/** A journal with one RUNNING trial whose artifacts carry the given recorded file names. */
async function craftedJournal(dir: string, filenames: string[]) {
  const store = join(dir, "store");
  await Deno.mkdir(store);
  const lines = [
    { op_code: 0, worker_id: "w", study_name: "crafted", directions: [1] },
    { op_code: 4, worker_id: "w", study_id: 0, datetime_start: "2026-11-30T00:00:00.000000" },
  ];
  const ids: string[] = [];
  for (const [i, filename] of filenames.entries()) {
    const artifactId = `00000000-0000-4000-8000-00000000000${i}`;
    ids.push(artifactId);
    await Deno.writeTextFile(join(store, artifactId), `bytes of ${i}`);
    const value = JSON.stringify({
      artifact_id: artifactId,
      filename,
      mimetype: "text/plain",
      encoding: null,
    });
    lines.push({
      op_code: 9,
      worker_id: "w",
      trial_id: 0,
      system_attr: { [`artifacts:${artifactId}`]: value },
    } as never);
  }
  const journal = join(dir, "journal.log");
  await Deno.writeTextFile(journal, lines.map((l) => JSON.stringify(l) + "\n").join(""));
  return { ids, target: ["--storage", journal, "--store", store] };
}

Deno.test("cli get never writes outside its folder for a crafted recorded file name", async () => {
  await withTempDir(async (dir) => {
    const { ids, target } = await craftedJournal(dir, ["../escaped.txt", "..", "a\u0000b"]);
    const work = join(dir, "work");
    await Deno.mkdir(work);
    // "../escaped.txt": its base name lands inside the folder.
    const one = await cli(["get", ids[0], ...target], work);
    assert.equal(one.code, 0, one.stderr);
    assert.equal(await Deno.readTextFile(join(work, "escaped.txt")), "bytes of 0");
    await assert.rejects(Deno.stat(join(dir, "escaped.txt")), Deno.errors.NotFound);
    // "..": refused with exit 1, nothing written.
    const dots = await cli(["get", ids[1], ...target], work);
    assert.equal(dots.code, 1);
    assert.match(dots.stderr, /Cannot use the recorded file name "\.\." as a file name/);
    // A trial's artifacts into a folder: every name is checked before anything is written.
    const all = await cli(["get", "--trial", "0", "--all", "-o", join(dir, "out"), ...target]);
    assert.equal(all.code, 1);
    assert.match(all.stderr, /its base name is "\.\."/);
    await assert.rejects(Deno.stat(join(dir, "out")), Deno.errors.NotFound);
    assert.deepEqual([...Deno.readDirSync(work)].map((e) => e.name), ["escaped.txt"]);
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name).toSorted(), [
      "journal.log",
      "store",
      "work",
    ]);
  });
});

Deno.test("cli ls aligns columns after double-width names and escapes control characters", async () => {
  await withTempDir(async (dir) => {
    const { target } = await craftedJournal(dir, [
      "世界.txt",
      "plain.txt",
      "bell\u0007\u001b[2J.txt",
    ]);
    const { code, stdout } = await cli(["ls", "--trial", "0", ...target]);
    assert.equal(code, 0);
    const lines = stdout.trimEnd().split("\n");
    assert.ok(!stdout.includes("\u001b"), "no raw escape reaches the terminal");
    assert.match(stdout, /bell\\u0007\\u001b\[2J\.txt/);
    // "世界.txt" is 8 cells wide (two double-width characters): MIMETYPE starts in one column.
    const cells = (text: string) =>
      [...text].reduce((width, c) => width + (/[\u3000-\u9fff]/.test(c) ? 2 : 1), 0);
    const column = (line: string) => cells(line.slice(0, line.search(/text\/plain|MIMETYPE/)));
    assert.equal(new Set(lines.map(column)).size, 1, stdout);
  });
});

Deno.test("cli sweep removes what a killed write left, in the store and in download folders", async () => {
  await withTempDir(async (dir) => {
    const store = join(dir, "store");
    const downloads = join(dir, "downloads");
    await Deno.mkdir(store);
    await Deno.mkdir(downloads);
    const old = new Date(Date.now() - 2 * 3600_000);
    for (const folder of [store, downloads]) {
      const path = join(folder, ".optuna-deno-11111111-1111-4111-8111-111111111111.tmp");
      await Deno.writeTextFile(path, "partial");
      await Deno.utime(path, old, old);
      await Deno.writeTextFile(join(folder, ".optuna-deno-fresh.tmp"), "younger than 1h");
      await Deno.writeTextFile(join(folder, "keep.txt"), "not a temporary file");
    }
    const { code, stdout, stderr } = await cli(["sweep", downloads, "--store", store]);
    assert.equal(code, 0, stderr);
    assert.match(stdout, /store: removed 1 temporary files \(7 B\)/);
    assert.match(stdout, /downloads: removed 1 temporary files \(7 B\)/);
    for (const folder of [store, downloads]) {
      assert.deepEqual([...Deno.readDirSync(folder)].map((e) => e.name).toSorted(), [
        ".optuna-deno-fresh.tmp",
        "keep.txt",
      ]);
    }
  });
});

Deno.test("cli put --digest records XXH3-128 by default, SHA-256 or none on request, and refuses another name (exit 2)", async () => {
  await withTempDir(async (dir) => {
    const journal = join(dir, "journal.log");
    await Deno.copyFile(join(V5, "interop.journal.log"), journal);
    await Deno.mkdir(join(dir, "store"));
    const target = ["--storage", journal, "--store", join(dir, "store")];
    const bytes = new TextEncoder().encode("x\n1\n");
    await Deno.writeFile(join(dir, "a.csv"), bytes);
    const recorded: Record<string, JsonValue> = {};
    for (const digest of [[], ["--digest", "sha256"], ["--digest", "none"]]) {
      const put = await cli([
        "put",
        join(dir, "a.csv"),
        "--trial",
        "1",
        "--json",
        ...digest,
        ...target,
      ]);
      assert.equal(put.code, 0, put.stderr);
      const [{ artifact_id: id }] = JSON.parse(put.stdout);
      const attrs = await new JournalFileStorage(journal).getTrialSystemAttrs(1);
      recorded[digest[1] ?? "default"] = attrs[`artifact_digests:${id}`] ?? null;
    }
    assert.deepEqual(recorded, {
      default: `{"xxh128": "${await xxh128(bytes)}", "size": 4}`,
      sha256: `{"sha256": "${sha256(bytes)}", "size": 4}`,
      none: null,
    });
    const bad = await cli(["put", join(dir, "a.csv"), "--digest", "md5", ...target]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /"md5" digest: use --digest xxh128, sha256 or none/);
  });
});

Deno.test("cli verify: exit 0 when clean; names a damaged blob and an orphan with exit 1; --fix-orphans removes old orphans; get refuses damaged bytes", async () => {
  await withTempDir(async (dir) => {
    const journal = join(dir, "journal.log");
    await Deno.copyFile(join(V5, "interop.journal.log"), journal);
    const store = join(dir, "store");
    await Deno.mkdir(store);
    // Python's artifacts (no digest) are copied in as they are.
    for await (const entry of Deno.readDir(join(V5, "journal-artifacts"))) {
      await Deno.copyFile(join(V5, "journal-artifacts", entry.name), join(store, entry.name));
    }
    const target = ["--storage", journal, "--store", store];
    await Deno.writeTextFile(join(dir, "a.csv"), "x\n1\n");
    const put = await cli(["put", join(dir, "a.csv"), "--trial", "1", "--json", ...target]);
    assert.equal(put.code, 0, put.stderr);
    const [{ artifact_id: id }] = JSON.parse(put.stdout);

    const clean = await cli(["verify", "--all-trials", "--json", ...target]);
    assert.equal(clean.code, 0, clean.stdout + clean.stderr);
    const report = JSON.parse(clean.stdout);
    assert.equal(report.ok, true);
    const statuses = new Map(
      report.artifacts.map((a: { artifactId: string; status: string }) => [a.artifactId, a.status]),
    );
    assert.equal(statuses.get(id), "ok");
    assert.equal([...statuses.values()].filter((s) => s === "no-digest").length, statuses.size - 1);

    await Deno.writeTextFile(join(store, id), "x\n2\n"); // same size, other bytes
    const orphan = "0d5c9b2e-3f7a-4c1e-9b8d-2a6f4e1c7b90";
    await Deno.writeTextFile(join(store, orphan), "left by a crash");
    const bad = await cli(["verify", "--all-trials", ...target]);
    assert.equal(bad.code, 1);
    assert.match(
      bad.stdout,
      new RegExp(
        `${id}\\s+a\\.csv\\s+1\\s+corrupted\\s+xxh128 [0-9a-f]{32}, expected [0-9a-f]{32}`,
      ),
    );
    assert.match(bad.stdout, new RegExp(`orphan ${orphan} .*left in the store`));
    assert.match(bad.stdout, /1 corrupted; 1 orphans \(0 removed\)/);

    const got = await cli(["get", id, "-o", join(dir, "out.csv"), ...target]);
    assert.equal(got.code, 1);
    assert.match(got.stderr, new RegExp(`Artifact "${id}" is corrupted`));
    await assert.rejects(Deno.lstat(join(dir, "out.csv")), Deno.errors.NotFound);

    const young = await cli(["verify", "--fix-orphans", "--older-than", "1h", "--json", ...target]);
    assert.equal(JSON.parse(young.stdout).orphans[0].removed, false);
    await Deno.stat(join(store, orphan));
    const fixed = await cli(["verify", "--fix-orphans", "--older-than", "0s", "--json", ...target]);
    assert.equal(JSON.parse(fixed.stdout).orphans[0].removed, true);
    await assert.rejects(Deno.stat(join(store, orphan)), Deno.errors.NotFound);
    assert.equal((await cli(["verify", "--older-than", "1h", ...target])).code, 2);
  });
});

Deno.test("cli serve: read-only by default, the index and optuna-dashboard's URLs on a free port", async () => {
  {
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = (listener.addr as Deno.NetAddr).port;
    listener.close();
    const server = new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-all", CLI, "serve", "--port", String(port), ...fixture],
      env: { NO_COLOR: "1" },
      stdout: "piped",
      stderr: "null",
    }).spawn();
    try {
      const reader = server.stdout.pipeThrough(new TextDecoderStream()).getReader();
      const { value } = await reader.read();
      assert.match(
        value ?? "",
        new RegExp(`Serving artifacts on http://127\\.0\\.0\\.1:${port}/ \\(read-only\\)`),
      );
      reader.releaseLock();
      const index = await fetch(`http://127.0.0.1:${port}/`);
      assert.match(await index.text(), /<h1>Studies<\/h1>.*interop/s);
      const expected = JSON.parse(await Deno.readTextFile(join(V5, "journal-expected.json")));
      const [meta] = expected.study_artifacts;
      const file = await fetch(`http://127.0.0.1:${port}/artifacts/0/${meta.artifact_id}`);
      assert.equal(file.status, 200);
      assert.equal(
        sha256(new Uint8Array(await file.arrayBuffer())),
        sha256(await Deno.readFile(join(V5, "journal-artifacts", meta.artifact_id))),
      );
      const upload = await fetch(`http://127.0.0.1:${port}/api/artifacts/0?filename=x`, {
        method: "POST",
        body: "x",
      });
      assert.equal(upload.status, 403);
      await upload.body?.cancel();
    } finally {
      server.kill("SIGINT");
      await server.stdout.cancel().catch(() => {});
    }
    assert.equal((await server.status).code, 0, "Ctrl-C stops the server cleanly");
  }
});

Deno.test("cli url prints a presigned URL for an s3:// store, and refuses a folder", async () => {
  const [meta] = JSON.parse(await Deno.readTextFile(join(V5, "journal-expected.json")))
    .study_artifacts;
  const folder = await cli(["url", meta.artifact_id, ...fixture]);
  assert.equal(folder.code, 2);
  assert.match(folder.stderr, /This store has no URLs of its own/);
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-all",
      CLI,
      "url",
      meta.artifact_id,
      "--expires",
      "2h",
      "--storage",
      join(V5, "interop.journal.log"),
      "--store",
      "s3://optuna-artifacts/runs",
    ],
    // Signing needs credentials and a region only: no request is made.
    env: {
      NO_COLOR: "1",
      AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
      AWS_SECRET_ACCESS_KEY: "secret",
      AWS_REGION: "eu-west-1",
    },
  }).output();
  assert.equal(code, 0, new TextDecoder().decode(stderr));
  const url = new URL(new TextDecoder().decode(stdout).trim());
  assert.match(url.pathname, new RegExp(`/runs/${meta.artifact_id}$`));
  assert.equal(url.searchParams.get("X-Amz-Expires"), "7200");
  assert.match(url.searchParams.get("X-Amz-Credential")!, /^AKIDEXAMPLE\/\d{8}\/eu-west-1\/s3/);
  assert.equal(url.searchParams.get("response-content-type"), "text/plain");
  assert.match(url.searchParams.get("response-content-disposition")!, /study-notes\.txt/);
});

Deno.test("cli ls --all-trials shows each trial's values and parameters beside its artifacts", async () => {
  await withTempDir(async (dir) => {
    const storage = new JournalFileStorage(join(dir, "journal.log"));
    const artifactStore = new FileSystemArtifactStore(join(dir, "store"));
    await Deno.mkdir(join(dir, "store"));
    const study = await createStudy({ storage, studyName: "ls-params" });
    await study.enqueueTrial({ x: 2.5, opt: "sgd", n: 3 });
    await study.optimize(async (trial) => {
      const x = await trial.suggestFloat("x", -10, 10);
      await trial.suggestCategorical("opt", ["adam", "sgd"]);
      await trial.suggestInt("n", 1, 9);
      await uploadArtifact({ artifactStore, studyOrTrial: trial, body: "p", filename: "plot.svg" });
      return x * x;
    }, { nTrials: 1 });
    const target = ["--storage", join(dir, "journal.log"), "--store", join(dir, "store")];
    const table = await cli(["ls", "--all-trials", ...target]);
    assert.equal(table.code, 0, table.stderr);
    assert.match(
      table.stdout,
      /plot\.svg\s+image\/svg\+xml\s+-\s+0\s+COMPLETE\s+6\.25\s+x=2\.5 opt=sgd n=3\n/,
    );
    const [row] = JSON.parse((await cli(["ls", "--all-trials", "--json", ...target])).stdout);
    assert.deepEqual([row.values, row.params], [[6.25], { x: 2.5, opt: "sgd", n: 3 }]);
  });
});
