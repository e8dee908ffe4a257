import assert from "node:assert/strict";
import { join } from "node:path";
import { kernelCopy } from "../../_common/kernel_copy.ts";
import { pseudoRandomBytes, sha256, withTempDir } from "../_helpers.ts";

// An observer slower than the copy (a hash behind a kernel copy): 5 ms per 1 MiB chunk.
function slowObserver(seen: Uint8Array[]): (chunk: Uint8Array) => void {
  return (chunk) => {
    seen.push(chunk.slice());
    const end = performance.now() + 5;
    while (performance.now() < end) { /* the hash's time */ }
  };
}

Deno.test("kernelCopy() starts onCopied when the copy ends, while the observer still reads, and returns after it", async () => {
  await withTempDir(async (dir) => {
    const bytes = pseudoRandomBytes(32 * 1024 * 1024 + 5, 7);
    const source = join(dir, "source.bin");
    await Deno.writeFile(source, bytes);
    const seen: Uint8Array[] = [];
    let observedAtStart = -1;
    let sizeAtStart = -1;
    let settled = false;
    await kernelCopy(source, join(dir, "target.bin"), {
      onChunk: slowObserver(seen),
      onCopied: async () => {
        observedAtStart = seen.reduce((sum, chunk) => sum + chunk.length, 0);
        sizeAtStart = (await Deno.stat(join(dir, "target.bin"))).size;
        await new Promise((resolve) => setTimeout(resolve, 20));
        settled = true;
      },
    });
    assert.equal(sizeAtStart, bytes.length, "every byte was in place when onCopied started");
    assert.ok(
      observedAtStart >= 0 && observedAtStart < bytes.length,
      `onCopied started after ${observedAtStart} of ${bytes.length} bytes were observed`,
    );
    assert.ok(settled, "kernelCopy returned before onCopied settled");
    const observed = new Uint8Array(bytes.length);
    let offset = 0;
    for (const chunk of seen) {
      observed.set(chunk, offset);
      offset += chunk.length;
    }
    assert.equal(offset, bytes.length);
    assert.equal(sha256(observed), sha256(bytes), "the observer saw every byte, in order");
    assert.equal(sha256(await Deno.readFile(join(dir, "target.bin"))), sha256(bytes));
  });
});

Deno.test("kernelCopy() fails with onCopied's error, after the observer has stopped", async () => {
  await withTempDir(async (dir) => {
    const source = join(dir, "source.bin");
    await Deno.writeFile(source, pseudoRandomBytes(8 * 1024 * 1024, 8));
    const failure = new Error("sync failed");
    const seen: Uint8Array[] = [];
    await assert.rejects(
      kernelCopy(source, join(dir, "observed.bin"), {
        onChunk: slowObserver(seen),
        onCopied: () => Promise.reject(failure),
      }),
      (error) => error === failure,
    );
    await assert.rejects(
      kernelCopy(source, join(dir, "unobserved.bin"), { onCopied: () => Promise.reject(failure) }),
      (error) => error === failure,
    );
  });
});
