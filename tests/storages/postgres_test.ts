// PostgresStorage against a real PostgreSQL, on schemas that Python Optuna created.
import assert from "node:assert/strict";
// deno-lint-ignore no-import-prefix -- kept out of the import map (see docs/development.md)
import postgres from "npm:postgres@^3.4.9";
import { withDatabase } from "../_postgres.ts";
import { StorageFormatError, UpdateFinishedTrialError } from "../../storages/errors.ts";
import { PostgresStorage } from "../../storages/postgres.ts";
import { createStudy } from "../../study/create_study.ts";
import { optunaPython, service } from "../_env.ts";
import { assertListsEveryTrial } from "./_fixtures.ts";
import { assertTrialModel } from "./_trial_model.ts";

const base = service("OPTUNA_TEST_POSTGRES_URL", "PostgreSQL");
const python = optunaPython();
const ignore = base.ignore || python.ignore;

Deno.test({
  name: "PostgresStorage numbers trials created at once by several connections without gaps",
  ignore,
  async fn() {
    await withDatabase(base.value, python.value, true, async (url) => {
      const storages = [0, 1, 2].map(() => new PostgresStorage(url));
      try {
        const study = await createStudy({ storage: storages[0], studyName: "race" });
        const ids = await Promise.all(
          storages.flatMap((s) =>
            Array.from({ length: 10 }, () => s.createNewTrial(study.studyId))
          ),
        );
        const trials = await storages[1].getAllTrials(study.studyId);
        assert.deepEqual(trials.map((t) => t.number), Array.from({ length: 30 }, (_, i) => i));
        assert.deepEqual(
          trials.map((t) => t.trialId).toSorted((a, b) => a - b),
          ids.toSorted((a, b) => a - b),
        );
      } finally {
        await Promise.all(storages.map((s) => s.close()));
      }
    });
  },
});

Deno.test({
  name: "PostgresStorage refuses a trial another connection finished, and writes nothing",
  ignore,
  async fn() {
    await withDatabase(base.value, python.value, true, async (url) => {
      const [a, b] = [new PostgresStorage(url), new PostgresStorage(url)];
      try {
        const studyId = await a.createNewStudy({ studyName: "s" });
        const trialId = await a.createNewTrial(studyId);
        await a.setTrialSystemAttr(trialId, "artifacts:x", "null");
        await b.setTrialStateValues(trialId, "COMPLETE", [1.5]);
        await assert.rejects(
          a.setTrialSystemAttr(trialId, "artifacts:y", "v"),
          UpdateFinishedTrialError,
        );
        assert.deepEqual(await a.getTrialSystemAttrs(trialId), { "artifacts:x": "null" });
        assert.deepEqual((await a.getTrial(trialId)).values, [1.5]);
      } finally {
        await a.close();
        await b.close();
      }
    });
  },
});

Deno.test({
  name: "PostgresStorage refuses an unknown schema revision and a database without the schema",
  ignore,
  async fn() {
    await withDatabase(base.value, python.value, true, async (url) => {
      const sql = postgres(url, { max: 1, onnotice: () => {} });
      await sql`UPDATE alembic_version SET version_num = 'v2.6.0.a'`;
      await sql.end();
      const storage = new PostgresStorage(url);
      try {
        await assert.rejects(storage.getAllStudies(), (error) => {
          assert.ok(error instanceof StorageFormatError);
          assert.match(error.message, /revision "v2\.6\.0\.a"/);
          assert.doesNotMatch(error.message, /password/);
          return true;
        });
      } finally {
        await storage.close();
      }
    });
    await withDatabase(base.value, python.value, false, async (url) => {
      const storage = new PostgresStorage(url);
      try {
        await assert.rejects(storage.getAllStudies(), /no Optuna schema/);
      } finally {
        await storage.close();
      }
    });
  },
});

Deno.test("PostgresStorage reports a refused connection as such, not as a missing schema", async () => {
  // A port nothing listens on: bind one, note it, and close it.
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  const storage = new PostgresStorage(`postgresql://optuna:secret@127.0.0.1:${port}/optuna`, {
    connectTimeout: 5,
  });
  try {
    await assert.rejects(storage.getAllStudies(), (error) => {
      assert.ok(!(error instanceof StorageFormatError), String(error));
      assert.match((error as Error).message, /Cannot reach PostgreSQL database/);
      assert.match((error as Error).message, /ECONNREFUSED|refused/i);
      assert.doesNotMatch((error as Error).message, /secret/);
      return true;
    });
  } finally {
    await storage.close();
  }
});

Deno.test({
  name: "PostgresStorage lists every trial's artifacts with one query for the attributes",
  ignore,
  async fn() {
    await withDatabase(base.value, python.value, true, async (url) => {
      const storage = new PostgresStorage(url);
      try {
        await assertListsEveryTrial(storage);
      } finally {
        await storage.close();
      }
    });
  },
});

Deno.test({
  name: "PostgresStorage keeps the trial model; a second connection reads it",
  ignore,
  async fn() {
    await withDatabase(base.value, python.value, true, async (url) => {
      const [storage, reader] = [new PostgresStorage(url), new PostgresStorage(url)];
      try {
        await assertTrialModel(storage, reader);
      } finally {
        await storage.close();
        await reader.close();
      }
    });
  },
});
