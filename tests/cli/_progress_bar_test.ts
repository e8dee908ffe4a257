import assert from "node:assert/strict";
import { formatBytes, ProgressBar } from "../../cli/_progress_bar.ts";

Deno.test("ProgressBar renders bytes, share, rate and ETA; without a total, bytes and rate", () => {
  const bar = new ProgressBar("model.bin", { writeSync: (b) => b.length });
  assert.equal(
    bar.render({ loaded: 50 * 1024 * 1024, total: 200 * 1024 * 1024 }, 2),
    "model.bin  [######------------------]   25%  50.0 MiB/200.0 MiB  25.0 MiB/s  ETA 6s",
  );
  assert.equal(bar.render({ loaded: 1536 }, 1), "model.bin  1.5 KiB  1.5 KiB/s");
  assert.equal(formatBytes(0), "0 B");
  assert.equal(formatBytes(3 * 1024 ** 3), "3.0 GiB");
});

Deno.test("ProgressBar stays quiet for a transfer that ends within a moment", () => {
  const written: string[] = [];
  const bar = new ProgressBar("x", {
    writeSync: (b) => (written.push(new TextDecoder().decode(b)), b.length),
  });
  bar.update({ loaded: 10, total: 100 });
  bar.done();
  assert.deepEqual(written, []);
});
