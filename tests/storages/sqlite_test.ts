import assert from "node:assert/strict";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import {
  DuplicatedStudyError,
  StorageFormatError,
  StudyNotFoundError,
  TrialNotFoundError,
  UpdateFinishedTrialError,
} from "../../storages/errors.ts";
import { parseArtifactMeta, serializeArtifactMeta } from "../../helpers/_meta_codec.ts";
import { getAllArtifactMeta } from "../../helpers/get_all_artifact_meta.ts";
import { pythonJsonDumps } from "../../_common/python_json.ts";
import { sqlitePath, SqliteStorage } from "../../storages/sqlite.ts";
import { InMemoryArtifactStore } from "../../stores/memory.ts";
import { createStudy, loadStudy } from "../../study/create_study.ts";
import { uploadArtifact } from "../../helpers/upload_artifact.ts";
import { FIXTURES, withTempDir } from "../_helpers.ts";
import { assertListsEveryTrial, assertMatchesFixture } from "./_fixtures.ts";
import { assertReadsPythonParams, assertTrialModel } from "./_trial_model.ts";

/** Runs `fn` on a private copy of a fixture database (fixtures are never opened for writing). */
async function withCopy(
  version: string,
  fn: (path: string) => Promise<void>,
  file = "interop.sqlite3",
): Promise<void> {
  await withTempDir(async (dir) => {
    const path = join(dir, "optuna.db");
    await Deno.copyFile(join(FIXTURES, version, file), path);
    await fn(path);
  });
}

function rows(path: string, sql: string): Record<string, unknown>[] {
  const db = new DatabaseSync(path);
  try {
    return db.prepare(sql).all().map((row) => ({ ...row }));
  } finally {
    db.close();
  }
}

for (const version of ["optuna-5.0.0", "optuna-4.9.0"]) {
  Deno.test(`SqliteStorage reads the ${version} database exactly as Python`, async () => {
    await withCopy(version, async (path) => {
      const storage = new SqliteStorage(`sqlite:///${path}`);
      try {
        await assertMatchesFixture(storage, version, "sqlite");
        assert.equal(await storage.schemaRevision(), "v3.2.0.a");
      } finally {
        await storage.close();
      }
    });
  });
}

Deno.test("SqliteStorage stores json.dumps of the value, as Python's value_json", async () => {
  await withCopy("optuna-5.0.0", async (path) => {
    // Python's own rows round-trip through our encoder byte for byte.
    for (const row of rows(path, "SELECT value_json FROM trial_system_attributes")) {
      const meta = parseArtifactMeta(JSON.parse(String(row.value_json)))!;
      assert.equal(pythonJsonDumps(serializeArtifactMeta(meta)), row.value_json);
    }
    const storage = new SqliteStorage(path);
    try {
      const study = await loadStudy({ storage, studyName: "interop" });
      const trial = await study.trial(1);
      assert.equal(trial.trialId, 2);
      const artifactId = await uploadArtifact({
        artifactStore: new InMemoryArtifactStore(),
        studyOrTrial: trial,
        body: "ckpt",
        filename: "épreuve.bin",
      });
      const [row] = rows(
        path,
        `SELECT trial_id, value_json FROM trial_system_attributes WHERE "key" = 'artifacts:${artifactId}'`,
      );
      assert.equal(row.trial_id, 2);
      assert.equal(
        row.value_json,
        `"{\\"artifact_id\\": \\"${artifactId}\\", \\"filename\\": \\"\\\\u00e9preuve.bin\\", ` +
          `\\"mimetype\\": \\"application/octet-stream\\", \\"encoding\\": null}"`,
      );
      assert.equal((await getAllArtifactMeta(trial)).at(-1)?.filename, "épreuve.bin");
    } finally {
      await storage.close();
    }
  });
});

Deno.test("SqliteStorage refuses a finished trial in the transaction and writes nothing", async () => {
  await withCopy("optuna-5.0.0", async (path) => {
    const storage = new SqliteStorage(path);
    try {
      const before = rows(path, "SELECT COUNT(*) AS n FROM trial_system_attributes")[0].n;
      for (const trialId of [1, 3]) {
        await assert.rejects(
          storage.setTrialSystemAttr(trialId, "k", "v"),
          UpdateFinishedTrialError,
        );
      }
      await assert.rejects(storage.setTrialStateValues(1, "FAIL"), UpdateFinishedTrialError);
      await assert.rejects(storage.setTrialSystemAttr(99, "k", "v"), TrialNotFoundError);
      await assert.rejects(storage.setStudySystemAttr(99, "k", "v"), StudyNotFoundError);
      await assert.rejects(storage.getTrialIdFromStudyIdTrialNumber(1, 7), TrialNotFoundError);
      await assert.rejects(storage.getTrialIdFromStudyIdTrialNumber(9, 0), StudyNotFoundError);
      assert.equal(rows(path, "SELECT COUNT(*) AS n FROM trial_system_attributes")[0].n, before);
    } finally {
      await storage.close();
    }
  });
});

Deno.test("SqliteStorage creates studies and trials numbered as Python's RDBStorage", async () => {
  await withCopy("optuna-5.0.0", async (path) => {
    const storage = new SqliteStorage(path);
    try {
      const study = await createStudy({ storage, studyName: "deno", direction: "maximize" });
      assert.equal(study.studyId, 2);
      const t0 = await study.ask();
      const t1 = await study.ask();
      assert.deepEqual([t0.trialId, t0.number, t1.trialId, t1.number], [4, 0, 5, 1]);
      await study.tell(t0, { values: Infinity });
      await study.tell(t1, { values: 0.25 });
      assert.deepEqual((await study.getTrials()).map((t) => [t.state, t.values]), [
        ["COMPLETE", [Infinity]],
        ["COMPLETE", [0.25]],
      ]);
      assert.deepEqual(
        rows(path, "SELECT direction FROM study_directions WHERE study_id = 2"),
        [{ direction: "MAXIMIZE" }],
      );
      const [trial] = rows(
        path,
        "SELECT datetime_start, datetime_complete FROM trials WHERE trial_id = 4",
      );
      assert.match(String(trial.datetime_complete), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/);
      await assert.rejects(createStudy({ storage, studyName: "deno" }), DuplicatedStudyError);
    } finally {
      await storage.close();
    }
  });
});

Deno.test("SqliteStorage refuses an unknown schema revision, naming it", async () => {
  await withCopy("optuna-5.0.0", async (path) => {
    const db = new DatabaseSync(path);
    db.exec("UPDATE alembic_version SET version_num = 'v9.9.9.z'");
    db.close();
    const storage = new SqliteStorage(path);
    try {
      await assert.rejects(storage.getStudyIdFromName("interop"), (error) => {
        assert.ok(error instanceof StorageFormatError);
        assert.match(error.message, /schema revision "v9\.9\.9\.z"/);
        return true;
      });
    } finally {
      await storage.close();
    }
  });
});

Deno.test("SqliteStorage on a database without Optuna's schema says how to create it", async () => {
  await withTempDir(async (dir) => {
    await Deno.writeFile(join(dir, "empty.db"), new Uint8Array());
    const storage = new SqliteStorage(join(dir, "empty.db"));
    try {
      await assert.rejects(storage.getAllStudies(), (error) => {
        assert.ok(error instanceof StorageFormatError);
        assert.match(error.message, /no Optuna schema.*RDBStorage/);
        return true;
      });
    } finally {
      await storage.close();
    }
  });
});

Deno.test("SqliteStorage names a file that is not an SQLite database and leaves it as it was", async () => {
  await withTempDir(async (dir) => {
    // A journal given where a database was meant: the likeliest mix-up.
    const path = join(dir, "journal.log");
    const text = '{"op_code": 0, "worker_id": "w", "study_name": "s", "directions": [1]}\n'.repeat(
      200,
    );
    await Deno.writeTextFile(path, text);
    const storage = new SqliteStorage(path);
    try {
      await assert.rejects(storage.getAllStudies(), (error) => {
        assert.ok(error instanceof StorageFormatError);
        assert.match(error.message, /journal\.log.*is not an SQLite database/);
        assert.doesNotMatch(error.message, /Cannot reach/);
        return true;
      });
    } finally {
      await storage.close();
    }
    assert.equal(await Deno.readTextFile(path), text);
  });
});

Deno.test("SqliteStorage refuses a missing file instead of creating an empty one", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "missing.db");
    assert.throws(() => new SqliteStorage(`sqlite:///${path}`), (error) => {
      assert.ok(error instanceof Deno.errors.NotFound);
      assert.match(error.message, /missing\.db": the file does not exist; Python Optuna creates/);
      return true;
    });
    await assert.rejects(Deno.stat(path), Deno.errors.NotFound);
  });
});

Deno.test("SqliteStorage refuses a database with the right revision but not the tables", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "hollow.db");
    const db = new DatabaseSync(path);
    db.exec("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)");
    db.exec("INSERT INTO alembic_version VALUES ('v3.2.0.a')");
    db.exec("CREATE TABLE studies (study_id INTEGER PRIMARY KEY)"); // no study_name
    db.close();
    const storage = new SqliteStorage(path);
    try {
      await assert.rejects(storage.getAllStudies(), (error) => {
        assert.ok(error instanceof StorageFormatError);
        assert.match(
          error.message,
          /table studies lacks study_name/,
        );
        return true;
      });
    } finally {
      await storage.close();
    }
  });
});

Deno.test("sqlitePath() reads SQLAlchemy URLs", () => {
  assert.equal(sqlitePath("sqlite:///rel/a.db"), "rel/a.db");
  assert.equal(sqlitePath("sqlite:////abs/a.db"), "/abs/a.db");
  assert.equal(sqlitePath("/plain.db"), "/plain.db");
});

Deno.test("SqliteStorage writes an upload's digest and metadata in one transaction: a refused second row takes the first back", async () => {
  await withCopy("optuna-5.0.0", async (path) => {
    // The database refuses metadata rows, as a constraint or a lost connection would.
    const db = new DatabaseSync(path);
    db.exec(
      `CREATE TRIGGER refuse_meta BEFORE INSERT ON trial_system_attributes ` +
        `WHEN NEW."key" LIKE 'artifacts:%' BEGIN SELECT RAISE(ABORT, 'refused by a trigger'); END`,
    );
    db.close();
    const count = () => rows(path, "SELECT COUNT(*) AS n FROM trial_system_attributes")[0].n;
    const before = count();
    const storage = new SqliteStorage(path);
    const artifactStore = new InMemoryArtifactStore();
    try {
      const trial = await (await loadStudy({ storage, studyName: "interop" })).trial(1);
      await assert.rejects(
        uploadArtifact({ artifactStore, studyOrTrial: trial, body: "ckpt", filename: "c.bin" }),
        /refused by a trigger/,
      );
      assert.equal(count(), before, "no digest row without its metadata");
      assert.deepEqual(await Array.fromAsync(artifactStore.list()), [], "no blob either");
    } finally {
      await storage.close();
    }
  });
});

Deno.test("SqliteStorage lists every trial's artifacts with one query for the attributes", async () => {
  await withCopy("optuna-5.0.0", async (path) => {
    const storage = new SqliteStorage(path);
    try {
      await assertListsEveryTrial(storage);
    } finally {
      await storage.close();
    }
  });
});

Deno.test("SqliteStorage reads Python's parameters of every distribution class", async () => {
  await withCopy("optuna-5.0.0", async (path) => {
    const storage = new SqliteStorage(path);
    try {
      await assertReadsPythonParams(storage, "sqlite");
    } finally {
      await storage.close();
    }
  }, "params.sqlite3");
});

Deno.test("SqliteStorage keeps the trial model; a second connection reads it", async () => {
  await withCopy("optuna-5.0.0", async (path) => {
    const [storage, reader] = [new SqliteStorage(path), new SqliteStorage(path)];
    try {
      await assertTrialModel(storage, reader);
      // Python's columns: a categorical's index as param_value (the enqueued "sgd" is 3), the
      // value's kind beside an intermediate value that is not finite.
      const first = "(SELECT trial_id FROM trial_params WHERE param_name = 'lr')";
      assert.deepEqual(
        rows(
          path,
          `SELECT param_value FROM trial_params WHERE param_name = 'c' AND trial_id != ${first}`,
        ),
        [{ param_value: 3 }],
      );
      assert.deepEqual(
        rows(
          path,
          "SELECT step, intermediate_value, intermediate_value_type FROM trial_intermediate_values " +
            `WHERE trial_id = ${first} ORDER BY step`,
        ),
        [
          { step: 0, intermediate_value: 0.5, intermediate_value_type: "FINITE" },
          { step: 1, intermediate_value: null, intermediate_value_type: "NAN" },
          { step: 2, intermediate_value: null, intermediate_value_type: "INF_POS" },
          { step: 3, intermediate_value: null, intermediate_value_type: "INF_NEG" },
        ],
      );
    } finally {
      await storage.close();
      await reader.close();
    }
  });
});
