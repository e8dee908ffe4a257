import assert from "node:assert/strict";
import { chmodSync, statSync } from "node:fs";
import { join } from "node:path";
import { copyAtomic } from "../../_common/atomic_file.ts";
import { pseudoRandomBytes, sha256, withTempDir } from "../_helpers.ts";

Deno.test("copyAtomic() settles the file again after the copy, so bytes a retried copy wrote after an early settle are covered", async () => {
  await withTempDir(async (dir) => {
    // The mode a new file gets here (the umask applied).
    await Deno.writeFile(join(dir, "probe"), new Uint8Array());
    const newFileMode = statSync(join(dir, "probe")).mode & 0o7777;
    const copyMode = newFileMode === 0o751 ? 0o750 : 0o751;
    const second = pseudoRandomBytes(1024 * 1024, 9);
    const target = join(dir, "published");
    let settles = 0;
    await copyAtomic(async (tempPath, _describe, settle) => {
      // The first attempt: its bytes in place, the settle started early, then a failure after
      // it; the retried copy writes the file again and, as a kernel copy does, gives it the
      // source's mode.
      await Deno.writeFile(tempPath, pseudoRandomBytes(1024 * 1024, 8));
      await settle();
      settles++;
      await Deno.writeFile(tempPath, second);
      chmodSync(tempPath, copyMode);
    }, {
      dir,
      what: `test file to "${dir}"`,
      sync: true,
      publish: (tempPath) => Deno.rename(tempPath, target),
    });
    assert.equal(settles, 1);
    assert.equal(sha256(await Deno.readFile(target)), sha256(second));
    assert.equal(
      statSync(target).mode & 0o7777,
      newFileMode,
      "the mode (and the sync) were applied to the bytes of the last copy",
    );
  });
});
