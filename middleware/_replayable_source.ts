// A bare stream given to Backoff.write: offered to each attempt until a chunk has been read.

/**
 * A bare stream offered to several attempts: each attempt gets a view of it, and a retry is
 * possible only while no chunk has been read.
 */
export class ReplayableUntilRead {
  #reader: ReadableStreamDefaultReader<Uint8Array>;
  /** Whether any chunk was read: then no attempt can start over. */
  read = false;

  constructor(stream: ReadableStream<Uint8Array>) {
    this.#reader = stream.getReader();
  }

  /** The source's own error, once reading it failed. */
  failure: { error: unknown } | undefined;

  attempt(): ReadableStream<Uint8Array> {
    return new ReadableStream<Uint8Array>({
      pull: async (controller) => {
        let result: ReadableStreamReadResult<Uint8Array>;
        try {
          result = await this.#reader.read();
        } catch (error) {
          this.failure = { error };
          throw error;
        }
        const { done, value } = result;
        if (done) return controller.close();
        this.read = true;
        controller.enqueue(value);
      },
      // An attempt that gives up must not cancel the source, or no retry could read it.
      cancel: () => {},
    }, { highWaterMark: 0 }); // pull only when the store reads, never ahead
  }

  cancel(reason: unknown): void {
    this.#reader.cancel(reason).catch(() => {});
  }
}
