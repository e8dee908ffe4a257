/**
 * A study storage on an Optuna journal file, byte-compatible with Python's
 * `JournalStorage(JournalFileBackend(path))`: the same JSON lines, ids, replay rules and
 * lock files, so Python Optuna, optuna-dashboard and Deno can share one journal at once.
 *
 * @example Usage
 * ```ts
 * import { JournalFileStorage } from "@optuna-deno/artifacts/journal";
 * import { createStudy, InMemoryArtifactStore, uploadArtifact } from "@optuna-deno/artifacts";
 * const dir = await Deno.makeTempDir();
 * const storage = new JournalFileStorage(`${dir}/journal.log`);
 * const study = await createStudy({ storage, studyName: "demo" });
 * const trial = await study.ask();
 * await uploadArtifact({
 *   artifactStore: new InMemoryArtifactStore(),
 *   studyOrTrial: trial,
 *   body: "hi",
 *   filename: "notes.txt",
 * });
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @module
 */
import { StorageFormatError } from "./errors.ts";
import {
  type DumpableJson,
  parsePythonJson,
  pythonFloat,
  pythonJsonDumps,
  RawJson,
} from "../_common/python_json.ts";
import { writeAll } from "../_common/file_stream.ts";
import { withContext } from "../_common/error_context.ts";
import { withJournalLock } from "./_journal_lock.ts";
import type { JournalLockKind, JournalLockOptions } from "./_journal_lock.ts";
import { applyJournalOp, DIRECTIONS, OP, TRIAL_STATES } from "./_journal_replay.ts";
import { StorageModel } from "./_model.ts";
import { studyNameOrDefault } from "./_names.ts";
import { DuplicatedStudyError } from "./errors.ts";
import type {
  CreateNewStudyOptions,
  FrozenStudy,
  FrozenTrial,
  GetAllTrialsWithSystemAttrsOptions,
  JsonValue,
  StudyStorage,
  TrialState,
  TrialWithSystemAttrs,
} from "./types.ts";
import { isFinished } from "./_trial_state.ts";

export type { JournalLockKind };

/** Options of {@linkcode JournalFileStorage}. */
export interface JournalFileStorageOptions {
  /**
   * The lock file kind: `"symlink"` (Python's default `JournalFileSymlinkLock`) or `"open"`
   * (`JournalFileOpenLock`, an exclusively created file). Both exclude each other.
   *
   * @default {"symlink"}
   */
  lock?: JournalLockKind;
  /**
   * Seconds an unchanged lock is waited for before it is broken as stale, as Python's
   * `grace_period`; `null` waits forever.
   *
   * @default {30}
   */
  gracePeriod?: number | null;
  /**
   * Told what went wrong without failing an operation: a long wait for the lock, a stale lock
   * broken, a lock that another writer broke while this one held it.
   *
   * @default {console.warn}
   */
  onWarning?: (message: string) => void;
}

const READ_CHUNK_SIZE = 4 * 1024 * 1024;
const COMPACT = { item: ",", key: ":" };
const NEWLINE = 10;

/** One journal operation, before `worker_id` is added. */
type JournalOp = { op_code: number } & Record<string, DumpableJson>;

/**
 * A {@linkcode StudyStorage} on an Optuna journal file. Reads replay only the lines added since
 * the last read (by byte offset); a last line without its newline is a write in progress and
 * is left for later. Each write takes `<path>.lock`, re-reads the journal, checks the study or
 * trial under the lock, appends its complete lines with one `write` and fsyncs them.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { JournalFileStorage } from "@optuna-deno/artifacts/journal";
 * const dir = await Deno.makeTempDir();
 * const storage = new JournalFileStorage(`${dir}/journal.log`, { lock: "open" });
 * const studyId = await storage.createNewStudy({ studyName: "s" });
 * assert.deepEqual(await storage.getStudyIdFromName("s") === studyId, true);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export class JournalFileStorage implements StudyStorage {
  #path: string;
  #lock: JournalLockOptions;
  #model = new StorageModel();
  #offset = 0;
  #lines = 0;
  #tailBytes = 0;
  #workerId = `${crypto.randomUUID()}-${Deno.pid}`;
  #queue: Promise<unknown> = Promise.resolve();

  /**
   * Opens a journal file; it is created by the first write if it does not exist.
   *
   * @param path The journal file, as given to Python's `JournalFileBackend(path)`.
   * @param options The lock kind and the stale-lock grace period.
   */
  constructor(path: string, options: JournalFileStorageOptions = {}) {
    this.#path = path;
    const gracePeriod = options.gracePeriod === undefined ? 30 : options.gracePeriod;
    if (gracePeriod !== null && !(gracePeriod > 0)) {
      throw new RangeError(
        `Cannot use the grace period ${gracePeriod}: use a positive number of seconds, or null`,
      );
    }
    this.#lock = {
      kind: options.lock ?? "symlink",
      gracePeriod,
      onWarning: options.onWarning ?? ((message) => console.warn(message)),
    };
  }

  /**
   * The journal file's path.
   *
   * @returns The path given to the constructor.
   */
  get path(): string {
    return this.#path;
  }

  /**
   * Creates a study.
   *
   * @param options The study's name and directions.
   * @returns The new study's id.
   */
  createNewStudy(options: CreateNewStudyOptions = {}): Promise<number> {
    const studyName = studyNameOrDefault(options.studyName);
    const directions = options.directions ?? ["minimize"];
    return this.#write(() => {
      if (this.#model.findStudyId(studyName) !== undefined) {
        throw new DuplicatedStudyError(studyName);
      }
      return {
        op_code: OP.CREATE_STUDY,
        study_name: studyName,
        directions: directions.map((d) => DIRECTIONS[d]),
      };
    }, () => this.#model.getStudyIdFromName(studyName));
  }

  /**
   * Looks a study up by name.
   *
   * @param studyName The study's name.
   * @returns The study's id.
   */
  getStudyIdFromName(studyName: string): Promise<number> {
    return this.#read((model) => model.getStudyIdFromName(studyName));
  }

  /**
   * Reads a study.
   *
   * @param studyId The study's id.
   * @returns The study's name and directions.
   */
  getStudy(studyId: number): Promise<FrozenStudy> {
    return this.#read((model) => model.getStudy(studyId));
  }

  /**
   * Lists every study.
   *
   * @returns The studies, in id order.
   */
  getAllStudies(): Promise<FrozenStudy[]> {
    return this.#read((model) => model.getAllStudies());
  }

  /**
   * Creates a RUNNING trial with the next number.
   *
   * @param studyId The study's id.
   * @returns The new trial's id.
   */
  createNewTrial(studyId: number): Promise<number> {
    return this.#write(() => {
      this.#model.getStudy(studyId);
      return { op_code: OP.CREATE_TRIAL, study_id: studyId, datetime_start: now() };
    }, () => this.#model.lastTrialId(studyId)!);
  }

  /**
   * Looks a trial up by its number in a study.
   *
   * @param studyId The study's id.
   * @param trialNumber The trial's number.
   * @returns The trial's id.
   */
  getTrialIdFromStudyIdTrialNumber(studyId: number, trialNumber: number): Promise<number> {
    return this.#read((model) => model.getTrialIdFromStudyIdTrialNumber(studyId, trialNumber));
  }

  /**
   * Reads a trial.
   *
   * @param trialId The trial's id.
   * @returns The trial's number, state and values.
   */
  getTrial(trialId: number): Promise<FrozenTrial> {
    return this.#read((model) => model.getTrial(trialId));
  }

  /**
   * Lists the trials of a study.
   *
   * @param studyId The study's id.
   * @returns The trials, in number order.
   */
  getAllTrials(studyId: number): Promise<FrozenTrial[]> {
    return this.#read((model) => model.getAllTrials(studyId));
  }

  /**
   * Lists the trials of a study with their system attributes whose keys start with
   * `keyPrefix`, in one read (one check of the file for new lines, not one per trial).
   *
   * @param studyId The study's id.
   * @param options Which attributes, by key prefix.
   * @returns The trials, in number order.
   * @throws {StudyNotFoundError} When the study does not exist.
   */
  getAllTrialsWithSystemAttrs(
    studyId: number,
    options: GetAllTrialsWithSystemAttrsOptions = {},
  ): Promise<TrialWithSystemAttrs[]> {
    return this.#read((model) => model.getAllTrialsWithSystemAttrs(studyId, options.keyPrefix));
  }

  /**
   * Sets a trial's state and, for COMPLETE, its values.
   *
   * @param trialId The trial's id.
   * @param state The new state.
   * @param values The objective values, for COMPLETE.
   * @throws {UpdateFinishedTrialError} When the trial has finished.
   */
  setTrialStateValues(trialId: number, state: TrialState, values?: number[]): Promise<void> {
    return this.#write(() => {
      this.#model.checkWritableTrial(trialId);
      const op: JournalOp = {
        op_code: OP.SET_TRIAL_STATE_VALUES,
        trial_id: trialId,
        state: TRIAL_STATES.indexOf(state),
        values: values ? values.map((v) => new RawJson(pythonFloat(v))) : null,
      };
      if (state === "RUNNING") op.datetime_start = now();
      if (isFinished(state)) op.datetime_complete = now();
      return op;
    });
  }

  /**
   * Reads a study's system attributes.
   *
   * @param studyId The study's id.
   * @returns The attributes, in the order they were first set.
   */
  getStudySystemAttrs(studyId: number): Promise<Record<string, JsonValue>> {
    return this.#read((model) => model.getStudySystemAttrs(studyId));
  }

  /**
   * Sets one system attribute of a study.
   *
   * @param studyId The study's id.
   * @param key The attribute's key.
   * @param value The attribute's value.
   */
  setStudySystemAttr(studyId: number, key: string, value: JsonValue): Promise<void> {
    return this.setStudySystemAttrs(studyId, { [key]: value });
  }

  /**
   * Sets several system attributes of a study in one append: one line per attribute (Python
   * Optuna asserts a single key per line), written, synced and undone on failure together.
   *
   * @param studyId The study's id.
   * @param attrs The attributes, written in this order.
   */
  setStudySystemAttrs(studyId: number, attrs: Record<string, JsonValue>): Promise<void> {
    return this.#write(() => {
      this.#model.getStudy(studyId);
      return Object.entries(attrs).map(([key, value]) => ({
        op_code: OP.SET_STUDY_SYSTEM_ATTR,
        study_id: studyId,
        system_attr: { [key]: value },
      }));
    });
  }

  /**
   * Reads a trial's system attributes.
   *
   * @param trialId The trial's id.
   * @returns The attributes, in the order they were first set.
   */
  getTrialSystemAttrs(trialId: number): Promise<Record<string, JsonValue>> {
    return this.#read((model) => model.getTrialSystemAttrs(trialId));
  }

  /**
   * Sets one system attribute of a RUNNING or WAITING trial. The trial's state is checked
   * under the journal lock, so a trial finished by another process is never changed.
   *
   * @param trialId The trial's id.
   * @param key The attribute's key.
   * @param value The attribute's value.
   * @throws {UpdateFinishedTrialError} When the trial has finished.
   */
  setTrialSystemAttr(trialId: number, key: string, value: JsonValue): Promise<void> {
    return this.setTrialSystemAttrs(trialId, { [key]: value });
  }

  /**
   * Sets several system attributes of a RUNNING or WAITING trial in one append, as
   * {@linkcode JournalFileStorage.setStudySystemAttrs} does for a study.
   *
   * @param trialId The trial's id.
   * @param attrs The attributes, written in this order.
   * @throws {UpdateFinishedTrialError} When the trial has finished.
   */
  setTrialSystemAttrs(trialId: number, attrs: Record<string, JsonValue>): Promise<void> {
    return this.#write(() => {
      this.#model.checkWritableTrial(trialId);
      return Object.entries(attrs).map(([key, value]) => ({
        op_code: OP.SET_TRIAL_SYSTEM_ATTR,
        trial_id: trialId,
        system_attr: { [key]: value },
      }));
    });
  }

  /** Runs `fn` after every earlier call of this instance, so replays never interleave. */
  #exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(fn, fn);
    this.#queue = next.catch(() => {});
    return next;
  }

  #read<T>(fn: (model: StorageModel) => T): Promise<T> {
    return this.#exclusive(async () => {
      await this.#sync();
      return fn(this.#model);
    });
  }

  /**
   * Under the lock and after a re-read: `build` validates and returns the operation, which is
   * appended as one line; `result`, if given, then reads the outcome from the replayed model.
   * An append that fails (a full disk) is cut back off the file, so no partial line stays. Once
   * the line is synced the operation has succeeded: a later step that fails (the re-read) does
   * not fail an operation without a result, which callers would otherwise undo.
   */
  #write(build: () => JournalOp | JournalOp[]): Promise<void>;
  #write<T>(build: () => JournalOp | JournalOp[], result: () => T): Promise<T>;
  #write<T>(
    build: () => JournalOp | JournalOp[],
    result?: () => T,
  ): Promise<T | undefined> {
    return this.#exclusive(() =>
      withJournalLock(this.#path, this.#lock, async () => {
        await this.#sync();
        if (this.#tailBytes > 0) {
          throw new StorageFormatError(
            `Cannot write to journal "${this.#path}": it ends with an incomplete line ` +
              `(${this.#tailBytes} bytes after line ${this.#lines}) left by a writer that ` +
              "stopped; remove those bytes, then retry",
          );
        }
        const built = build();
        const lines = (Array.isArray(built) ? built : [built]).map(({ op_code, ...fields }) =>
          pythonJsonDumps({ op_code, worker_id: this.#workerId, ...fields }, COMPACT) + "\n"
        );
        await this.#append(new TextEncoder().encode(lines.join("")));
        try {
          await this.#sync();
        } catch (error) {
          if (result) throw error;
          this.#lock.onWarning(
            `Appended to journal "${this.#path}", but cannot read it back: ` +
              `${(error as Error).message}`,
          );
          return undefined;
        }
        return result?.();
      })
    );
  }

  /** Appends whole lines with one write and syncs them, or leaves the file as it was. */
  async #append(bytes: Uint8Array): Promise<void> {
    const file = await Deno.open(this.#path, { append: true, create: true });
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
          this.#lock.onWarning(
            `Cannot cut journal "${this.#path}" back to ${size} bytes after a failed append: ` +
              `${(truncateError as Error).message}; remove the partial last line by hand`,
          );
        }
        throw withContext(
          error,
          `Cannot append to journal "${this.#path}"; it was left as it was`,
        );
      }
    } finally {
      file.close();
    }
  }

  /** Replays the complete lines added since the last read. */
  async #sync(): Promise<void> {
    // One stat per call, and the file is opened only when it has grown. The stat is synchronous:
    // it takes microseconds, ten times less than an async op, and a listing makes one call per
    // trial.
    let size: number;
    try {
      size = Deno.statSync(this.#path).size;
    } catch (error) {
      if (error instanceof Deno.errors.NotFound && this.#offset === 0) return;
      throw error;
    }
    if (size < this.#offset) {
      throw new StorageFormatError(
        `Cannot read journal "${this.#path}": it is shorter (${size} bytes) than what was ` +
          `already read (${this.#offset} bytes), so it was truncated or replaced; open it again`,
      );
    }
    if (size === this.#offset + this.#tailBytes) return;
    const file = await Deno.open(this.#path, { read: true });
    try {
      await file.seek(this.#offset, Deno.SeekMode.Start);
      // One buffer for every read, and a line that spans reads is kept as decoded text (a V8
      // rope), so a long line costs time and memory linear in its length.
      const buffer = new Uint8Array(Math.min(READ_CHUNK_SIZE, size - this.#offset));
      const decoder = new TextDecoder();
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
            this.#apply(pending + text.slice(from, to), pendingBytes + end - start + 1);
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

  // Names the line being replayed, for errors (one function, not one string per line).
  #where = (): string => `Cannot replay line ${this.#lines + 1} of journal "${this.#path}"`;

  #apply(line: string, byteLength: number): void {
    const where = this.#where;
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
    applyJournalOp(this.#model, op, where);
    // Advance only past lines that were applied, so a failing line is met again, never skipped.
    this.#lines++;
    this.#offset += byteLength;
  }
}

// Python's datetime.now(timezone.utc).isoformat(timespec="microseconds").
function now(): string {
  return new Date().toISOString().replace("Z", "000+00:00");
}
