/**
 * The errors a study storage raises, named as Optuna's. Catch them by class (`instanceof`) or
 * by `name`.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { InMemoryStorage, StudyNotFoundError } from "@optuna-deno/artifacts";
 * const storage = new InMemoryStorage();
 * await assert.rejects(storage.getStudyIdFromName("nope"), StudyNotFoundError);
 * ```
 *
 * @module
 */

/**
 * Raised when a finished trial (COMPLETE, PRUNED or FAIL) would be changed, as Optuna's
 * `UpdateFinishedTrialError`.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { UpdateFinishedTrialError } from "@optuna-deno/artifacts";
 * const error = new UpdateFinishedTrialError(3, "COMPLETE");
 * assert.equal(error.state, "COMPLETE");
 * ```
 */
export class UpdateFinishedTrialError extends Error {
  /** The id of the finished trial. */
  readonly trialId: number;
  /** Its state. */
  readonly state: string;
  /**
   * Creates the error.
   *
   * @param trialId The id of the finished trial.
   * @param state Its state, for example `"COMPLETE"`.
   */
  constructor(trialId: number, state: string) {
    super(
      `Cannot update trial ${trialId}: it has already finished (state ${state}); ` +
        "attach artifacts while the trial is RUNNING or WAITING, or to the study",
    );
    this.name = "UpdateFinishedTrialError";
    this.trialId = trialId;
    this.state = state;
  }
}

/**
 * Raised when a study id or name names no study in the storage.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { StudyNotFoundError } from "@optuna-deno/artifacts";
 * assert.equal(
 *   new StudyNotFoundError("my-study").message,
 *   'Cannot find a study with name "my-study": check the name and the storage',
 * );
 * ```
 */
export class StudyNotFoundError extends Error {
  /** The study id or name that was looked up. */
  readonly study: number | string;
  /**
   * Creates the error.
   *
   * @param study The study id or name that was looked up.
   */
  constructor(study: number | string) {
    const what = typeof study === "number" ? `id ${study}` : `name "${study}"`;
    super(`Cannot find a study with ${what}: check the name and the storage`);
    this.name = "StudyNotFoundError";
    this.study = study;
  }
}

/** How a missing trial was looked up: by id, or by study id and trial number. */
export type TrialLookup = number | { studyId: number; number: number };

/**
 * Raised when a trial id (or a study id and trial number) names no trial in the storage.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { TrialNotFoundError } from "@optuna-deno/artifacts";
 * assert.equal(
 *   new TrialNotFoundError({ studyId: 0, number: 7 }).message,
 *   "Cannot find a trial with number 7 in study 0: check the trial and the storage",
 * );
 * ```
 */
export class TrialNotFoundError extends Error {
  /** The trial id, or the study id and number, that was looked up. */
  readonly trial: TrialLookup;
  /**
   * Creates the error.
   *
   * @param trial The trial id, or the study id and number, that was looked up.
   */
  constructor(trial: TrialLookup) {
    const what = typeof trial === "number"
      ? `id ${trial}`
      : `number ${trial.number} in study ${trial.studyId}`;
    super(`Cannot find a trial with ${what}: check the trial and the storage`);
    this.name = "TrialNotFoundError";
    this.trial = trial;
  }
}

/**
 * Raised when a study with the name already exists, as Optuna's `DuplicatedStudyError`.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { createStudy, DuplicatedStudyError, InMemoryStorage } from "@optuna-deno/artifacts";
 * const storage = new InMemoryStorage();
 * await createStudy({ storage, studyName: "s" });
 * await assert.rejects(createStudy({ storage, studyName: "s" }), DuplicatedStudyError);
 * ```
 */
export class DuplicatedStudyError extends Error {
  /** The name that is taken. */
  readonly studyName: string;
  /**
   * Creates the error.
   *
   * @param studyName The name that is taken.
   */
  constructor(studyName: string) {
    super(
      `Cannot create study "${studyName}": a study with that name exists; load it instead ` +
        "(loadStudy, or createStudy with loadIfExists)",
    );
    this.name = "DuplicatedStudyError";
    this.studyName = studyName;
  }
}

export { StorageFormatError } from "../_common/storage_format_error.ts";

/**
 * Raised when a storage's server cannot be reached in time (Optuna's gRPC proxy down,
 * restarting, or at another address). The operation may or may not have happened if the
 * connection broke after the request was sent.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { StorageUnreachableError } from "@optuna-deno/artifacts";
 * const error = new StorageUnreachableError("Cannot reach the Optuna gRPC proxy at h:1");
 * assert.equal(error.name, "StorageUnreachableError");
 * ```
 */
export class StorageUnreachableError extends Error {
  /**
   * Creates the error.
   *
   * @param message Which server, why, and what to do.
   * @param options The original error as `cause`.
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "StorageUnreachableError";
  }
}
