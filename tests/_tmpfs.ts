// A real, small tmpfs for the disk-full tests. Mounting needs root (CI runs as root); elsewhere
// the tests are skipped with a note, and in CI a failed mount fails the run.

const inCi = Boolean(Deno.env.get("CI"));

/** Mounts a tmpfs of `size` bytes on a new folder, runs `fn` on it, and unmounts it. */
export async function withTmpfs(size: number, fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "optuna-deno-tmpfs-" });
  try {
    await run("mount", "-t", "tmpfs", "-o", `size=${size}`, "tmpfs", dir);
    try {
      await fn(dir);
    } finally {
      await run("umount", dir);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Whether this process may mount a tmpfs: `ignore` for Deno.test. */
export const tmpfsUnavailable: boolean = await (async () => {
  const dir = await Deno.makeTempDir();
  try {
    await run("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", dir);
    await run("umount", dir);
    return false;
  } catch (error) {
    if (inCi) throw new Error(`CI must be able to mount a tmpfs (it runs as root): ${error}`);
    console.warn(`Skipping the disk-full tests: cannot mount a tmpfs here (${error})`);
    return true;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
})();

async function run(...args: string[]): Promise<void> {
  const { code, stderr } = await new Deno.Command(args[0], { args: args.slice(1) }).output();
  if (code !== 0) throw new Error(`${args.join(" ")}: ${new TextDecoder().decode(stderr).trim()}`);
}

/** Fills the file system of `dir` with a filler file, then frees `leave` bytes of it. */
export async function fill(dir: string, leave: number): Promise<string> {
  const path = `${dir}/filler`;
  const file = await Deno.open(path, { write: true, create: true });
  try {
    const chunk = new Uint8Array(64 * 1024);
    let size = 0;
    try {
      while (true) size += await file.write(chunk);
    } catch (error) {
      if (!isDiskFull(error)) throw error;
    }
    await file.truncate(Math.max(0, size - leave));
  } finally {
    file.close();
  }
  return path;
}

/** Whether an error is ENOSPC, as Deno reports it (by message) or node:fs (by code). */
export function isDiskFull(error: unknown): boolean {
  return (error as { code?: string } | null)?.code === "ENOSPC" ||
    /No space left on device|os error 28/.test(String(error));
}
