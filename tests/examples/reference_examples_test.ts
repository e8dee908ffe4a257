// The four examples of Optuna's artifacts reference as Deno programs (examples/artifacts_*.ts),
// each run as a subprocess against the real store: a file system (which Python then reads),
// S3 on s3rver and on Swift, Cloud Storage on the firebase-tools emulator, and Backoff over S3.
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { JournalFileStorage } from "../../storages/journal.ts";
import { FileSystemArtifactStore } from "../../stores/filesystem.ts";
import { GCSArtifactStore } from "../../stores/gcs.ts";
import { S3ArtifactStore } from "../../stores/s3.ts";
import type { ArtifactStore } from "../../stores/types.ts";
import { optunaPython } from "../_env.ts";
import { readAll, sha256, withTempDir } from "../_helpers.ts";
import {
  gcsClient,
  s3Client,
  type S3Server,
  startGcsEmulator,
  startS3rver,
  swiftS3,
} from "../_servers.ts";

const example = (name: string) =>
  fileURLToPath(new URL(`../../examples/artifacts_${name}.ts`, import.meta.url));
const SIDE = fileURLToPath(new URL("../interop/_optuna_side.py", import.meta.url));
const N_TRIALS = 12;
const python = optunaPython();
const s3rver = await startS3rver();
const swift = swiftS3();
const gcs = await startGcsEmulator();

const s3Env = (s3: S3Server) => ({
  AWS_ENDPOINT_URL: s3.endpoint,
  AWS_REGION: "us-east-1",
  AWS_ACCESS_KEY_ID: s3.accessKeyId,
  AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
  AWS_REQUEST_CHECKSUM_CALCULATION: "WHEN_REQUIRED",
  OPTUNA_S3_BUCKET: s3.bucket,
});

/**
 * Runs an example in a fresh folder and checks what it left: N_TRIALS COMPLETE trials with `x`,
 * each with the artifact its user attribute names holding the file the objective wrote, and the
 * best trial's file printed. Returns the folder's journal path and the study's name.
 */
async function runExample(
  name: string,
  env: Record<string, string>,
  store: (cwd: string) => ArtifactStore,
  then?: (cwd: string, studyName: string, expected: Map<string, string>) => Promise<void>,
): Promise<void> {
  await withTempDir(async (cwd) => {
    const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-all",
        "--lock=" + fileURLToPath(new URL("../../.deno.lock", import.meta.url)),
        example(name),
      ],
      cwd,
      env: { ...env, N_TRIALS: String(N_TRIALS), NO_COLOR: "1" },
    }).output();
    assert.equal(code, 0, new TextDecoder().decode(stderr));
    const storage = new JournalFileStorage(join(cwd, "optuna-journal.log"));
    const [study] = await storage.getAllStudies();
    const trials = await storage.getAllTrials(study.studyId);
    assert.deepEqual(trials.map((t) => t.state), Array(N_TRIALS).fill("COMPLETE"));
    const artifactStore = store(cwd);
    const expected = new Map<string, string>();
    for (const trial of trials) {
      const x = trial.params.x as number;
      assert.ok(x >= -10 && x <= 10);
      assert.equal(trial.values![0], x ** 2);
      const id = trial.userAttrs.artifact_id as string;
      const content = `trial ${trial.number}: x = ${x}\n`;
      expected.set(id, content);
      assert.equal(
        sha256(await readAll(await artifactStore.open(id))),
        sha256(new TextEncoder().encode(content)),
      );
    }
    const best = trials.reduce((a, b) => (b.values![0] < a.values![0] ? b : a));
    assert.ok(
      new TextDecoder().decode(stdout).endsWith(`trial ${best.number}: x = ${best.params.x}\n\n`),
    );
    await then?.(cwd, study.studyName, expected);
  });
}

Deno.test({
  name:
    "examples/artifacts_filesystem.ts: 12 trials upload to ./artifacts, and Python downloads them",
  ignore: python.ignore,
  async fn() {
    await runExample(
      "filesystem",
      {},
      (cwd) => new FileSystemArtifactStore(join(cwd, "artifacts")),
      async (cwd, studyName, expected) => {
        const { code, stdout, stderr } = await new Deno.Command(python.value, {
          args: [SIDE, "list", join(cwd, "optuna-journal.log"), studyName, join(cwd, "artifacts")],
        }).output();
        assert.equal(code, 0, new TextDecoder().decode(stderr));
        const listed = JSON.parse(new TextDecoder().decode(stdout));
        assert.deepEqual(
          Object.keys(listed.sha256).toSorted(),
          [...expected.keys()].toSorted(),
        );
        for (const [id, content] of expected) {
          assert.equal(listed.sha256[id], sha256(new TextEncoder().encode(content)));
        }
      },
    );
  },
});

for (const [label, server] of [["s3rver", s3rver], ["Swift", swift.server]] as const) {
  Deno.test({
    name: `examples/artifacts_s3.ts and artifacts_backoff.ts upload each trial's file to ${label}`,
    ignore: !server,
    async fn() {
      const store = () => new S3ArtifactStore(server!.bucket, { client: s3Client(server!) });
      await runExample("s3", s3Env(server!), store);
      await runExample("backoff", s3Env(server!), store);
    },
  });
}

Deno.test("examples/artifacts_gcs.ts uploads each trial's file to the Cloud Storage emulator", async () => {
  const host = gcs.endpoint;
  await runExample(
    "gcs",
    { STORAGE_EMULATOR_HOST: host, GCLOUD_PROJECT: gcs.projectId, OPTUNA_GCS_BUCKET: gcs.bucket },
    () => new GCSArtifactStore(gcs.bucket, { client: gcsClient(gcs) }),
  );
});
