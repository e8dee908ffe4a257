/**
 * Studies: create or load one in a storage, ask for trials, tell their results, find the best.
 * A small part of Optuna's `Study`, enough to drive artifacts from Deno; sampling parameters is
 * left to the caller.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { createStudy } from "@optuna-deno/artifacts";
 * const study = await createStudy({ studyName: "demo" });
 * const trial = await study.ask();
 * await study.tell(trial, { values: 0.25 });
 * assert.deepEqual((await study.bestTrial()).values, [0.25]);
 * ```
 *
 * @module
 */
import { DuplicatedStudyError } from "../storages/errors.ts";
import { InMemoryStorage } from "../storages/memory.ts";
import type { FrozenTrial, StudyDirection, StudyStorage, TrialState } from "../storages/types.ts";
import { Trial } from "./trial.ts";

/** Options of {@linkcode createStudy}. */
export interface CreateStudyOptions {
  /** Where the study lives; a new {@linkcode InMemoryStorage} when unset. */
  storage?: StudyStorage;
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
}

/** Options of {@linkcode Study.tell}. */
export interface TellOptions {
  /** The objective value(s); given alone, they make the trial COMPLETE. */
  values?: number | number[];
  /** The final state; COMPLETE when values are given, else FAIL. */
  state?: Exclude<TrialState, "RUNNING" | "WAITING">;
}

/** The fields of a {@linkcode Study}. */
export interface StudyInit {
  /** The storage that holds the study. */
  storage: StudyStorage;
  /** The storage's id of the study. */
  studyId: number;
  /** The study's name. */
  studyName: string;
  /** One direction per objective. */
  directions: StudyDirection[];
}

/**
 * A study in a storage, as Optuna's `Study`. Pass it to `uploadArtifact` to attach artifacts to
 * the study itself.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { createStudy } from "@optuna-deno/artifacts";
 * const study = await createStudy({ direction: "maximize" });
 * await study.tell(await study.ask(), { values: 1 });
 * await study.tell(await study.ask(), { values: 2 });
 * assert.deepEqual((await study.bestTrial()).number, 1);
 * ```
 */
export class Study {
  /** The storage that holds the study. */
  readonly storage: StudyStorage;
  /** The storage's id of the study. */
  readonly studyId: number;
  /** The study's name. */
  readonly studyName: string;
  /** One direction per objective. */
  readonly directions: readonly StudyDirection[];

  /**
   * Makes a handle on an existing study; use {@linkcode createStudy} or
   * {@linkcode loadStudy} to get one.
   *
   * @param init The study's storage, id, name and directions.
   */
  constructor(init: StudyInit) {
    this.storage = init.storage;
    this.studyId = init.studyId;
    this.studyName = init.studyName;
    this.directions = [...init.directions];
  }

  /**
   * Starts a new RUNNING trial.
   *
   * @returns The trial.
   */
  async ask(): Promise<Trial> {
    const trialId = await this.storage.createNewTrial(this.studyId);
    const { number } = await this.storage.getTrial(trialId);
    return new Trial({ storage: this.storage, trialId, studyId: this.studyId, number });
  }

  /**
   * Finishes a trial, as Optuna's `study.tell(trial, values, state)`.
   *
   * @param trial The trial, or its number.
   * @param options The values and, for PRUNED or FAIL, the state.
   */
  async tell(trial: Trial | number, options: TellOptions = {}): Promise<void> {
    const handle = typeof trial === "number" ? await this.trial(trial) : trial;
    const values = options.values === undefined
      ? undefined
      : Array.isArray(options.values)
      ? options.values
      : [options.values];
    const state = options.state ?? (values === undefined ? "FAIL" : "COMPLETE");
    if (state === "COMPLETE" && values?.length !== this.directions.length) {
      throw new TypeError(
        `Cannot complete trial ${handle.number}: give ${this.directions.length} value(s), ` +
          `one per objective`,
      );
    }
    await this.storage.setTrialStateValues(handle.trialId, state, values);
  }

  /**
   * Returns a handle on the trial with that number.
   *
   * @param number The trial's number.
   * @returns The trial.
   */
  async trial(number: number): Promise<Trial> {
    const trialId = await this.storage.getTrialIdFromStudyIdTrialNumber(this.studyId, number);
    return new Trial({ storage: this.storage, trialId, studyId: this.studyId, number });
  }

  /**
   * Lists the study's trials.
   *
   * @returns Snapshots of every trial, in number order.
   */
  getTrials(): Promise<FrozenTrial[]> {
    return this.storage.getAllTrials(this.studyId);
  }

  /**
   * Finds the best COMPLETE trial of a single-objective study.
   *
   * @returns The best trial; the first one on a tie, as Optuna.
   * @throws {Error} When no trial is complete.
   */
  async bestTrial(): Promise<FrozenTrial> {
    if (this.directions.length !== 1) {
      throw new TypeError("Cannot choose a best trial in a multi-objective study");
    }
    const sign = this.directions[0] === "minimize" ? 1 : -1;
    let best: FrozenTrial | undefined;
    for (const trial of await this.getTrials()) {
      if (trial.state !== "COMPLETE" || trial.values === null) continue;
      if (best === undefined || sign * trial.values[0] < sign * best.values![0]) best = trial;
    }
    if (best === undefined) {
      throw new Error(`Cannot choose a best trial in study "${this.studyName}": none is complete`);
    }
    return best;
  }
}

/**
 * Creates a study, as Optuna's `optuna.create_study`.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { createStudy, InMemoryStorage } from "@optuna-deno/artifacts";
 * const study = await createStudy({ storage: new InMemoryStorage(), studyName: "s" });
 * assert.deepEqual(study.studyName, "s");
 * ```
 *
 * @param options The storage, name and directions.
 * @returns The new (or, with `loadIfExists`, the existing) study.
 */
export async function createStudy(options: CreateStudyOptions = {}): Promise<Study> {
  const storage = options.storage ?? new InMemoryStorage();
  const directions = options.directions ?? [options.direction ?? "minimize"];
  try {
    const studyId = await storage.createNewStudy({ studyName: options.studyName, directions });
    return new Study({ storage, ...await storage.getStudy(studyId) });
  } catch (error) {
    if (!(options.loadIfExists && error instanceof DuplicatedStudyError)) throw error;
    return await loadStudy({ storage, studyName: options.studyName! });
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
 * assert.deepEqual((await loadStudy({ storage, studyName: "s" })).studyId, 0);
 * ```
 *
 * @param options The storage and the name.
 * @returns The study.
 * @throws {StudyNotFoundError} When no study has that name.
 */
export async function loadStudy(options: LoadStudyOptions): Promise<Study> {
  const studyId = await options.storage.getStudyIdFromName(options.studyName);
  return new Study({ storage: options.storage, ...await options.storage.getStudy(studyId) });
}
