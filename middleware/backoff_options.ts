// The options of Backoff and what its retry hook is told.

/** What a retry hook is told. */
export interface RetryInfo {
  /** The operation that failed: `open`, `read` (a stream broke part-way), `write` or `remove`. */
  operation: "open" | "read" | "write" | "remove";
  /** The artifact's id. */
  artifactId: string;
  /** The attempt that failed, from 1. */
  attempt: number;
  /** Seconds until the next attempt. */
  delay: number;
  /** The error of the failed attempt. */
  error: unknown;
}

/** Options of {@linkcode Backoff}; the defaults are Optuna's. */
export interface BackoffOptions {
  /**
   * Attempts per operation, the first included, as Optuna's `max_retries`.
   *
   * @default {10}
   */
  maxRetries?: number;
  /**
   * Growth of the delay per attempt.
   *
   * @default {2}
   */
  multiplier?: number;
  /**
   * Seconds before the second attempt.
   *
   * @default {0.1}
   */
  minDelay?: number;
  /**
   * Largest delay in seconds.
   *
   * @default {30}
   */
  maxDelay?: number;
  /**
   * A share of each delay drawn at random, from 0 (Optuna's fixed delays) to 1: the delay
   * becomes `delay * (1 - jitter * random())`, so many clients spread out.
   *
   * @default {0}
   */
  jitter?: number;
  /**
   * Decides whether an error is worth another attempt; every error is by default. Never asked
   * about `ArtifactNotFoundError`, invalid ids, path escapes, bad offsets or aborts: those are
   * never retried.
   */
  retryIf?: (error: unknown, info: Omit<RetryInfo, "delay">) => boolean;
  /** Told about each retry before its wait (for logging). */
  onRetry?: (info: RetryInfo) => void;
  /** Cancels every wait and operation of this store at once. */
  signal?: AbortSignal;
  /** Waits `ms` milliseconds unless `signal` aborts; replaceable in tests. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /**
   * Random numbers in [0, 1) for jitter.
   *
   * @default {Math.random}
   */
  random?: () => number;
}
