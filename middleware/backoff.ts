/**
 * Retries with exponential backoff around any artifact store, as Python Optuna's
 * `optuna.artifacts.Backoff`, with the same defaults; beyond it, writes retry stream factories,
 * and reads resume where an interrupted stream stopped.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { Backoff, InMemoryArtifactStore } from "@optuna-deno/artifacts";
 * const store = new Backoff(new InMemoryArtifactStore(), { maxRetries: 5 });
 * await store.write("a1", () => ReadableStream.from([new TextEncoder().encode("hi")]));
 * assert.deepEqual(await new Response(await store.open("a1")).text(), "hi");
 * ```
 *
 * @module
 */
import {
  ArtifactChangedError,
  ArtifactNotFoundError,
  ArtifactPathEscapeError,
  InvalidArtifactIdError,
} from "../stores/errors.ts";
import { validateOffset } from "../stores/_artifact_id.ts";
import { ResumingStream } from "./_resuming_stream.ts";
import type {
  ArtifactStat,
  ArtifactStore,
  CopyToFileOptions,
  ListedArtifact,
  ListOptions,
  LocalFile,
  OpenOptions,
  PresignOptions,
  RemoveOptions,
  RetryRange,
  StatOptions,
  StreamSource,
  WriteFileOptions,
  WriteOptions,
} from "../stores/types.ts";
import type { BackoffOptions, RetryInfo } from "./backoff_options.ts";
import { ReplayableUntilRead } from "./_replayable_source.ts";
import { GiveUp } from "./_give_up.ts";
import { StreamConsumedError } from "./stream_consumed_error.ts";
import { sleep } from "../_common/sleep.ts";

export type { BackoffOptions, RetryInfo };
export { StreamConsumedError };

/**
 * An {@linkcode ArtifactStore} that retries another store's `open`, `write` and `remove` with
 * exponential backoff: attempt `n` (from 0) is followed by a wait of
 * `min(minDelay * multiplier ** n, maxDelay)` seconds, up to `maxRetries` attempts in all, as
 * Python Optuna's `Backoff`. `remove` stops at its first success.
 *
 * `write` calls a stream factory again for each attempt. A bare stream is retried only while
 * nothing has been read from it; after that the write fails with an error that says to pass a
 * factory. The stream that `open` returns re-opens the artifact at the byte it reached when the
 * underlying stream fails part-way, within the same budget of attempts, so the reader sees one
 * uninterrupted stream.
 *
 * @example Usage
 * ```ts
 * import { Backoff, FileSystemArtifactStore } from "@optuna-deno/artifacts";
 * const dir = await Deno.makeTempDir();
 * const store = new Backoff(new FileSystemArtifactStore(dir), {
 *   onRetry: ({ operation, attempt, delay, error }) =>
 *     console.warn(`${operation} failed (attempt ${attempt}), retrying in ${delay}s`, error),
 * });
 * await store.write("a1", () => ReadableStream.from([new Uint8Array([1])]));
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export class Backoff implements ArtifactStore {
  #store: ArtifactStore;
  #maxRetries: number;
  #multiplier: number;
  #minDelay: number;
  #maxDelay: number;
  #jitter: number;
  #retryIf: NonNullable<BackoffOptions["retryIf"]>;
  #onRetry: BackoffOptions["onRetry"];
  #signal: AbortSignal | undefined;
  #sleep: NonNullable<BackoffOptions["sleep"]>;
  #random: () => number;

  /**
   * Reads an artifact's size through the wrapped store's `stat`, retrying failures; present
   * when the wrapped store has `stat`.
   */
  readonly stat?: (artifactId: string, options?: StatOptions) => Promise<ArtifactStat>;

  /**
   * Writes an artifact from a local file through the wrapped store's fast path, retrying
   * failures (each attempt copies the file again); present when the wrapped store has it.
   */
  readonly writeFile?: (
    artifactId: string,
    filePath: string,
    options?: WriteFileOptions,
  ) => Promise<void>;

  /**
   * Opens an artifact as a local file through the wrapped store, retrying failures; present
   * when the wrapped store has it.
   */
  readonly openFile?: (artifactId: string, options?: StatOptions) => Promise<LocalFile>;

  /**
   * Copies an artifact into a local file through the wrapped store's fast path, retrying
   * failures (each attempt copies from the start again and starts a new observer); a store
   * that downloads in byte ranges (S3, GCS) retries a failed range alone, with a budget of its
   * own. Present when the wrapped store has it.
   */
  readonly copyToFile?: (
    artifactId: string,
    filePath: string,
    options?: CopyToFileOptions,
  ) => Promise<void>;

  /** The wrapped store's `list`, passed through (present only when the store has it). */
  readonly list?: (options?: ListOptions) => AsyncIterable<ListedArtifact>;

  /** The wrapped store's `presign`, passed through (present only when the store has it). */
  readonly presign?: (artifactId: string, options?: PresignOptions) => Promise<string>;

  /**
   * Wraps a store.
   *
   * @param store The store to retry.
   * @param options Retry budget, delays, jitter, predicate, hook, signal and clock.
   */
  constructor(store: ArtifactStore, options: BackoffOptions = {}) {
    this.#store = store;
    // The optional fast paths exist here exactly when the wrapped store has them, so the
    // helpers that look for them see the same store with retries.
    const { stat, writeFile, openFile, copyToFile, list, presign } = store;
    if (stat) {
      this.stat = (artifactId, o = {}) =>
        this.#once(
          "open",
          artifactId,
          o.signal,
          (signal) => stat.call(store, artifactId, { signal }),
        );
    }
    if (writeFile) {
      this.writeFile = (artifactId, filePath, o = {}) =>
        this.#once(
          "write",
          artifactId,
          o.signal,
          (signal) => writeFile.call(store, artifactId, filePath, { ...o, signal }),
        );
    }
    if (openFile) {
      this.openFile = (artifactId, o = {}) =>
        this.#once(
          "open",
          artifactId,
          o.signal,
          (signal) => openFile.call(store, artifactId, { signal }),
        );
    }
    if (copyToFile) {
      this.copyToFile = async (artifactId, filePath, o = {}) => {
        // Each range of a ranged download has a budget of its own, as an open() has; once
        // one is spent, the copy fails without starting over.
        const retryRange: RetryRange = (fetch, signal) =>
          this.#retry("open", artifactId, { attempt: 0 }, this.#combined(signal), fetch)
            .catch((error) => Promise.reject(new GiveUp(error)));
        try {
          return await this.#once(
            "open",
            artifactId,
            o.signal,
            (signal) => copyToFile.call(store, artifactId, filePath, { ...o, signal, retryRange }),
          );
        } catch (error) {
          throw error instanceof GiveUp ? error.error : error;
        }
      };
    }
    // A listing is passed through: a page cannot be retried from outside the store.
    if (list) this.list = (o) => list.call(store, o);
    if (presign) this.presign = (id, o) => presign.call(store, id, o);
    this.#maxRetries = options.maxRetries ?? 10;
    this.#multiplier = options.multiplier ?? 2;
    this.#minDelay = options.minDelay ?? 0.1;
    this.#maxDelay = options.maxDelay ?? 30;
    this.#jitter = options.jitter ?? 0;
    if (!Number.isInteger(this.#maxRetries) || this.#maxRetries < 1) {
      throw new RangeError(
        `Cannot use maxRetries ${this.#maxRetries}: use an integer of 1 or more`,
      );
    }
    if (!(this.#multiplier > 0 && this.#minDelay > 0 && this.#maxDelay >= this.#minDelay)) {
      throw new RangeError(
        "Cannot use these backoff delays: use multiplier > 0 and 0 < minDelay <= maxDelay " +
          "(seconds)",
      );
    }
    if (!(this.#jitter >= 0 && this.#jitter <= 1)) {
      throw new RangeError(`Cannot use jitter ${this.#jitter}: use a number from 0 to 1`);
    }
    this.#retryIf = options.retryIf ?? (() => true);
    this.#onRetry = options.onRetry;
    this.#signal = options.signal;
    this.#sleep = options.sleep ?? sleep;
    this.#random = options.random ?? Math.random;
  }

  /**
   * The delay after a failed attempt, in seconds, before jitter.
   *
   * @param attempt The failed attempt, from 0.
   * @returns `min(minDelay * multiplier ** attempt, maxDelay)`.
   */
  delay(attempt: number): number {
    return Math.min(this.#minDelay * this.#multiplier ** attempt, this.#maxDelay);
  }

  /**
   * Opens an artifact, retrying failures; the stream resumes after a failure part-way.
   *
   * @param artifactId The artifact's id.
   * @param options A signal and a start offset.
   * @returns The artifact's bytes from `offset` on.
   * @throws {ArtifactNotFoundError} At once, when the artifact does not exist.
   */
  async open(artifactId: string, options: OpenOptions = {}): Promise<ReadableStream<Uint8Array>> {
    const signal = this.#combined(options.signal);
    const budget = { attempt: 0 };
    const offset = validateOffset(options.offset);
    // A resumed range asks only for what is left of it.
    const end = options.length === undefined ? undefined : offset + options.length;
    const open = (from: number) =>
      this.#retry(
        "open",
        artifactId,
        budget,
        signal,
        () =>
          this.#store.open(artifactId, {
            offset: from,
            length: end === undefined ? undefined : end - from,
            signal,
          }),
      );
    return new ResumingStream(await open(offset), offset, {
      reopen: open,
      pause: (error) => this.#wait("read", artifactId, budget, signal, error),
    }).readable();
  }

  /**
   * Writes an artifact, retrying failures with a fresh stream from the factory.
   *
   * @param artifactId The artifact's id.
   * @param content A stream factory (retried from the start) or a bare stream (retried only
   *   while unread).
   * @param options A signal, the length and the content type.
   */
  async write(
    artifactId: string,
    content: StreamSource,
    options: WriteOptions = {},
  ): Promise<void> {
    const signal = this.#combined(options.signal);
    const budget = { attempt: 0 };
    if (typeof content === "function") {
      await this.#retry(
        "write",
        artifactId,
        budget,
        signal,
        () => this.#store.write(artifactId, content, { ...options, signal }),
      );
      return;
    }
    const source = new ReplayableUntilRead(content);
    try {
      await this.#retry("write", artifactId, budget, signal, async () => {
        try {
          return await this.#store.write(artifactId, source.attempt(), { ...options, signal });
        } catch (error) {
          // The source itself failed (a client that went away): no attempt can fix that.
          if (source.failure) throw new GiveUp(source.failure.error);
          if (source.read) throw new StreamConsumedError(artifactId, error);
          throw error;
        }
      });
    } catch (error) {
      source.cancel(error);
      throw error instanceof GiveUp ? error.error : error;
    }
  }

  /**
   * Removes an artifact, retrying failures; stops at the first success.
   *
   * @param artifactId The artifact's id.
   * @param options A signal.
   */
  async remove(artifactId: string, options: RemoveOptions = {}): Promise<void> {
    await this.#once(
      "remove",
      artifactId,
      options.signal,
      (signal) => this.#store.remove(artifactId, { signal }),
    );
  }

  /** Runs one operation with its own retry budget. */
  #once<T>(
    operation: RetryInfo["operation"],
    artifactId: string,
    callerSignal: AbortSignal | undefined,
    fn: (signal: AbortSignal | undefined) => Promise<T>,
  ): Promise<T> {
    const signal = this.#combined(callerSignal);
    return this.#retry(operation, artifactId, { attempt: 0 }, signal, () => fn(signal));
  }

  async #retry<T>(
    operation: RetryInfo["operation"],
    artifactId: string,
    budget: { attempt: number },
    signal: AbortSignal | undefined,
    fn: () => Promise<T>,
  ): Promise<T> {
    while (true) {
      signal?.throwIfAborted();
      try {
        return await fn();
      } catch (error) {
        await this.#wait(operation, artifactId, budget, signal, error);
      }
    }
  }

  /** Counts a failed attempt, then waits, or rethrows when the error is final. */
  async #wait(
    operation: RetryInfo["operation"],
    artifactId: string,
    budget: { attempt: number },
    signal: AbortSignal | undefined,
    error: unknown,
  ): Promise<void> {
    const attempt = budget.attempt++;
    const info = { operation, artifactId, attempt: attempt + 1, error };
    if (
      signal?.aborted || isFinal(error) || attempt + 1 >= this.#maxRetries ||
      !this.#retryIf(error, info)
    ) {
      signal?.throwIfAborted();
      throw error;
    }
    const delay = this.delay(attempt) * (1 - this.#jitter * this.#random());
    this.#onRetry?.({ ...info, delay });
    await this.#sleep(delay * 1000, signal);
  }

  #combined(signal: AbortSignal | undefined): AbortSignal | undefined {
    if (signal && this.#signal) return AbortSignal.any([signal, this.#signal]);
    return signal ?? this.#signal;
  }
}

/** Errors that another attempt cannot fix. */
function isFinal(error: unknown): boolean {
  return error instanceof ArtifactNotFoundError || error instanceof InvalidArtifactIdError ||
    error instanceof ArtifactChangedError ||
    error instanceof ArtifactPathEscapeError || error instanceof RangeError ||
    error instanceof StreamConsumedError || error instanceof GiveUp ||
    (error instanceof DOMException && error.name === "AbortError");
}
