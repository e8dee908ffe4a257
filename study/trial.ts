/**
 * A trial of a study, as Optuna's `Trial`: what an objective receives. It suggests parameters
 * (through the study's sampler, or the values Python's `enqueue_trial` fixed), reports
 * intermediate values, keeps user attributes, and is what the artifact helpers attach files to.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { createStudy } from "@optuna-deno/artifacts";
 * const study = await createStudy();
 * const trial = await study.ask();
 * const x = await trial.suggestFloat("x", -10, 10);
 * const optimizer = await trial.suggestCategorical("optimizer", ["adam", "sgd"]);
 * await trial.report(x ** 2, 0);
 * await study.tell(trial, { values: x ** 2 });
 * assert.deepEqual(Object.keys(trial.params), ["x", "optimizer"]);
 * assert.ok(["adam", "sgd"].includes(optimizer));
 * ```
 *
 * @module
 */
import type { FrozenTrial, JsonValue, StudyStorage } from "../storages/types.ts";
import {
  type CategoricalChoice,
  CategoricalDistribution,
  type Distribution,
  FloatDistribution,
  IntDistribution,
  type ParamValue,
  singleValue,
} from "../distributions/distributions.ts";
import { checkDistributionCompatibility } from "../distributions/compatibility.ts";
import type { Study } from "./study.ts";

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
  /** The study whose sampler suggests parameters; without it, `suggest*` throw. */
  study?: Study;
}

/** Options of {@linkcode Trial.suggestFloat}. */
export interface SuggestFloatOptions {
  /** A discretization step (not with `log`). */
  step?: number | null;
  /**
   * Sample in the log domain (`low > 0`).
   *
   * @default {false}
   */
  log?: boolean;
}

/** Options of {@linkcode Trial.suggestInt}. */
export interface SuggestIntOptions {
  /**
   * A discretization step (1 with `log`).
   *
   * @default {1}
   */
  step?: number;
  /**
   * Sample in the log domain (`low >= 1`).
   *
   * @default {false}
   */
  log?: boolean;
}

/**
 * A trial of a study, as Optuna's `Trial`. `Study.ask()` and `Study.optimize()` make them;
 * `Trial.open()` gives one for a trial another process created.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { createStudy } from "@optuna-deno/artifacts";
 * const study = await createStudy();
 * await study.enqueueTrial({ n: 3 });
 * const trial = await study.ask();
 * assert.equal(await trial.suggestInt("n", 1, 10), 3); // the enqueued value
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
  /** The study whose sampler suggests this trial's parameters, if known. */
  readonly study: Study | undefined;
  #cached: FrozenTrial | undefined;
  #fixedParams: Record<string, ParamValue> = {};
  #relative: Promise<[Record<string, Distribution>, Record<string, ParamValue>]> | undefined;
  #queue: Promise<unknown> = Promise.resolve();

  /**
   * Makes a handle; it does not create a trial (use `Study.ask()` for that) nor read it (use
   * {@linkcode Trial.open}).
   *
   * @param init The trial's storage, ids, number and study.
   */
  constructor(init: TrialInit) {
    this.storage = init.storage;
    this.trialId = init.trialId;
    this.studyId = init.studyId;
    this.number = init.number;
    this.study = init.study;
  }

  /**
   * Makes a handle and reads the trial (parameters, attributes, fixed parameters), then tells
   * the study's sampler the trial starts, as Python's `Trial(study, trial_id)` does.
   *
   * @example Usage
   * ```ts
   * import assert from "node:assert/strict";
   * import { createStudy, Trial } from "@optuna-deno/artifacts";
   * const study = await createStudy();
   * const trialId = await study.storage.createNewTrial(study.studyId);
   * const trial = await Trial.open({ study, trialId });
   * assert.equal(trial.number, 0);
   * ```
   *
   * @param init The study and the trial's id.
   * @returns The trial, read.
   * @throws {TrialNotFoundError} When the storage has no such trial.
   */
  static async open(init: { study: Study; trialId: number }): Promise<Trial> {
    const { study, trialId } = init;
    const frozen = await study.storage.getTrial(trialId);
    const trial = new Trial({
      storage: study.storage,
      trialId,
      studyId: study.studyId,
      number: frozen.number,
      study,
    });
    trial.#cached = frozen;
    const fixed = (await study.storage.getTrialSystemAttrs(trialId)).fixed_params;
    if (typeof fixed === "object" && fixed !== null && !Array.isArray(fixed)) {
      trial.#fixedParams = fixed as Record<string, ParamValue>;
    }
    await study.sampler.beforeTrial?.(study, frozen);
    return trial;
  }

  /**
   * The parameters suggested so far, by name (what this handle has read or suggested).
   *
   * @returns A copy of the parameters.
   */
  get params(): Record<string, ParamValue> {
    return { ...this.#cached?.params };
  }

  /**
   * The distribution of each parameter suggested so far.
   *
   * @returns A copy, by name.
   */
  get distributions(): Record<string, Distribution> {
    return { ...this.#cached?.distributions };
  }

  /**
   * The user attributes set so far.
   *
   * @returns A copy, by key.
   */
  get userAttrs(): Record<string, JsonValue> {
    return structuredClone(this.#cached?.userAttrs ?? {});
  }

  /**
   * When the trial started running.
   *
   * @returns The start, or `null` (unread, or never started).
   */
  get datetimeStart(): Date | null {
    return this.#cached?.datetimeStart ?? null;
  }

  /**
   * Suggests a float, as Python's `suggest_float(name, low, high, step=, log=)`.
   *
   * @param name The parameter's name.
   * @param low The lower end, included.
   * @param high The upper end, included.
   * @param options A step, or the log domain.
   * @returns The value: the one already recorded under the name, an enqueued one, or a sample.
   * @throws {RangeError} For invalid bounds or step (Python's checks; NaN bounds too).
   * @throws {IncompatibleDistributionError} When the study records another kind for the name.
   * @throws {UpdateFinishedTrialError} When the trial has finished.
   */
  async suggestFloat(
    name: string,
    low: number,
    high: number,
    options: SuggestFloatOptions = {},
  ): Promise<number> {
    const distribution = new FloatDistribution(low, high, {
      log: options.log,
      step: options.step,
    });
    return await this.suggest(name, distribution) as number;
  }

  /**
   * Suggests an integer, as Python's `suggest_int(name, low, high, step=, log=)`.
   *
   * @param name The parameter's name.
   * @param low The lower end, included.
   * @param high The upper end, included (lowered to the last step).
   * @param options A step, or the log domain.
   * @returns The value.
   * @throws {TypeError} When a bound or the step is not an integer.
   * @throws {RangeError} For invalid bounds or step.
   * @throws {IncompatibleDistributionError} When the study records another kind for the name.
   */
  async suggestInt(
    name: string,
    low: number,
    high: number,
    options: SuggestIntOptions = {},
  ): Promise<number> {
    const distribution = new IntDistribution(low, high, { log: options.log, step: options.step });
    return Math.trunc(await this.suggest(name, distribution) as number);
  }

  /**
   * Suggests one of `choices`, as Python's `suggest_categorical(name, choices)`.
   *
   * @param name The parameter's name.
   * @param choices `null`, booleans, numbers or strings.
   * @returns The chosen value.
   * @throws {TypeError} When a choice is of another type.
   * @throws {IncompatibleDistributionError} When the study records other choices for the name.
   */
  async suggestCategorical<T extends CategoricalChoice>(
    name: string,
    choices: readonly T[],
  ): Promise<T> {
    return await this.suggest(name, new CategoricalDistribution(choices)) as T;
  }

  /**
   * Suggests a value from any distribution (Python's `Trial._suggest`): the recorded value
   * if the name has one (its distribution must be compatible), else an enqueued fixed value,
   * the only value of a single-valued range, the sampler's joint sample, or its independent
   * one; a new value is recorded in the storage before it is returned.
   *
   * @param name The parameter's name.
   * @param distribution Its distribution.
   * @returns The external value.
   */
  suggest(name: string, distribution: Distribution): Promise<ParamValue> {
    const next = this.#queue.then(() => this.#suggest(name, distribution));
    this.#queue = next.catch(() => {});
    return next;
  }

  async #suggest(name: string, distribution: Distribution): Promise<ParamValue> {
    if (typeof name !== "string") throw new TypeError("Cannot suggest a parameter without a name");
    const study = this.study;
    if (study === undefined) {
      throw new TypeError(
        `Cannot suggest "${name}" on trial ${this.number}: it has no study to sample from; ` +
          "get it from study.ask(), study.trial(number) or Trial.open()",
      );
    }
    const trial = this.#cached ??= await this.storage.getTrial(this.trialId);
    if (name in trial.distributions) {
      checkDistributionCompatibility(trial.distributions[name], distribution, name);
      return trial.params[name];
    }
    let value: ParamValue;
    if (name in this.#fixedParams) {
      value = this.#fixedParams[name];
    } else if (distribution.single()) {
      value = singleValue(distribution);
    } else {
      const relative = await this.#relativeValue(name, distribution);
      value = relative !== undefined
        ? relative
        : await study.sampler.sampleIndependent(study, this.#snapshot(), name, distribution);
    }
    const internal = distribution.toInternalRepr(value);
    await this.storage.setTrialParam(this.trialId, name, internal, distribution);
    trial.distributions[name] = distribution;
    trial.params[name] = distribution.toExternalRepr(internal);
    return value;
  }

  /** The jointly sampled value of `name` if it fits `distribution` (Python's `_is_relative_param`). */
  async #relativeValue(name: string, distribution: Distribution): Promise<ParamValue | undefined> {
    const study = this.study!;
    this.#relative ??= (async () => {
      const space = await study.sampler.inferRelativeSearchSpace(study, this.#snapshot());
      return [space, await study.sampler.sampleRelative(study, this.#snapshot(), space)];
    })();
    const [space, params] = await this.#relative;
    if (!(name in params)) return undefined;
    if (!(name in space)) {
      throw new Error(
        `The sampler sampled "${name}" jointly but left it out of its relative search space; ` +
          "fix the sampler",
      );
    }
    checkDistributionCompatibility(space[name], distribution, name);
    return distribution.contains(distribution.toInternalRepr(params[name]))
      ? params[name]
      : undefined;
  }

  #snapshot(): FrozenTrial {
    const trial = this.#cached!;
    return { ...trial, params: { ...trial.params }, distributions: { ...trial.distributions } };
  }

  /**
   * Reports an intermediate objective value, as Python's `report(value, step)`; a step already
   * reported is ignored, as in Python.
   *
   * @param value The value.
   * @param step The step, a non-negative integer.
   * @throws {TypeError} When the study has several objectives, or the value is not a number.
   * @throws {RangeError} When the step is negative or not an integer.
   * @throws {UpdateFinishedTrialError} When the trial has finished.
   */
  async report(value: number, step: number): Promise<void> {
    if (this.study && this.study.directions.length > 1) {
      throw new TypeError("Cannot report intermediate values in a multi-objective study");
    }
    if (typeof value !== "number") {
      throw new TypeError(`Cannot report ${String(value)} at step ${step}: give a number`);
    }
    if (!Number.isSafeInteger(step) || step < 0) {
      throw new RangeError(`Cannot report at step ${step}: give an integer of 0 or more`);
    }
    const trial = this.#cached ??= await this.storage.getTrial(this.trialId);
    if (step in trial.intermediateValues) return;
    await this.storage.setTrialIntermediateValue(this.trialId, step, value);
    trial.intermediateValues[step] = value;
  }

  /**
   * Sets a user attribute, as Python's `set_user_attr(key, value)`.
   *
   * @param key The attribute's key.
   * @param value A JSON value.
   * @throws {UpdateFinishedTrialError} When the trial has finished.
   */
  async setUserAttr(key: string, value: JsonValue): Promise<void> {
    const trial = this.#cached ??= await this.storage.getTrial(this.trialId);
    await this.storage.setTrialUserAttr(this.trialId, key, value);
    trial.userAttrs[key] = structuredClone(value);
  }

  /**
   * Reads the trial's current state, values and parameters from the storage.
   *
   * @returns A snapshot of the trial.
   */
  freeze(): Promise<FrozenTrial> {
    return this.storage.getTrial(this.trialId);
  }
}
