/**
 * A handle on one trial of a study: what `Study.ask()` returns and what the artifact helpers
 * accept.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { createStudy } from "@optuna-deno/artifacts";
 * const study = await createStudy();
 * const trial = await study.ask();
 * assert.deepEqual(trial.number, 0);
 * ```
 *
 * @module
 */
import type { FrozenTrial, StudyStorage } from "../storages/types.ts";

/** The fields of a {@linkcode Trial}. */
export interface TrialInit {
  /** The storage that holds the trial. */
  storage: StudyStorage;
  /** The storage's id of the trial. */
  trialId: number;
  /** The id of the trial's study. */
  studyId: number;
  /** The trial's number within its study. */
  number: number;
}

/**
 * A trial of a study, as Optuna's `Trial`: its ids, number and storage. Pass it to
 * `uploadArtifact` while it runs.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { InMemoryStorage, Trial } from "@optuna-deno/artifacts";
 * const storage = new InMemoryStorage();
 * const studyId = await storage.createNewStudy();
 * const trialId = await storage.createNewTrial(studyId);
 * const trial = new Trial({ storage, trialId, studyId, number: 0 });
 * assert.deepEqual((await trial.freeze()).state, "RUNNING");
 * ```
 */
export class Trial {
  /** The storage that holds the trial. */
  readonly storage: StudyStorage;
  /** The storage's id of the trial. */
  readonly trialId: number;
  /** The id of the trial's study. */
  readonly studyId: number;
  /** The trial's number within its study. */
  readonly number: number;

  /**
   * Makes a handle; it does not create a trial (use `Study.ask()` for that).
   *
   * @param init The trial's storage, ids and number.
   */
  constructor(init: TrialInit) {
    this.storage = init.storage;
    this.trialId = init.trialId;
    this.studyId = init.studyId;
    this.number = init.number;
  }

  /**
   * Reads the trial's current state and values from the storage.
   *
   * @returns A snapshot of the trial.
   */
  freeze(): Promise<FrozenTrial> {
    return this.storage.getTrial(this.trialId);
  }
}
