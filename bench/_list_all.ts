// What the listing benchmarks time: every trial's artifacts of a storage's first study.
// From the main module, as a user imports them.
import { getAllArtifactMeta, getAllTrialsArtifactMeta } from "../mod.ts";
import type { StudyStorage } from "../storages/types.ts";

/**
 * Lists the artifacts of every trial of the storage's first study; returns how many. With
 * `oneRead`, in one call of getAllTrialsArtifactMeta, else trial by trial (as Python does).
 */
export async function listAll(
  storage: StudyStorage,
  options: { oneRead?: boolean } = {},
): Promise<number> {
  const [study] = await storage.getAllStudies();
  let count = 0;
  if (options.oneRead) {
    for (const trial of await getAllTrialsArtifactMeta({ studyId: study.studyId, storage })) {
      count += trial.artifacts.length;
    }
    return count;
  }
  for (const trial of await storage.getAllTrials(study.studyId)) {
    count += (await getAllArtifactMeta({ trialId: trial.trialId, storage })).length;
  }
  return count;
}
