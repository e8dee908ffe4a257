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
