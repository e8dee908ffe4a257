// `put`: uploads files to the study or a trial.
import type { StudyOrTrial } from "../study/study_or_trial.ts";
import type { DigestAlgorithm } from "../helpers/types.ts";
import { uploadArtifact } from "../helpers/upload_artifact.ts";
import { UsageError } from "./_targets.ts";
import { type Context, progress, trialNumber, trialOf } from "./_context.ts";

export async function put(context: Context): Promise<number | void> {
  const { values, ids: files, storage, store, studyId } = context;
  if (files.length === 0) throw new UsageError("put takes one or more files");
  const digest = digestOf(values.digest);
  const number = trialNumber(values);
  const studyOrTrial: StudyOrTrial = number === undefined
    ? { studyId, storage }
    : { trialId: (await trialOf(context, number)).trialId, storage };
  const uploaded = [];
  for (const filePath of files) {
    const bar = progress(values, filePath);
    let artifactId: string;
    try {
      artifactId = await uploadArtifact({
        artifactStore: store,
        studyOrTrial,
        filePath,
        mimetype: values.mimetype,
        encoding: values.encoding,
        digest,
        onProgress: bar.onProgress,
      });
    } finally {
      bar.done(); // clear the bar before anything else is printed on its line
    }
    uploaded.push({ artifact_id: artifactId, file: filePath });
    if (!values.json) console.log(`${artifactId}\t${filePath}`);
  }
  if (values.json) console.log(JSON.stringify(uploaded, null, 2));
}

/** The `--digest` option; unset is uploadArtifact's default. */
function digestOf(value: string | undefined): DigestAlgorithm | false | undefined {
  if (value === undefined || value === "xxh128" || value === "sha256") return value;
  if (value === "none") return false;
  throw new UsageError(`Cannot record a "${value}" digest: use --digest xxh128, sha256 or none`);
}
