// The journal file itself: complete lines read by byte offset, and appends of whole lines under
// Python's lock, synced, and cut back on failure. The storage (journal.ts) turns lines into
// operations; this file knows bytes and lines only.
import { StorageFormatError } from "./errors.ts";
import { writeAll } from "../_common/file_stream.ts";
import { withContext } from "../_common/error_context.ts";
import { isNotFound, openFile, statSync } from "../_common/fs.ts";
import { createUtf8Decoder } from "../_common/utf8_decoder.ts";
import { withJournalLock } from "./_journal_lock.ts";
import type { JournalLockOptions } from "./_journal_lock.ts";

const READ_CHUNK_SIZE = 1 * 1024 * 1024;
const NEWLINE = 10;

export class JournalFile {
  readonly path: string;
  #lock: JournalLockOptions;
  #offset = 0;
  #lines = 0;
  #tailBytes = 0;

  constructor(path: string, lock: JournalLockOptions) {
    this.path = path;
    this.#lock = lock;
  }

  /** Tells what went wrong without failing an operation. */
  warn(message: string): void {
    this.#lock.onWarning(message);
  }

  /** Names the next line to replay, for errors. */
  where = (): string => `Cannot replay line ${this.#lines + 1} of journal "${this.path}"`;

  /** Runs `fn` under the journal's lock, after reading the lines other writers added. */
  locked<T>(apply: (line: string) => void, fn: () => Promise<T>): Promise<T> {
    return withJournalLock(this.path, this.#lock, async () => {
      await this.read(apply);
      if (this.#tailBytes > 0) {
        throw new StorageFormatError(
          `Cannot write to journal "${this.path}": it ends with an incomplete line ` +
            `(${this.#tailBytes} bytes after line ${this.#lines}) left by a writer that ` +
            "stopped; remove those bytes, then retry",
        );
      }
      return await fn();
    });
  }

  /** Appends whole lines with one write and syncs them, or leaves the file as it was. */
  async append(bytes: Uint8Array): Promise<void> {
    const file = await openFile(this.path, { append: true, create: true });
    try {
      const { size } = await file.stat();
      try {
        await writeAll(file, bytes);
        await file.sync();
      } catch (error) {
        // Never leave a partial line (Python would append onto it): cut back under the lock.
        try {
          await file.truncate(size);
          await file.sync();
        } catch (truncateError) {
          this.warn(
            `Cannot cut journal "${this.path}" back to ${size} bytes after a failed append: ` +
              `${(truncateError as Error).message}; remove the partial last line by hand`,
          );
        }
        throw withContext(error, `Cannot append to journal "${this.path}"; it was left as it was`);
      }
    } finally {
      file.close();
    }
  }

  /**
   * Passes each complete line added since the last read to `apply`, in order. The offset
   * advances only past lines that were applied, so a failing line is met again, never skipped.
   */
  async read(apply: (line: string) => void): Promise<void> {
    // One stat per call, and the file is opened only when it has grown. The stat is synchronous:
    // it takes microseconds, ten times less than an async op, and a listing makes one call per
    // trial.
    let size: number;
    try {
      size = statSync(this.path).size;
    } catch (error) {
      if (isNotFound(error) && this.#offset === 0) return;
      throw error;
    }
    if (size < this.#offset) {
      throw new StorageFormatError(
        `Cannot read journal "${this.path}": it is shorter (${size} bytes) than what was ` +
          `already read (${this.#offset} bytes), so it was truncated or replaced; open it again`,
      );
    }
    if (size === this.#offset + this.#tailBytes) return;
    const file = await openFile(this.path, { read: true });
    try {
      await file.seek(this.#offset, 0);
      // One buffer for every read, and a line that spans reads is kept as decoded text (a V8
      // rope), so a long line costs time and memory linear in its length.
      const buffer = new Uint8Array(Math.min(READ_CHUNK_SIZE, size - this.#offset));
      const decoder = createUtf8Decoder();
      let remaining = size - this.#offset;
      let pending = "";
      let pendingBytes = 0;
      while (remaining > 0) {
        const count = await file.read(buffer.subarray(0, Math.min(buffer.length, remaining)));
        if (count === null) break;
        remaining -= count;
        const data = buffer.subarray(0, count);
        const last = data.lastIndexOf(NEWLINE);
        let start = 0;
        if (last >= 0) {
          // The complete lines of this read, decoded at once (one decode, not one per line).
          // A line ends at the same newline in the text and in the bytes (a newline byte is
          // never part of a multi-byte character). Past the first newline nothing is carried
          // over from the previous read, and there the text is as long as the bytes only when
          // it is all ASCII (any other character is shorter in UTF-16 than in UTF-8): then a
          // newline's byte position follows from its position in the text.
          const text = decoder.decode(data.subarray(0, last + 1));
          const firstByte = data.indexOf(NEWLINE);
          const firstChar = text.indexOf("\n");
          const ascii = text.length - firstChar === last + 1 - firstByte;
          let from = 0;
          for (let to = firstChar; to >= 0; to = text.indexOf("\n", from)) {
            const end = ascii ? firstByte + to - firstChar : data.indexOf(NEWLINE, start);
            apply(pending + text.slice(from, to));
            this.#lines++;
            this.#offset += pendingBytes + end - start + 1;
            pending = "";
            pendingBytes = 0;
            from = to + 1;
            start = end + 1;
          }
        }
        pending += decoder.decode(data.subarray(start), { stream: true });
        pendingBytes += count - start;
      }
      this.#tailBytes = pendingBytes;
    } finally {
      file.close();
    }
  }
}
