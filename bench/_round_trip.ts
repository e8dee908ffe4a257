// The measured phases of every store's benchmark worker: uploadArtifact of a file, then
// downloadArtifact of it, timed apart.
import {
  type ArtifactStore,
  createStudy,
  type DigestAlgorithm,
  downloadArtifact,
  InMemoryArtifactStore,
  type StudyOrTrial,
  uploadArtifact,
} from "../mod.ts";

/**
 * Uploads one byte with `digest` to a memory store, so that what a first digest loads (the
 * hash's WebAssembly module, imported at first use) is loaded before a timer starts, as
 * Python's round trips are timed after their imports.
 */
export async function warmUp(digest: DigestAlgorithm | false): Promise<void> {
  await uploadArtifact({
    artifactStore: new InMemoryArtifactStore(),
    studyOrTrial: await createStudy(),
    body: "x",
    filename: "warm-up.txt",
    digest,
  });
}

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
  await warmUp(digest);
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
