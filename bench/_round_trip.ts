// The measured phases of every store's benchmark worker: uploadArtifact of a file, then
// downloadArtifact of it, timed apart.
import {
  type ArtifactStore,
  type DigestAlgorithm,
  downloadArtifact,
  type StudyOrTrial,
  uploadArtifact,
} from "../mod.ts";

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
  /** The digest recorded at upload and checked at download (default XXH3-128), or none. */
  digest?: DigestAlgorithm | false;
}): Promise<RoundTripTimes> {
  const { artifactStore, studyOrTrial, source, target, sync } = options;
  const digest = options.digest ?? "xxh128";
  let start = performance.now();
  const artifactId = await uploadArtifact({
    artifactStore,
    studyOrTrial,
    filePath: source,
    digest,
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
