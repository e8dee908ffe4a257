// What the listing benchmarks time: every trial's artifacts of a storage's first study.
import { getAllArtifactMeta } from "../helpers/get_all_artifact_meta.ts";
import type { StudyStorage } from "../storages/types.ts";

/** Lists the artifacts of every trial of the storage's first study; returns how many. */
export async function listAll(storage: StudyStorage): Promise<number> {
  const [study] = await storage.getAllStudies();
  let count = 0;
  for (const trial of await storage.getAllTrials(study.studyId)) {
    count += (await getAllArtifactMeta({ trialId: trial.trialId, storage })).length;
  }
  return count;
}
