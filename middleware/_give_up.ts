// Carries an error past Backoff's retry loop untouched: the failure of a write's own source,
// or of a download's range whose own retries are spent. No further attempt can fix either.

/** An error that ends the retries; `error` is what the caller gets. */
export class GiveUp extends Error {
  readonly error: unknown;
  constructor(error: unknown) {
    super("No further attempt can succeed", { cause: error });
    this.error = error;
  }
}
