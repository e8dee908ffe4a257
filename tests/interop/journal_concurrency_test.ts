// 4 Deno processes and 1 Python process append to one journal at once; afterwards both sides
// list every artifact exactly once.
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { getAllArtifactMeta } from "../../helpers/get_all_artifact_meta.ts";
import { JournalFileStorage } from "../../storages/journal.ts";
import { python, runWorker, SIDE } from "./_live.ts";
import { withTempDir } from "../_helpers.ts";

const WRITER = fileURLToPath(new URL("_writer.ts", import.meta.url));
const PER_PROCESS = 200;

const run = runWorker<string[]>;

Deno.test({
  name: "4 Deno processes and 1 Python process share a journal: every artifact listed once",
  ignore: python.ignore,
  async fn() {
    await withTempDir(async (dir) => {
      const journal = join(dir, "journal.log");
      const artifacts = join(dir, "artifacts");
      await Deno.mkdir(artifacts);
      await run(python.value, [SIDE, "create", journal, "conc", artifacts]);
      const started = performance.now();
      const results = await Promise.all([
        ...["symlink", "symlink", "open", "open"].map((lock) =>
          run(Deno.execPath(), [
            "run",
            "--allow-read",
            "--allow-write",
            WRITER,
            journal,
            "conc",
            artifacts,
            String(PER_PROCESS),
            lock,
          ])
        ),
        run(python.value, [SIDE, "upload-many", journal, "conc", artifacts, String(PER_PROCESS)]),
      ]);
      const seconds = (performance.now() - started) / 1000;
      const written = results.flat();
      assert.equal(written.length, 5 * PER_PROCESS);
      assert.equal(new Set(written).size, written.length);

      const storage = new JournalFileStorage(journal);
      const studyId = await storage.getStudyIdFromName("conc");
      const denoListed = [
        ...await getAllArtifactMeta({ studyId, storage }),
        ...await getAllArtifactMeta({ trialId: 0, storage }),
      ].map((m) => m.artifactId);
      // 2 artifacts Python's "create" uploaded, plus every concurrent one, each exactly once.
      assert.equal(denoListed.length, written.length + 2);
      assert.equal(new Set(denoListed).size, denoListed.length);
      for (const id of written) assert.ok(denoListed.includes(id), id);

      const { code, stdout, stderr } = await new Deno.Command(python.value, {
        args: [SIDE, "list", journal, "conc", artifacts],
      }).output();
      assert.equal(code, 0, new TextDecoder().decode(stderr));
      const listed = JSON.parse(new TextDecoder().decode(stdout));
      const pythonListed = [...listed.study, ...listed.trials["0"]].map((m) => m.artifact_id);
      assert.deepEqual(pythonListed.toSorted(), denoListed.toSorted());
      const lines = (await Deno.readTextFile(journal)).split("\n").length - 1;
      console.log(
        `${written.length} concurrent uploads from 5 processes in ${seconds.toFixed(1)} s; ` +
          `journal has ${lines} complete lines; no lock file left: ` +
          `${(await Array.fromAsync(Deno.readDir(dir))).every((e) => !e.name.includes(".lock"))}`,
      );
      assert.ok((await Array.fromAsync(Deno.readDir(dir))).every((e) => !e.name.includes(".lock")));
    });
  },
});
