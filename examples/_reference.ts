// The program of every example in Optuna's artifacts reference, for any artifact store: a study
// whose objective suggests `x`, writes a file, uploads it and keeps its id in a user attribute;
// then the best trial's artifact is downloaded and printed. The four examples differ only in
// their store, as Python's do.
import { join } from "node:path";
import {
  type ArtifactStore,
  createStudy,
  downloadArtifact,
  type Trial,
  uploadArtifact,
} from "../mod.ts";
import { JournalFileStorage } from "../storages/journal.ts";

/**
 * Runs the reference program on `artifactStore`, with the study in the journal
 * `./optuna-journal.log` (Python's examples use `sqlite:///example.db`, which Python creates;
 * a journal is one Deno can start by itself). `N_TRIALS` overrides the 100 trials.
 */
export async function runReferenceExample(artifactStore: ArtifactStore): Promise<void> {
  const workDir = await Deno.makeTempDir({ prefix: "optuna-example-" });
  try {
    const study = await createStudy({
      studyName: `example-${crypto.randomUUID()}`,
      storage: new JournalFileStorage("./optuna-journal.log"),
    });
    const objective = async (trial: Trial): Promise<number> => {
      const x = await trial.suggestFloat("x", -10, 10);
      // Creating and writing an artifact.
      const filePath = join(workDir, `trial-${trial.number}.txt`);
      await Deno.writeTextFile(filePath, `trial ${trial.number}: x = ${x}\n`);
      const artifactId = await uploadArtifact({ artifactStore, filePath, studyOrTrial: trial });
      // Keep the id in the storage so that it can be found later.
      await trial.setUserAttr("artifact_id", artifactId);
      return x ** 2;
    };
    await study.optimize(objective, { nTrials: Number(Deno.env.get("N_TRIALS") ?? 100) });

    // Download the best trial's artifact.
    const best = await study.bestTrial();
    const downloadPath = join(workDir, "best.txt");
    await downloadArtifact({
      artifactStore,
      artifactId: best.userAttrs.artifact_id as string,
      filePath: downloadPath,
    });
    console.log(`Study ${study.studyName}: best value ${best.values![0]}`);
    console.log(await Deno.readTextFile(downloadPath));
  } finally {
    await Deno.remove(workDir, { recursive: true });
  }
}
