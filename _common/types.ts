// The types every layer shares, at the bottom so that no file imports upward for them; the
// public modules re-export them (stores/types.ts, storages/types.ts, helpers/types.ts).

/**
 * Content to write: a stream, or a function that makes a fresh stream. A function is called
 * once per attempt, so a retrying store (such as `Backoff`) can start over; a bare stream can
 * be consumed only once.
 */
export type StreamSource =
  | ReadableStream<Uint8Array>
  | (() => ReadableStream<Uint8Array> | Promise<ReadableStream<Uint8Array>>);

/** A JSON value, as Optuna stores in system attributes. */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | JsonValue[]
  | { [key: string]: JsonValue };

/**
 * The hash function of a digest: `"xxh128"` (XXH3-128, the default: several times faster than
 * SHA-256, and catches any accidental damage a 128-bit checksum can, but not a deliberate
 * forgery) or `"sha256"` (SHA-256, cryptographic: no one can make other bytes with the same
 * digest).
 */
export type DigestAlgorithm = "xxh128" | "sha256";

/**
 * What `uploadArtifact` records of an artifact's bytes, under the system attribute
 * `artifact_digests:<artifact_id>` (Python Optuna and optuna-dashboard do not read it).
 */
export interface ArtifactDigest {
  /** The hash function. */
  algorithm: DigestAlgorithm;
  /** The hash of the bytes, in lowercase hex (32 digits for XXH3-128, 64 for SHA-256). */
  hash: string;
  /** The size in bytes. */
  size: number;
}

/** What a local file is: as `Deno.FileInfo` has it, on every runtime. */
export interface LocalFileInfo {
  /** The size in bytes. */
  size: number;
  /** The last modification, where the file system records it. */
  mtime: Date | null;
  /** The type and permission bits. */
  mode: number | null;
  /** The device the file is on. */
  dev: number;
  /** The inode number. */
  ino: number | null;
  /** Whether it is a regular file. */
  isFile: boolean;
  /** Whether it is a folder. */
  isDirectory: boolean;
  /** Whether it is a symbolic link (only `lstat` says so). */
  isSymlink: boolean;
}

/**
 * An open local file: a `Deno.FsFile` on Deno, a `node:fs` descriptor with the same methods
 * on Node.js and Bun. `FileSystemArtifactStore.openFile` returns one.
 */
export interface LocalFile {
  /** Reads into `buffer` at the file's position; `null` at the end. */
  read(buffer: Uint8Array): Promise<number | null>;
  /** Reads as `read` does, blocking this thread. */
  readSync(buffer: Uint8Array): number | null;
  /** Writes some of `data` at the position (at the end when opened to append). */
  write(data: Uint8Array): Promise<number>;
  /** Writes as `write` does, blocking this thread. */
  writeSync(data: Uint8Array): number;
  /** Moves the position to `offset` bytes from the start (`whence` 0, `Deno.SeekMode.Start`). */
  seek(offset: number, whence: 0): Promise<number>;
  /** Cuts the file to `size` bytes. */
  truncate(size?: number): Promise<void>;
  /** Flushes the file's bytes to disk (fsync). */
  sync(): Promise<void>;
  /** What the file is now. */
  stat(): Promise<LocalFileInfo>;
  /** The rest of the file as a stream, which closes the file at its end or cancel. */
  readonly readable: ReadableStream<Uint8Array>;
  /** Takes an flock (Deno only: `node:fs` has none). */
  lock?(exclusive?: boolean): Promise<void>;
  /** Closes the file. */
  close(): void;
}
