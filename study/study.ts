/**
 * Studies, as Optuna's `Study`: ask for trials and tell their results, or let `optimize` run an
 * objective; enqueue trials with fixed parameters; find the best trial. A study lives in a
 * storage (memory, journal, SQLite, PostgreSQL, the gRPC proxy), which Python workers can share.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { createStudy, TPESampler } from "@optuna-deno/artifacts";
 * const study = await createStudy({ sampler: new TPESampler({ seed: 1 }) });
 * await study.optimize(async (trial) => {
 *   const x = await trial.suggestFloat("x", -10, 10);
 *   return (x - 2) ** 2;
 * }, { nTrials: 30 });
 * assert.ok(Math.abs((await study.bestParams()).x as number - 2) < 2);
 * ```
 *
 * @module
 */
import type {
  FrozenTrial,
  JsonValue,
  StudyDirection,
  StudyStorage,
  TrialState,
  TrialTemplate,
  TrialWithSystemAttrs,
} from "../storages/types.ts";
import { UpdateFinishedTrialError } from "../storages/errors.ts";
import type { Distribution, ParamValue } from "../distributions/distributions.ts";
import type { Sampler } from "../samplers/sampler.ts";
import { TPESampler } from "../samplers/tpe_sampler.ts";
import { Trial } from "./trial.ts";
import { tellTrial } from "./_tell.ts";
import { type Objective, type OptimizeOptions, runOptimize } from "./_optimize.ts";

export type { Objective, ObjectiveValue, OptimizeOptions } from "./_optimize.ts";

/** Options of {@linkcode Study.tell}. */
export interface TellOptions {
  /** The objective value(s); alone, they make the trial COMPLETE (or FAIL if NaN, as Python). */
  values?: number | number[];
  /** The final state; COMPLETE when fitting values are given, else FAIL. */
  state?: Exclude<TrialState, "RUNNING" | "WAITING">;
  /** Return quietly when the trial has already finished, instead of failing. */
  skipIfFinished?: boolean;
}

/** Options of {@linkcode Study.getTrials}. */
export interface GetTrialsOptions {
  /** Only trials in these states. */
  states?: readonly TrialState[];
  /**
   * Reuse the study's read of its trials since the last `ask` or `tell` (samplers use it, as
   * Python's `use_cache`).
   *
   * @default {false}
   */
  useCache?: boolean;
}

/** Options of {@linkcode Study.enqueueTrial}. */
export interface EnqueueTrialOptions {
  /** User attributes of the enqueued trial. */
  userAttrs?: Record<string, JsonValue>;
  /** Skip it when a trial with the same parameters exists (Python's `skip_if_exists`). */
  skipIfExists?: boolean;
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
  /** The sampler; a new {@linkcode TPESampler} when unset, as in Python. */
  sampler?: Sampler;
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
 * assert.equal((await study.bestTrial()).number, 1);
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
  /** The sampler that suggests parameters. */
  readonly sampler: Sampler;
  #cachedTrials: FrozenTrial[] | undefined;
  #stopped = false;
  #optimizing = false;

  /**
   * Makes a handle on an existing study; use `createStudy` or `loadStudy` to get one.
   *
   * @param init The study's storage, id, name, directions and sampler.
   */
  constructor(init: StudyInit) {
    this.storage = init.storage;
    this.studyId = init.studyId;
    this.studyName = init.studyName;
    this.directions = [...init.directions];
    this.sampler = init.sampler ?? new TPESampler();
  }

  /**
   * The direction of a single-objective study.
   *
   * @returns `"minimize"` or `"maximize"`.
   * @throws {TypeError} In a multi-objective study.
   */
  get direction(): StudyDirection {
    if (this.directions.length !== 1) {
      throw new TypeError("Cannot name one direction of a multi-objective study: use directions");
    }
    return this.directions[0];
  }

  /**
   * Starts a trial, as Python's `ask()`: the oldest WAITING trial that this worker manages to
   * claim (another worker, Deno or Python, may claim one first: then the next is tried), else a
   * new RUNNING one.
   *
   * @param fixedDistributions Parameters to suggest right away.
   * @returns The trial.
   */
  async ask(fixedDistributions: Record<string, Distribution> = {}): Promise<Trial> {
    this.#cachedTrials = undefined;
    const trialId = await this.#popWaitingTrialId() ??
      await this.storage.createNewTrial(this.studyId);
    const trial = await Trial.open({ study: this, trialId });
    for (const [name, distribution] of Object.entries(fixedDistributions)) {
      await trial.suggest(name, distribution);
    }
    return trial;
  }

  async #popWaitingTrialId(): Promise<number | undefined> {
    for (const trial of await this.storage.getAllTrials(this.studyId, { states: ["WAITING"] })) {
      try {
        if (await this.storage.setTrialStateValues(trial.trialId, "RUNNING")) return trial.trialId;
      } catch (error) {
        if (!(error instanceof UpdateFinishedTrialError)) throw error;
      }
    }
    return undefined;
  }

  /**
   * Finishes a trial, as Python's `tell(trial, values, state)`: values alone make it COMPLETE,
   * or FAIL (with a warning) when one is NaN or their count is wrong; PRUNED takes the last
   * intermediate value.
   *
   * @param trial The trial, or its number.
   * @param options The values, the state, and whether a finished trial is skipped.
   * @returns The trial as finished.
   * @throws {UpdateFinishedTrialError} When the trial is not RUNNING (Python: `ValueError`).
   */
  async tell(trial: Trial | number, options: TellOptions = {}): Promise<FrozenTrial> {
    this.#cachedTrials = undefined;
    const trialId = typeof trial === "number"
      ? await this.storage.getTrialIdFromStudyIdTrialNumber(this.studyId, trial)
      : trial.trialId;
    const frozen = await this.storage.getTrial(trialId);
    if (!(options.skipIfFinished && frozen.state !== "RUNNING" && frozen.state !== "WAITING")) {
      await tellTrial(this, frozen, options.values, options.state, console.warn);
    }
    return await this.storage.getTrial(trialId);
  }

  /**
   * Returns a handle on the trial with that number (one Python or another worker runs, say).
   *
   * @param number The trial's number.
   * @returns The trial, read.
   * @throws {TrialNotFoundError} When the study has no such trial.
   */
  async trial(number: number): Promise<Trial> {
    const trialId = await this.storage.getTrialIdFromStudyIdTrialNumber(this.studyId, number);
    return await Trial.open({ study: this, trialId });
  }

  /**
   * Lists the study's trials, as Python's `get_trials`.
   *
   * @param options Which states, and whether the read since the last ask or tell is reused.
   * @returns Snapshots of the trials, in number order.
   */
  async getTrials(options: GetTrialsOptions = {}): Promise<FrozenTrial[]> {
    const { states, useCache } = options;
    if (!useCache) return await this.storage.getAllTrials(this.studyId, { states });
    this.#cachedTrials ??= await this.storage.getAllTrials(this.studyId);
    return this.#cachedTrials.filter((t) => states === undefined || states.includes(t.state));
  }

  /**
   * Every trial of the study, as Python's `study.trials`.
   *
   * @returns Snapshots of the trials, in number order.
   */
  trials(): Promise<FrozenTrial[]> {
    return this.getTrials();
  }

  /**
   * The best COMPLETE trial of a single-objective study, as Python's `best_trial`.
   *
   * @returns The best trial; the first one on a tie.
   * @throws {TypeError} In a multi-objective study.
   * @throws {Error} When no trial is complete.
   */
  async bestTrial(): Promise<FrozenTrial> {
    const sign = this.direction === "minimize" ? 1 : -1;
    let best: FrozenTrial | undefined;
    for (const trial of await this.getTrials({ states: ["COMPLETE"] })) {
      if (trial.values === null) continue;
      if (best === undefined || sign * trial.values[0] < sign * best.values![0]) best = trial;
    }
    if (best === undefined) {
      throw new Error(`Cannot choose a best trial in study "${this.studyName}": none is complete`);
    }
    return best;
  }

  /**
   * The parameters of the best trial, as Python's `best_params`.
   *
   * @returns The parameters.
   */
  async bestParams(): Promise<Record<string, ParamValue>> {
    return (await this.bestTrial()).params;
  }

  /**
   * The best objective value, as Python's `best_value`.
   *
   * @returns The value.
   */
  async bestValue(): Promise<number> {
    return (await this.bestTrial()).values![0];
  }

  /**
   * Enqueues a trial whose parameters are fixed, as Python's `enqueue_trial`: a WAITING trial
   * with the `fixed_params` system attribute, which the next `ask()` of any worker (Deno or
   * Python) claims; parameters it does not fix are sampled.
   *
   * @param params The fixed parameters, by name (external values).
   * @param options User attributes, and whether to skip parameters already tried.
   */
  async enqueueTrial(
    params: Record<string, ParamValue>,
    options: EnqueueTrialOptions = {},
  ): Promise<void> {
    if (typeof params !== "object" || params === null || Array.isArray(params)) {
      throw new TypeError("Cannot enqueue a trial: give its parameters as an object");
    }
    if (options.skipIfExists && await this.#hasTrialWith(params)) return;
    await this.storage.createNewTrial(this.studyId, {
      state: "WAITING",
      systemAttrs: { fixed_params: params },
      userAttrs: options.userAttrs ?? {},
    });
  }

  /** Python's `_should_skip_enqueue`: a trial fixed or run with these values exists. */
  async #hasTrialWith(params: Record<string, ParamValue>): Promise<boolean> {
    const trials: TrialWithSystemAttrs[] = this.storage.getAllTrialsWithSystemAttrs
      ? await this.storage.getAllTrialsWithSystemAttrs(this.studyId, { keyPrefix: "fixed_params" })
      : await Promise.all((await this.getTrials()).map(async (t) => ({
        ...t,
        systemAttrs: await this.storage.getTrialSystemAttrs(t.trialId),
      })));
    const names = Object.keys(params).sort();
    return trials.some(({ systemAttrs, params: own }) => {
      const fixed = systemAttrs.fixed_params;
      const existing = (typeof fixed === "object" && fixed !== null && !Array.isArray(fixed)
        ? fixed
        : own) as Record<string, ParamValue>;
      const keys = Object.keys(existing).sort();
      if (
        keys.length !== names.length || keys.some((k, i) =>
          k !== names[i]
        )
      ) return false;
      return names.every((name) => {
        const [a, b] = [params[name], existing[name]];
        if (typeof a !== typeof b) return false;
        if (typeof a !== "number") return a === b;
        // np.isclose(a, b, atol=0, equal_nan=True): relative tolerance 1e-5 of b.
        return (Number.isNaN(a) && Number.isNaN(b as number)) ||
          Math.abs(a - (b as number)) <= 1e-5 * Math.abs(b as number);
      });
    });
  }

  /**
   * Adds a finished (or waiting) trial as it is, as Python's `add_trial`.
   *
   * @param trial Its state, values, parameters with their distributions, and attributes.
   * @throws {RangeError} When a COMPLETE trial's values do not fit the objectives, or a
   *   parameter lies outside its distribution.
   */
  async addTrial(trial: TrialTemplate): Promise<void> {
    if (trial.state === "COMPLETE" && trial.values?.length !== this.directions.length) {
      throw new RangeError(
        `Cannot add a COMPLETE trial with ${trial.values?.length ?? 0} values to a study of ` +
          `${this.directions.length} objective(s)`,
      );
    }
    for (const [name, value] of Object.entries(trial.params ?? {})) {
      const distribution = trial.distributions?.[name];
      if (!distribution?.contains(distribution.toInternalRepr(value))) {
        throw new RangeError(
          `Cannot add a trial whose parameter "${name}" is outside its distribution`,
        );
      }
    }
    await this.storage.createNewTrial(this.studyId, trial);
  }

  /**
   * Runs the objective on new trials, as Python's `optimize`: each returned number (or
   * numbers) makes a COMPLETE trial, `TrialPruned` a PRUNED one, any other error a FAIL one,
   * rethrown unless `catch` names it. Stops after `nTrials`, after `timeout` seconds, when
   * `signal` aborts or when `stop()` is called, always after the trial in progress.
   *
   * @param objective The objective.
   * @param options How many trials, for how long, what to catch, callbacks.
   */
  async optimize(objective: Objective, options: OptimizeOptions = {}): Promise<void> {
    if (this.#optimizing) throw new Error("Cannot nest Study.optimize() calls on one study");
    this.#optimizing = true;
    this.#stopped = false;
    try {
      await runOptimize(this, objective, options, () => this.#stopped);
    } finally {
      this.#optimizing = false;
    }
  }

  /** Stops `optimize` after the trial in progress, as Python's `study.stop()`. */
  stop(): void {
    this.#stopped = true;
  }

  /**
   * The study's user attributes.
   *
   * @returns The attributes, by key.
   */
  userAttrs(): Promise<Record<string, JsonValue>> {
    return this.storage.getStudyUserAttrs(this.studyId);
  }

  /**
   * Sets a user attribute of the study, as Python's `set_user_attr`.
   *
   * @param key The attribute's key.
   * @param value A JSON value.
   */
  setUserAttr(key: string, value: JsonValue): Promise<void> {
    return this.storage.setStudyUserAttr(this.studyId, key, value);
  }
}
