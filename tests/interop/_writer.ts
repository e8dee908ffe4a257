// A writer process for the concurrency tests: N uploads, alternating between the study and its
// trial 0, through a journal file (with its lock kind) or Optuna's gRPC proxy (grpc://...).
// Prints the artifact ids as JSON.
// Usage: _writer.ts STORAGE STUDY ARTIFACT_DIR N [symlink|open]
import { JournalFileStorage } from "../../storages/journal.ts";
import { FileSystemArtifactStore } from "../../stores/filesystem.ts";
import { loadStudy } from "../../study/create_study.ts";
import { uploadArtifact } from "../../helpers/upload_artifact.ts";

const [spec, studyName, artifactDir, count, lock] = Deno.args;
// Imported only for a proxy: grpc-js reads its environment when it loads (--allow-env).
const grpc = spec.startsWith("grpc://")
  ? (await import("../../storages/grpc.ts")).GrpcStorageProxy.fromUrl(spec)
  : undefined;
const storage = grpc ?? new JournalFileStorage(spec, { lock: lock as "symlink" | "open" });
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
grpc?.close();
console.log(JSON.stringify(ids));
