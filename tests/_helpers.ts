// Shared test helpers: fixture paths, content hashes, deterministic data.
import { fileURLToPath } from "node:url";
import { createHash } from "node:crypto";

/** The fixtures folder written by real Python Optuna (tests/testdata). */
export const FIXTURES = fileURLToPath(new URL("./testdata/", import.meta.url));

/** SHA-256 of bytes, hex. */
export function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/**
 * XXH3-128 of bytes, hex, through the `xxhsum` command (Debian's xxhash; `.ci/run` installs
 * it): the reference implementation, not the library the module hashes with.
 */
export async function xxh128(bytes: Uint8Array): Promise<string> {
  const child = new Deno.Command("xxhsum", {
    args: ["-H2", "-"],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writing = (async () => {
    const writer = child.stdin.getWriter();
    await writer.write(bytes);
    await writer.close();
  })();
  const [{ success, stdout, stderr }] = await Promise.all([child.output(), writing]);
  if (!success) throw new Error(`xxhsum failed: ${new TextDecoder().decode(stderr)}`);
  return new TextDecoder().decode(stdout).split(/\s/)[0];
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
