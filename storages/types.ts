/**
 * The study storage contract: the part of Optuna's `BaseStorage` that artifacts need, in
 * camelCase and async.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import type { StudyStorage } from "@optuna-deno/artifacts";
 * import { InMemoryStorage } from "@optuna-deno/artifacts";
 * const storage: StudyStorage = new InMemoryStorage();
 * const studyId = await storage.createNewStudy({ studyName: "demo" });
 * assert.deepEqual(await storage.getStudyIdFromName("demo") === studyId, true);
 * ```
 *
 * @module
 */

import type { Distribution, ParamValue } from "../distributions/distributions.ts";

export type { JsonValue } from "../_common/types.ts";
import type { JsonValue } from "../_common/types.ts";

/** A trial's state, named as Optuna's `TrialState`. */
export type TrialState = "RUNNING" | "COMPLETE" | "PRUNED" | "FAIL" | "WAITING";

/** An objective's direction, named as Optuna's `StudyDirection` in lower case. */
export type StudyDirection = "minimize" | "maximize";

/** What a storage knows of a study. */
export interface FrozenStudy {
  /** The storage's id of the study (from 0 in journals, from 1 in RDB storages). */
  studyId: number;
  /** The study's unique name. */
  studyName: string;
  /** One direction per objective. */
  directions: StudyDirection[];
}

/** What a storage knows of a trial, as Optuna's `FrozenTrial` (system attributes apart). */
export interface FrozenTrial {
  /** The storage's id of the trial. */
  trialId: number;
  /** The id of the trial's study. */
  studyId: number;
  /** The trial's number within its study, from 0. */
  number: number;
  /** The trial's state. */
  state: TrialState;
  /** The objective values of a COMPLETE trial, else `null`. */
  values: number[] | null;
  /** When the trial started running; `null` for a trial still WAITING. */
  datetimeStart: Date | null;
  /** When the trial finished, else `null`. */
  datetimeComplete: Date | null;
  /** The parameters, by name, as the objective saw them (Optuna's external representation). */
  params: Record<string, ParamValue>;
  /** The distribution of each parameter. */
  distributions: Record<string, Distribution>;
  /** The user attributes. */
  userAttrs: Record<string, JsonValue>;
  /** The values reported with `trial.report(value, step)`, by step. */
  intermediateValues: Record<number, number>;
}

/**
 * A trial to create as it is (Python's `template_trial`): `Study.enqueueTrial` makes a WAITING
 * one with `fixed_params`, `Study.addTrial` a finished one.
 */
export interface TrialTemplate {
  /** The new trial's state. */
  state: TrialState;
  /** Its objective values (COMPLETE). */
  values?: number[] | null;
  /** When it started. */
  datetimeStart?: Date | null;
  /** When it finished. */
  datetimeComplete?: Date | null;
  /** Its parameters, external values; each needs a distribution. */
  params?: Record<string, ParamValue>;
  /** The distribution of each parameter. */
  distributions?: Record<string, Distribution>;
  /** Its user attributes. */
  userAttrs?: Record<string, JsonValue>;
  /** Its system attributes (such as `fixed_params`). */
  systemAttrs?: Record<string, JsonValue>;
  /** Its intermediate values, by step. */
  intermediateValues?: Record<number, number>;
}

/** Options of {@linkcode StudyStorage.getAllTrials}. */
export interface GetAllTrialsOptions {
  /** Only trials in these states; all when unset. */
  states?: readonly TrialState[];
}

/** A trial with some of its system attributes, as {@linkcode StudyStorage.getAllTrialsWithSystemAttrs} lists it. */
export interface TrialWithSystemAttrs extends FrozenTrial {
  /** The trial's system attributes whose keys start with the prefix asked for. */
  systemAttrs: Record<string, JsonValue>;
}

/** Options of {@linkcode StudyStorage.getAllTrialsWithSystemAttrs}. */
export interface GetAllTrialsWithSystemAttrsOptions {
  /**
   * Only the attributes whose keys start with this; the others are neither read nor copied
   * where the storage can tell.
   *
   * @default {""}
   */
  keyPrefix?: string;
}

/** Options of {@linkcode StudyStorage.createNewStudy}. */
export interface CreateNewStudyOptions {
  /** A unique name; Optuna's `no-name-<uuid>` form when unset. */
  studyName?: string;
  /**
   * One direction per objective.
   *
   * @default {["minimize"]}
   */
  directions?: StudyDirection[];
}

/**
 * A storage of studies, trials, their parameters and attributes, as Optuna's `BaseStorage`.
 * Lookups of a missing study or trial reject with `StudyNotFoundError` or
 * `TrialNotFoundError`; changes to a finished trial reject with `UpdateFinishedTrialError`.
 */
export interface StudyStorage {
  /**
   * Creates a study.
   *
   * @param options The study's name and directions.
   * @returns The new study's id.
   */
  createNewStudy(options?: CreateNewStudyOptions): Promise<number>;
  /**
   * Looks a study up by name.
   *
   * @param studyName The study's name.
   * @returns The study's id.
   */
  getStudyIdFromName(studyName: string): Promise<number>;
  /**
   * Reads a study.
   *
   * @param studyId The study's id.
   * @returns The study's name and directions.
   */
  getStudy(studyId: number): Promise<FrozenStudy>;
  /**
   * Lists every study.
   *
   * @returns The studies, in id order.
   */
  getAllStudies(): Promise<FrozenStudy[]>;
  /**
   * Creates a trial with the next number: RUNNING, or as the template says.
   *
   * @param studyId The study's id.
   * @param template The trial's state, parameters and attributes (Python's `template_trial`).
   * @returns The new trial's id.
   */
  createNewTrial(studyId: number, template?: TrialTemplate): Promise<number>;
  /**
   * Looks a trial up by its number in a study.
   *
   * @param studyId The study's id.
   * @param trialNumber The trial's number.
   * @returns The trial's id.
   */
  getTrialIdFromStudyIdTrialNumber(studyId: number, trialNumber: number): Promise<number>;
  /**
   * Reads a trial.
   *
   * @param trialId The trial's id.
   * @returns The trial's number, state and values.
   */
  getTrial(trialId: number): Promise<FrozenTrial>;
  /**
   * Lists the trials of a study.
   *
   * @param studyId The study's id.
   * @param options Which states.
   * @returns The trials, in number order.
   */
  getAllTrials(studyId: number, options?: GetAllTrialsOptions): Promise<FrozenTrial[]>;
  /**
   * Lists the trials of a study with their system attributes, in one read (optional, beyond
   * Optuna's protocol; Python's `get_all_trials` carries them too): `getAllTrialsArtifactMeta`
   * lists a whole study with it, so a journal is checked once and a database queried twice,
   * instead of once per trial.
   *
   * @param studyId The study's id.
   * @param options Which attributes, by key prefix.
   * @returns The trials, in number order.
   */
  getAllTrialsWithSystemAttrs?(
    studyId: number,
    options?: GetAllTrialsWithSystemAttrsOptions,
  ): Promise<TrialWithSystemAttrs[]>;
  /**
   * Sets a trial's state and, for COMPLETE, its values. Setting RUNNING claims a WAITING trial
   * against every other worker, as Python's storages do.
   *
   * @param trialId The trial's id.
   * @param state The new state.
   * @param values The objective values, for COMPLETE.
   * @returns `false` when RUNNING was asked for a trial another worker claimed first (it was
   *   not WAITING any more), else `true`.
   */
  setTrialStateValues(trialId: number, state: TrialState, values?: number[]): Promise<boolean>;
  /**
   * Records a parameter of a RUNNING or WAITING trial, after Python's check that its
   * distribution fits the one the study already records under that name.
   *
   * @param trialId The trial's id.
   * @param paramName The parameter's name.
   * @param paramValueInternal Its internal value (a categorical one is its choice index).
   * @param distribution Its distribution.
   */
  setTrialParam(
    trialId: number,
    paramName: string,
    paramValueInternal: number,
    distribution: Distribution,
  ): Promise<void>;
  /**
   * Records an intermediate value of a RUNNING trial.
   *
   * @param trialId The trial's id.
   * @param step The step.
   * @param intermediateValue The value (NaN and infinities are kept).
   */
  setTrialIntermediateValue(
    trialId: number,
    step: number,
    intermediateValue: number,
  ): Promise<void>;
  /**
   * Sets one user attribute of a RUNNING or WAITING trial.
   *
   * @param trialId The trial's id.
   * @param key The attribute's key.
   * @param value The attribute's value.
   */
  setTrialUserAttr(trialId: number, key: string, value: JsonValue): Promise<void>;
  /**
   * Reads a study's user attributes.
   *
   * @param studyId The study's id.
   * @returns The attributes.
   */
  getStudyUserAttrs(studyId: number): Promise<Record<string, JsonValue>>;
  /**
   * Sets one user attribute of a study.
   *
   * @param studyId The study's id.
   * @param key The attribute's key.
   * @param value The attribute's value.
   */
  setStudyUserAttr(studyId: number, key: string, value: JsonValue): Promise<void>;
  /**
   * Reads a study's system attributes.
   *
   * @param studyId The study's id.
   * @returns The attributes, in the order they were first set.
   */
  getStudySystemAttrs(studyId: number): Promise<Record<string, JsonValue>>;
  /**
   * Sets one system attribute of a study.
   *
   * @param studyId The study's id.
   * @param key The attribute's key.
   * @param value The attribute's value.
   */
  setStudySystemAttr(studyId: number, key: string, value: JsonValue): Promise<void>;
  /**
   * Reads a trial's system attributes.
   *
   * @param trialId The trial's id.
   * @returns The attributes, in the order they were first set.
   */
  getTrialSystemAttrs(trialId: number): Promise<Record<string, JsonValue>>;
  /**
   * Sets one system attribute of a RUNNING or WAITING trial.
   *
   * @param trialId The trial's id.
   * @param key The attribute's key.
   * @param value The attribute's value.
   */
  setTrialSystemAttr(trialId: number, key: string, value: JsonValue): Promise<void>;
  /**
   * Sets several system attributes of a study in one operation (one journal append, one
   * transaction), so a crash leaves all or none of them (optional; the helpers fall back to
   * one call per attribute).
   *
   * @param studyId The study's id.
   * @param attrs The attributes, written in this order.
   */
  setStudySystemAttrs?(studyId: number, attrs: Record<string, JsonValue>): Promise<void>;
  /**
   * Sets several system attributes of a RUNNING or WAITING trial in one operation (optional).
   *
   * @param trialId The trial's id.
   * @param attrs The attributes, written in this order.
   */
  setTrialSystemAttrs?(trialId: number, attrs: Record<string, JsonValue>): Promise<void>;
  /**
   * Deletes one system attribute of a study, where the storage can (optional: an Optuna
   * journal cannot delete). Deleting a missing attribute is not an error.
   *
   * @param studyId The study's id.
   * @param key The attribute's key.
   */
  deleteStudySystemAttr?(studyId: number, key: string): Promise<void>;
  /**
   * Deletes one system attribute of a RUNNING or WAITING trial, where the storage can
   * (optional). Deleting a missing attribute is not an error.
   *
   * @param trialId The trial's id.
   * @param key The attribute's key.
   */
  deleteTrialSystemAttr?(trialId: number, key: string): Promise<void>;
}
