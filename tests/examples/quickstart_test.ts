import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { getAllArtifactMeta } from "../../helpers/get_all_artifact_meta.ts";
import { JournalFileStorage } from "../../storages/journal.ts";
import { sha256, withTempDir } from "../_helpers.ts";

const QUICKSTART = fileURLToPath(new URL("../../examples/quickstart.ts", import.meta.url));

Deno.test("examples/quickstart.ts saves 10 artifacts and downloads the best trial's 2 files", async () => {
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
    assert.match(out, /Best trial: 2 \(value 1\.04\)/);
    assert.equal(out.match(/text\/csv/g)?.length, 5);
    assert.equal(out.match(/image\/svg\+xml/g)?.length, 5);

    // The study is in an Optuna journal that a fresh reader (or Python) replays.
    const storage = new JournalFileStorage(join(cwd, "optuna-journal.log"));
    const [study] = await storage.getAllStudies();
    const trials = await storage.getAllTrials(study.studyId);
    assert.deepEqual(trials.map((t) => t.state), Array(5).fill("COMPLETE"));
    for (const trial of trials) {
      assert.equal((await getAllArtifactMeta({ trialId: trial.trialId, storage })).length, 2);
    }
    const artifacts = await Array.fromAsync(Deno.readDir(join(cwd, "artifacts")));
    assert.equal(artifacts.length, 10);
    const [studyDir] = await Array.fromAsync(Deno.readDir(join(cwd, "best-trial")));
    assert.equal(studyDir.name, study.studyName);
    const bestDir = join(cwd, "best-trial", studyDir.name);
    assert.equal(await Deno.readTextFile(join(bestDir, "trial-2.csv")), "x,value\n2.2,1.04\n");
    // The downloaded plot is byte-identical to the stored artifact named in the table.
    const svgId = out.match(/trial-2\.svg\s+image\/svg\+xml\s+(\S+)/)![1];
    assert.equal(
      sha256(await Deno.readFile(join(bestDir, "trial-2.svg"))),
      sha256(await Deno.readFile(join(cwd, "artifacts", svgId))),
    );
  });
});
