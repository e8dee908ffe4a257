// GrpcStorageProxy against Optuna's own gRPC storage proxy (Python Optuna 5.0 with grpcio), in
// front of SQLite and PostgreSQL: the storage contract, the errors, many writers at once, a
// proxy restarted in the middle of a run, and addresses that are not a proxy.
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { GrpcStorageProxy } from "../../storages/grpc.ts";
import { SqliteStorage } from "../../storages/sqlite.ts";
import {
  DuplicatedStudyError,
  StorageUnreachableError,
  StudyNotFoundError,
  TrialNotFoundError,
  UpdateFinishedTrialError,
} from "../../storages/errors.ts";
import { FileSystemArtifactStore } from "../../stores/filesystem.ts";
import { InMemoryArtifactStore } from "../../stores/memory.ts";
import { getAllArtifactMeta } from "../../helpers/get_all_artifact_meta.ts";
import { uploadArtifact } from "../../helpers/upload_artifact.ts";
import { verifyArtifacts } from "../../helpers/verify_artifacts.ts";
import { createStudy } from "../../study/create_study.ts";
import { optunaPython, service } from "../_env.ts";
import { withTempDir } from "../_helpers.ts";
import { assertListsEveryTrial } from "./_fixtures.ts";
import { assertTrialModel } from "./_trial_model.ts";
import { withDatabase } from "../_postgres.ts";
import { runtime } from "../_runtime.ts";
import { freePort, type GrpcProxy, grpcPython, startGrpcProxy } from "../_servers.ts";

const python = grpcPython(optunaPython());
const postgresUrl = service("OPTUNA_TEST_POSTGRES_URL", "PostgreSQL");
const SIDE = fileURLToPath(new URL("../interop/_optuna_side.py", import.meta.url));
const WRITER = fileURLToPath(new URL("../interop/_writer.ts", import.meta.url));
const CLI = fileURLToPath(new URL("../../cli/mod.ts", import.meta.url));
// grpc-js's connections and reconnect timers outlive close() for a moment (under Deno 2.5,
// also a connection to a stalled server); each test closes every client it opens.
const testOptions = { ignore: python.ignore, sanitizeOps: false, sanitizeResources: false };

/** Runs `fn` with a proxy in front of a fresh SQLite database (schema by Python Optuna). */
async function withSqliteProxy(
  fn: (proxy: GrpcProxy, dbPath: string, dir: string) => Promise<void>,
): Promise<void> {
  await withTempDir(async (dir) => {
    const dbPath = join(dir, "optuna.db");
    const proxy = await startGrpcProxy(python.value, `sqlite:///${dbPath}`);
    try {
      await fn(proxy, dbPath, dir);
    } finally {
      await proxy.kill();
    }
  });
}

async function py(...args: string[]) {
  const { code, stdout, stderr } = await new Deno.Command(python.value, {
    args: [SIDE, ...args],
  }).output();
  assert.equal(code, 0, new TextDecoder().decode(stderr));
  return JSON.parse(new TextDecoder().decode(stdout));
}

Deno.test({
  name:
    "GrpcStorageProxy reads and writes through Optuna's proxy what SqliteStorage reads directly",
  ...testOptions,
  async fn() {
    await withSqliteProxy(async (proxy, dbPath) => {
      const storage = GrpcStorageProxy.fromUrl(proxy.url);
      const direct = new SqliteStorage(dbPath);
      try {
        const studyId = await storage.createNewStudy({
          studyName: "grpc-contract",
          directions: ["maximize", "minimize"],
        });
        await assert.rejects(
          storage.createNewStudy({ studyName: "grpc-contract" }),
          DuplicatedStudyError,
        );
        assert.equal(await storage.getStudyIdFromName("grpc-contract"), studyId);
        const trials = [];
        for (let i = 0; i < 3; i++) trials.push(await storage.createNewTrial(studyId));
        await storage.setTrialStateValues(trials[0], "COMPLETE", [1.5, -Infinity]);
        await storage.setTrialStateValues(trials[1], "FAIL");
        await storage.setStudySystemAttr(studyId, "s", { nested: ["é", 1, null, true] });
        await storage.setTrialSystemAttr(trials[2], "artifacts:x", '{"a": "\\u00e9"}');

        assert.deepEqual(await storage.getStudy(studyId), await direct.getStudy(studyId));
        assert.deepEqual(await storage.getAllStudies(), await direct.getAllStudies());
        assert.deepEqual(await storage.getAllTrials(studyId), await direct.getAllTrials(studyId));
        for (const trialId of trials) {
          assert.deepEqual(await storage.getTrial(trialId), await direct.getTrial(trialId));
          assert.deepEqual(
            await storage.getTrialSystemAttrs(trialId),
            await direct.getTrialSystemAttrs(trialId),
          );
        }
        assert.deepEqual(
          await storage.getStudySystemAttrs(studyId),
          await direct.getStudySystemAttrs(studyId),
        );
        assert.equal(await storage.getTrialIdFromStudyIdTrialNumber(studyId, 2), trials[2]);
        // A fresh client, which has not seen the trial's study, finds it too.
        const fresh = GrpcStorageProxy.fromUrl(proxy.url);
        assert.equal((await fresh.getTrial(trials[1])).studyId, studyId);
        fresh.close();

        // The errors of the other storages, and nothing written by a refusal.
        await assert.rejects(storage.getStudy(999), StudyNotFoundError);
        await assert.rejects(storage.getStudyIdFromName("nope"), StudyNotFoundError);
        await assert.rejects(storage.getTrial(999), TrialNotFoundError);
        await assert.rejects(
          storage.getTrialIdFromStudyIdTrialNumber(studyId, 9),
          TrialNotFoundError,
        );
        await assert.rejects(storage.setStudySystemAttr(999, "k", 1), StudyNotFoundError);
        await assert.rejects(storage.createNewTrial(999), StudyNotFoundError);
        await assert.rejects(
          storage.setTrialSystemAttr(trials[0], "k", "v"),
          (error) => error instanceof UpdateFinishedTrialError && /COMPLETE/.test(error.message),
        );
        await assert.rejects(
          storage.setTrialStateValues(trials[1], "COMPLETE", [1]),
          UpdateFinishedTrialError,
        );
        assert.deepEqual(await direct.getTrialSystemAttrs(trials[0]), {});
      } finally {
        storage.close();
        await direct.close();
      }
    });
  },
});

Deno.test({
  name:
    "GrpcStorageProxy: a trial another client finishes during an upload is refused by the proxy, and nothing is left behind",
  ...testOptions,
  async fn() {
    await withSqliteProxy(async (proxy) => {
      const other = GrpcStorageProxy.fromUrl(proxy.url);
      // The trial is RUNNING when uploadArtifact checks it, and finished right after.
      class Racing extends GrpcStorageProxy {
        override async getTrial(trialId: number) {
          const trial = await super.getTrial(trialId);
          await other.setTrialStateValues(trialId, "COMPLETE", [0]);
          return trial;
        }
      }
      const storage = new Racing({ host: "127.0.0.1", port: proxy.port });
      try {
        const study = await createStudy({ storage, studyName: "race" });
        const trial = await study.ask();
        const artifactStore = new InMemoryArtifactStore();
        await assert.rejects(
          uploadArtifact({ artifactStore, studyOrTrial: trial, body: "late", filename: "l.txt" }),
          UpdateFinishedTrialError,
        );
        assert.deepEqual(await Array.fromAsync(artifactStore.list()), []);
        assert.deepEqual(await getAllArtifactMeta(trial), []);
      } finally {
        storage.close();
        other.close();
      }
    });
  },
});

Deno.test({
  name:
    "GrpcStorageProxy: 4 Deno processes and 1 Python process upload 200 artifacts each through one proxy; none lost or duplicated",
  ...testOptions,
  ignore: runtime !== "deno" || python.ignore || postgresUrl.ignore,
  async fn() {
    await withDatabase(postgresUrl.value, python.value, true, async (url) => {
      await withTempDir(async (dir) => {
        const artifactDir = join(dir, "artifacts");
        await Deno.mkdir(artifactDir);
        const proxy = await startGrpcProxy(python.value, url);
        const storage = GrpcStorageProxy.fromUrl(proxy.url);
        try {
          const study = await createStudy({ storage, studyName: "many" });
          await study.ask(); // trial 0, RUNNING: the writers alternate between it and the study
          const count = 200;
          const deno = Array.from({ length: 4 }, () =>
            new Deno.Command(Deno.execPath(), {
              args: ["run", "-A", WRITER, proxy.url, "many", artifactDir, String(count)],
              stdout: "piped",
              stderr: "piped",
            }).output());
          const pyIds: Promise<string[]> = py(
            "upload-many",
            proxy.url,
            "many",
            artifactDir,
            String(count),
          );
          const outputs = await Promise.all(deno);
          const written: string[] = [...await pyIds];
          for (const output of outputs) {
            assert.equal(output.code, 0, new TextDecoder().decode(output.stderr));
            written.push(...JSON.parse(new TextDecoder().decode(output.stdout)));
          }
          assert.equal(written.length, 5 * count);
          assert.equal(new Set(written).size, written.length, "no id twice");
          const listed = [
            ...await getAllArtifactMeta(study),
            ...await getAllArtifactMeta(await study.trial(0)),
          ].map((m) => m.artifactId);
          assert.equal(listed.length, written.length, "no artifact lost or listed twice");
          assert.deepEqual(listed.toSorted(), written.toSorted());
          const report = await verifyArtifacts({
            artifactStore: new FileSystemArtifactStore(artifactDir),
            studyOrTrial: study,
          });
          assert.equal(report.ok, true);
          assert.equal(report.artifacts.filter((a) => a.status === "ok").length, 4 * count);
          assert.equal(report.artifacts.filter((a) => a.status === "no-digest").length, count);
        } finally {
          storage.close();
          await proxy.kill();
        }
      });
    });
  },
});

Deno.test({
  name:
    "GrpcStorageProxy: the proxy killed, stalled and restarted in the middle of a run: reads wait it out, writes fail clearly, later calls work, no metadata names a missing blob",
  ...testOptions,
  async fn() {
    await withSqliteProxy(async (proxy, _dbPath, dir) => {
      // Reads wait up to 0.25 + 0.5 + ... + 8 s for the proxy to come back.
      const storage = new GrpcStorageProxy({
        host: "127.0.0.1",
        port: proxy.port,
        timeout: 3,
        readRetries: 6,
      });
      const artifactDir = join(dir, "artifacts");
      await Deno.mkdir(artifactDir);
      const artifactStore = new FileSystemArtifactStore(artifactDir);
      try {
        const study = await createStudy({ storage, studyName: "restart" });
        const upload = (i: number) =>
          uploadArtifact({ artifactStore, studyOrTrial: study, body: `${i}`, filename: "n" });
        for (let i = 0; i < 5; i++) await upload(i);

        // Killed: a write fails at once and clearly (writes are never repeated) ...
        await proxy.kill();
        await assert.rejects(storage.setStudySystemAttr(study.studyId, "k", 1), (error) => {
          assert.ok(error instanceof StorageUnreachableError, String(error));
          assert.match(error.message, /Cannot reach the Optuna gRPC proxy at 127\.0\.0\.1:\d+/);
          return true;
        });
        // ... while an upload, whose first step is a read, waits for the restart.
        const restarted = new Promise((r) => setTimeout(r, 1000)).then(() => proxy.restart());
        await upload(5);
        await restarted;

        // Stalled with a write in flight: the deadline ends it, clearly.
        proxy.stop();
        await assert.rejects(storage.setStudySystemAttr(study.studyId, "k", 2), (error) => {
          assert.ok(error instanceof StorageUnreachableError, String(error));
          assert.match(error.message, /DEADLINE_EXCEEDED/);
          return true;
        });
        await assert.rejects(upload(6), StorageUnreachableError);
        await proxy.kill();
        await proxy.restart();
        for (let i = 7; i < 12; i++) await upload(i);

        // Every upload that resolved is listed; none names a missing blob.
        const recorded = await getAllArtifactMeta(study);
        assert.equal(recorded.length, 11);
        const report = await verifyArtifacts({ artifactStore, studyOrTrial: study });
        assert.deepEqual(report.artifacts.filter((a) => a.status !== "ok"), []);
        assert.ok(report.orphans.length <= 1, "at most the failed upload's blob, kept as unclear");
      } finally {
        storage.close();
      }
    });
  },
});

Deno.test({
  name: "GrpcStorageProxy: a closed port, a server that is not gRPC and a bad URL fail clearly",
  ...testOptions,
  ignore: runtime !== "deno", // its server that is not gRPC is a Deno.serve
  async fn() {
    const closed = new GrpcStorageProxy({ host: "127.0.0.1", port: freePort(), readRetries: 0 });
    const started = performance.now();
    await assert.rejects(closed.getAllStudies(), (error) => {
      assert.ok(error instanceof StorageUnreachableError);
      assert.match(error.message, /ECONNREFUSED|No connection established/);
      return true;
    });
    assert.ok(performance.now() - started < 5000, "fails at once, not at the deadline");
    closed.close();

    // An HTTP server on the port.
    const http = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen() {} },
      () => new Response("not gRPC"),
    );
    const notGrpc = new GrpcStorageProxy({
      host: "127.0.0.1",
      port: http.addr.port,
      readRetries: 0,
      timeout: 5,
    });
    try {
      // Deno.serve speaks HTTP/2 too, and answers without a gRPC status (under Deno 2.5 the
      // client hears nothing, and the deadline ends the call).
      await assert.rejects(
        notGrpc.getAllStudies(),
        /does not answer GetAllStudies as an Optuna gRPC proxy \(INTERNAL: .*\); check that the host and port are the proxy's|Cannot reach the Optuna gRPC proxy .*DEADLINE_EXCEEDED/,
      );
    } finally {
      notGrpc.close();
      await http.shutdown();
    }

    // A server that accepts and never answers: the deadline.
    const silent = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const held: Deno.Conn[] = [];
    const accepting = (async () => {
      for await (const conn of silent) held.push(conn);
    })();
    const mute = new GrpcStorageProxy({
      host: "127.0.0.1",
      port: (silent.addr as Deno.NetAddr).port,
      readRetries: 0,
      timeout: 2,
    });
    try {
      await assert.rejects(mute.getAllStudies(), (error) => {
        assert.ok(error instanceof StorageUnreachableError);
        assert.match(error.message, /DEADLINE_EXCEEDED/);
        return true;
      });
    } finally {
      mute.close();
      silent.close();
      for (const conn of held) conn.close();
      await accepting.catch(() => {});
    }

    for (const url of ["http://127.0.0.1:13000", "grpc://", "grpc://h:1/path", "grpc:x"]) {
      assert.throws(() => GrpcStorageProxy.fromUrl(url), TypeError, url);
    }
    assert.throws(() => new GrpcStorageProxy({ port: 70000 }), RangeError);
  },
});

Deno.test({
  name: "cli ls and put take grpc://HOST:PORT as --storage",
  ...testOptions,
  ignore: runtime !== "deno", // the command line runs on Deno
  async fn() {
    await withSqliteProxy(async (proxy, _dbPath, dir) => {
      const storage = GrpcStorageProxy.fromUrl(proxy.url);
      try {
        await createStudy({ storage, studyName: "cli" });
      } finally {
        storage.close();
      }
      await Deno.mkdir(join(dir, "store"));
      await Deno.writeTextFile(join(dir, "a.txt"), "through the proxy");
      const target = ["--storage", proxy.url, "--store", join(dir, "store")];
      const run = (args: string[]) =>
        new Deno.Command(Deno.execPath(), {
          args: ["run", "-A", CLI, ...args, ...target],
          env: { NO_COLOR: "1" },
        }).output();
      const put = await run(["put", join(dir, "a.txt"), "--json"]);
      assert.equal(put.code, 0, new TextDecoder().decode(put.stderr));
      const [{ artifact_id }] = JSON.parse(new TextDecoder().decode(put.stdout));
      const ls = await run(["ls", "--json"]);
      assert.equal(ls.code, 0, new TextDecoder().decode(ls.stderr));
      assert.deepEqual(
        JSON.parse(new TextDecoder().decode(ls.stdout)).map((r: { artifact_id: string }) =>
          r.artifact_id
        ),
        [artifact_id],
      );
      const verify = await run(["verify"]);
      assert.equal(verify.code, 0, new TextDecoder().decode(verify.stdout));
    });
  },
});

Deno.test({
  name: "GrpcStorageProxy lists every trial's artifacts in one GetTrials call",
  ...testOptions,
  async fn() {
    await withSqliteProxy(async (proxy) => {
      const storage = GrpcStorageProxy.fromUrl(proxy.url);
      try {
        await assertListsEveryTrial(storage);
      } finally {
        storage.close();
      }
    });
  },
});

Deno.test({
  name: "GrpcStorageProxy keeps the trial model, read back directly from the proxy's SQLite",
  ...testOptions,
  async fn() {
    await withSqliteProxy(async (proxy, dbPath) => {
      const storage = GrpcStorageProxy.fromUrl(proxy.url);
      const direct = new SqliteStorage(dbPath);
      try {
        await assertTrialModel(storage, direct);
      } finally {
        storage.close();
        await direct.close();
      }
    });
  },
});
