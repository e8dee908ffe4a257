// Writes a file atomically, for the file-system store and for downloadArtifact: the bytes go to
// a temporary file in the target's folder, which is synced, published under its final name
// (a rename, or a hard link that never replaces an existing file) and the folder synced, so a
// reader never sees half a file and a crash never leaves a published file without its bytes.
// A failed or aborted write removes its temporary file.
import { nodeBuiltin } from "./node_builtin.ts";
import { copyStreamToFile } from "./file_stream.ts";
import { withContext } from "./error_context.ts";
import { resolveSource } from "./stream.ts";
import type { LocalFile, StreamSource } from "./types.ts";
import { chmod, isNotFound, openFile, readDir, removeFile } from "./fs.ts";

/** The prefix of every temporary file; artifact ids may not start with it. */
export const TEMP_PREFIX = ".optuna-deno-";

/** Whether a file name is one of this module's temporary files. */
export function isTempName(name: string): boolean {
  return name.startsWith(TEMP_PREFIX);
}

/** What {@linkcode writeFileAtomic} needs besides the bytes. */
export interface AtomicWriteOptions {
  /** The folder of the final file; the temporary file is made there. */
  dir: string;
  /** What is written, for error messages: `artifact "a1" to "/data"`. */
  what: string;
  /** Gives the synced temporary file its final name. */
  publish(tempPath: string): Promise<void>;
  /** Whether to sync the file before publishing it and the folder after. */
  sync: boolean;
  /** Cancels the write. */
  signal?: AbortSignal;
  /** Turns the error of creating the temporary file into the caller's (a missing folder). */
  onCreateError?: (error: unknown) => unknown;
}

/** Adds what was written to an error of the disk (a full disk, an I/O error). */
export type DescribeDiskError = (error: unknown) => unknown;

/**
 * Writes the bytes into the open, empty temporary file; errors of writing it go through
 * `describe`, the source's own errors pass as they are.
 */
export type Fill = (file: LocalFile, describe: DescribeDiskError) => Promise<void>;

/** A {@linkcode Fill} that streams `content` into the file in 1 MiB writes. */
export function fromStream(content: StreamSource, signal?: AbortSignal): Fill {
  return async (file, describe) => {
    await copyStreamToFile(await resolveSource(content), file, {
      signal,
      onWriteError: describe,
    });
  };
}

/**
 * Fills a new temporary file and publishes it. The temporary file is locked (an exclusive
 * `flock`) until it is published or removed, which tells a sweeper that the write is in
 * progress.
 */
export async function writeFileAtomic(fill: Fill, options: AtomicWriteOptions): Promise<void> {
  const { dir, signal } = options;
  signal?.throwIfAborted();
  const tempPath = nodeBuiltin("node:path").join(dir, tempName());
  let file: LocalFile;
  try {
    file = await openFile(tempPath, { write: true, createNew: true });
  } catch (error) {
    throw options.onCreateError?.(error) ?? error;
  }
  const describe = describer(options.what);
  try {
    await file.lock?.(true); // node:fs cannot flock: age alone protects it there
    await fill(file, describe);
    if (options.sync) await file.sync().catch((error) => Promise.reject(describe(error)));
    signal?.throwIfAborted();
    await options.publish(tempPath);
  } catch (error) {
    await removeFile(tempPath).catch(() => {});
    throw error;
  } finally {
    file.close();
  }
  if (options.sync) await syncDir(dir);
}

/**
 * Makes a new temporary file with `copy` (a kernel copy, which creates its target; errors of
 * writing it go through `describe`), gives it
 * the mode a new file gets (a copy would keep the source's), and publishes it. The copy is not
 * locked against a sweeper, but it changes the file's mtime until it ends, and a sweeper
 * removes only files unchanged for its threshold.
 */
export async function copyAtomic(
  copy: (
    tempPath: string,
    describe: DescribeDiskError,
    settle: () => Promise<void>,
  ) => Promise<void>,
  options: AtomicWriteOptions,
): Promise<void> {
  const { dir, signal } = options;
  signal?.throwIfAborted();
  const tempPath = nodeBuiltin("node:path").join(dir, tempName());
  const describe = describer(options.what);
  // The mode a new file gets here (the umask applied), without Deno.umask, which needs
  // --allow-sys: create the name, read its mode, and free it again for the copy (copying onto
  // an existing file is slower: ext4 flushes on the close after a truncating open).
  let mode: number;
  try {
    const probe = await openFile(tempPath, { write: true, createNew: true });
    try {
      mode = (await probe.stat()).mode! & 0o7777;
    } finally {
      probe.close();
    }
    await removeFile(tempPath);
  } catch (error) {
    throw options.onCreateError?.(error) ?? error;
  }
  // The mode and the sync of the bytes in place. `copy` may run it early, while it still reads
  // its last bytes (a hash behind a kernel copy), so that the sync overlaps that read. It runs
  // again after the copy all the same: then the file is clean and the sync costs next to
  // nothing (0.2-0.3 ms after a 512 MiB one here), and bytes that a retried copy (Backoff)
  // wrote after an early run are covered too.
  const settle = async () => {
    await chmod(tempPath, mode);
    if (!options.sync) return;
    const file = await openFile(tempPath, { read: true });
    try {
      await file.sync().catch((error) => Promise.reject(describe(error)));
    } finally {
      file.close();
    }
  };
  try {
    await copy(tempPath, describe, settle);
    await settle();
    signal?.throwIfAborted();
    await options.publish(tempPath);
  } catch (error) {
    await removeFile(tempPath).catch(() => {});
    throw error;
  }
  if (options.sync) await syncDir(dir);
}

function tempName(): string {
  return `${TEMP_PREFIX}${crypto.randomUUID()}.tmp`;
}

function describer(what: string): DescribeDiskError {
  return (error) => withContext(error, `Cannot write ${what}`);
}

/** Makes a folder's entries (a rename, a new link) durable. */
export async function syncDir(dir: string): Promise<void> {
  const handle = await openFile(dir, { read: true });
  try {
    await handle.sync();
  } finally {
    handle.close();
  }
}

/** Options of {@linkcode removeStaleTempFiles}. */
export interface RemoveStaleTempFilesOptions {
  /** Seconds since a temporary file last changed before it counts as stale. */
  olderThan: number;
}

/** What a sweep of stale temporary files removed. */
export interface RemovedTempFiles {
  /** The names of the temporary files removed. */
  names: string[];
  /** Their total size in bytes. */
  bytes: number;
}

// FsFile.tryLock came after Deno 2.5, and node:fs has no lock; where it is missing, age alone
// decides.
type TryLock = { tryLock?: (exclusive: boolean) => Promise<boolean> };

/**
 * Removes the temporary files in `dir` left by writes that died (a kill -9, a power loss):
 * those unchanged for `olderThan` seconds whose lock no writer holds.
 */
export async function removeStaleTempFiles(
  dir: string,
  options: RemoveStaleTempFilesOptions,
): Promise<RemovedTempFiles> {
  if (!(options.olderThan >= 0)) {
    throw new RangeError(
      `Cannot sweep "${dir}" with olderThan ${options.olderThan}: use a number of seconds >= 0`,
    );
  }
  const removed: RemovedTempFiles = { names: [], bytes: 0 };
  const cutoff = Date.now() - options.olderThan * 1000;
  for await (const entry of readDir(dir)) {
    if (!entry.isFile || !isTempName(entry.name)) continue;
    const path = nodeBuiltin("node:path").join(dir, entry.name);
    let file: LocalFile;
    try {
      file = await openFile(path, { read: true });
    } catch (error) {
      if (isNotFound(error)) continue; // published or removed meanwhile
      throw error;
    }
    try {
      const info = await file.stat();
      if ((info.mtime?.getTime() ?? 0) > cutoff) continue;
      const tryLock = (file as unknown as TryLock).tryLock;
      if (tryLock && !(await tryLock.call(file, true))) continue; // a write in progress
      await removeFile(path);
      removed.names.push(entry.name);
      removed.bytes += info.size;
    } catch (error) {
      if (!isNotFound(error)) throw error;
    } finally {
      file.close();
    }
  }
  return removed;
}
