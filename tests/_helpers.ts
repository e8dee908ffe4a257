// Shared test helpers: fixture paths, content hashes, deterministic data.
import { fileURLToPath } from "node:url";
import { createHash } from "node:crypto";

/** The fixtures folder written by real Python Optuna (tests/testdata). */
export const FIXTURES = fileURLToPath(new URL("./testdata/", import.meta.url));

/** SHA-256 of bytes, hex. */
export function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** SHA-256 of a stream, hex, read chunk by chunk. */
export async function sha256Stream(stream: ReadableStream<Uint8Array>): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of stream) hash.update(chunk);
  return hash.digest("hex");
}

/** Deterministic pseudo-random bytes (xorshift), so a failure can be reproduced. */
export function pseudoRandomBytes(length: number, seed = 1): Uint8Array {
  const bytes = new Uint8Array(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    bytes[i] = x & 0xff;
  }
  return bytes;
}

/** A stream of `bytes` in chunks of `chunkSize`, of unknown length to the reader. */
export function chunked(bytes: Uint8Array, chunkSize = 64 * 1024): ReadableStream<Uint8Array> {
  let position = 0;
  return new ReadableStream({
    pull(controller) {
      if (position >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(position, position + chunkSize));
      position += chunkSize;
    },
  });
}

/**
 * A stream that delivers `before` bytes in pieces of at most 1 MiB, then calls `onStall` and
 * never ends, as a client that stops sending in the middle of an upload.
 */
export function stallingStream(
  before: Uint8Array,
  onStall: () => void,
): ReadableStream<Uint8Array> {
  const piece = 1024 * 1024;
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent < before.length) {
        controller.enqueue(before.subarray(sent, sent + piece));
        sent += piece;
        return;
      }
      onStall();
      return new Promise(() => {});
    },
  });
}

/** Reads a whole stream into bytes. */
export async function readAll(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Makes a temporary folder, runs `fn`, and removes the folder. */
export async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await Deno.makeTempDir({ prefix: "optuna-deno-test-" });
  try {
    return await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
