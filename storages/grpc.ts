/**
 * A study storage that talks to Optuna's gRPC storage proxy
 * (`optuna.storages.run_grpc_proxy_server`), as Python's `GrpcStorageProxy` does: many Deno
 * workers, Deno Deploy workers included, share one study through one proxy in front of an RDB.
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
export { GrpcStorageProxy, type GrpcStorageProxyOptions } from "./grpc_storage_proxy.ts";
