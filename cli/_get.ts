// `get`: downloads one artifact, or every artifact of a trial, by the recorded file names.
import { join } from "node:path";
import { downloadArtifact } from "../helpers/download_artifact.ts";
import type { StudyOrTrial } from "../study/study_or_trial.ts";
import { safeFilename } from "../helpers/safe_filename.ts";
import { UsageError } from "./_targets.ts";
import { type Context, locate, progress, rowsOf, trialNumber, trialOf } from "./_context.ts";

export async function get(context: Context): Promise<number | void> {
  const { values, ids, store } = context;
  if (values.all) {
    const number = trialNumber(values);
    if (number === undefined || !values.output || ids.length > 0) {
      throw new UsageError("get --all needs --trial N and -o DIR, and no artifact id");
    }
    const trial = await trialOf(context, number);
    const rows = await rowsOf(context, [trial], false);
    // Every recorded name is checked before anything is written.
    const used = new Set<string>();
    const targets = rows.map((row) => {
      const safe = safeFilename(row.filename);
      // Two artifacts with one file name: the second keeps its id in front.
      const name = used.has(safe) ? `${row.artifact_id}-${safe}` : safe;
      used.add(name);
      return { row, path: join(values.output!, name) };
    });
    await Deno.mkdir(values.output, { recursive: true });
    for (const { row, path } of targets) {
      const target = { trialId: trial.trialId, storage: context.storage };
      await download(context, target, row.artifact_id, path, row.filename);
      console.log(path);
    }
    return;
  }
  if (ids.length !== 1) throw new UsageError("get takes one artifact id (or --trial N --all)");
  const { row, target } = await locate(context, ids[0]);
  if (values.output === "-") {
    await (await store.open(row.artifact_id)).pipeTo(Deno.stdout.writable, {
      preventClose: true,
    });
    return;
  }
  const filePath = values.output ?? safeFilename(row.filename);
  await download(context, target, row.artifact_id, filePath, row.filename);
}

async function download(
  context: Context,
  target: StudyOrTrial,
  artifactId: string,
  filePath: string,
  label: string,
) {
  const bar = progress(context.values, label);
  try {
    await downloadArtifact({
      artifactStore: context.store,
      studyOrTrial: target, // so the digest recorded at upload is checked
      artifactId,
      filePath,
      onProgress: bar.onProgress,
    });
  } finally {
    bar.done();
  }
}
