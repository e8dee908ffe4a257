// A writer process for the gRPC concurrency test: N uploads through Optuna's gRPC proxy,
// alternating between the study and its trial 0. Prints the artifact ids as JSON.
// Usage: _grpc_writer.ts grpc://HOST:PORT STUDY ARTIFACT_DIR N
import { GrpcStorageProxy } from "../../storages/grpc.ts";
import { FileSystemArtifactStore } from "../../stores/filesystem.ts";
import { loadStudy } from "../../study/study.ts";
import { uploadArtifact } from "../../helpers/upload_artifact.ts";

const [url, studyName, artifactDir, count] = Deno.args;
const storage = GrpcStorageProxy.fromUrl(url);
const study = await loadStudy({ storage, studyName });
const trial = await study.trial(0);
const artifactStore = new FileSystemArtifactStore(artifactDir);
const ids: string[] = [];
for (let i = 0; i < Number(count); i++) {
  ids.push(
    await uploadArtifact({
      artifactStore,
      studyOrTrial: i % 2 === 0 ? study : trial,
      body: `deno ${Deno.pid} ${i}`,
      filename: `deno-${i}.txt`,
    }),
  );
}
storage.close();
console.log(JSON.stringify(ids));
