// The journal file lock, the same protocol as Python Optuna's JournalFileSymlinkLock and
// JournalFileOpenLock: `<journal>.lock` is a symbolic link or an exclusively created file
// (either excludes the other), released by renaming it to `<lock><uuid>.rename` and unlinking.
import { nodeBuiltin } from "../_common/node_builtin.ts";
import { isAlreadyExists, openFile, removeFile, rename, stat, symlink } from "../_common/fs.ts";

/** Which lock file to create: a symbolic link (Optuna's default) or a plain file (O_EXCL). */
export type JournalLockKind = "symlink" | "open";

export interface JournalLockOptions {
  kind: JournalLockKind;
  /** Seconds a lock may stay unchanged before it is broken as stale; `null` never breaks it. */
  gracePeriod: number | null;
  /** Told what went wrong without failing the operation: a long wait, a broken lock. */
  onWarning: (message: string) => void;
}

const MAX_SLEEP_MS = 1000;
const WARNING_INTERVAL_MS = 10_000;

/**
 * Runs `fn` while holding the journal's lock. A release that fails (another writer broke the
 * lock as stale while this one stalled) is reported, never thrown: by then `fn` has either
 * appended its line, and succeeded, or failed with its own error, which is kept.
 */
export async function withJournalLock<T>(
  journalPath: string,
  options: JournalLockOptions,
  fn: () => Promise<T>,
): Promise<T> {
  const lockPath = journalPath + ".lock";
  await acquire(journalPath, lockPath, options);
  try {
    return await fn();
  } finally {
    await release(lockPath).catch((error) =>
      options.onWarning(
        `Cannot release the journal lock "${lockPath}": ${error.message}; another writer ` +
          "probably broke it as stale while this one stalled. The operation itself was kept.",
      )
    );
  }
}

async function tryCreate(journalPath: string, lockPath: string, kind: JournalLockKind) {
  try {
    if (kind === "symlink") {
      await symlink(nodeBuiltin("node:path").resolve(journalPath), lockPath);
    } else {
      (await openFile(lockPath, { write: true, createNew: true })).close();
    }
    return true;
  } catch (error) {
    if (isAlreadyExists(error)) return false;
    throw error;
  }
}

async function acquire(journalPath: string, lockPath: string, options: JournalLockOptions) {
  let sleepMs = 1;
  let lastMtime: number | null | undefined = undefined;
  let lastChange = performance.now();
  let lastWarning = performance.now();
  while (!(await tryCreate(journalPath, lockPath, options.kind))) {
    const now = performance.now();
    if (now - lastWarning > WARNING_INTERVAL_MS) {
      options.onWarning(`Waiting for the journal lock "${lockPath}" for over 10 seconds; retrying`);
      lastWarning = now;
    }
    if (options.gracePeriod !== null) {
      // As Python: the lock is stale when its mtime (through the link) stays the same for
      // the whole grace period, measured from when this waiter first saw it.
      let mtime: number | null;
      try {
        mtime = (await stat(lockPath)).mtime?.getTime() ?? null;
      } catch {
        continue; // released meanwhile
      }
      if (mtime !== lastMtime) {
        lastMtime = mtime;
        lastChange = now;
      }
      if (now - lastChange > options.gracePeriod * 1000) {
        options.onWarning(`Breaking the stale journal lock "${lockPath}"`);
        try {
          await release(lockPath);
          sleepMs = 1;
        } catch {
          continue; // another waiter broke it first
        }
      }
    }
    await new Promise((r) => setTimeout(r, sleepMs));
    sleepMs = Math.min(sleepMs * 2, MAX_SLEEP_MS);
  }
}

async function release(lockPath: string): Promise<void> {
  const renamed = `${lockPath}${crypto.randomUUID()}.rename`;
  await rename(lockPath, renamed);
  await removeFile(renamed);
}
