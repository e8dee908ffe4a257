/**
 * An artifact store that keeps artifacts in memory, for tests, examples and short-lived
 * workers.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { InMemoryArtifactStore } from "@optuna-deno/artifacts";
 * const store = new InMemoryArtifactStore();
 * await store.write("a1", ReadableStream.from([new TextEncoder().encode("hi")]));
 * assert.deepEqual(await new Response(await store.open("a1")).text(), "hi");
 * ```
 *
 * @module
 */
import { ArtifactNotFoundError } from "./errors.ts";
import { settle } from "../_common/settle.ts";
import {
  checkOffsetWithin,
  validateArtifactId,
  validateLength,
  validateOffset,
} from "./_artifact_id.ts";
import { abortableStream, pumpStream, resolveSource } from "../_common/stream.ts";
import type {
  ArtifactStat,
  ArtifactStore,
  ListedArtifact,
  ListOptions,
  OpenOptions,
  RemoveOptions,
  StatOptions,
  StreamSource,
  WriteOptions,
} from "./types.ts";

const READ_CHUNK_SIZE = 64 * 1024;

/**
 * An {@linkcode ArtifactStore} that holds every artifact in memory. A write becomes visible
 * only once its stream has ended.
 *
 * @example Usage
 * ```ts
 * import { InMemoryArtifactStore } from "@optuna-deno/artifacts";
 * const store = new InMemoryArtifactStore();
 * await store.write("a1", () => ReadableStream.from([new Uint8Array([1, 2, 3])]));
 * await store.remove("a1");
 * ```
 */
export class InMemoryArtifactStore implements ArtifactStore {
  #artifacts = new Map<string, { data: Uint8Array; lastModified: Date }>();

  /**
   * Opens an artifact for reading.
   *
   * @param artifactId The artifact's id.
   * @param options A signal and a start offset.
   * @returns The artifact's bytes from `offset` on.
   * @throws {ArtifactNotFoundError} When no artifact has that id.
   */
  open(artifactId: string, options: OpenOptions = {}): Promise<ReadableStream<Uint8Array>> {
    return settle(() => {
      const offset = validateOffset(options.offset);
      const data = this.#get(artifactId, options.signal);
      checkOffsetWithin(artifactId, offset, data.length);
      const length = validateLength(options.length);
      const end = length === undefined ? data.length : Math.min(data.length, offset + length);
      return readableFromBytes(data.subarray(0, end), offset, options.signal);
    });
  }

  /**
   * Writes an artifact; it replaces the old one only after the whole stream was read.
   *
   * @param artifactId The artifact's id.
   * @param content The bytes, as a stream or a stream factory.
   * @param options A signal.
   */
  async write(
    artifactId: string,
    content: StreamSource,
    options: WriteOptions = {},
  ): Promise<void> {
    validateArtifactId(artifactId);
    options.signal?.throwIfAborted();
    const chunks: Uint8Array[] = [];
    let length = 0;
    await pumpStream(await resolveSource(content), (chunk) => {
      chunks.push(chunk.slice());
      length += chunk.length;
    }, options.signal);
    const data = new Uint8Array(length);
    let position = 0;
    for (const chunk of chunks) {
      data.set(chunk, position);
      position += chunk.length;
    }
    this.#artifacts.set(artifactId, { data, lastModified: new Date() });
  }

  /**
   * Reads an artifact's size.
   *
   * @param artifactId The artifact's id.
   * @param options A signal.
   * @returns The size in bytes.
   * @throws {ArtifactNotFoundError} When no artifact has that id.
   */
  stat(artifactId: string, options: StatOptions = {}): Promise<ArtifactStat> {
    return settle(() => ({ size: this.#get(artifactId, options.signal).length }));
  }

  /**
   * Removes an artifact; a missing one is not an error.
   *
   * @param artifactId The artifact's id.
   * @param options A signal.
   */
  remove(artifactId: string, options: RemoveOptions = {}): Promise<void> {
    return settle(() => {
      validateArtifactId(artifactId);
      options.signal?.throwIfAborted();
      this.#artifacts.delete(artifactId);
    });
  }

  /**
   * Lists the artifacts held.
   *
   * @param options A signal.
   * @returns Each artifact's id, size and time of writing.
   */
  async *list(options: ListOptions = {}): AsyncIterable<ListedArtifact> {
    for (const [artifactId, { data, lastModified }] of [...this.#artifacts]) {
      options.signal?.throwIfAborted();
      yield { artifactId, size: data.length, lastModified };
    }
  }

  #get(artifactId: string, signal: AbortSignal | undefined): Uint8Array {
    validateArtifactId(artifactId);
    signal?.throwIfAborted();
    const entry = this.#artifacts.get(artifactId);
    if (entry === undefined) throw new ArtifactNotFoundError(artifactId, { location: "memory" });
    return entry.data;
  }
}

function readableFromBytes(
  data: Uint8Array,
  offset: number,
  signal?: AbortSignal,
): ReadableStream<Uint8Array> {
  let position = offset;
  return abortableStream({
    next() {
      if (position >= data.length) return null;
      const end = Math.min(position + READ_CHUNK_SIZE, data.length);
      const chunk = data.slice(position, end);
      position = end;
      return chunk;
    },
    release() {},
  }, signal);
}
