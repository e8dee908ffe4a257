// Live interoperability: Python Optuna creates a study, Deno attaches artifacts, Python reads
// exactly what Deno wrote (and the other way round), on a journal, SQLite and PostgreSQL.
import assert from "node:assert/strict";
import { join } from "node:path";
import { UpdateFinishedTrialError } from "../../storages/errors.ts";
import { downloadArtifact } from "../../helpers/download_artifact.ts";
import { getAllArtifactMeta } from "../../helpers/get_all_artifact_meta.ts";
import { FileSystemArtifactStore } from "../../stores/filesystem.ts";
import { loadStudy } from "../../study/create_study.ts";
import { uploadArtifact } from "../../helpers/upload_artifact.ts";
import { removeArtifact } from "../../helpers/remove_artifact.ts";
import { verifyArtifacts } from "../../helpers/verify_artifacts.ts";
import { pseudoRandomBytes, sha256, withTempDir } from "../_helpers.ts";
import { snake } from "../storages/_fixtures.ts";
import { kinds, py, pyRaw, version } from "./_live.ts";

/** Lists sorted by artifact id (an RDB returns attributes in no fixed order), for comparing. */
function normalized(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(normalized).toSorted((a, b) =>
      JSON.stringify(a).localeCompare(JSON.stringify(b))
    );
  }
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalized(v)]));
  }
  return value;
}
for (const kind of kinds) {
  const inOrder = <T extends { artifact_id: string }>(metas: T[]): T[] =>
    kind.ordered ? metas : metas.toSorted((a, b) => a.artifact_id.localeCompare(b.artifact_id));
  Deno.test({
    name: `Python Optuna and Deno share artifacts both ways on ${kind.name}`,
    ignore: kind.ignore,
    async fn() {
      await withTempDir(async (dir) => {
        const artifactDir = join(dir, "artifacts");
        await Deno.mkdir(artifactDir);
        const studyName = `interop-live-${crypto.randomUUID()}`;
        const where = await kind.spec(dir);
        const created = await py("create", where, studyName, artifactDir);
        const { spec, storage, close } = kind.open(where);
        try {
          assert.equal(spec.length > 0, true);
          const artifactStore = new FileSystemArtifactStore(artifactDir);
          const study = await loadStudy({ storage, studyName });
          assert.equal(study.studyId, created.study_id);
          const trials = await study.getTrials();
          assert.deepEqual(
            trials.map((t) => [t.number, t.trialId, t.state]),
            created.trials.map((t: Record<string, unknown>) => [t.number, t.trial_id, t.state]),
          );
          const [running, complete] = [await study.trial(0), await study.trial(1)];

          // Deno writes a study artifact and two trial artifacts.
          const bytes = pseudoRandomBytes(300_000, 42);
          const studyArtifact = await uploadArtifact({
            artifactStore,
            studyOrTrial: study,
            body: bytes,
            filename: "deno-study.bin",
          });
          await Deno.writeTextFile(join(dir, "résumé.txt.gz"), "not really gzip");
          const trialArtifacts = [
            await uploadArtifact({
              artifactStore,
              studyOrTrial: running,
              filePath: join(dir, "résumé.txt.gz"),
            }),
            await uploadArtifact({
              artifactStore,
              studyOrTrial: running,
              body: "<svg/>",
              filename: "plot.svg",
              mimetype: "image/svg+xml",
            }),
          ];

          // The COMPLETE trial refuses, and nothing is left behind.
          const before = (await Array.fromAsync(Deno.readDir(artifactDir))).length;
          await assert.rejects(
            uploadArtifact({ artifactStore, studyOrTrial: complete, body: "x", filename: "x.txt" }),
            UpdateFinishedTrialError,
          );
          assert.equal((await Array.fromAsync(Deno.readDir(artifactDir))).length, before);

          // Python lists exactly what Deno lists, and downloads the same bytes.
          const listed = await py("list", spec, studyName, artifactDir);
          if (kind.direct) {
            // Through the proxy and straight from the database, Python reads the same.
            const direct = await py("list", kind.direct(dir), studyName, artifactDir);
            for (const part of ["study", "trials", "sha256", "digests"]) {
              assert.deepEqual(normalized(direct[part]), normalized(listed[part]), part);
            }
          }
          const denoStudy = (await getAllArtifactMeta(study)).map(snake);
          assert.deepEqual(inOrder(listed.study), inOrder(denoStudy));
          for (const trial of trials) {
            assert.deepEqual(
              inOrder(listed.trials[String(trial.number)]),
              inOrder((await getAllArtifactMeta({ trialId: trial.trialId, storage })).map(snake)),
              `trial ${trial.number}`,
            );
          }
          assert.deepEqual(listed.trials["1"], []);
          const denoIds = [studyArtifact, ...trialArtifacts];
          for (const id of denoIds) {
            assert.ok(
              denoStudy.some((m) => m.artifact_id === id) ||
                listed.trials["0"].some((m: { artifact_id: string }) => m.artifact_id === id),
            );
          }
          assert.deepEqual(
            listed.trials["0"].find((m: { artifact_id: string }) =>
              m.artifact_id === trialArtifacts[0]
            ),
            {
              artifact_id: trialArtifacts[0],
              encoding: "gzip",
              filename: "résumé.txt.gz",
              mimetype: "text/plain",
            },
          );
          if (version.artifacts) {
            assert.equal(listed.sha256[studyArtifact], sha256(bytes));
            // And Deno reads what Python wrote.
            for (const [where, id] of Object.entries(created.uploaded as Record<string, string>)) {
              const target = join(dir, `from-python-${where}`);
              // Checked where a digest is recorded; Python recorded none, so it passes unchecked.
              await downloadArtifact({
                artifactStore,
                artifactId: id,
                filePath: target,
                studyOrTrial: where === "study" ? study : running,
              });
              assert.equal(sha256(await Deno.readFile(target)), listed.sha256[id], where);
            }
            assert.equal(Object.keys(listed.sha256).length, 5);
            // optuna-dashboard's listing rule finds exactly what Python Optuna lists.
            assert.deepEqual(inOrder(listed.dashboard.study), inOrder(listed.study));
            for (const [number, metas] of Object.entries(listed.trials)) {
              assert.deepEqual(
                inOrder(listed.dashboard.trials[number]),
                inOrder(metas as typeof listed.study),
              );
            }
            // Python sees Deno's digests as plain attributes beside the metadata, and the
            // digests match the bytes Python downloads.
            assert.deepEqual(Object.keys(listed.digests).toSorted(), denoIds.toSorted());
            for (const id of denoIds) {
              assert.deepEqual(listed.digests[id], {
                xxh128: listed.xxh128[id],
                size: (await Deno.stat(join(artifactDir, id))).size,
              }, id);
            }
            assert.deepEqual(
              Object.values(listed.meta_as_python_writes),
              Array(5).fill(true),
              "every metadata value is byte for byte what Python's json.dumps writes",
            );
            // Deno's artifacts verify; Python's, uploaded without a digest, are unchecked.
            const report = await verifyArtifacts({ artifactStore, studyOrTrial: study });
            const statuses = Object.fromEntries(
              report.artifacts.map((a) => [a.artifactId, a.status]),
            );
            assert.deepEqual(statuses, {
              [studyArtifact]: "ok",
              [trialArtifacts[0]]: "ok",
              [trialArtifacts[1]]: "ok",
              [created.uploaded.study]: "no-digest",
              [created.uploaded.trial0]: "no-digest",
            });
            assert.equal(report.ok, true);
            assert.deepEqual(report.orphans, []);
          }
        } finally {
          await close();
          await kind.dispose?.(dir);
        }
      });
    },
  });
}

for (const kind of kinds.filter((k) => !k.grpc)) {
  Deno.test({
    name: `removeArtifact() on ${kind.name}: ${
      kind.ordered
        ? "optuna-dashboard's tombstone, on which Python 5.0's listing raises TypeError"
        : "the attribute row is deleted and Python stops listing the artifact"
    }`,
    ignore: kind.ignore || !version?.artifacts,
    async fn() {
      await withTempDir(async (dir) => {
        const artifactDir = join(dir, "artifacts");
        await Deno.mkdir(artifactDir);
        const studyName = `interop-remove-${crypto.randomUUID()}`;
        const where = await kind.spec(dir);
        await py("create", where, studyName, artifactDir);
        const { spec, storage, close } = kind.open(where);
        try {
          const artifactStore = new FileSystemArtifactStore(artifactDir);
          const running = await (await loadStudy({ storage, studyName })).trial(0);
          const keep = await uploadArtifact({
            artifactStore,
            studyOrTrial: running,
            body: "keep",
            filename: "keep.txt",
          });
          const gone = await uploadArtifact({
            artifactStore,
            studyOrTrial: running,
            body: "gone",
            filename: "gone.txt",
          });
          await removeArtifact({ artifactStore, studyOrTrial: running, artifactId: gone });
          await assert.rejects(Deno.stat(join(artifactDir, gone)), Deno.errors.NotFound);
          const denoIds = (await getAllArtifactMeta(running)).map((m) => m.artifactId);
          assert.ok(denoIds.includes(keep) && !denoIds.includes(gone));
          const listed = await pyRaw("list", spec, studyName, artifactDir);
          if (kind.ordered) {
            // The journal cannot delete: Python 5.0 fails on the tombstone (the dashboard too
            // writes it), which removeArtifact's doc says.
            assert.notEqual(listed.code, 0);
            assert.match(listed.stderr, /TypeError/);
          } else {
            assert.equal(listed.code, 0, listed.stderr);
            const ids = JSON.parse(listed.stdout).trials["0"].map((m: { artifact_id: string }) =>
              m.artifact_id
            );
            assert.ok(ids.includes(keep) && !ids.includes(gone), ids.join());
            const attrs = await storage.getTrialSystemAttrs(running.trialId);
            assert.ok(!(`artifacts:${gone}` in attrs));
          }
        } finally {
          await close();
        }
      });
    },
  });
}
