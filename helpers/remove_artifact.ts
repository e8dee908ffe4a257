/**
 * Removes an artifact: its bytes and its metadata. Python Optuna has no such helper.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { createStudy, getAllArtifactMeta, InMemoryArtifactStore, removeArtifact, uploadArtifact } from "@optuna-deno/artifacts";
 * const study = await createStudy();
 * const artifactStore = new InMemoryArtifactStore();
 * const artifactId = await uploadArtifact({ artifactStore, studyOrTrial: study, body: "x", filename: "x.txt" });
 * await removeArtifact({ artifactStore, studyOrTrial: study, artifactId });
 * assert.deepEqual(await getAllArtifactMeta(study), []);
 * assert.deepEqual(await study.storage.getStudySystemAttrs(study.studyId), {});
 * ```
 *
 * @module
 */
import { ArtifactNotFoundError } from "../stores/errors.ts";
import {
  ARTIFACTS_ATTR_PREFIX,
  DASHBOARD_ARTIFACTS_ATTR_PREFIX,
  parseArtifactMeta,
} from "./_meta_codec.ts";
import { DIGESTS_ATTR_PREFIX } from "./_digest.ts";
import { resolveTarget } from "./_attr_target.ts";
import type { StudyStorage } from "../storages/types.ts";
import type { ArtifactStore } from "../stores/types.ts";
import type { StudyOrTrial } from "../study/study_or_trial.ts";

// json.dumps(None): the tombstone value optuna-dashboard writes.
const TOMBSTONE = "null";

/** Options of {@linkcode removeArtifact}. */
export interface RemoveArtifactOptions {
  /** Where the bytes are. */
  artifactStore: ArtifactStore;
  /** The study or trial the artifact belongs to; a trial must be RUNNING or WAITING. */
  studyOrTrial: StudyOrTrial;
  /** The artifact's id. */
  artifactId: string;
  /** The storage, when `studyOrTrial` does not carry one. */
  storage?: StudyStorage;
  /** Cancels the removal of the bytes. */
  signal?: AbortSignal;
}

/**
 * Removes an artifact's metadata, then its bytes, so the metadata never names bytes that are
 * gone.
 *
 * Where the storage can delete an attribute (memory, SQLite, PostgreSQL), the attribute row is
 * deleted, and Python Optuna, optuna-dashboard and this module all simply stop listing the
 * artifact. An Optuna journal cannot delete: there the attribute becomes optuna-dashboard's
 * tombstone (the JSON `null`, as the dashboard's own delete writes it) and, for a trial
 * artifact, so does the study attribute `dashboard:artifacts:<trial_id>:<artifact_id>`. This
 * module and the dashboard skip tombstones, but Python Optuna 5.0's `get_all_artifact_meta`
 * raises `TypeError` on a study or trial that holds one, as it does after a dashboard delete.
 * The digest attribute (`artifact_digests:<artifact_id>`) is deleted too where the storage can
 * delete; in a journal it stays, named by no metadata, and is ignored.
 *
 * A finished trial's attributes cannot change in Optuna, so its artifacts cannot be removed:
 * the call is refused before anything is touched.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { createStudy, getAllArtifactMeta, InMemoryArtifactStore, removeArtifact, uploadArtifact } from "@optuna-deno/artifacts";
 * const study = await createStudy();
 * const trial = await study.ask();
 * const artifactStore = new InMemoryArtifactStore();
 * const artifactId = await uploadArtifact({ artifactStore, studyOrTrial: trial, body: "x", filename: "x.txt" });
 * await removeArtifact({ artifactStore, studyOrTrial: trial, artifactId });
 * assert.deepEqual(await getAllArtifactMeta(trial), []);
 * await assert.rejects(artifactStore.open(artifactId));
 * ```
 *
 * @param options The store, the study or trial, and the artifact id.
 * @returns Nothing, once the artifact is gone.
 * @throws {ArtifactNotFoundError} When the study or trial lists no such artifact.
 * @throws {UpdateFinishedTrialError} When the trial has finished.
 */
export async function removeArtifact(options: RemoveArtifactOptions): Promise<void> {
  const { artifactStore, artifactId, signal } = options;
  const target = resolveTarget(options.studyOrTrial, options.storage);
  const studyId = await target.ensureWritable();
  const key = ARTIFACTS_ATTR_PREFIX + artifactId;
  const attrs = await target.getSystemAttrs();
  if (!Object.hasOwn(attrs, key) || parseArtifactMeta(attrs[key]) === null) {
    throw new ArtifactNotFoundError(artifactId, { location: target.description });
  }
  signal?.throwIfAborted();
  if (target.deleteSystemAttr) {
    await target.deleteSystemAttr(key);
    await target.deleteSystemAttr(DIGESTS_ATTR_PREFIX + artifactId);
  } else {
    if (studyId !== undefined) {
      await target.storage.setStudySystemAttr(
        studyId,
        `${DASHBOARD_ARTIFACTS_ATTR_PREFIX}${target.trialId}:${artifactId}`,
        TOMBSTONE,
      );
    }
    await target.setSystemAttr(key, TOMBSTONE);
  }
  await artifactStore.remove(artifactId, { signal });
}
