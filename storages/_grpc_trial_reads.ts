// The trial reads of GrpcStorageProxy: a study's trials in one GetTrials call, finished trials
// cached (Optuna never changes them), and the study of a trial, which the service's trial
// replies do not name.
import { StudyNotFoundError, TrialNotFoundError } from "./errors.ts";
import { isFinished } from "./_trial_state.ts";
import { attrsOf, copyTrial, fromProtoTrial, type ProtoTrial } from "./_grpc_trials.ts";
import type { GrpcChannel } from "./_grpc_channel.ts";
import type { FrozenTrial, JsonValue } from "./types.ts";

/** A trial as read, with its system attributes. */
export interface TrialWithAttrs {
  trial: FrozenTrial;
  attrs: Record<string, JsonValue>;
}

/** Reads trials through a channel, caching what does not change. */
export class GrpcTrialReads {
  #channel: GrpcChannel;
  #studyIds: () => Promise<number[]>;
  #finishedTrials = new Map<number, TrialWithAttrs>();
  #studyOfTrial = new Map<number, number>();

  /** `studyIds` lists the proxy's studies, to find the study of an unknown trial. */
  constructor(channel: GrpcChannel, studyIds: () => Promise<number[]>) {
    this.#channel = channel;
    this.#studyIds = studyIds;
  }

  /** Remembers the study of a trial that a call named. */
  noteStudy(trialId: number, studyId: number): void {
    this.#studyOfTrial.set(trialId, studyId);
  }

  /** Every trial of a study with its attributes, in number order. */
  async trialsOf(studyId: number): Promise<TrialWithAttrs[]> {
    const reply = await this.#channel.read(
      "GetTrials",
      { studyId, trialIdGreaterThan: -1 },
      () => new StudyNotFoundError(studyId),
    );
    return (reply.trials as ProtoTrial[])
      .map((t) => {
        const { trial, attrs } = this.#remember(t);
        return { trial: { ...copyTrial(trial), studyId }, attrs };
      })
      .sort((a, b) => a.trial.number - b.trial.number);
  }

  /** A trial with its system attributes, from the cache when it has finished. */
  async fetchTrial(trialId: number): Promise<TrialWithAttrs> {
    const cached = this.#finishedTrials.get(trialId);
    if (cached) return cached;
    const reply = await this.#channel.read(
      "GetTrial",
      { trialId },
      () => new TrialNotFoundError(trialId),
    );
    return this.#remember(reply.trial as ProtoTrial);
  }

  /** A trial's study: known from an earlier call, else looked for study by study. */
  async studyIdOf(trialId: number): Promise<number> {
    const known = this.#studyOfTrial.get(trialId);
    if (known !== undefined) return known;
    for (const studyId of await this.#studyIds()) {
      const reply = await this.#channel.read(
        "GetTrials",
        { studyId, includedTrialIds: [trialId], trialIdGreaterThan: Number.MAX_SAFE_INTEGER },
        () => new StudyNotFoundError(studyId),
      );
      if (reply.trials.length > 0) {
        this.#studyOfTrial.set(trialId, studyId);
        return studyId;
      }
    }
    throw new TrialNotFoundError(trialId);
  }

  /** Caches a finished trial; the cached one wins, as Optuna never changes it. */
  #remember(proto: ProtoTrial): TrialWithAttrs {
    const trialId = Number(proto.trialId);
    const cached = this.#finishedTrials.get(trialId);
    if (cached) return cached;
    const entry = { trial: fromProtoTrial(proto), attrs: attrsOf(proto.systemAttributes) };
    if (isFinished(entry.trial.state)) this.#finishedTrials.set(trialId, entry);
    return entry;
  }
}
