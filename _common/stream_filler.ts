// Reads a stream into buffers the caller owns: a byte stream (the body of a `fetch`) straight
// into them (BYOB), so no chunk is allocated on the way; any other stream's chunks are copied
// in. Shared by the one-stream file copy and the ranged download.

/** What one {@linkcode StreamFiller.fill} delivered. */
export interface Filled {
  /** The buffer, filled: a BYOB read hands it back as a new `ArrayBuffer` over the same memory. */
  buffer: ArrayBuffer;
  /** How many bytes of it hold data, from its start. */
  used: number;
  /** Whether the stream ended. */
  done: boolean;
}

/** Fills buffers from one stream, which it holds locked until {@linkcode release}. */
export class StreamFiller {
  #byob?: ReadableStreamBYOBReader;
  #reader: ReadableStreamBYOBReader | ReadableStreamDefaultReader<Uint8Array>;
  #rest?: Uint8Array; // what of a chunk did not fit in the last buffer

  constructor(stream: ReadableStream<Uint8Array>) {
    try {
      this.#byob = stream.getReader({ mode: "byob" });
    } catch {
      // not a byte stream: its chunks are copied into the buffers
    }
    this.#reader = this.#byob ?? stream.getReader();
  }

  /**
   * Fills `buffer` from byte `from` up to byte `to` (its end by default), or less at the end
   * of the stream.
   */
  async fill(buffer: ArrayBuffer, from = 0, to = buffer.byteLength): Promise<Filled> {
    let used = from;
    while (used < to) {
      if (this.#byob) {
        const { done, value } = await this.#byob.read(new Uint8Array(buffer, used, to - used));
        if (value) buffer = value.buffer as ArrayBuffer;
        if (done) return { buffer, used, done };
        used += value.byteLength;
        continue;
      }
      if (!this.#rest) {
        const { done, value } = await (this.#reader as ReadableStreamDefaultReader<Uint8Array>)
          .read();
        if (done) return { buffer, used, done };
        this.#rest = value;
      }
      const count = Math.min(this.#rest.length, to - used);
      new Uint8Array(buffer, used, count).set(this.#rest.subarray(0, count));
      used += count;
      this.#rest = count < this.#rest.length ? this.#rest.subarray(count) : undefined;
    }
    return { buffer, used, done: false };
  }

  /**
   * Whether the stream has ended, for a check that a range kept to its length: it reads one
   * byte more, which is lost.
   */
  async ended(): Promise<boolean> {
    const { used, done } = await this.fill(new ArrayBuffer(1));
    return done && used === 0;
  }

  /** Cancels the stream. */
  async cancel(reason?: unknown): Promise<void> {
    await this.#reader.cancel(reason).catch(() => {});
  }

  /** Frees the stream's lock. */
  release(): void {
    this.#reader.releaseLock();
  }
}
