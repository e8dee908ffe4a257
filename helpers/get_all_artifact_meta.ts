/**
 * Lists the artifacts of a study or a trial, as Python's
 * `optuna.artifacts.get_all_artifact_meta`.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { createStudy, getAllArtifactMeta, InMemoryArtifactStore, uploadArtifact } from "@optuna-deno/artifacts";
 * const study = await createStudy();
 * const artifactStore = new InMemoryArtifactStore();
 * const artifactId = await uploadArtifact({ artifactStore, studyOrTrial: study, body: "hi", filename: "notes.txt" });
 * assert.deepEqual(await getAllArtifactMeta(study), [
 *   { artifactId, filename: "notes.txt", mimetype: "text/plain", encoding: null },
 * ]);
 * ```
 *
 * @module
 */
import { StorageFormatError } from "../storages/errors.ts";
import { resolveTarget } from "./_attr_target.ts";
import { ARTIFACTS_ATTR_PREFIX, parseArtifactMeta } from "./_meta_codec.ts";
import type { StudyStorage } from "../storages/types.ts";
import type { StudyOrTrial } from "../study/study_or_trial.ts";
import type { ArtifactMeta } from "./types.ts";

/** Options of {@linkcode getAllArtifactMeta}. */
export interface GetAllArtifactMetaOptions {
  /** The storage, when `studyOrTrial` does not carry one. */
  storage?: StudyStorage;
  /**
   * Told about each attribute that has the artifact prefix but is not valid metadata; such an
   * entry is skipped. Unset, a warning is printed with `console.warn`.
   */
  onInvalidEntry?: (key: string, error: StorageFormatError) => void;
}

/**
 * Lists the artifacts attached to a study (not its trials) or to a trial, as Optuna's
 * `get_all_artifact_meta`. Deleted artifacts (optuna-dashboard's `null` tombstones) are
 * skipped; an entry that is not valid metadata is reported and skipped, not fatal.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { createStudy, getAllArtifactMeta } from "@optuna-deno/artifacts";
 * const study = await createStudy();
 * assert.deepEqual(await getAllArtifactMeta(study), []);
 * ```
 *
 * @param studyOrTrial The study or trial.
 * @param options The storage, and what to do with invalid entries.
 * @returns The metadata, in the order the attributes were first set.
 * @throws {StudyNotFoundError} When the study does not exist.
 * @throws {TrialNotFoundError} When the trial does not exist.
 */
export async function getAllArtifactMeta(
  studyOrTrial: StudyOrTrial,
  options: GetAllArtifactMetaOptions = {},
): Promise<ArtifactMeta[]> {
  const target = resolveTarget(studyOrTrial, options.storage);
  const report = options.onInvalidEntry ?? ((key: string, error: StorageFormatError) => {
    console.warn(`Skipping artifact attribute "${key}" of ${target.description}: ${error.message}`);
  });
  const metas: ArtifactMeta[] = [];
  for (const [key, value] of Object.entries(await target.getSystemAttrs())) {
    if (!key.startsWith(ARTIFACTS_ATTR_PREFIX)) continue;
    try {
      const meta = parseArtifactMeta(value);
      if (meta !== null) metas.push(meta);
    } catch (error) {
      if (!(error instanceof StorageFormatError)) throw error;
      report(key, error);
    }
  }
  return metas;
}
