/**
 * Uploads an artifact and records it in the study's storage, as Python's
 * `optuna.artifacts.upload_artifact`.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { createStudy, InMemoryArtifactStore, uploadArtifact } from "@optuna-deno/artifacts";
 * const study = await createStudy();
 * const trial = await study.ask();
 * const artifactId = await uploadArtifact({
 *   artifactStore: new InMemoryArtifactStore(),
 *   studyOrTrial: trial,
 *   body: "x,y\n1,2\n",
 *   filename: "points.csv",
 * });
 * assert.deepEqual(artifactId.length, 36);
 * ```
 *
 * @module
 */
import type { ArtifactMeta } from "./types.ts";
import { ARTIFACTS_ATTR_PREFIX, DEFAULT_MIME_TYPE } from "./_meta_codec.ts";
import { serializeArtifactMeta } from "./_meta_codec.ts";
import { guessMimetype } from "./guess_mimetype.ts";
import { type AttrTarget, resolveTarget } from "./_attr_target.ts";
import {
  StudyNotFoundError,
  TrialNotFoundError,
  UpdateFinishedTrialError,
} from "../storages/errors.ts";
import { readableFromFile } from "../_common/file_stream.ts";
import { isNotFound, notFoundError, openFile, stat } from "../_common/fs.ts";
import type { LocalFileInfo } from "../_common/types.ts";
import { isWindows } from "../_common/node_builtin.ts";
import { tapChunks } from "../_common/stream.ts";
import { chunkObserver, type TransferObservers } from "./_transfer.ts";
import { Digester, DIGESTS_ATTR_PREFIX, serializeArtifactDigest } from "./_digest.ts";
import type { DigestAlgorithm, TransferProgress } from "./types.ts";
import type { JsonValue, StudyStorage } from "../storages/types.ts";
import type { ArtifactStore, StreamSource } from "../stores/types.ts";
import type { StudyOrTrial } from "../study/study_or_trial.ts";

/** Bytes to upload when there is no file: a stream, bytes, a `Blob` or text (as UTF-8). */
export type ArtifactBody = ReadableStream<Uint8Array> | Uint8Array | Blob | string;

/** Options of {@linkcode uploadArtifact}: give `filePath`, or `body` with `filename`. */
export interface UploadArtifactOptions {
  /** Where the bytes go. */
  artifactStore: ArtifactStore;
  /** The study or trial the artifact belongs to; a trial must be RUNNING or WAITING. */
  studyOrTrial: StudyOrTrial;
  /** The file to upload; its base name becomes the artifact's file name. */
  filePath?: string;
  /** The bytes to upload instead of a file, such as a request body. */
  body?: ArtifactBody;
  /** The file name to record; required with `body`, and overrides `filePath`'s base name. */
  filename?: string;
  /** The storage, when `studyOrTrial` does not carry one. */
  storage?: StudyStorage;
  /** The MIME type; guessed from the file name when unset or empty. */
  mimetype?: string;
  /** The content encoding (such as `"gzip"`); guessed from the file name when unset or empty. */
  encoding?: string;
  /** Cancels the upload; nothing is left behind. */
  signal?: AbortSignal;
  /** Told how many bytes have been sent, after each chunk. */
  onProgress?: (progress: TransferProgress) => void;
  /**
   * The hash function of the digest recorded with the size of the bytes, computed as they
   * stream, under the system attribute `artifact_digests:<artifact_id>` in the same storage
   * operation as the metadata, so `downloadArtifact` and `verifyArtifacts` can tell damaged
   * bytes (Python Optuna does not read it): `"xxh128"` (XXH3-128: catches accidental damage at
   * little more than the copy's cost), `"sha256"` (cryptographic: also tells bytes someone
   * replaced on purpose), or `false` for none; then (and without `onProgress`) a file-system
   * store copies a `filePath` in the kernel instead.
   *
   * @default {"xxh128"}
   */
  digest?: DigestAlgorithm | false;
}

/**
 * Uploads an artifact to the artifact store, then records its metadata as a system attribute
 * of the study or trial, in the exact format of Python Optuna.
 *
 * A trial's state is checked first; the bytes are written (and, on the file system, synced)
 * before the metadata, and removed again if the metadata is known not to have been written, so
 * the metadata never names a missing artifact. A failure after the metadata is durable (a
 * journal lock broken while held) does not fail the upload.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { createStudy, FileSystemArtifactStore, uploadArtifact } from "@optuna-deno/artifacts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/notes.txt`, "hello");
 * const study = await createStudy();
 * const artifactId = await uploadArtifact({
 *   artifactStore: new FileSystemArtifactStore(dir),
 *   studyOrTrial: study,
 *   filePath: `${dir}/notes.txt`,
 * });
 * assert.deepEqual(await Deno.readTextFile(`${dir}/${artifactId}`), "hello");
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @param options What to upload, where, and for which study or trial.
 * @returns The new artifact's id, a lowercase UUIDv4.
 * @throws {UpdateFinishedTrialError} When the trial has finished.
 * @throws {StudyNotFoundError} When the study does not exist.
 * @throws {TrialNotFoundError} When the trial does not exist.
 * @throws {Deno.errors.NotFound} When `filePath` does not exist (on Node.js and Bun, an `Error`
 *   whose `code` is "ENOENT", as `node:fs` throws; the code is "ENOENT" on Deno too).
 */
export async function uploadArtifact(options: UploadArtifactOptions): Promise<string> {
  const { artifactStore, signal } = options;
  const { content, contentLength, filename } = await sourceOf(options);
  const target = resolveTarget(options.studyOrTrial, options.storage);
  signal?.throwIfAborted();
  await target.ensureWritable();

  const guess = guessMimetype(filename);
  const meta: ArtifactMeta = {
    artifactId: crypto.randomUUID(),
    filename,
    mimetype: options.mimetype || guess.mimetype || DEFAULT_MIME_TYPE,
    encoding: options.encoding || guess.encoding,
  };
  const digester = options.digest === false ? undefined : await Digester.create(options.digest);
  const observers = { total: contentLength, onProgress: options.onProgress, digester };
  const watched = options.onProgress !== undefined || digester !== undefined;
  if (options.filePath !== undefined && artifactStore.writeFile) {
    // A store that copies local files itself: in the kernel when nothing watches the bytes.
    await artifactStore.writeFile(meta.artifactId, options.filePath, {
      signal,
      contentType: meta.mimetype,
      observeChunks: watched ? () => chunkObserver(observers)! : undefined,
    });
  } else {
    await artifactStore.write(
      meta.artifactId,
      watched ? observed(content, observers) : content,
      { signal, contentLength, contentType: meta.mimetype },
    );
  }
  const key = ARTIFACTS_ATTR_PREFIX + meta.artifactId;
  // The digest first: where a storage sets attributes one by one, a failure between the two
  // leaves a digest that no metadata names, never metadata without its digest.
  const attrs: Record<string, JsonValue> = digester
    ? { [DIGESTS_ATTR_PREFIX + meta.artifactId]: serializeArtifactDigest(digester.digest()) }
    : {};
  attrs[key] = serializeArtifactMeta(meta);
  try {
    // Inside: an abort here must remove the blob that no metadata names yet.
    signal?.throwIfAborted();
    await target.setSystemAttrs(attrs);
  } catch (error) {
    const recorded = await recordedDespite(target, key, error);
    if (recorded) return meta.artifactId;
    // Never leave a blob that no metadata names, but never remove one that metadata may name:
    // after an unclear failure (a connection lost during a commit) the blob stays.
    if (recorded === false) await artifactStore.remove(meta.artifactId).catch(() => {});
    throw error;
  }
  return meta.artifactId;
}

/**
 * Whether a failed attribute write was recorded all the same: `false` for a refusal that
 * wrote nothing (or when a read does not find it), `undefined` when it cannot be told.
 */
async function recordedDespite(
  target: AttrTarget,
  key: string,
  error: unknown,
): Promise<boolean | undefined> {
  if (
    error instanceof UpdateFinishedTrialError || error instanceof StudyNotFoundError ||
    error instanceof TrialNotFoundError
  ) {
    return false;
  }
  try {
    return Object.hasOwn(await target.getSystemAttrs(), key);
  } catch {
    return undefined;
  }
}

/** The content with its bytes counted and hashed on their way; each attempt starts afresh. */
function observed(content: StreamSource, observers: TransferObservers): StreamSource {
  const observe = (stream: ReadableStream<Uint8Array>) =>
    tapChunks(stream, chunkObserver(observers)!);
  return typeof content === "function" ? async () => observe(await content()) : observe(content);
}

interface Source {
  content: StreamSource;
  contentLength?: number;
  filename: string;
}

async function sourceOf(options: UploadArtifactOptions): Promise<Source> {
  const { filePath, body } = options;
  if ((filePath === undefined) === (body === undefined)) {
    throw new TypeError("Cannot upload an artifact: give either `filePath` or `body`");
  }
  if (filePath !== undefined) {
    const filename = basename(options.filename || filePath);
    let info: LocalFileInfo;
    try {
      info = await stat(filePath);
    } catch (error) {
      if (isNotFound(error)) {
        throw notFoundError(
          `Cannot upload "${filePath}": the file does not exist; check the path`,
          { cause: error },
        );
      }
      throw error;
    }
    if (!info.isFile) {
      throw new TypeError(`Cannot upload "${filePath}": it is not a regular file`);
    }
    // A factory, so that a retrying store can read the file again from the start.
    const content = async () => readableFromFile(await openFile(filePath, { read: true }));
    return { content, contentLength: info.size, filename };
  }
  if (!options.filename) {
    throw new TypeError("Cannot upload a body without a file name: give `filename`");
  }
  const filename = basename(options.filename);
  if (body instanceof ReadableStream) return { content: body, filename };
  if (body instanceof Blob) {
    return { content: () => body.stream(), contentLength: body.size, filename };
  }
  const bytes = typeof body === "string" ? new TextEncoder().encode(body) : body!;
  return {
    content: () => ReadableStream.from([bytes]),
    contentLength: bytes.length,
    filename,
  };
}

// Python's os.path.basename: the part after the last separator ("/", and "\" on Windows).
function basename(path: string): string {
  const separators = isWindows() ? /[\\/]/ : /\//;
  const parts = path.split(separators);
  return parts[parts.length - 1];
}
