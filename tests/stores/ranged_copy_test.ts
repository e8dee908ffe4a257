// copyRanges, the ranged download of the bucket stores, on byte streams that break where a test
// says: the range at the head resumes from its first byte not written, a range that waits for
// its turn asks for all of itself again, a write error is never retried, no more than
// `concurrency` ranges are open at once, and the first range comes from the answer that told
// the size even when another range starts before it. The stores' own suites run it against s3rver, Swift
// and the GCS emulator.
import assert from "node:assert/strict";
import { openTarget } from "../../_common/fs.ts";
import { copyRanges, type OpenRange } from "../../stores/_ranged_copy.ts";
import type { LocalFile, RetryRange } from "../../stores/types.ts";
import { pseudoRandomBytes, sha256, withTempDir } from "../_helpers.ts";

const MiB = 1024 * 1024;

/** How a range's stream behaves on a given attempt. */
interface RangeFault {
  /** Bytes of the range to send before the stream fails. */
  breakAfter?: number;
  /** Milliseconds to wait before the first byte. */
  delay?: number;
}

/** Ranges of `bytes` as byte streams, with the faults of `faults(offset, attempt)`. */
function ranges(bytes: Uint8Array, faults: (offset: number, attempt: number) => RangeFault) {
  const asked: [number, number][] = [];
  const attempts = new Map<number, number>();
  let open = 0;
  let maxOpen = 0;
  const openRange: OpenRange = (offset, length) => {
    asked.push([offset, length]);
    const attempt = attempts.get(offset) ?? 0;
    attempts.set(offset, attempt + 1);
    const fault = faults(offset, attempt);
    let sent = 0;
    maxOpen = Math.max(maxOpen, ++open);
    const close = () => {
      open--;
    };
    return Promise.resolve(
      new ReadableStream({
        type: "bytes",
        async pull(controller: ReadableByteStreamController) {
          if (sent === 0 && fault.delay) await new Promise((r) => setTimeout(r, fault.delay));
          if (fault.breakAfter !== undefined && sent >= fault.breakAfter) {
            close();
            controller.error(new Error(`connection reset at byte ${offset + sent}`));
            return;
          }
          if (sent === length) {
            close();
            controller.close();
            controller.byobRequest?.respond(0);
            return;
          }
          const limit = Math.min(length, fault.breakAfter ?? length);
          const count = Math.min(64 * 1024, limit - sent);
          controller.enqueue(bytes.slice(offset + sent, offset + sent + count));
          sent += count;
        },
        cancel: close,
      }),
    );
  };
  return { openRange, asked, maxOpen: () => maxOpen, openNow: () => open };
}

/** Retries each range up to 3 times, never once the copy is aborted. */
const retryRange: RetryRange = async (fetch, signal) => {
  for (let attempt = 1;; attempt++) {
    try {
      return await fetch();
    } catch (error) {
      if (signal.aborted || attempt === 3) throw error;
    }
  }
};

/** Copies `bytes` through copyRanges into a file; returns its hash and the observed bytes'. */
async function copy(
  bytes: Uint8Array,
  openRange: OpenRange,
  options: {
    partSize: number;
    concurrency: number;
    file?: LocalFile;
    first?: ReadableStream<Uint8Array>;
    retryRange?: RetryRange;
  },
): Promise<{ written: string; observed: string }> {
  return await withTempDir(async (dir) => {
    const path = `${dir}/out.bin`;
    const file = options.file ?? await openTarget(path);
    const seen: Uint8Array[] = [];
    try {
      await copyRanges(file, {
        size: bytes.length,
        partSize: options.partSize,
        concurrency: options.concurrency,
        what: "s3://bucket/key",
        first: options.first,
        openRange,
        retryRange: options.retryRange ?? retryRange,
        onChunk: (chunk) => seen.push(chunk.slice()),
      });
    } finally {
      file.close();
    }
    const observed = new Uint8Array(seen.reduce((sum, chunk) => sum + chunk.length, 0));
    seen.reduce((at, chunk) => (observed.set(chunk, at), at + chunk.length), 0);
    return { written: sha256(await Deno.readFile(path)), observed: sha256(observed) };
  });
}

Deno.test("copyRanges resumes the head range from its first byte not written", async () => {
  const bytes = pseudoRandomBytes(8 * MiB + 5, 21);
  // The first range breaks after 2.5 MiB: 2 MiB of it were written, 1 MiB at a time.
  const { openRange, asked } = ranges(
    bytes,
    (offset, attempt) => offset === 0 && attempt === 0 ? { breakAfter: 2.5 * MiB } : {},
  );
  const { written, observed } = await copy(bytes, openRange, { partSize: 4 * MiB, concurrency: 2 });
  assert.equal(written, sha256(bytes));
  assert.equal(observed, sha256(bytes));
  assert.deepEqual(asked.toSorted((a, b) => a[0] - b[0]), [
    [0, 4 * MiB],
    [2 * MiB, 2 * MiB],
    [4 * MiB, 4 * MiB],
    [8 * MiB, 5],
  ]);
});

Deno.test("copyRanges asks again for all of a range that broke while it waited", async () => {
  const bytes = pseudoRandomBytes(8 * MiB, 22);
  const { openRange, asked } = ranges(bytes, (offset, attempt) => {
    if (offset === 0) return { delay: 100 }; // the second range breaks while it waits
    return offset === 4 * MiB && attempt === 0 ? { breakAfter: 1.5 * MiB } : {};
  });
  const { written, observed } = await copy(bytes, openRange, { partSize: 4 * MiB, concurrency: 2 });
  assert.equal(written, sha256(bytes));
  assert.equal(observed, sha256(bytes));
  assert.deepEqual(asked, [[0, 4 * MiB], [4 * MiB, 4 * MiB], [4 * MiB, 4 * MiB]]);
});

Deno.test("copyRanges keeps at most `concurrency` ranges open and stays byte-exact", async () => {
  const bytes = pseudoRandomBytes(20 * MiB + 3, 23);
  for (const concurrency of [2, 3, 5]) {
    const { openRange, maxOpen, asked } = ranges(bytes, () => ({ delay: 5 }));
    const { written, observed } = await copy(bytes, openRange, { partSize: MiB, concurrency });
    assert.equal(written, sha256(bytes), `${concurrency} at once`);
    assert.equal(observed, sha256(bytes), `${concurrency} at once: observed in order`);
    assert.equal(asked.length, 21, `${concurrency} at once: one request per range`);
    assert.ok(maxOpen() <= concurrency, `${maxOpen()} open at ${concurrency} at once`);
    assert.ok(maxOpen() > 1, `${concurrency} at once: ranges in parallel`);
  }
});

Deno.test("copyRanges never retries a failed write, and closes every range", async () => {
  const bytes = pseudoRandomBytes(8 * MiB, 24);
  const { openRange, asked, maxOpen, openNow } = ranges(bytes, () => ({}));
  const full = new Error("No space left on device (os error 28)");
  await withTempDir(async (dir) => {
    const real = await openTarget(`${dir}/out.bin`);
    let writes = 0;
    // The real file, whose third write fails as a full disk's would.
    const file: LocalFile = Object.assign(Object.create(real), {
      write: (data: Uint8Array) => ++writes === 3 ? Promise.reject(full) : real.write(data),
      close: () => real.close(),
    });
    await assert.rejects(
      copy(bytes, openRange, { partSize: 2 * MiB, concurrency: 3, file }),
      (error) => error === full,
    );
    assert.equal(writes, 3);
    assert.ok(asked.length <= 4, `${asked.length} ranges asked`);
    assert.ok(maxOpen() <= 3);
    assert.equal(openNow(), 0, "no range left open");
  });
});

Deno.test("copyRanges reads the first range from the answer that told the size, whenever it starts", async () => {
  const bytes = pseudoRandomBytes(6 * MiB, 25);
  const { openRange, asked, openNow } = ranges(bytes, () => ({}));
  const first = await openRange(0, 2 * MiB, AbortSignal.timeout(10_000));
  asked.length = 0;
  let calls = 0;
  const { written, observed } = await copy(bytes, openRange, {
    partSize: 2 * MiB,
    concurrency: 3,
    first,
    // The first range's attempt starts last.
    retryRange: async (fetch) => {
      if (calls++ === 0) await new Promise((resolve) => setTimeout(resolve, 50));
      return await fetch();
    },
  });
  assert.equal(written, sha256(bytes));
  assert.equal(observed, sha256(bytes));
  assert.deepEqual(asked.toSorted((a, b) => a[0] - b[0]), [[2 * MiB, 2 * MiB], [4 * MiB, 2 * MiB]]);
  assert.equal(openNow(), 0, "no range left open");
});
