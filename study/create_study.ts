/**
 * Creating and loading studies, as Optuna's `optuna.create_study` and `optuna.load_study`.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { createStudy, InMemoryStorage, loadStudy, RandomSampler } from "@optuna-deno/artifacts";
 * const storage = new InMemoryStorage();
 * await createStudy({ storage, studyName: "s", direction: "maximize" });
 * const study = await loadStudy({ storage, studyName: "s", sampler: new RandomSampler() });
 * assert.deepEqual(study.directions, ["maximize"]);
 * ```
 *
 * @module
 */
import { DuplicatedStudyError } from "../storages/errors.ts";
import { InMemoryStorage } from "../storages/memory.ts";
import type { StudyDirection, StudyStorage } from "../storages/types.ts";
import type { Sampler } from "../samplers/sampler.ts";
import { Study } from "./study.ts";

/** Options of {@linkcode createStudy}. */
export interface CreateStudyOptions {
  /** Where the study lives; a new {@linkcode InMemoryStorage} when unset. */
  storage?: StudyStorage;
  /** The sampler; a new `TPESampler` when unset, as in Python. */
  sampler?: Sampler;
  /** A unique name; Optuna's `no-name-<uuid>` form when unset. */
  studyName?: string;
  /**
   * The direction of a single objective.
   *
   * @default {"minimize"}
   */
  direction?: StudyDirection;
  /** One direction per objective, for a multi-objective study (instead of `direction`). */
  directions?: StudyDirection[];
  /** Load the study when one with that name exists, instead of failing. */
  loadIfExists?: boolean;
}

/** Options of {@linkcode loadStudy}. */
export interface LoadStudyOptions {
  /** Where the study lives. */
  storage: StudyStorage;
  /** The study's name. */
  studyName: string;
  /** The sampler; a new `TPESampler` when unset. */
  sampler?: Sampler;
}

/**
 * Creates a study, as Optuna's `optuna.create_study`.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { createStudy, InMemoryStorage } from "@optuna-deno/artifacts";
 * const study = await createStudy({ storage: new InMemoryStorage(), studyName: "s" });
 * assert.equal(study.studyName, "s");
 * ```
 *
 * @param options The storage, sampler, name and directions.
 * @returns The new (or, with `loadIfExists`, the existing) study.
 * @throws {DuplicatedStudyError} When the name is taken and `loadIfExists` is not set.
 */
export async function createStudy(options: CreateStudyOptions = {}): Promise<Study> {
  const storage = options.storage ?? new InMemoryStorage();
  const directions = options.directions ?? [options.direction ?? "minimize"];
  try {
    const studyId = await storage.createNewStudy({ studyName: options.studyName, directions });
    return new Study({ storage, sampler: options.sampler, ...await storage.getStudy(studyId) });
  } catch (error) {
    if (!(options.loadIfExists && error instanceof DuplicatedStudyError)) throw error;
    return await loadStudy({ storage, studyName: options.studyName!, sampler: options.sampler });
  }
}

/**
 * Loads an existing study by name, as Optuna's `optuna.load_study`.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { createStudy, InMemoryStorage, loadStudy } from "@optuna-deno/artifacts";
 * const storage = new InMemoryStorage();
 * await createStudy({ storage, studyName: "s" });
 * assert.equal((await loadStudy({ storage, studyName: "s" })).studyId, 0);
 * ```
 *
 * @param options The storage, the name and the sampler.
 * @returns The study.
 * @throws {StudyNotFoundError} When no study has that name.
 */
export async function loadStudy(options: LoadStudyOptions): Promise<Study> {
  const studyId = await options.storage.getStudyIdFromName(options.studyName);
  return new Study({
    storage: options.storage,
    sampler: options.sampler,
    ...await options.storage.getStudy(studyId),
  });
}
