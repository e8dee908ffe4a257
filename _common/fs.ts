// The file access of the stores, helpers and storages, on every runtime. On Deno it is Deno's
// own API: its files lock (flock), its `readable` is the stream `Deno.serve` sends without
// copying, and its errors are `Deno.errors.*`, which users catch by class. On Node.js and Bun
// it is `node:fs` over a plain descriptor, with the same methods, so one code path serves all
// three. Errors are told apart by `code` ("ENOENT", "EEXIST"), which both kinds carry. The
// `node:` modules are taken off Deno only (node_builtin.ts says why).
import type { Stats } from "node:fs";
import { readableFromFile } from "./file_stream.ts";
import { deno, nodeBuiltin } from "./node_builtin.ts";
import type { LocalFile, LocalFileInfo } from "./types.ts";

const nodeFs = () => nodeBuiltin("node:fs");
const fsp = () => nodeBuiltin("node:fs/promises");

/** How {@linkcode openFile} opens: as `Deno.open`'s options. */
export interface OpenFileOptions {
  read?: boolean;
  write?: boolean;
  append?: boolean;
  create?: boolean;
  /** Fails with "EEXIST" when the file exists. */
  createNew?: boolean;
  truncate?: boolean;
}

/** Opens a file, as `Deno.open` does. */
export function openFile(path: string, options: OpenFileOptions): Promise<LocalFile> {
  return deno ? deno.open(path, options) : NodeFile.open(path, options);
}

/** Creates or truncates `path` for writing; an error of that goes through `onWriteError`. */
export async function openTarget(
  path: string,
  onWriteError?: (error: unknown) => unknown,
): Promise<LocalFile> {
  try {
    return await openFile(path, { write: true, create: true, truncate: true });
  } catch (error) {
    throw onWriteError?.(error) ?? error;
  }
}

/** Removes a file. */
export function removeFile(path: string): Promise<void> {
  return deno ? deno.remove(path) : fsp().unlink(path);
}

/** Renames `from` to `to`, replacing a file there. */
export function rename(from: string, to: string): Promise<void> {
  return deno ? deno.rename(from, to) : fsp().rename(from, to);
}

/** Makes `to` a hard link to `from`; fails with "EEXIST" when `to` exists. */
export function link(from: string, to: string): Promise<void> {
  return deno ? deno.link(from, to) : fsp().link(from, to);
}

/** Makes `path` a symbolic link to `target`; fails with "EEXIST" when `path` exists. */
export function symlink(target: string, path: string): Promise<void> {
  return deno ? deno.symlink(target, path) : fsp().symlink(target, path);
}

/** Sets a file's permission bits. */
export function chmod(path: string, mode: number): Promise<void> {
  return deno ? deno.chmod(path, mode) : fsp().chmod(path, mode);
}

/** Copies the file `from` to `to` in the kernel (copy_file_range), replacing `to`. */
export function copyFile(from: string, to: string): Promise<void> {
  return deno ? deno.copyFile(from, to) : fsp().copyFile(from, to);
}

/** The absolute path with every symbolic link resolved. */
export function realPath(path: string): Promise<string> {
  return deno ? deno.realPath(path) : fsp().realpath(path);
}

/** What is at `path`, following a symbolic link. */
export async function stat(path: string): Promise<LocalFileInfo> {
  return deno ? await deno.stat(path) : infoOf(await fsp().stat(path));
}

/** What is at `path`, following a symbolic link, without waiting for the event loop. */
export function statSync(path: string): LocalFileInfo {
  return deno ? deno.statSync(path) : infoOf(nodeFs().statSync(path));
}

/** What is at `path`, a symbolic link itself rather than its target. */
export async function lstat(path: string): Promise<LocalFileInfo> {
  return deno ? await deno.lstat(path) : infoOf(await fsp().lstat(path));
}

/** An entry of a folder. */
export interface DirEntry {
  name: string;
  isFile: boolean;
  isDirectory: boolean;
  isSymlink: boolean;
}

/** The entries of a folder. */
export async function* readDir(path: string): AsyncIterable<DirEntry> {
  if (deno) return yield* deno.readDir(path);
  for await (const entry of await fsp().opendir(path)) {
    yield {
      name: entry.name,
      isFile: entry.isFile(),
      isDirectory: entry.isDirectory(),
      isSymlink: entry.isSymbolicLink(),
    };
  }
}

/** Whether `error` says that a file does not exist, on any runtime. */
export function isNotFound(error: unknown): boolean {
  return codeOf(error) === "ENOENT" ||
    (deno !== undefined && error instanceof deno.errors.NotFound);
}

/** Whether `error` says that a file exists already, on any runtime. */
export function isAlreadyExists(error: unknown): boolean {
  return codeOf(error) === "EEXIST" ||
    (deno !== undefined && error instanceof deno.errors.AlreadyExists);
}

function codeOf(error: unknown): unknown {
  return (error as { code?: unknown } | null)?.code;
}

/**
 * A "file does not exist" error of this runtime's kind: `Deno.errors.NotFound` on Deno, an
 * `Error` with code "ENOENT" elsewhere (as `node:fs` throws).
 */
export function notFoundError(message: string, options?: ErrorOptions): Error {
  const error = deno ? new deno.errors.NotFound(message, options) : new Error(message, options);
  return Object.assign(error, { code: "ENOENT" });
}

/**
 * A "file exists" error of this runtime's kind: `Deno.errors.AlreadyExists` on Deno, an
 * `Error` with code "EEXIST" elsewhere.
 */
export function alreadyExistsError(message: string, options?: ErrorOptions): Error {
  const error = deno
    ? new deno.errors.AlreadyExists(message, options)
    : new Error(message, options);
  return Object.assign(error, { code: "EEXIST" });
}

/** Whether a runtime's files can test a lock without waiting (Deno 2.6 and later). */
export const canTestLocks: boolean = deno !== undefined && "tryLock" in deno.FsFile.prototype;

function infoOf(stats: Stats): LocalFileInfo {
  return {
    size: stats.size,
    mtime: stats.mtime,
    mode: stats.mode,
    dev: stats.dev,
    ino: stats.ino,
    isFile: stats.isFile(),
    isDirectory: stats.isDirectory(),
    isSymlink: stats.isSymbolicLink(),
  };
}

// The descriptor calls of node:fs as promises, made on the first NodeFile.
let nodeIo: ReturnType<typeof promisedIo> | undefined;
function promisedIo() {
  const fs = nodeFs();
  const { promisify } = nodeBuiltin("node:util");
  return {
    read: promisify(fs.read),
    write: promisify(fs.write),
    fsync: promisify(fs.fsync),
    fstat: promisify(fs.fstat),
    ftruncate: promisify(fs.ftruncate),
    open: promisify(fs.open),
  };
}
const io = () => nodeIo ??= promisedIo();

/**
 * A file over a `node:fs` descriptor (Node.js, Bun), with the methods of `Deno.FsFile` that the
 * module uses. It keeps its own position, as a descriptor of `Deno.open` does. It has no lock:
 * `node:fs` cannot flock.
 */
class NodeFile implements LocalFile {
  #fd: number;
  #position = 0;
  #append: boolean;
  #closed = false;

  private constructor(fd: number, append: boolean) {
    this.#fd = fd;
    this.#append = append;
  }

  static async open(path: string, options: OpenFileOptions): Promise<NodeFile> {
    const c = nodeFs().constants;
    const writing = options.write || options.append;
    let flags = writing ? (options.read ? c.O_RDWR : c.O_WRONLY) : c.O_RDONLY;
    if (options.append) flags |= c.O_APPEND;
    if (options.create) flags |= c.O_CREAT;
    if (options.createNew) flags |= c.O_CREAT | c.O_EXCL;
    if (options.truncate) flags |= c.O_TRUNC;
    return new NodeFile(await io().open(path, flags, 0o666), options.append ?? false);
  }

  async read(buffer: Uint8Array): Promise<number | null> {
    const { bytesRead } = await io().read(this.#fd, buffer, 0, buffer.length, this.#position);
    return this.#advance(bytesRead, buffer.length);
  }

  readSync(buffer: Uint8Array): number | null {
    const count = nodeFs().readSync(this.#fd, buffer, 0, buffer.length, this.#position);
    return this.#advance(count, buffer.length);
  }

  async write(data: Uint8Array): Promise<number> {
    const position = this.#append ? null : this.#position;
    const { bytesWritten } = await io().write(this.#fd, data, 0, data.length, position);
    this.#position += bytesWritten;
    return bytesWritten;
  }

  writeSync(data: Uint8Array): number {
    const position = this.#append ? null : this.#position;
    const written = nodeFs().writeSync(this.#fd, data, 0, data.length, position);
    this.#position += written;
    return written;
  }

  seek(offset: number, _whence: 0): Promise<number> {
    this.#position = offset;
    return Promise.resolve(offset);
  }

  truncate(size = 0): Promise<void> {
    return io().ftruncate(this.#fd, size);
  }

  sync(): Promise<void> {
    return io().fsync(this.#fd);
  }

  async stat(): Promise<LocalFileInfo> {
    return infoOf(await io().fstat(this.#fd));
  }

  get readable(): ReadableStream<Uint8Array> {
    return readableFromFile(this);
  }

  close(): void {
    // Once only: a second close could close a descriptor number that was reused meanwhile.
    if (this.#closed) return;
    this.#closed = true;
    nodeFs().closeSync(this.#fd);
  }

  #advance(count: number, asked: number): number | null {
    if (count === 0 && asked > 0) return null;
    this.#position += count;
    return count;
  }
}
