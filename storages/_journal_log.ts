// The journal file of JournalFileStorage as a log: one queue of this instance's calls, reads
// that replay the lines added since the last read into the model, and writes that append
// complete lines under the lock.
import { parsePythonJson, pythonJsonDumps } from "../_common/python_json.ts";
import type { DumpableJson } from "../_common/python_json.ts";
import { JournalFile } from "./_journal_file.ts";
import type { JournalLockOptions } from "./_journal_lock.ts";
import { applyJournalOp } from "./_journal_replay.ts";
import { StorageModel } from "./_model.ts";
import { StorageFormatError } from "./errors.ts";
import { processId } from "../_common/node_builtin.ts";

const COMPACT = { item: ",", key: ":" };

/** One journal operation, before `worker_id` is added. */
export type JournalOp = { op_code: number } & Record<string, DumpableJson>;

/** A journal file, replayed into a model. */
export class JournalLog {
  /** What the lines replayed so far say. */
  readonly model: StorageModel = new StorageModel();
  /** This instance's `worker_id`, as Python's `JournalStorage` makes one per process. */
  readonly workerId: string = `${crypto.randomUUID()}-${processId()}`;
  #file: JournalFile;
  #queue: Promise<unknown> = Promise.resolve();
  #apply = (line: string): void => this.#applyLine(line);

  constructor(path: string, options: JournalLockOptions) {
    this.#file = new JournalFile(path, options);
  }

  /** The journal file's path. */
  get path(): string {
    return this.#file.path;
  }

  /** Runs `fn` after every earlier call of this instance, so replays never interleave. */
  #exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(fn, fn);
    // Not `next.catch()`: that would keep the last result (a whole listing) alive until the
    // next call.
    this.#queue = next.then(() => {}, () => {});
    return next;
  }

  /** Replays what was added, then reads the model. */
  read<T>(fn: (model: StorageModel) => T): Promise<T> {
    return this.#exclusive(async () => {
      await this.#file.read(this.#apply);
      return fn(this.model);
    });
  }

  /**
   * Under the lock and after a re-read: `build` validates and returns the operation, which is
   * appended as one line (or nothing, for `null`); `result`, if given, then reads the outcome
   * from the replayed model. An append that fails (a full disk) is cut back off the file, so no
   * partial line stays. Once the line is synced the operation has succeeded: a later step that
   * fails (the re-read) does not fail an operation without a result, which callers would
   * otherwise undo.
   */
  write(build: () => JournalOp | JournalOp[] | null): Promise<void>;
  write<T>(build: () => JournalOp | JournalOp[] | null, result: () => T): Promise<T>;
  write<T>(
    build: () => JournalOp | JournalOp[] | null,
    result?: () => T,
  ): Promise<T | undefined> {
    return this.#exclusive(() =>
      this.#file.locked(this.#apply, async () => {
        const built = build();
        if (built === null) return result?.();
        const lines = (Array.isArray(built) ? built : [built]).map(({ op_code, ...fields }) =>
          pythonJsonDumps({ op_code, worker_id: this.workerId, ...fields }, COMPACT) + "\n"
        );
        await this.#file.append(new TextEncoder().encode(lines.join("")));
        try {
          await this.#file.read(this.#apply);
        } catch (error) {
          if (result) throw error;
          this.#file.warn(
            `Appended to journal "${this.path}", but cannot read it back: ` +
              `${(error as Error).message}`,
          );
          return undefined;
        }
        return result?.();
      })
    );
  }

  #applyLine(line: string): void {
    const where = this.#file.where;
    let op: unknown;
    try {
      op = parsePythonJson(line);
    } catch (error) {
      throw new StorageFormatError(
        `${where()}: it is not valid JSON (${
          (error as Error).message
        }); repair or remove that line`,
        { cause: error },
      );
    }
    applyJournalOp(this.model, op, where);
  }
}
