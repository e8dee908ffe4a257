// The command line, run as a subprocess, against Python-written fixtures and a fresh journal.
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { FIXTURES, sha256, withTempDir } from "../_helpers.ts";

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
  const want = [
    ...expected.study_artifacts.map((m: object) => ({ ...m, trial: null, state: null })),
    ...expected.trials.flatMap((t: { artifacts: object[]; number: number; state: string }) =>
      t.artifacts.map((m) => ({ ...m, trial: t.number, state: t.state }))
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
  assert.match(study.stdout, /^ID\s+FILENAME\s+MIMETYPE\s+ENCODING\s+TRIAL\s+STATE\n/);
  assert.match(
    study.stdout,
    /82e3178a-b55c-4038-b3f4-16a75d234aa8\s+study-notes\.txt\s+text\/plain\s+-\s+study/,
  );
  const trial = await cli(["ls", "--trial", "0", ...fixture]);
  assert.match(trial.stdout, /log\.txt\.gz\s+text\/plain\s+gzip\s+0\s+COMPLETE/);
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
      [["ls", "--trial", "x", ...fixture], 2, /Invalid trial number "x"/],
      [["ls", "--study", "nope", ...fixture], 1, /Cannot find a study with name "nope"/],
      [["ls", "--trial", "9", ...fixture], 1, /Cannot find a trial with number 9/],
      [
        ["ls", "--storage", join(dir, "missing.log"), "--store", dir],
        1,
        /Cannot find the journal file/,
      ],
      [["put", join(dir, "missing.bin"), ...fixture], 1, /missing\.bin": the file does not exist/],
      [["get", "not-an-artifact", ...fixture], 1, /Cannot find artifact "not-an-artifact"/],
      [["ls", "--storage", "redis://x", "--store", dir], 2, /Unsupported storage/],
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
