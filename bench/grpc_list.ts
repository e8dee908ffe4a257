/**
 * Benchmark: list the artifacts of every trial of a 1,000-trial study (2 artifacts each, 10
 * trials still RUNNING) through Optuna's gRPC storage proxy in front of SQLite, with
 * `GrpcStorageProxy` and with Python Optuna's `GrpcStorageProxy`, in the same run; cold (a
 * new process and connection) and again in the same process.
 *
 * Usage: deno run -A bench/grpc_list.ts [--trials 1000] [--python python3]
 *
 * @module
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { SqliteStorage } from "../storages/sqlite.ts";
import { serializeArtifactMeta } from "../helpers/_meta_codec.ts";
import { startGrpcProxy } from "../tests/_servers.ts";
import { measure, printTable, pythonVersion } from "./_util.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    trials: { type: "string", default: "1000" },
    python: { type: "string", default: "python3" },
  },
});
const trials = Number(values.trials);
const python = values.python!;
const here = (name: string) => fileURLToPath(new URL(name, import.meta.url));
const version = await pythonVersion(python, ["optuna", "grpc"]);
if (!version) {
  console.log(`(${python} lacks optuna or grpcio: the gRPC benchmark needs Python's proxy)`);
  Deno.exit(0);
}
const work = await Deno.makeTempDir({ prefix: "optuna-deno-grpc-bench-" });
try {
  // The database, written directly: Python creates the schema, Deno the study.
  const db = join(work, "optuna.db");
  const schema = await new Deno.Command(python, {
    args: ["-c", "import optuna, sys; optuna.storages.RDBStorage(sys.argv[1])", `sqlite:///${db}`],
  }).output();
  if (schema.code !== 0) throw new Error(new TextDecoder().decode(schema.stderr));
  const storage = new SqliteStorage(db);
  const studyId = await storage.createNewStudy({ studyName: "bench" });
  for (let t = 0; t < trials; t++) {
    const trialId = await storage.createNewTrial(studyId);
    const attrs: Record<string, string> = {};
    for (let n = 0; n < 2; n++) {
      const artifactId = crypto.randomUUID();
      attrs[`artifacts:${artifactId}`] = serializeArtifactMeta({
        artifactId,
        filename: `trial-${t}-${n}.png`,
        mimetype: "image/png",
        encoding: null,
      });
    }
    await storage.setTrialSystemAttrs(trialId, attrs);
    if (t < trials - 10) await storage.setTrialStateValues(trialId, "COMPLETE", [t]);
  }
  await storage.close();

  const proxy = await startGrpcProxy(python, `sqlite:///${db}`);
  try {
    console.log(
      `gRPC proxy (Python Optuna ${version}) in front of SQLite: ${trials} trials, ` +
        `${2 * trials} artifacts (Deno ${Deno.version.deno})\n`,
    );
    const rows = [["what", "cold list s", "list again s", "wall s", "peak RSS MiB"]];
    const run = async (name: string, cmd: string, args: string[]) => {
      const { json, wall, rssMiB } = await measure(work, cmd, [...args, proxy.url]);
      if (json.cold !== 2 * trials || json.warm !== 2 * trials) {
        throw new Error(`${name} listed ${json.cold} then ${json.warm} artifacts`);
      }
      rows.push([
        name,
        json.coldSeconds.toFixed(3),
        json.warmSeconds.toFixed(3),
        wall.toFixed(2),
        rssMiB.toFixed(0),
      ]);
    };
    await run("optuna-deno GrpcStorageProxy", Deno.execPath(), [
      "run",
      "--allow-net",
      "--allow-env",
      "--allow-read",
      here("_grpc_list_worker.ts"),
    ]);
    await run(`Python Optuna ${version} GrpcStorageProxy`, python, [here("_optuna_grpc_list.py")]);
    printTable(rows);
  } finally {
    await proxy.kill();
  }
} finally {
  await Deno.remove(work, { recursive: true });
}
