// `sweep`: removes the temporary files that killed writes left.
import type { ArtifactStore } from "../stores/types.ts";
import { UsageError } from "./_targets.ts";
import { formatBytes } from "./_progress_bar.ts";
import { FileSystemArtifactStore } from "../stores/filesystem.ts";
import { removeStaleTempFiles } from "../_common/atomic_file.ts";
import { parseDuration, type Values } from "./_context.ts";

/** Removes stale temporary files from the store's folder and from the folders given. */
export async function sweep(values: Values, dirs: string[], store: ArtifactStore): Promise<void> {
  const olderThan = parseDuration(values["older-than"] ?? "1h");
  const folders: string[] = [];
  if (store instanceof FileSystemArtifactStore) folders.push(store.basePath);
  else if (dirs.length === 0) {
    throw new UsageError("sweep works on folders: give a file-system --store, or DIRs");
  }
  folders.push(...dirs);
  for (const dir of folders) {
    const { names, bytes } = await removeStaleTempFiles(dir, { olderThan });
    if (values.json) console.log(JSON.stringify({ dir, removed: names, bytes }));
    else console.log(`${dir}: removed ${names.length} temporary files (${formatBytes(bytes)})`);
  }
}
