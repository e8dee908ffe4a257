/** Raised by `Backoff.write` when a bare stream failed after it was partly read. */
export class StreamConsumedError extends Error {
  /**
   * Creates the error.
   *
   * @param artifactId The artifact whose write failed.
   * @param cause The error of the failed attempt.
   */
  constructor(artifactId: string, cause: unknown) {
    super(
      `Cannot retry the write of artifact "${artifactId}": its stream was already partly read; ` +
        "pass a stream factory (() => stream) so that each attempt starts over",
      { cause },
    );
    this.name = "StreamConsumedError";
  }
}
