// The live Python side shared by the interoperability tests: the Python Optuna that CI installs,
// the storages both sides open (journal, SQLite, PostgreSQL, and Optuna's gRPC proxy in front
// of the databases), and a runner for _optuna_side.py.
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { JournalFileStorage } from "../../storages/journal.ts";
import { PostgresStorage } from "../../storages/postgres.ts";
import { SqliteStorage } from "../../storages/sqlite.ts";
import type { StudyStorage } from "../../storages/types.ts";
import { GrpcStorageProxy } from "../../storages/grpc.ts";
import { optunaPython, service } from "../_env.ts";
import { type GrpcProxy, grpcPython, startGrpcProxy } from "../_servers.ts";

export const SIDE = fileURLToPath(new URL("_optuna_side.py", import.meta.url));
export const python = optunaPython();
export const postgresUrl = service("OPTUNA_TEST_POSTGRES_URL", "PostgreSQL");

/** Runs _optuna_side.py and parses its JSON output; fails the test on a non-zero exit. */
export async function py(...args: string[]) {
  const { code, stdout, stderr } = await pyRaw(...args);
  assert.equal(code, 0, `Python failed: ${stderr}`);
  return JSON.parse(stdout);
}

/** Runs the Python side and returns its exit code and output, whatever they are. */
export async function pyRaw(...args: string[]) {
  const { code, stdout, stderr } = await new Deno.Command(python.value, {
    args: [SIDE, ...args],
  }).output();
  return {
    code,
    stdout: new TextDecoder().decode(stdout),
    stderr: new TextDecoder().decode(stderr),
  };
}

/**
 * Runs a worker process (Deno or Python) and parses the JSON on its last line of output; fails
 * the test on a non-zero exit.
 */
export async function runWorker<T>(command: string, args: string[]): Promise<T> {
  const { code, stdout, stderr } = await new Deno.Command(command, { args }).output();
  assert.equal(code, 0, new TextDecoder().decode(stderr));
  return JSON.parse(new TextDecoder().decode(stdout).trim().split("\n").at(-1)!);
}

export const version = python.ignore ? null : await py("version");

if (version) console.log(`Live interop against Python Optuna ${version.optuna}`);

export interface Kind {
  name: string;
  ignore: boolean;
  /** Python's RDB storage returns attributes in no fixed order (the planner's); a journal does. */
  ordered: boolean;
  /** The storage spec Python takes (for the gRPC proxy, once the proxy is started). */
  spec(dir: string): string | Promise<string>;
  /** Behind a gRPC proxy: the database's own spec, which Python also reads directly. */
  direct?(dir: string): string;
  /** A gRPC proxy kind: left out of the removal tests (the proxy cannot delete). */
  grpc?: boolean;
  /** Stops what `spec` started for `dir`. */
  dispose?(dir: string): Promise<void>;
  /** Deno's storage on it, once Python created it. */
  open(spec: string): { spec: string; storage: StudyStorage; close(): Promise<void> };
}

export const kinds: Kind[] = [
  {
    name: "journal file",
    ignore: python.ignore,
    ordered: true,
    spec: (dir) => join(dir, "journal.log"),
    open(spec) {
      return { spec, storage: new JournalFileStorage(spec), close: () => Promise.resolve() };
    },
  },
  {
    name: "SQLite",
    ignore: python.ignore,
    ordered: false,
    spec: (dir) => `sqlite:///${join(dir, "optuna.db")}`,
    open(spec) {
      const storage = new SqliteStorage(spec);
      return { spec, storage, close: () => storage.close() };
    },
  },
  {
    name: "PostgreSQL",
    ignore: python.ignore || postgresUrl.ignore,
    ordered: false,
    spec: () => postgresUrl.value,
    open(spec) {
      const storage = new PostgresStorage(spec);
      return { spec, storage, close: () => storage.close() };
    },
  },
];

// Optuna's gRPC storage proxy (Python) in front of SQLite and of PostgreSQL: Deno talks to
// the proxy, Python through the proxy and directly to the database.
const grpc = grpcPython(python);
const proxies = new Map<string, GrpcProxy>();
for (const base of kinds.filter((k) => k.name !== "journal file")) {
  kinds.push({
    name: `Optuna's gRPC proxy in front of ${base.name}`,
    ignore: base.ignore || grpc.ignore,
    ordered: false,
    grpc: true,
    direct: (dir) => base.spec(dir) as string,
    async spec(dir) {
      const proxy = await startGrpcProxy(grpc.value, base.spec(dir) as string);
      proxies.set(dir, proxy);
      return proxy.url;
    },
    async dispose(dir) {
      await proxies.get(dir)?.kill();
      proxies.delete(dir);
    },
    open(spec) {
      const storage = GrpcStorageProxy.fromUrl(spec);
      return { spec, storage, close: () => Promise.resolve(storage.close()) };
    },
  });
}
