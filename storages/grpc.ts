/**
 * A study storage that talks to Optuna's gRPC storage proxy
 * (`optuna.storages.run_grpc_proxy_server`), as Python's `GrpcStorageProxy` does: many Deno
 * workers, Deno Deploy workers included, share one study through one proxy in front of an RDB.
 *
 * ## Usage and behaviour
 *
 * Python workers share a study this way since Optuna 4.2; Deno Deploy workers, which cannot open
 * a journal, can too. Start the proxy with Python Optuna 5.0 and `grpcio`:
 *
 * ```sh
 * python -c 'import optuna; optuna.storages.run_grpc_proxy_server(optuna.storages.get_storage("postgresql://user:pw@db/optuna"), host="0.0.0.0", port=13000)'
 * ```
 *
 * then use `new GrpcStorageProxy({ host: "proxy", port: 13000 })` (permissions: `--allow-net`, and
 * `--allow-env` because `@grpc/grpc-js` reads its `GRPC_*` settings when it loads; or
 * `--storage grpc://proxy:13000` on the command line, `OPTUNA_STORAGE=grpc://...` for the Deploy
 * worker). The service is Optuna 5.0's (`optuna.StorageService`, with `GetTrials`), described field
 * by field in `storages/_grpc_schema.ts` and turned into protobuf descriptors at load time, no
 * generated code. Values travel as Python's `json.dumps` text, as Python's client sends them; errors
 * are those of the other storages (`StudyNotFoundError`, `TrialNotFoundError`,
 * `DuplicatedStudyError`, `UpdateFinishedTrialError` with the trial's state), and
 * `StorageUnreachableError` when the proxy refuses the connection, drops it or passes the deadline
 * (`timeout`, 60 s by default). Reads are tried again on a fresh connection while the proxy restarts
 * (`readRetries`: 0.25 s, 0.5 s, ... ); writes are never repeated, since a write whose answer was
 * lost may have happened. A server that is no gRPC proxy is named as such. The attributes of
 * finished trials, which Optuna never changes, are cached. The proxy has no delete, so
 * `removeArtifact` writes tombstones there, as in a journal; the two attributes of an upload (digest
 * and metadata) are two calls, the digest first. Tested against Python's proxy in front of SQLite
 * and PostgreSQL (`tests/storages/grpc_test.ts`, and the interop tests through the proxy and
 * directly from the database). `@grpc/grpc-js` is pinned to 1.12: 1.13 and later call
 * `http2.getDefaultSettings`, which Deno 2.5's `node:http2` lacks (calls then hang until their
 * deadline). Only Optuna 5.0's proxy was at hand (the wheel mirror has no other). Optuna's earlier
 * service definition named the trial listing `GetAllTrials`; a proxy without `GetTrials` answers
 * UNIMPLEMENTED, which `getAllTrials` reports as a proxy whose Optuna is older than 5.0 (not tested
 * against a real one).
 *
 * @example Usage
 * ```ts ignore
 * import { GrpcStorageProxy } from "@optuna-deno/artifacts/grpc";
 * import { getAllArtifactMeta, loadStudy } from "@optuna-deno/artifacts";
 * const storage = new GrpcStorageProxy({ host: "127.0.0.1", port: 13000 });
 * const study = await loadStudy({ storage, studyName: "my-study" });
 * console.log(await getAllArtifactMeta(study));
 * storage.close();
 * ```
 *
 * @module
 */
export { GrpcStorageProxy } from "./grpc_storage_proxy.ts";
export type { GrpcStorageProxyOptions } from "./grpc_storage_proxy_options.ts";
