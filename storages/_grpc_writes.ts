// The writes of GrpcStorageProxy: never repeated (a write whose answer was lost may have
// happened), a refusal for a finished trial turned into UpdateFinishedTrialError with the
// trial's state, and a refused parameter named with the distribution the study records.
import { StudyNotFoundError, TrialNotFoundError, UpdateFinishedTrialError } from "./errors.ts";
import {
  FailedPrecondition,
  type GrpcChannel,
  InvalidArgument,
  type NotFound,
  type Reply,
} from "./_grpc_channel.ts";
import type { GrpcTrialReads } from "./_grpc_trial_reads.ts";
import type { Distribution } from "../distributions/distributions.ts";
import { distributionToJson } from "../distributions/json.ts";
import { checkDistributionCompatibility } from "../distributions/compatibility.ts";

/** Writes through a channel, with the errors of the other storages. */
export class GrpcWrites {
  #channel: GrpcChannel;
  #trials: GrpcTrialReads;

  constructor(channel: GrpcChannel, trials: GrpcTrialReads) {
    this.#channel = channel;
    this.#trials = trials;
  }

  /** A write about no particular trial; `notFound` names what an unknown id means. */
  call(method: string, request: Record<string, unknown>, notFound: NotFound): Promise<Reply> {
    return this.#channel.call(method, request, notFound);
  }

  /** A write to a study. */
  study(method: string, studyId: number, request: Record<string, unknown>): Promise<Reply> {
    return this.call(method, { studyId, ...request }, () => new StudyNotFoundError(studyId));
  }

  /** A write to a RUNNING or WAITING trial. */
  async trial(method: string, trialId: number, request: Record<string, unknown>): Promise<Reply> {
    try {
      return await this.call(
        method,
        { trialId, ...request },
        () => new TrialNotFoundError(trialId),
      );
    } catch (error) {
      if (!(error instanceof FailedPrecondition)) throw error;
      const { trial } = await this.#trials.fetchTrial(trialId);
      throw new UpdateFinishedTrialError(trialId, trial.state);
    }
  }

  /** `SetTrialParameter`; the proxy's storage checks the distribution. */
  async setTrialParam(
    trialId: number,
    paramName: string,
    paramValueInternal: number,
    distribution: Distribution,
  ): Promise<void> {
    try {
      await this.trial("SetTrialParameter", trialId, {
        paramName,
        paramValueInternal,
        distribution: distributionToJson(distribution),
      });
    } catch (error) {
      if (!(error instanceof InvalidArgument)) throw error;
      // The proxy answers Python's ValueError as text; name the recorded distribution.
      const studyId = await this.#trials.studyIdOf(trialId);
      for (const { trial } of await this.#trials.trialsOf(studyId)) {
        const recorded = trial.distributions[paramName];
        if (recorded) checkDistributionCompatibility(recorded, distribution, paramName);
      }
      throw error;
    }
  }
}
