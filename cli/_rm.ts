// `rm`: removes an artifact and its record.
import { removeArtifact } from "../helpers/remove_artifact.ts";
import { UsageError } from "./_targets.ts";
import { type Context, locate } from "./_context.ts";

export async function rm(context: Context): Promise<number | void> {
  const { ids, store } = context;
  if (ids.length !== 1) throw new UsageError("rm takes one artifact id");
  const { target } = await locate(context, ids[0]);
  await removeArtifact({ artifactStore: store, studyOrTrial: target, artifactId: ids[0] });
}
