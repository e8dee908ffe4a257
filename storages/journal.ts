/**
 * A study storage on an Optuna journal file, byte-compatible with Python's
 * `JournalStorage(JournalFileBackend(path))`: the same JSON lines, ids, replay rules and
 * lock files, so Python Optuna, optuna-dashboard and Deno can share one journal at once.
 *
 * ## Usage and behaviour
 *
 * Python equivalent: `JournalStorage(JournalFileBackend(path, lock_obj=...))` with a
 * `JournalFileSymlinkLock` (`lock: "symlink"`, the default) or a `JournalFileOpenLock`
 * (`lock: "open"`); `gracePeriod` is their stale-lock grace period (30 s).
 *
 * the same JSON lines (op codes 0 to 10), ids in replay order from 0, operations on
 * missing or finished records ignored on replay, bare `NaN`/`Infinity`/`-Infinity` read outside
 * strings, a last line without its newline left for later. Reads replay only the lines added since
 * the last read. A write takes Python's `<path>.lock` (a symlink, or an exclusively created file;
 * each excludes the other and Python's), re-reads the journal, checks the trial under the lock,
 * appends one complete line in one `write`, fsyncs, and releases by rename and unlink; a lock
 * unchanged for the grace period is broken, as in Python; a lock another writer broke while this one
 * held it is reported through `onWarning` (default `console.warn`), never as a failure of the synced
 * operation. A malformed complete line is a `StorageFormatError` naming its line number. A long line
 * is read in time and memory linear in its length (128 MiB: 1.5 s, 430 MiB peak, next to Python's
 * 2.3 s and 428 MiB).
 *
 * Attributes come back in the order they were first set. Python's RDB storage returns them in no
 * fixed order (whatever the query planner picks); a journal keeps them in log order.
 *
 * ```ts ignore
 * import { JournalFileStorage } from "jsr:@optuna-deno/artifacts/journal";
 * import {
 *   FileSystemArtifactStore,
 *   getAllTrialsArtifactMeta,
 *   loadStudy,
 *   uploadArtifact,
 * } from "jsr:@optuna-deno/artifacts";
 *
 * // A study that Python Optuna drives: attach a file to its running trial number 3.
 * const storage = new JournalFileStorage("./optuna-journal.log");
 * const study = await loadStudy({ storage, studyName: "my-study" });
 * const trial = await study.trial(3);
 * await uploadArtifact({
 *   artifactStore: new FileSystemArtifactStore("./artifacts"),
 *   studyOrTrial: trial,
 *   filePath: "plot.png",
 * });
 * for (const t of await getAllTrialsArtifactMeta(study)) {
 *   console.log(t.number, t.state, t.artifacts); // every trial, in one read of the journal
 * }
 * ```
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
import type { JournalLockKind } from "./_journal_lock.ts";

export { JournalFileStorage } from "./journal_file_storage.ts";
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
