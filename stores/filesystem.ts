/**
 * An artifact store on a local file system, in Optuna's layout: one file per artifact at
 * `<basePath>/<artifactId>`, so a folder written by Python's `FileSystemArtifactStore` can be
 * read here and the other way round.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { FileSystemArtifactStore } from "@optuna-deno/artifacts";
 * const basePath = await Deno.makeTempDir();
 * const store = new FileSystemArtifactStore(basePath);
 * await store.write("a1", ReadableStream.from([new TextEncoder().encode("hello")]));
 * assert.deepEqual(await new Response(await store.open("a1", { offset: 1 })).text(), "ello");
 * await Deno.remove(basePath, { recursive: true });
 * ```
 *
 * @module
 */
import { ArtifactNotFoundError, ArtifactPathEscapeError } from "./errors.ts";
import { checkOffsetWithin, isArtifactId, validateLength, validateOffset } from "./_artifact_id.ts";
import { copySync, readableFromFile } from "../_common/file_stream.ts";
import { kernelCopy } from "../_common/kernel_copy.ts";
import {
  type AtomicWriteOptions,
  copyAtomic,
  fromStream,
  type RemovedTempFiles,
  removeStaleTempFiles,
  writeFileAtomic,
} from "../_common/atomic_file.ts";
import {
  canTestLocks,
  isNotFound,
  notFoundError,
  openTarget,
  readDir,
  removeFile,
  rename,
} from "../_common/fs.ts";
import type { LocalFile, LocalFileInfo } from "../_common/types.ts";
import type {
  ArtifactStat,
  ArtifactStore,
  CopyToFileOptions,
  ListedArtifact,
  ListOptions,
  OpenOptions,
  RemoveOptions,
  StatOptions,
  StreamSource,
  WriteFileOptions,
  WriteOptions,
} from "./types.ts";
import { checkArtifactPath, openChecked, openForCopy, openFsFile } from "./_checked_open.ts";

export type { RemovedTempFiles };

/** Options of {@linkcode FileSystemArtifactStore}. */
export interface FileSystemArtifactStoreOptions {
  /**
   * Sync each artifact's bytes, and then the folder entry that names it, to disk before
   * `write` resolves, so the metadata recorded after it never names bytes a power loss can
   * take. Turn it off for scratch folders, where speed matters more than a crash (Python
   * Optuna does not sync).
   *
   * @default {true}
   */
  sync?: boolean;
  /**
   * Remove, before the first write, the temporary files that killed writes left in the folder
   * (see {@linkcode FileSystemArtifactStore.removeStaleTempFiles}): where the runtime can test
   * a lock without waiting, every unlocked one unchanged for a minute; elsewhere (Deno 2.5, and
   * Node.js and Bun, whose `node:fs` has no lock), those unchanged for an hour.
   *
   * @default {true}
   */
  sweepTempFiles?: boolean;
}

/** Options of {@linkcode FileSystemArtifactStore.removeStaleTempFiles}. */
export interface RemoveStaleTempFilesOptions {
  /**
   * Seconds since a temporary file last changed before it counts as stale.
   *
   * @default {3600}
   */
  olderThan?: number;
}

// The age a temporary file needs before the first write sweeps it. With a lock test, the minute
// covers what a lock cannot: the instant between creating a file and locking it, and the kernel
// copy of `writeFile`, whose file is unlocked but changes until its sync.
const SWEEP_AGE = canTestLocks ? 60 : 3600;

/**
 * An {@linkcode ArtifactStore} that keeps each artifact as a file in one folder.
 *
 * Writes go to a temporary file (`.optuna-deno-<uuid>.tmp`) in the same folder, are synced
 * and renamed into place, so a reader never sees a half-written artifact, a crash never
 * leaves a named artifact without its bytes, and a failed or aborted write leaves nothing
 * behind. Ids whose path would leave the folder, also through a symbolic link inside it, are
 * refused with {@linkcode ArtifactPathEscapeError}; `open` checks that the file it opened is
 * the one it checked (device and inode), so a link swapped meanwhile cannot slip through.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { FileSystemArtifactStore } from "@optuna-deno/artifacts";
 * const basePath = await Deno.makeTempDir();
 * const store = new FileSystemArtifactStore(basePath);
 * await store.write("a1", () => ReadableStream.from([new Uint8Array([1, 2, 3])]));
 * assert.deepEqual(await Deno.readFile(`${basePath}/a1`), new Uint8Array([1, 2, 3]));
 * await store.remove("a1");
 * await Deno.remove(basePath, { recursive: true });
 * ```
 */
export class FileSystemArtifactStore implements ArtifactStore {
  #basePath: string;
  #sync: boolean;
  #sweep: Promise<unknown> | undefined;

  /**
   * Creates a store on an existing folder, as Python's `FileSystemArtifactStore(base_path)`.
   *
   * @param basePath The folder that holds the artifacts. It must exist before the first write.
   * @param options Whether writes are synced to disk.
   */
  constructor(basePath: string | URL, options: FileSystemArtifactStoreOptions = {}) {
    this.#basePath = basePath instanceof URL ? decodeURIComponent(basePath.pathname) : basePath;
    this.#sync = options.sync ?? true;
    if (options.sweepTempFiles === false) this.#sweep = Promise.resolve();
  }

  /**
   * The folder that holds the artifacts.
   *
   * @returns The base path given to the constructor.
   */
  get basePath(): string {
    return this.#basePath;
  }

  /**
   * Opens an artifact's file for reading.
   *
   * @param artifactId The artifact's id.
   * @param options A signal and a start offset.
   * @returns The file's bytes from `offset` on; the file is closed at the end, on cancel and on abort.
   * @throws {ArtifactNotFoundError} When no file has that id.
   * @throws {ArtifactPathEscapeError} When its path leads outside the base directory.
   */
  async open(artifactId: string, options: OpenOptions = {}): Promise<ReadableStream<Uint8Array>> {
    const length = validateLength(options.length) ?? Infinity;
    const offset = validateOffset(options.offset);
    options.signal?.throwIfAborted();
    const { file, size } = await openChecked(this.#basePath, artifactId, openFsFile);
    try {
      checkOffsetWithin(artifactId, offset, size);
      if (offset > 0) await file.seek(offset, 0);
      options.signal?.throwIfAborted();
    } catch (error) {
      file.close();
      throw error;
    }
    return readableFromFile(file, options.signal, length);
  }

  /**
   * Opens an artifact's file for reading, checked like `open` (the file opened is the file
   * checked). The HTTP handler serves it without a stream in between.
   *
   * @param artifactId The artifact's id.
   * @param options A signal.
   * @returns The open file; the caller closes it.
   * @throws {ArtifactNotFoundError} When no file has that id.
   */
  async openFile(artifactId: string, options: StatOptions = {}): Promise<LocalFile> {
    options.signal?.throwIfAborted();
    return (await openChecked(this.#basePath, artifactId, openFsFile)).file;
  }

  /**
   * Writes an artifact's file through a temporary file, a sync and a rename.
   *
   * @param artifactId The artifact's id.
   * @param content The bytes, as a stream or a stream factory.
   * @param options A signal; `contentLength` and `contentType` are not needed here.
   */
  async write(
    artifactId: string,
    content: StreamSource,
    options: WriteOptions = {},
  ): Promise<void> {
    options.signal?.throwIfAborted();
    const { path } = await checkArtifactPath(this.#basePath, artifactId);
    await this.#sweepOnce();
    await writeFileAtomic(
      fromStream(content, options.signal),
      this.#publishing(artifactId, path, options.signal),
    );
  }

  /**
   * Writes an artifact from a local file with a kernel copy (`copy_file_range`) into a temporary
   * file, which gets the mode a new file gets, is synced and renamed into place.
   * `uploadArtifact` uses it for a `filePath`. A kernel copy cannot be interrupted: an abort is
   * honored before it starts and as soon as it ends, and nothing is published then. With
   * `observeChunks` (a digest, progress), this thread reads the temporary file as the kernel
   * copy grows it and shows it chunk by chunk: a digest is of exactly the bytes stored, at the
   * cost of the hash alone, and an abort is honored between chunks, once the copy has ended.
   *
   * @param artifactId The artifact's id.
   * @param filePath The local file to copy.
   * @param options A signal.
   */
  async writeFile(
    artifactId: string,
    filePath: string,
    options: WriteFileOptions = {},
  ): Promise<void> {
    const { signal, observeChunks } = options;
    signal?.throwIfAborted();
    const { path } = await checkArtifactPath(this.#basePath, artifactId);
    await this.#sweepOnce();
    const publishing = this.#publishing(artifactId, path, signal);
    // The user's own file: copied by path (no link check), the observer reading the copy.
    await copyAtomic(
      (tempPath, describe, settle) =>
        kernelCopy(filePath, tempPath, {
          signal,
          onChunk: observeChunks?.(),
          onCopyError: describe,
          onCopied: settle,
        }),
      publishing,
    );
  }

  /**
   * Copies an artifact's file into `filePath`, checked like `open` (the file copied is the file
   * checked, even if its name is replaced during the copy): in the kernel where the system
   * names open files (Linux), else through one reused buffer. `downloadArtifact` uses it. With
   * `observeChunks`, this thread reads `filePath` as the kernel copy grows it and shows it chunk
   * by chunk (what is observed is what was written); a kernel copy cannot be interrupted, so an
   * abort is honored between those chunks, once the copy has ended.
   *
   * @param artifactId The artifact's id.
   * @param filePath The file to create or replace.
   * @param options A signal and an observer.
   * @throws {ArtifactNotFoundError} When no file has that id.
   * @throws {ArtifactPathEscapeError} When its path leads outside the base directory.
   */
  async copyToFile(
    artifactId: string,
    filePath: string,
    options: CopyToFileOptions = {},
  ): Promise<void> {
    const { signal, observeChunks, onWriteError, onCopied } = options;
    signal?.throwIfAborted();
    const source = await openChecked(this.#basePath, artifactId, openForCopy);
    try {
      const onChunk = observeChunks?.();
      if ("pinned" in source) {
        return await kernelCopy(source.pinned.path, filePath, {
          signal,
          onChunk,
          onCopyError: onWriteError,
          onCopied,
        });
      }
      const target = await openTarget(filePath, onWriteError);
      try {
        await copySync(source.file, target, { signal, onChunk, onWriteError });
      } finally {
        target.close();
      }
    } finally {
      source.close();
    }
  }

  /**
   * Sweeps the folder once, before the first write. A failed sweep (a missing folder, a file
   * it may not remove) is not the write's failure: the write reports its own errors.
   */
  #sweepOnce(): Promise<unknown> {
    this.#sweep ??= removeStaleTempFiles(this.#basePath, { olderThan: SWEEP_AGE }).catch(() => {});
    return this.#sweep;
  }

  /** Where and how a write of `artifactId` publishes its temporary file. */
  #publishing(artifactId: string, path: string, signal?: AbortSignal): AtomicWriteOptions {
    return {
      dir: this.#basePath,
      what: `artifact "${artifactId}" to "${this.#basePath}"`,
      sync: this.#sync,
      signal,
      publish: (tempPath) => rename(tempPath, path),
      onCreateError: (error) =>
        isNotFound(error)
          ? notFoundError(
            `Cannot write artifact "${artifactId}" to "${this.#basePath}": the base directory ` +
              "does not exist; create it first",
            { cause: error },
          )
          : error,
    };
  }

  /**
   * Removes an artifact's file; a missing file is not an error.
   *
   * @param artifactId The artifact's id.
   * @param options A signal.
   */
  async remove(artifactId: string, options: RemoveOptions = {}): Promise<void> {
    options.signal?.throwIfAborted();
    const { path } = await checkArtifactPath(this.#basePath, artifactId);
    try {
      await removeFile(path);
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }

  /**
   * Reads an artifact file's size.
   *
   * @param artifactId The artifact's id.
   * @param options A signal.
   * @returns The size in bytes.
   * @throws {ArtifactNotFoundError} When no file has that id.
   */
  async stat(artifactId: string, options: StatOptions = {}): Promise<ArtifactStat> {
    options.signal?.throwIfAborted();
    const { info } = await checkArtifactPath(this.#basePath, artifactId);
    if (info?.isFile) return { size: info.size };
    throw this.#notFound(artifactId);
  }

  /**
   * Lists the artifact files in the folder: names that are valid artifact ids, never a
   * temporary file of a write in progress; a link that leads outside the folder is skipped.
   *
   * @param options A signal.
   * @returns Each artifact's id, size and modification time.
   */
  async *list(options: ListOptions = {}): AsyncIterable<ListedArtifact> {
    for await (const entry of readDir(this.#basePath)) {
      options.signal?.throwIfAborted();
      if (entry.isDirectory || !isArtifactId(entry.name)) continue;
      let info: LocalFileInfo | undefined;
      try {
        info = (await checkArtifactPath(this.#basePath, entry.name)).info;
      } catch (error) {
        if (error instanceof ArtifactPathEscapeError) continue;
        throw error;
      }
      if (!info?.isFile) continue; // removed meanwhile, or not a regular file
      yield { artifactId: entry.name, size: info.size, lastModified: info.mtime ?? new Date(0) };
    }
  }

  /**
   * Removes the temporary files that writes killed midway (a kill -9, a power loss) left in
   * the folder: those unchanged for `olderThan` seconds. A write in progress holds a lock on
   * its temporary file and is never touched (on Deno 2.5, which cannot test a lock without
   * waiting, and on Node.js and Bun, which cannot lock, age alone decides: a write stalled for
   * longer than `olderThan` then fails instead of publishing). The store sweeps once by itself
   * before its first write (option `sweepTempFiles`); call this for another threshold or from a
   * timer, or run the command line's `sweep`.
   *
   * @example Usage
   * ```ts
   * import assert from "node:assert/strict";
   * import { FileSystemArtifactStore } from "@optuna-deno/artifacts";
   * const basePath = await Deno.makeTempDir();
   * await Deno.writeTextFile(`${basePath}/.optuna-deno-0d5c9b2e.tmp`, "left by a crash");
   * const store = new FileSystemArtifactStore(basePath);
   * const removed = await store.removeStaleTempFiles({ olderThan: 0 });
   * assert.deepEqual(removed, { names: [".optuna-deno-0d5c9b2e.tmp"], bytes: 15 });
   * await Deno.remove(basePath, { recursive: true });
   * ```
   *
   * @param options How old a temporary file must be.
   * @returns The names removed and their total size.
   */
  removeStaleTempFiles(options: RemoveStaleTempFilesOptions = {}): Promise<RemovedTempFiles> {
    return removeStaleTempFiles(this.#basePath, { olderThan: options.olderThan ?? 3600 });
  }

  #notFound(artifactId: string, cause?: unknown): ArtifactNotFoundError {
    return new ArtifactNotFoundError(artifactId, { location: this.#basePath, cause });
  }
}
