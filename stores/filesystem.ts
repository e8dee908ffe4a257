/**
 * An artifact store on a local file system, in Optuna's layout: one file per artifact at
 * `<basePath>/<artifactId>`, so a folder written by Python's `FileSystemArtifactStore` can be
 * read here and the other way round.
 *
 * @example Usage
 * ```ts
 * import { FileSystemArtifactStore } from "@optuna-deno/artifacts";
 * const basePath = await Deno.makeTempDir();
 * const store = new FileSystemArtifactStore(basePath);
 * await store.write("a1", ReadableStream.from([new TextEncoder().encode("hello")]));
 * console.log(await new Response(await store.open("a1", { offset: 1 })).text()); // "ello"
 * await Deno.remove(basePath, { recursive: true });
 * ```
 *
 * @module
 */
import { isAbsolute, join, relative } from "node:path";
import { ArtifactNotFoundError, ArtifactPathEscapeError } from "./errors.ts";
import { checkOffsetWithin, validateArtifactId, validateOffset } from "./_artifact_id.ts";
import { BufferedFileWriter, readableFromFile } from "../_common/file_stream.ts";
import { pumpStream, resolveSource } from "../_common/stream.ts";
import type {
  ArtifactStat,
  ArtifactStore,
  OpenOptions,
  RemoveOptions,
  StatOptions,
  StreamSource,
  WriteOptions,
} from "./types.ts";

const TEMP_PREFIX = ".optuna-deno-";

/**
 * An {@linkcode ArtifactStore} that keeps each artifact as a file in one folder.
 *
 * Writes go to a temporary file in the same folder and are renamed into place, so a reader
 * never sees a half-written artifact, and a failed or aborted write leaves nothing behind.
 * Ids whose path would leave the folder, also through a symbolic link inside it, are refused
 * with {@linkcode ArtifactPathEscapeError}.
 *
 * @example Usage
 * ```ts
 * import { FileSystemArtifactStore } from "@optuna-deno/artifacts";
 * const basePath = await Deno.makeTempDir();
 * const store = new FileSystemArtifactStore(basePath);
 * await store.write("a1", () => ReadableStream.from([new Uint8Array([1, 2, 3])]));
 * await store.remove("a1");
 * await Deno.remove(basePath, { recursive: true });
 * ```
 */
export class FileSystemArtifactStore implements ArtifactStore {
  #basePath: string;

  /**
   * Creates a store on an existing folder, as Python's `FileSystemArtifactStore(base_path)`.
   *
   * @param basePath The folder that holds the artifacts. It must exist before the first write.
   */
  constructor(basePath: string | URL) {
    this.#basePath = basePath instanceof URL ? decodeURIComponent(basePath.pathname) : basePath;
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
   */
  async open(artifactId: string, options: OpenOptions = {}): Promise<ReadableStream<Uint8Array>> {
    const offset = validateOffset(options.offset);
    options.signal?.throwIfAborted();
    const path = await this.#pathOf(artifactId);
    let file: Deno.FsFile;
    try {
      file = await Deno.open(path, { read: true });
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) {
        throw new ArtifactNotFoundError(artifactId, { location: this.#basePath, cause: error });
      }
      throw error;
    }
    try {
      const info = await file.stat();
      if (!info.isFile) throw new ArtifactNotFoundError(artifactId, { location: this.#basePath });
      checkOffsetWithin(artifactId, offset, info.size);
      if (offset > 0) await file.seek(offset, Deno.SeekMode.Start);
      options.signal?.throwIfAborted();
    } catch (error) {
      file.close();
      throw error;
    }
    return readableFromFile(file, options.signal);
  }

  /**
   * Writes an artifact's file through a temporary file and a rename.
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
    const { signal } = options;
    signal?.throwIfAborted();
    const path = await this.#pathOf(artifactId);
    const tempPath = join(this.#basePath, `${TEMP_PREFIX}${crypto.randomUUID()}.tmp`);
    let file: Deno.FsFile;
    try {
      file = await Deno.open(tempPath, { write: true, createNew: true });
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) {
        throw new Deno.errors.NotFound(
          `Cannot write artifact "${artifactId}" to "${this.#basePath}": the base directory ` +
            "does not exist; create it first",
          { cause: error },
        );
      }
      throw error;
    }
    let open = true;
    try {
      const stream = await resolveSource(content);
      const writer = new BufferedFileWriter(file);
      await pumpStream(stream, (chunk) => writer.write(chunk), signal);
      await writer.flush();
      file.close();
      open = false;
      await Deno.rename(tempPath, path);
    } catch (error) {
      if (open) file.close();
      await Deno.remove(tempPath).catch(() => {});
      throw error;
    }
  }

  /**
   * Removes an artifact's file; a missing file is not an error.
   *
   * @param artifactId The artifact's id.
   * @param options A signal.
   */
  async remove(artifactId: string, options: RemoveOptions = {}): Promise<void> {
    options.signal?.throwIfAborted();
    const path = await this.#pathOf(artifactId);
    try {
      await Deno.remove(path);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
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
    const path = await this.#pathOf(artifactId);
    try {
      const info = await Deno.stat(path);
      if (info.isFile) return { size: info.size };
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
    throw new ArtifactNotFoundError(artifactId, { location: this.#basePath });
  }

  /** Validates the id and returns its path, refusing a symbolic link that leads outside. */
  async #pathOf(artifactId: string): Promise<string> {
    validateArtifactId(artifactId);
    const path = join(this.#basePath, artifactId);
    let info: Deno.FileInfo;
    try {
      info = await Deno.lstat(path);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return path;
      throw error;
    }
    if (!info.isSymlink) return path;
    let target: string;
    try {
      target = await Deno.realPath(path);
    } catch (error) {
      // A dangling link: reads find nothing, and a write's rename replaces the link itself.
      if (error instanceof Deno.errors.NotFound) return path;
      throw error;
    }
    const base = await Deno.realPath(this.#basePath);
    const rel = relative(base, target);
    if (rel === "" || rel.startsWith("..") || isAbsolute(rel)) {
      throw new ArtifactPathEscapeError(artifactId, target, this.#basePath);
    }
    return path;
  }
}
