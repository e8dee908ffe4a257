// GCSArtifactStore's reads: one object generation as a web stream, and its copy into a local
// file (copyToFile), in byte ranges fetched at once when it is larger than a part. The SDK
// validates a full read (CRC32C); a ranged read it cannot, so the ranged copy computes the
// CRC32C of the bytes in order itself and compares it with the object's.
import { Readable } from "node:stream";
// deno-lint-ignore no-import-prefix -- kept out of the import map (see docs/development.md)
import type { File } from "npm:@google-cloud/storage@^8.4.0";
// deno-lint-ignore no-import-prefix -- pinned as in helpers/_digest.ts
import { createCRC32 } from "npm:hash-wasm@4.13.0";
import { onAbort } from "../_common/abort.ts";
import { copyStreamToFile } from "../_common/file_stream.ts";
import { openTarget } from "../_common/fs.ts";
import { mapErrors } from "../_common/stream.ts";
import { copyRanges, type RangedDownload } from "./_ranged_copy.ts";
import type { CopyToFileOptions } from "./types.ts";

const CRC32C_POLYNOMIAL = 0x82f63b78;

/**
 * Streams bytes `start` to `end` (inclusive) of a pinned generation, or the whole object
 * without a range (which the SDK validates); `signal` destroys the read.
 */
export function readObject(
  pinned: File,
  range: { start: number; end?: number } | undefined,
  signal: AbortSignal | undefined,
): ReadableStream<Uint8Array> {
  const node = pinned.createReadStream(range ?? {});
  node.once("close", onAbort(signal, (reason) => node.destroy(reason as Error)));
  return Readable.toWeb(node) as ReadableStream<Uint8Array>;
}

/** The object a {@linkcode copyObjectToFile} copies. */
export interface GcsObject {
  /** The object, pinned to the generation whose metadata was read. */
  pinned: File;
  size: number;
  /** Its CRC32C as GCS gives it: base64 of the big-endian 32-bit value. */
  crc32c?: string;
  /** For errors: `artifact "a1" from gs://bucket/key`. */
  what: string;
  /** The error for a read of the pinned generation that finds nothing (written again). */
  changed: (error: unknown) => unknown;
}

/** Copies an object into `file` (created or replaced), in ranges when it is large. */
export async function copyObjectToFile(
  object: GcsObject,
  filePath: string,
  ranges: RangedDownload,
  options: CopyToFileOptions,
): Promise<void> {
  const { signal, onWriteError } = options;
  const file = await openTarget(filePath, onWriteError);
  try {
    const onChunk = options.observeChunks?.();
    if (object.size <= ranges.partSize || ranges.concurrency === 1) {
      const body = readObject(object.pinned, undefined, signal);
      await copyStreamToFile(body, file, { signal, onChunk, onWriteError });
      return;
    }
    const crc = object.crc32c === undefined ? undefined : await createCRC32(CRC32C_POLYNOMIAL);
    await copyRanges(file, {
      size: object.size,
      ...ranges,
      what: object.what,
      openRange: (offset, length, rangeSignal) => {
        const range = { start: offset, end: offset + length - 1 };
        // The SDK reports a 404 of the pinned generation as the stream's error.
        const body = mapErrors(
          readObject(object.pinned, range, rangeSignal),
          (error) => (error as { code?: number })?.code === 404 ? object.changed(error) : error,
        );
        return Promise.resolve(body);
      },
      retryRange: options.retryRange,
      signal,
      onChunk: (chunk) => {
        crc?.update(chunk);
        onChunk?.(chunk);
      },
      onWriteError,
    });
    const actual = crc && btoa(String.fromCharCode(...hexBytes(crc.digest("hex"))));
    if (crc && actual !== object.crc32c) {
      throw new Error(
        `Cannot download ${object.what}: the bytes received have CRC32C ${actual}, the object ` +
          `${object.crc32c}; try again`,
      );
    }
  } finally {
    file.close();
  }
}

function hexBytes(hex: string): number[] {
  return hex.match(/../g)!.map((pair) => parseInt(pair, 16));
}
