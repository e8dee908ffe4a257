// One measured run of the gRPC listing benchmark: every trial's artifacts, twice, through
// GrpcStorageProxy. Prints JSON with the counts and times in seconds.
import { GrpcStorageProxy } from "../storages/grpc.ts";
import { listAll } from "./_list_all.ts";

const storage = GrpcStorageProxy.fromUrl(Deno.args[0]);

let start = performance.now();
const cold = await listAll(storage);
const coldSeconds = (performance.now() - start) / 1000;
start = performance.now();
const warm = await listAll(storage);
const warmSeconds = (performance.now() - start) / 1000;
storage.close();
console.log(JSON.stringify({ cold, coldSeconds, warm, warmSeconds }));
