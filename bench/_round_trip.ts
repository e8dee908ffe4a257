// The measured phases of every store's benchmark worker: uploadArtifact of a file, then
// downloadArtifact of it, timed apart.
import { type ArtifactStore, downloadArtifact, type StudyOrTrial, uploadArtifact } from "../mod.ts";

/** Seconds per phase, and the artifact's id. */
export interface RoundTripTimes {
  upload: number;
  download: number;
  artifactId: string;
}

/** Uploads `source` to `studyOrTrial`, downloads it to `target`, and times both phases. */
export async function timedRoundTrip(options: {
  artifactStore: ArtifactStore;
  studyOrTrial: StudyOrTrial;
  source: string;
  target: string;
  /** Whether the download syncs (downloadArtifact's default). */
  sync?: boolean;
  /** Record a digest at upload and check it at download (the default), or neither. */
  digest?: boolean;
}): Promise<RoundTripTimes> {
  const { artifactStore, studyOrTrial, source, target, sync } = options;
  const digest = options.digest ?? true;
  let start = performance.now();
  const artifactId = await uploadArtifact({
    artifactStore,
    studyOrTrial,
    filePath: source,
    recordDigest: digest,
  });
  const upload = (performance.now() - start) / 1000;
  start = performance.now();
  await downloadArtifact({
    artifactStore,
    artifactId,
    filePath: target,
    sync,
    studyOrTrial: digest ? studyOrTrial : undefined,
  });
  const download = (performance.now() - start) / 1000;
  return { upload, download, artifactId };
}
