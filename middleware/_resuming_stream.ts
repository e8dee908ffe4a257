// Backoff's resuming read: a stream over an artifact that, when its source breaks part-way,
// waits (spending the retry budget) and re-opens the artifact at the byte it reached.

/** How to re-open the artifact, and what to do before each re-open. */
export interface Resume {
  /** Opens the artifact again from `offset`, with retries. */
  reopen(offset: number): Promise<ReadableStream<Uint8Array>>;
  /** Waits before a re-open; rejects when the budget is spent or the read was aborted. */
  pause(error: unknown): Promise<void>;
}

/** Reads one artifact across breaks, counting the bytes delivered. */
export class ResumingStream {
  #current: ReadableStream<Uint8Array>;
  #reader: ReadableStreamDefaultReader<Uint8Array>;
  #position: number;
  #resume: Resume;

  constructor(first: ReadableStream<Uint8Array>, position: number, resume: Resume) {
    this.#current = first;
    this.#reader = first.getReader();
    this.#position = position;
    this.#resume = resume;
  }

  /** The stream the caller reads. */
  readable(): ReadableStream<Uint8Array> {
    return new ReadableStream<Uint8Array>({
      pull: async (controller) => {
        const chunk = await this.#next();
        if (chunk === null) controller.close();
        else controller.enqueue(chunk);
      },
      cancel: (reason) => this.#reader.cancel(reason),
    });
  }

  async #next(): Promise<Uint8Array | null> {
    while (true) {
      try {
        const { done, value } = await this.#reader.read();
        if (done) return null;
        this.#position += value.length;
        return value;
      } catch (error) {
        // The source broke part-way: re-open where it stopped.
        this.#reader.releaseLock();
        await this.#current.cancel().catch(() => {});
        await this.#resume.pause(error);
        this.#current = await this.#resume.reopen(this.#position);
        this.#reader = this.#current.getReader();
      }
    }
  }
}
