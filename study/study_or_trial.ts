/**
 * What the artifact helpers attach artifacts to: a study or a trial, by id, with the storage
 * that holds it. A `Study` or `Trial` from this module fits, and so does a plain object such as `{ trialId: 3, storage }`.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import type { StudyOrTrial } from "@optuna-deno/artifacts";
 * import { InMemoryStorage } from "@optuna-deno/artifacts";
 * const storage = new InMemoryStorage();
 * const studyId = await storage.createNewStudy();
 * const target: StudyOrTrial = { studyId, storage };
 * assert.deepEqual(target.studyId, 0);
 * ```
 *
 * @module
 */
import type { StudyStorage } from "../storages/types.ts";

/** A study, by id. */
export interface StudyRef {
  /** The storage's id of the study. */
  readonly studyId: number;
  /** The storage that holds it; may instead be given in the helper's options. */
  readonly storage?: StudyStorage;
  /** Absent: this is what tells a study from a trial. */
  readonly trialId?: undefined;
}

/** A trial, by id. */
export interface TrialRef {
  /** The storage's id of the trial. */
  readonly trialId: number;
  /** The storage that holds it; may instead be given in the helper's options. */
  readonly storage?: StudyStorage;
}

/** A study or a trial to attach artifacts to, or to list them from. */
export type StudyOrTrial = StudyRef | TrialRef;
