// GrpcStorageProxy, the study storage of `./grpc` (see grpc.ts for the module's documentation).
import { DuplicatedStudyError, StudyNotFoundError, TrialNotFoundError } from "./errors.ts";
import { STUDY_DIRECTIONS, TRIAL_STATES } from "./_grpc_schema.ts";
import { directionsOf, studiesOf } from "./_grpc_studies.ts";
import { grpcAddress, parseGrpcUrl } from "./_grpc_address.ts";
import { GrpcChannel, type Reply } from "./_grpc_channel.ts";
import { GrpcTrialReads } from "./_grpc_trial_reads.ts";
import { GrpcWrites } from "./_grpc_writes.ts";
import { studyNameOrDefault } from "./_names.ts";
import { pythonJsonDumps } from "../_common/python_json.ts";
import { dictionary } from "../_common/dictionary.ts";
import { attrsOf, copyTrial, toProtoTrial } from "./_grpc_trials.ts";
import type { Distribution } from "../distributions/distributions.ts";
import type { GrpcStorageProxyOptions } from "./grpc_storage_proxy_options.ts";
import type {
  CreateNewStudyOptions,
  FrozenStudy,
  FrozenTrial,
  GetAllTrialsOptions,
  GetAllTrialsWithSystemAttrsOptions,
  JsonValue,
  StudyStorage,
  TrialState,
  TrialTemplate,
  TrialWithSystemAttrs,
} from "./types.ts";

/**
 * A {@linkcode StudyStorage} on Optuna's gRPC storage proxy (Optuna 5.0's service). Attribute
 * values travel as Python's `json.dumps` text, as Python's client sends them. The attributes
 * of finished trials, which Optuna never changes, are cached after the first read.
 *
 * @example Usage
 * ```ts ignore
 * import { GrpcStorageProxy } from "@optuna-deno/artifacts/grpc";
 * const storage = GrpcStorageProxy.fromUrl("grpc://127.0.0.1:13000");
 * console.log((await storage.getAllStudies()).map((s) => s.studyName));
 * storage.close();
 * ```
 */
export class GrpcStorageProxy implements StudyStorage {
  /** Where the proxy listens, as `host:port`. */
  readonly address: string;
  #channel: GrpcChannel;
  #trials: GrpcTrialReads;
  #writes: GrpcWrites;

  /**
   * Connects to the proxy (lazily, at the first call).
   *
   * @param options The host, port, deadline and read retries.
   */
  constructor(options: GrpcStorageProxyOptions = {}) {
    this.address = grpcAddress(options.host, options.port);
    this.#channel = new GrpcChannel({
      address: this.address,
      timeout: (options.timeout ?? 60) * 1000,
      readRetries: options.readRetries ?? 4,
    });
    this.#trials = new GrpcTrialReads(
      this.#channel,
      async () => (await this.getAllStudies()).map((study) => study.studyId),
    );
    this.#writes = new GrpcWrites(this.#channel, this.#trials);
  }

  /**
   * Makes a storage from a `grpc://HOST:PORT` URL, as the command line takes it.
   *
   * @example Usage
   * ```ts
   * import assert from "node:assert/strict";
   * import { GrpcStorageProxy } from "@optuna-deno/artifacts/grpc";
   * const storage = GrpcStorageProxy.fromUrl("grpc://127.0.0.1:13000");
   * assert.equal(storage.address, "127.0.0.1:13000");
   * storage.close();
   * ```
   *
   * @param url `grpc://HOST:PORT`; the port defaults to 13000.
   * @param options The deadline and read retries.
   * @returns The storage.
   */
  static fromUrl(
    url: string,
    options: Omit<GrpcStorageProxyOptions, "host" | "port"> = {},
  ): GrpcStorageProxy {
    return new GrpcStorageProxy({ ...options, ...parseGrpcUrl(url) });
  }

  /** Closes the connection; later calls fail. */
  close(): void {
    this.#channel.close();
  }

  /**
   * Creates a study.
   *
   * @param options The study's name and directions.
   * @returns The new study's id.
   * @throws {DuplicatedStudyError} When the name is taken.
   */
  async createNewStudy(options: CreateNewStudyOptions = {}): Promise<number> {
    const studyName = studyNameOrDefault(options.studyName);
    const reply = await this.#writes.call("CreateNewStudy", {
      studyName,
      directions: (options.directions ?? ["minimize"]).map((d) => STUDY_DIRECTIONS.indexOf(d)),
    }, () => new DuplicatedStudyError(studyName));
    return Number(reply.studyId);
  }

  /**
   * Looks a study up by name.
   *
   * @param studyName The study's name.
   * @returns The study's id.
   * @throws {StudyNotFoundError} When no study has that name.
   */
  async getStudyIdFromName(studyName: string): Promise<number> {
    const reply = await this.#channel.read(
      "GetStudyIdFromName",
      { studyName },
      () => new StudyNotFoundError(studyName),
    );
    return Number(reply.studyId);
  }

  /**
   * Reads a study.
   *
   * @param studyId The study's id.
   * @returns The study's name and directions.
   * @throws {StudyNotFoundError} When the study does not exist.
   */
  async getStudy(studyId: number): Promise<FrozenStudy> {
    const [name, directions] = await Promise.all([
      this.#readStudy("GetStudyNameFromId", studyId),
      this.#readStudy("GetStudyDirections", studyId),
    ]);
    return {
      studyId,
      studyName: name.studyName,
      directions: directionsOf(directions),
    };
  }

  /**
   * Lists every study.
   *
   * @returns The studies, in id order.
   */
  async getAllStudies(): Promise<FrozenStudy[]> {
    const reply = await this.#channel.read("GetAllStudies", {}, () => new Error("no studies"));
    return studiesOf(reply);
  }

  /**
   * Creates a trial with the next number: RUNNING, or as the template says (sent as Python's
   * client sends a `template_trial`).
   *
   * @param studyId The study's id.
   * @param template The trial's state, parameters and attributes.
   * @returns The new trial's id.
   * @throws {StudyNotFoundError} When the study does not exist.
   */
  async createNewTrial(studyId: number, template?: TrialTemplate): Promise<number> {
    const reply = await this.#writes.call(
      "CreateNewTrial",
      template
        ? { studyId, templateTrial: toProtoTrial(template), templateTrialIsNone: false }
        : { studyId, templateTrialIsNone: true },
      () => new StudyNotFoundError(studyId),
    );
    const trialId = Number(reply.trialId);
    this.#trials.noteStudy(trialId, studyId);
    return trialId;
  }

  /**
   * Looks a trial up by its number in a study.
   *
   * @param studyId The study's id.
   * @param trialNumber The trial's number.
   * @returns The trial's id.
   * @throws {TrialNotFoundError} When the study has no such trial.
   */
  async getTrialIdFromStudyIdTrialNumber(studyId: number, trialNumber: number): Promise<number> {
    const reply = await this.#channel.read(
      "GetTrialIdFromStudyIdTrialNumber",
      { studyId, trialNumber },
      () => new TrialNotFoundError({ studyId, number: trialNumber }),
    );
    const trialId = Number(reply.trialId);
    this.#trials.noteStudy(trialId, studyId);
    return trialId;
  }

  /**
   * Reads a trial.
   *
   * @param trialId The trial's id.
   * @returns The trial's number, state and values.
   * @throws {TrialNotFoundError} When the trial does not exist.
   */
  async getTrial(trialId: number): Promise<FrozenTrial> {
    const { trial } = await this.#trials.fetchTrial(trialId);
    return { ...copyTrial(trial), studyId: await this.#trials.studyIdOf(trialId) };
  }

  /**
   * Lists the trials of a study, in one call.
   *
   * @param studyId The study's id.
   * @param options Which states.
   * @returns The trials, in number order.
   * @throws {StudyNotFoundError} When the study does not exist.
   */
  async getAllTrials(studyId: number, options: GetAllTrialsOptions = {}): Promise<FrozenTrial[]> {
    const { states } = options;
    return (await this.#trials.trialsOf(studyId))
      .filter(({ trial }) => states === undefined || states.includes(trial.state))
      .map(({ trial }) => trial);
  }

  /**
   * Lists the trials of a study with their system attributes whose keys start with
   * `keyPrefix`, in one call (`GetTrials` carries the attributes).
   *
   * @param studyId The study's id.
   * @param options Which attributes, by key prefix.
   * @returns The trials, in number order.
   * @throws {StudyNotFoundError} When the study does not exist.
   */
  async getAllTrialsWithSystemAttrs(
    studyId: number,
    options: GetAllTrialsWithSystemAttrsOptions = {},
  ): Promise<TrialWithSystemAttrs[]> {
    const prefix = options.keyPrefix ?? "";
    return (await this.#trials.trialsOf(studyId)).map(({ trial, attrs }) => {
      const systemAttrs = dictionary<JsonValue>();
      for (const key in attrs) if (key.startsWith(prefix)) systemAttrs[key] = attrs[key];
      return { ...trial, systemAttrs };
    });
  }

  /**
   * Sets a trial's state and, for COMPLETE, its values. RUNNING claims a WAITING trial: the
   * proxy's storage decides, as for Python's client.
   *
   * @param trialId The trial's id.
   * @param state The new state.
   * @param values The objective values, for COMPLETE.
   * @returns `false` when the proxy answers that another worker claimed the trial first.
   * @throws {UpdateFinishedTrialError} When the trial has finished.
   */
  async setTrialStateValues(
    trialId: number,
    state: TrialState,
    values?: number[],
  ): Promise<boolean> {
    const reply = await this.#writes.trial("SetTrialStateValues", trialId, {
      state: TRIAL_STATES.indexOf(state),
      values: values ?? [],
    });
    return Boolean(reply.trialUpdated);
  }

  /**
   * Records a parameter (`SetTrialParameter`); the proxy's storage checks its distribution.
   *
   * @param trialId The trial's id.
   * @param paramName The parameter's name.
   * @param paramValueInternal Its internal value.
   * @param distribution Its distribution.
   * @throws {UpdateFinishedTrialError} When the trial has finished.
   * @throws {IncompatibleDistributionError} When the study records another kind for the name.
   */
  async setTrialParam(
    trialId: number,
    paramName: string,
    paramValueInternal: number,
    distribution: Distribution,
  ): Promise<void> {
    await this.#writes.setTrialParam(trialId, paramName, paramValueInternal, distribution);
  }

  /**
   * Records an intermediate value (`SetTrialIntermediateValue`).
   *
   * @param trialId The trial's id.
   * @param step The step.
   * @param intermediateValue The value.
   * @throws {UpdateFinishedTrialError} When the trial has finished.
   */
  async setTrialIntermediateValue(
    trialId: number,
    step: number,
    intermediateValue: number,
  ): Promise<void> {
    await this.#writes.trial("SetTrialIntermediateValue", trialId, { step, intermediateValue });
  }

  /**
   * Sets one user attribute of a RUNNING or WAITING trial.
   *
   * @param trialId The trial's id.
   * @param key The attribute's key.
   * @param value The attribute's value.
   * @throws {UpdateFinishedTrialError} When the trial has finished.
   */
  async setTrialUserAttr(trialId: number, key: string, value: JsonValue): Promise<void> {
    await this.#writes.trial("SetTrialUserAttribute", trialId, {
      key,
      value: pythonJsonDumps(value),
    });
  }

  /**
   * Reads a study's user attributes.
   *
   * @param studyId The study's id.
   * @returns The attributes.
   * @throws {StudyNotFoundError} When the study does not exist.
   */
  async getStudyUserAttrs(studyId: number): Promise<Record<string, JsonValue>> {
    return attrsOf((await this.#readStudy("GetStudyUserAttributes", studyId)).userAttributes);
  }

  /**
   * Sets one user attribute of a study.
   *
   * @param studyId The study's id.
   * @param key The attribute's key.
   * @param value The attribute's value.
   * @throws {StudyNotFoundError} When the study does not exist.
   */
  async setStudyUserAttr(studyId: number, key: string, value: JsonValue): Promise<void> {
    await this.#writes.study("SetStudyUserAttribute", studyId, {
      key,
      value: pythonJsonDumps(value),
    });
  }

  /**
   * Reads a study's system attributes.
   *
   * @param studyId The study's id.
   * @returns The attributes.
   * @throws {StudyNotFoundError} When the study does not exist.
   */
  async getStudySystemAttrs(studyId: number): Promise<Record<string, JsonValue>> {
    return attrsOf((await this.#readStudy("GetStudySystemAttributes", studyId)).systemAttributes);
  }

  /**
   * Sets one system attribute of a study.
   *
   * @param studyId The study's id.
   * @param key The attribute's key.
   * @param value The attribute's value.
   * @throws {StudyNotFoundError} When the study does not exist.
   */
  async setStudySystemAttr(studyId: number, key: string, value: JsonValue): Promise<void> {
    await this.#writes.study("SetStudySystemAttribute", studyId, {
      key,
      value: pythonJsonDumps(value),
    });
  }

  /**
   * Reads a trial's system attributes (from the cache for a finished trial).
   *
   * @param trialId The trial's id.
   * @returns The attributes.
   * @throws {TrialNotFoundError} When the trial does not exist.
   */
  async getTrialSystemAttrs(trialId: number): Promise<Record<string, JsonValue>> {
    return { ...(await this.#trials.fetchTrial(trialId)).attrs };
  }

  /**
   * Sets one system attribute of a RUNNING or WAITING trial; the proxy checks the state.
   *
   * @param trialId The trial's id.
   * @param key The attribute's key.
   * @param value The attribute's value.
   * @throws {UpdateFinishedTrialError} When the trial has finished.
   */
  async setTrialSystemAttr(trialId: number, key: string, value: JsonValue): Promise<void> {
    await this.#writes.trial("SetTrialSystemAttribute", trialId, {
      key,
      value: pythonJsonDumps(value),
    });
  }

  #readStudy(method: string, studyId: number): Promise<Reply> {
    return this.#channel.read(method, { studyId }, () => new StudyNotFoundError(studyId));
  }
}
