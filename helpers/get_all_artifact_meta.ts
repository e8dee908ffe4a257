/**
 * Lists the artifacts of a study or a trial, as Python's
 * `optuna.artifacts.get_all_artifact_meta`, and of every trial of a study in one read.
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
import { resolveStorage, resolveTarget } from "./_attr_target.ts";
import { ARTIFACTS_ATTR_PREFIX, parseArtifactMeta } from "./_meta_codec.ts";
import type {
  JsonValue,
  StudyStorage,
  TrialState,
  TrialWithSystemAttrs,
} from "../storages/types.ts";
import type { StudyOrTrial, StudyRef } from "../study/study_or_trial.ts";
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
  return metasOf(await target.getSystemAttrs(), target.description, options);
}

/** A trial's artifacts, as {@linkcode getAllTrialsArtifactMeta} lists them. */
export interface TrialArtifactMeta {
  /** The storage's id of the trial. */
  trialId: number;
  /** The trial's number within its study. */
  number: number;
  /** The trial's state. */
  state: TrialState;
  /** Its artifacts, as {@linkcode getAllArtifactMeta} lists them. */
  artifacts: ArtifactMeta[];
}

/**
 * Lists the artifacts of every trial of a study in one read where the storage can
 * (`getAllTrialsWithSystemAttrs`: the journal, SQLite, PostgreSQL, gRPC and memory storages
 * here), so a journal is checked for new lines once and only the artifact attributes are
 * copied; other storages are asked trial by trial. The same entries as
 * {@linkcode getAllArtifactMeta} of each trial.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { createStudy, getAllTrialsArtifactMeta, InMemoryArtifactStore, uploadArtifact } from "@optuna-deno/artifacts";
 * const study = await createStudy();
 * const trial = await study.ask();
 * const artifactStore = new InMemoryArtifactStore();
 * const artifactId = await uploadArtifact({ artifactStore, studyOrTrial: trial, body: "1,2", filename: "loss.csv" });
 * await study.ask(); // a trial without artifacts
 * const listed = await getAllTrialsArtifactMeta(study);
 * assert.deepEqual(listed.map((t) => [t.number, t.artifacts.map((a) => a.artifactId)]), [
 *   [0, [artifactId]],
 *   [1, []],
 * ]);
 * ```
 *
 * @param study The study.
 * @param options The storage, and what to do with invalid entries.
 * @returns Each trial with its artifacts, in number order.
 * @throws {StudyNotFoundError} When the study does not exist.
 */
export async function getAllTrialsArtifactMeta(
  study: StudyRef,
  options: GetAllArtifactMetaOptions = {},
): Promise<TrialArtifactMeta[]> {
  const storage = resolveStorage(study, options.storage);
  const trials = storage.getAllTrialsWithSystemAttrs
    ? await storage.getAllTrialsWithSystemAttrs(study.studyId, {
      keyPrefix: ARTIFACTS_ATTR_PREFIX,
    })
    : await trialsOneByOne(storage, study.studyId);
  return trials.map(({ trialId, number, state, systemAttrs }) => ({
    trialId,
    number,
    state,
    artifacts: metasOf(systemAttrs, `trial ${trialId}`, options),
  }));
}

async function trialsOneByOne(
  storage: StudyStorage,
  studyId: number,
): Promise<TrialWithSystemAttrs[]> {
  const trials: TrialWithSystemAttrs[] = [];
  for (const trial of await storage.getAllTrials(studyId)) {
    trials.push({ ...trial, systemAttrs: await storage.getTrialSystemAttrs(trial.trialId) });
  }
  return trials;
}

/** The artifact metadata among `attrs`, invalid entries reported and skipped. */
function metasOf(
  attrs: Record<string, JsonValue>,
  description: string,
  options: GetAllArtifactMetaOptions,
): ArtifactMeta[] {
  const report = options.onInvalidEntry ?? ((key: string, error: StorageFormatError) => {
    console.warn(`Skipping artifact attribute "${key}" of ${description}: ${error.message}`);
  });
  const metas: ArtifactMeta[] = [];
  for (const key in attrs) {
    if (!key.startsWith(ARTIFACTS_ATTR_PREFIX)) continue;
    try {
      const meta = parseArtifactMeta(attrs[key]);
      if (meta !== null) metas.push(meta);
    } catch (error) {
      if (!(error instanceof StorageFormatError)) throw error;
      report(key, error);
    }
  }
  return metas;
}
