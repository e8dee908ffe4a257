/**
 * Downloads an artifact to a new file, as Python's `optuna.artifacts.download_artifact`.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { downloadArtifact, InMemoryArtifactStore } from "@optuna-deno/artifacts";
 * const artifactStore = new InMemoryArtifactStore();
 * await artifactStore.write("a1", ReadableStream.from([new TextEncoder().encode("hi")]));
 * const dir = await Deno.makeTempDir();
 * await downloadArtifact({ artifactStore, artifactId: "a1", filePath: `${dir}/a.txt` });
 * assert.deepEqual(await Deno.readTextFile(`${dir}/a.txt`), "hi");
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @module
 */
import { nodeBuiltin } from "../_common/node_builtin.ts";
import {
  alreadyExistsError,
  isAlreadyExists,
  isNotFound,
  link,
  lstat,
  removeFile,
  rename,
} from "../_common/fs.ts";
import {
  type AtomicWriteOptions,
  copyAtomic,
  fromStream,
  writeFileAtomic,
} from "../_common/atomic_file.ts";
import type { TransferProgress } from "./types.ts";
import { tapChunks } from "../_common/stream.ts";
import { ArtifactCorruptedError } from "../stores/errors.ts";
import { Digester, recordedDigest, sameDigest } from "./_digest.ts";
import { chunkObserver } from "./_transfer.ts";
import { resolveTarget } from "./_attr_target.ts";
import type { StudyStorage } from "../storages/types.ts";
import type { StudyOrTrial } from "../study/study_or_trial.ts";
import type { ArtifactStore } from "../stores/types.ts";

/** Options of {@linkcode downloadArtifact}. */
export interface DownloadArtifactOptions {
  /** Where the bytes are. */
  artifactStore: ArtifactStore;
  /** The artifact's id. */
  artifactId: string;
  /** The file to create; it must not exist yet. */
  filePath: string;
  /** Cancels the download; no file is left behind. */
  signal?: AbortSignal;
  /** Told how many bytes have been written, after each chunk; `total` when the store can tell. */
  onProgress?: (progress: TransferProgress) => void;
  /**
   * Sync the file, and then its folder entry, to disk before resolving, so a power loss right
   * after cannot leave an empty or partial file under the name. Off is faster for scratch
   * copies.
   *
   * @default {true}
   */
  sync?: boolean;
  /**
   * The study or trial the artifact belongs to. Given, the digest (XXH3-128 or SHA-256) and size recorded at upload
   * (`artifact_digests:<artifact_id>`) are looked up and checked: bytes that do not match fail
   * with {@linkcode ArtifactCorruptedError} and leave no file. Artifacts uploaded without a
   * digest (by Python Optuna, say) download unchecked.
   */
  studyOrTrial?: StudyOrTrial;
  /** The storage, when `studyOrTrial` does not carry one. */
  storage?: StudyStorage;
  /**
   * Check the recorded digest when `studyOrTrial` is given; off skips the lookup and the hash.
   *
   * @default {true}
   */
  checkDigest?: boolean;
}

/**
 * Downloads an artifact into a new file. The bytes go to a temporary file beside the target
 * (`.optuna-deno-<uuid>.tmp`), which is synced and then takes the target's name only if that
 * name is still free, so an existing file is never touched, and a failed or aborted download
 * leaves no file behind. With `studyOrTrial`, the bytes are also checked against the digest
 * recorded at upload before the file takes its name.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { downloadArtifact, FileSystemArtifactStore } from "@optuna-deno/artifacts";
 * const dir = await Deno.makeTempDir();
 * const artifactStore = new FileSystemArtifactStore(dir);
 * await artifactStore.write("a1", ReadableStream.from([new Uint8Array([1, 2])]));
 * await downloadArtifact({ artifactStore, artifactId: "a1", filePath: `${dir}/copy.bin` });
 * assert.deepEqual(await Deno.readFile(`${dir}/copy.bin`), new Uint8Array([1, 2]));
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @param options The store, the artifact id, the target path and a signal.
 * @returns Nothing, once the file is complete.
 * @throws {Deno.errors.AlreadyExists} When `filePath` exists (on Node.js and Bun, an `Error` whose
 *   `code` is "EEXIST", as `node:fs` throws; the code is "EEXIST" on Deno too).
 * @throws {ArtifactNotFoundError} When the artifact does not exist.
 * @throws {ArtifactCorruptedError} When the bytes do not match the recorded digest.
 */
export async function downloadArtifact(options: DownloadArtifactOptions): Promise<void> {
  const { artifactStore, artifactId, filePath, signal, onProgress } = options;
  await ensureFree(filePath, artifactId);
  const expected = options.studyOrTrial && options.checkDigest !== false
    ? await recordedDigest(resolveTarget(options.studyOrTrial, options.storage), artifactId)
    : undefined;
  const digester = expected && await Digester.create(expected.algorithm);
  const total = onProgress && artifactStore.stat
    ? (await artifactStore.stat(artifactId, { signal })).size
    : undefined;
  const observers = { total, onProgress, digester };
  // Checked before the publish, so damaged bytes never take the target's name (the sync of the
  // temporary file may run meanwhile: a kernel copy ends before the hash of its last bytes).
  const check = () => {
    if (!expected) return;
    const actual = digester!.digest();
    if (!sameDigest(expected, actual)) {
      throw new ArtifactCorruptedError(artifactId, { expected, actual });
    }
  };
  const atomic: AtomicWriteOptions = {
    dir: nodeBuiltin("node:path").dirname(filePath),
    what: `artifact "${artifactId}" to "${filePath}"`,
    sync: options.sync ?? true,
    signal,
    publish: (tempPath) => publish(tempPath, filePath, artifactId),
  };
  if (artifactStore.copyToFile) {
    // A store that copies into local files itself: in the kernel (file system), straight from
    // the network into reused buffers (S3).
    const watched = onProgress !== undefined || digester !== undefined;
    await copyAtomic(async (tempPath, describe, settle) => {
      await artifactStore.copyToFile!(artifactId, tempPath, {
        signal,
        observeChunks: watched ? () => chunkObserver(observers)! : undefined,
        onWriteError: describe,
        onCopied: settle,
      });
      check();
    }, atomic);
    return;
  }
  const onChunk = chunkObserver(observers);
  const opened = await artifactStore.open(artifactId, { signal });
  const stream = onChunk ? tapChunks(opened, onChunk) : opened;
  const write = fromStream(stream, signal);
  try {
    await writeFileAtomic(async (file, describe) => {
      await write(file, describe);
      check();
    }, atomic);
  } catch (error) {
    await stream.cancel().catch(() => {});
    throw error;
  }
}

async function ensureFree(filePath: string, artifactId: string): Promise<void> {
  try {
    await lstat(filePath);
  } catch (error) {
    if (isNotFound(error)) return;
    throw error;
  }
  throw alreadyExists(filePath, artifactId);
}

function alreadyExists(filePath: string, artifactId: string): Error {
  return alreadyExistsError(
    `Cannot download artifact "${artifactId}" to "${filePath}": the file already exists; ` +
      "remove it or choose another path",
  );
}

// A hard link fails if the target exists, so a file created meanwhile is never replaced.
async function publish(tempPath: string, filePath: string, artifactId: string): Promise<void> {
  try {
    await link(tempPath, filePath);
  } catch (error) {
    if (isAlreadyExists(error)) throw alreadyExists(filePath, artifactId);
    // File systems without hard links: fall back to a checked rename.
    await ensureFree(filePath, artifactId);
    await rename(tempPath, filePath);
    return;
  }
  await removeFile(tempPath);
}
