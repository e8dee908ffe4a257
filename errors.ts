/**
 * The typed errors of this module. Catch them by class (`instanceof`) or by `name`.
 *
 * @example Usage
 * ```ts
 * import { ArtifactNotFoundError, InMemoryArtifactStore } from "@optuna-deno/artifacts";
 * const store = new InMemoryArtifactStore();
 * try {
 *   await store.open("missing");
 * } catch (error) {
 *   if (!(error instanceof ArtifactNotFoundError)) throw error;
 *   console.log(error.artifactId); // "missing"
 * }
 * ```
 *
 * @module
 */

/** Options of {@linkcode ArtifactNotFoundError}. */
export interface ArtifactNotFoundErrorOptions extends ErrorOptions {
  /** Where the artifact was looked up: a directory, a bucket, or a study or trial. */
  location?: string;
}

/**
 * Raised when an artifact id names nothing in the artifact store (or in the study or trial).
 *
 * @example Usage
 * ```ts
 * import { ArtifactNotFoundError } from "@optuna-deno/artifacts";
 * const error = new ArtifactNotFoundError("a1", { location: "./artifacts" });
 * console.log(error.message);
 * ```
 */
export class ArtifactNotFoundError extends Error {
  /** The id that was looked up. */
  readonly artifactId: string;
  /**
   * Creates the error.
   *
   * @param artifactId The id that was looked up.
   * @param options Where it was looked up, and the original error as `cause`.
   */
  constructor(artifactId: string, options?: ArtifactNotFoundErrorOptions) {
    const where = options?.location ? ` in "${options.location}"` : "";
    super(
      `Cannot find artifact "${artifactId}"${where}; check the artifact id and the store`,
      options,
    );
    this.name = "ArtifactNotFoundError";
    this.artifactId = artifactId;
  }
}

/**
 * Raised when an artifact id is not one that every store can hold safely: empty, longer than
 * 255 bytes, `.` or `..`, or containing `/`, `\`, NUL or another control character.
 *
 * @example Usage
 * ```ts
 * import { InvalidArtifactIdError } from "@optuna-deno/artifacts";
 * const error = new InvalidArtifactIdError("../x", "it contains \"/\"");
 * console.log(error.message);
 * ```
 */
export class InvalidArtifactIdError extends Error {
  /** The id that was refused. */
  readonly artifactId: string;
  /**
   * Creates the error.
   *
   * @param artifactId The id that was refused.
   * @param reason Why it was refused, as a short clause.
   */
  constructor(artifactId: string, reason: string) {
    super(
      `Invalid artifact id ${JSON.stringify(artifactId)}: ${reason}; use the id that ` +
        "uploadArtifact returned (a lowercase UUID)",
    );
    this.name = "InvalidArtifactIdError";
    this.artifactId = artifactId;
  }
}

/**
 * Raised when an artifact path would lead outside a store's base directory, for example
 * through a symbolic link placed inside it.
 *
 * @example Usage
 * ```ts
 * import { ArtifactPathEscapeError } from "@optuna-deno/artifacts";
 * const error = new ArtifactPathEscapeError("a1", "/etc/passwd", "/data/artifacts");
 * console.log(error.message);
 * ```
 */
export class ArtifactPathEscapeError extends Error {
  /** The artifact id whose path escapes. */
  readonly artifactId: string;
  /** Where the path really leads. */
  readonly resolvedPath: string;
  /**
   * Creates the error.
   *
   * @param artifactId The artifact id whose path escapes.
   * @param resolvedPath Where the path really leads.
   * @param basePath The store's base directory.
   */
  constructor(artifactId: string, resolvedPath: string, basePath: string) {
    super(
      `Refusing artifact "${artifactId}": its path resolves to "${resolvedPath}", outside the ` +
        `base directory "${basePath}"; remove the symbolic link`,
    );
    this.name = "ArtifactPathEscapeError";
    this.artifactId = artifactId;
    this.resolvedPath = resolvedPath;
  }
}

/**
 * Raised when a finished trial (COMPLETE, PRUNED or FAIL) would be changed, as Optuna's
 * `UpdateFinishedTrialError`.
 *
 * @example Usage
 * ```ts
 * import { UpdateFinishedTrialError } from "@optuna-deno/artifacts";
 * const error = new UpdateFinishedTrialError(3, "COMPLETE");
 * console.log(error.message);
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
 * import { StudyNotFoundError } from "@optuna-deno/artifacts";
 * console.log(new StudyNotFoundError("my-study").message);
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
    super(`Cannot find a study with ${what}; check the name and the storage`);
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
 * import { TrialNotFoundError } from "@optuna-deno/artifacts";
 * console.log(new TrialNotFoundError({ studyId: 0, number: 7 }).message);
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
    super(`Cannot find a trial with ${what}; check the trial and the storage`);
    this.name = "TrialNotFoundError";
    this.trial = trial;
  }
}

/**
 * Raised when stored data (a journal line, a database schema, an attribute value) is not in
 * the format Optuna writes.
 *
 * @example Usage
 * ```ts
 * import { StorageFormatError } from "@optuna-deno/artifacts";
 * console.log(new StorageFormatError("Line 3 of \"a.log\" is not JSON").message);
 * ```
 */
export class StorageFormatError extends Error {
  /**
   * Creates the error.
   *
   * @param message What is malformed, where, and what to do.
   * @param options The original error as `cause`.
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "StorageFormatError";
  }
}
