import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { getAllArtifactMeta } from "../../helpers/get_all_artifact_meta.ts";
import { JournalFileStorage } from "../../storages/journal.ts";
import { sha256, withTempDir } from "../_helpers.ts";

const QUICKSTART = fileURLToPath(new URL("../../examples/quickstart.ts", import.meta.url));

Deno.test("examples/quickstart.ts runs 10 suggestFloat trials, saves 20 artifacts and downloads the best trial's 2 files", async () => {
  await withTempDir(async (cwd) => {
    // The demo task's own command (deno.json), run in a fresh folder: its frozen lock file
    // must still match the import map, or `deno task demo` fails for a new user.
    const config = JSON.parse(await Deno.readTextFile(new URL("../../deno.json", import.meta.url)));
    assert.equal(
      config.tasks.demo,
      "deno run --lock=examples/quickstart.lock --frozen --allow-read --allow-write " +
        "examples/quickstart.ts",
    );
    const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        `--lock=${fileURLToPath(new URL("../../examples/quickstart.lock", import.meta.url))}`,
        "--frozen",
        `--config=${fileURLToPath(new URL("../../deno.json", import.meta.url))}`,
        "--allow-read",
        "--allow-write",
        QUICKSTART,
      ],
      cwd,
      env: { NO_COLOR: "1" },
    }).output();
    const out = new TextDecoder().decode(stdout);
    assert.equal(code, 0, new TextDecoder().decode(stderr));
    assert.equal(out.match(/text\/csv/g)?.length, 10);
    assert.equal(out.match(/image\/svg\+xml/g)?.length, 10);

    // The study is in an Optuna journal that a fresh reader (or Python) replays, with x.
    const storage = new JournalFileStorage(join(cwd, "optuna-journal.log"));
    const [study] = await storage.getAllStudies();
    const trials = await storage.getAllTrials(study.studyId);
    assert.deepEqual(trials.map((t) => t.state), Array(10).fill("COMPLETE"));
    for (const trial of trials) {
      const x = trial.params.x as number;
      assert.ok(x >= -2 && x <= 6);
      assert.equal(trial.values![0], (x - 2) ** 2 + 1);
      assert.equal((await getAllArtifactMeta({ trialId: trial.trialId, storage })).length, 2);
    }
    assert.equal(new Set(trials.map((t) => t.params.x)).size, 10);
    const best = trials.reduce((a, b) => (b.values![0] < a.values![0] ? b : a));
    assert.match(out, new RegExp(`Best trial: ${best.number} \\(value ${best.values![0]}, x `));
    const artifacts = await Array.fromAsync(Deno.readDir(join(cwd, "artifacts")));
    assert.equal(artifacts.length, 20);
    const [studyDir] = await Array.fromAsync(Deno.readDir(join(cwd, "best-trial")));
    assert.equal(studyDir.name, study.studyName);
    const bestDir = join(cwd, "best-trial", studyDir.name);
    assert.equal(
      await Deno.readTextFile(join(bestDir, `trial-${best.number}.csv`)),
      `x,value\n${best.params.x},${best.values![0]}\n`,
    );
    // The downloaded plot is byte-identical to the stored artifact named in the table.
    const svgId =
      out.match(new RegExp(`trial-${best.number}\\.svg\\s+image/svg\\+xml\\s+(\\S+)`))![1];
    assert.equal(
      sha256(await Deno.readFile(join(bestDir, `trial-${best.number}.svg`))),
      sha256(await Deno.readFile(join(cwd, "artifacts", svgId))),
    );
  });
});
