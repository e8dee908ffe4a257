// One measured run of the gRPC listing benchmark: every trial's artifacts, twice, through
// GrpcStorageProxy. Prints JSON with the counts and times in seconds.
import { getAllArtifactMeta } from "../helpers/get_all_artifact_meta.ts";
import { GrpcStorageProxy } from "../storages/grpc.ts";

const storage = GrpcStorageProxy.fromUrl(Deno.args[0]);

async function listAll(): Promise<number> {
  const [study] = await storage.getAllStudies();
  let count = 0;
  for (const trial of await storage.getAllTrials(study.studyId)) {
    count += (await getAllArtifactMeta({ trialId: trial.trialId, storage })).length;
  }
  return count;
}

let start = performance.now();
const cold = await listAll();
const coldSeconds = (performance.now() - start) / 1000;
start = performance.now();
const warm = await listAll();
const warmSeconds = (performance.now() - start) / 1000;
storage.close();
console.log(JSON.stringify({ cold, coldSeconds, warm, warmSeconds }));
