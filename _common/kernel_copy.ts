// Kernel copies for the file-system store's fast paths. The runtimes copy only between paths
// (`Deno.copyFile`, `node:fs` `copyFile`), so an open file is copied through the path Linux
// gives every open descriptor, `/proc/self/fd/N`: it names the open file itself, so a rename or
// a swapped link after the open cannot change what is copied. Where that path does not name the
// open file (other systems; Deno 2.5, whose `node:fs` descriptors are not the system's), there
// is no pinned file and the callers copy through buffers instead.
import { copyFile, isNotFound, notFoundError } from "./fs.ts";
import { nodeBuiltin } from "./node_builtin.ts";
import { sleep, yieldTurn } from "./sleep.ts";

/** A file opened by descriptor, with a path that names exactly that open file. */
export interface PinnedFile {
  /** `/proc/self/fd/<fd>`: opening it opens the same file, whatever its name is now. */
  readonly path: string;
  /** The device and inode number, to compare with a file checked before the open. */
  readonly dev: number;
  readonly ino: number;
  readonly isFile: boolean;
  /** The size at the open. */
  readonly size: number;
  close(): void;
}

/**
 * Opens `path` for reading and pins it, or returns `undefined` when this system has no path
 * that names an open file (then nothing stays open). A missing file is the runtime's "not
 * found" error, as `openFile` reports it.
 */
export function pinFile(path: string): PinnedFile | undefined {
  const { closeSync, fstatSync, openSync, statSync } = nodeBuiltin("node:fs");
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (error) {
    if (!isNotFound(error)) throw error;
    throw notFoundError((error as Error).message, { cause: error });
  }
  let closed = false;
  try {
    const opened = fstatSync(fd, { bigint: true });
    const procPath = `/proc/self/fd/${fd}`;
    let named;
    try {
      named = statSync(procPath, { bigint: true });
    } catch {
      named = undefined;
    }
    if (!named || named.dev !== opened.dev || named.ino !== opened.ino) {
      closed = true;
      closeSync(fd);
      return undefined;
    }
    return {
      path: procPath,
      dev: Number(opened.dev),
      ino: Number(opened.ino),
      isFile: opened.isFile(),
      size: Number(opened.size),
      close() {
        if (closed) return;
        closed = true;
        closeSync(fd);
      },
    };
  } catch (error) {
    if (!closed) closeSync(fd);
    throw error;
  }
}

/** Options of {@linkcode kernelCopy}. */
export interface KernelCopyOptions {
  /** Checked between the observer's chunks; the kernel copy itself runs to its end. */
  signal?: AbortSignal;
  /** Shown every byte of the copy, in order, in reused 1 MiB chunks. */
  onChunk?: (chunk: Uint8Array) => void;
  /** Turns an error of the copy (a full disk) into the one to throw. */
  onCopyError?: (error: unknown) => unknown;
  /**
   * Started when the kernel copy has ended, while the observer reads its last bytes (the hash
   * runs behind the copy), so a sync of the target overlaps that read; awaited before the copy
   * returns.
   */
  onCopied?: () => Promise<void>;
}

// The observer's reads block the event loop; a yield after this many bytes bounds one turn to
// 4 reads and hash updates of 1 MiB (about 1.5 ms with XXH3-128 here). A timer as the yield
// (setTimeout 0, 1-2 ms) had cost 74 ms of a 512 MiB copy even at 16 MiB per turn.
const YIELD_EVERY = 4 * 1024 * 1024;
const CHUNK_SIZE = 1024 * 1024;

/**
 * Copies the file at `source` to the new path `target` in the kernel (`copy_file_range`, on
 * Deno's blocking threads). With `onChunk`, this thread reads the target as the copy grows it
 * and shows it chunk by chunk: what is observed (hashed) is exactly what was written, even if
 * the source changes meanwhile, and a SHA-256 costs the hash alone instead of hash plus copy.
 */
export async function kernelCopy(
  source: string,
  target: string,
  options: KernelCopyOptions = {},
): Promise<void> {
  const { onChunk, onCopied, signal } = options;
  let done = false;
  const copying = copyFile(source, target).then(() => {
    done = true;
  }, (error) => {
    done = true;
    throw options.onCopyError?.(error) ?? error;
  });
  const settled = onCopied ? copying.then(onCopied) : copying;
  if (!onChunk) return await settled;
  settled.catch(() => {}); // awaited below; the copy's end also ends the reads
  try {
    await observeGrowing(target, () => done, onChunk, signal);
  } finally {
    await settled.catch(() => {}); // the kernel copy cannot be stopped: let it end first
  }
  await settled;
}

/**
 * Reads `path` as a writer grows it, until `ended()` was true before a look at its size. It
 * relies on the copy growing the file in order, as Linux's copy_file_range does on local file
 * systems (a reflink appears whole at once, which is as good).
 */
async function observeGrowing(
  path: string,
  ended: () => boolean,
  onChunk: (chunk: Uint8Array) => void,
  signal?: AbortSignal,
): Promise<void> {
  const { closeSync, fstatSync, openSync, readSync } = nodeBuiltin("node:fs");
  let fd: number | undefined;
  while (fd === undefined) {
    const finished = ended();
    try {
      fd = openSync(path, "r");
    } catch (error) {
      if (!isNotFound(error)) throw error;
      if (finished) return; // the copy failed before it created the file
      await sleep(1);
    }
  }
  try {
    const buffer = new Uint8Array(CHUNK_SIZE);
    let position = 0;
    let sinceYield = 0;
    while (true) {
      signal?.throwIfAborted();
      // Read before the size: once the copy has ended, the size seen after it is final.
      const finished = ended();
      const size = Number(fstatSync(fd).size);
      if (position >= size) {
        if (finished) return;
        await sleep(1);
        continue;
      }
      const count = readSync(fd, buffer, 0, Math.min(CHUNK_SIZE, size - position), position);
      onChunk(buffer.subarray(0, count));
      position += count;
      sinceYield += count;
      if (sinceYield >= YIELD_EVERY) {
        sinceYield = 0;
        await yieldTurn();
      }
    }
  } finally {
    closeSync(fd);
  }
}
