/**
 * Benchmark: upload + download of one large file through S3ArtifactStore, against s3rver
 * (started here) and OpenStack Swift's S3 API (when OPTUNA_TEST_SWIFT_S3 is set, as .ci/run
 * sets it), next to Python Optuna's Boto3ArtifactStore (boto3) on the same server, in one run:
 * wall time and peak RSS of each process; every download is compared with `cmp`.
 *
 * Usage: deno run -A bench/s3_roundtrip.ts [--size-mib 1024] [--python python3]
 *
 * @module
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { type S3Server, startS3rver, swiftS3 } from "../tests/_servers.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    "size-mib": { type: "string", default: "1024" },
    python: { type: "string", default: "python3" },
  },
});
const sizeMiB = Number(values["size-mib"]);
const here = (name: string) => fileURLToPath(new URL(name, import.meta.url));
const work = await Deno.makeTempDir({ prefix: "optuna-deno-s3-bench-" });

async function measure(cmd: string, args: string[]) {
  const timeFile = join(work, "time.txt");
  const out = await new Deno.Command("/usr/bin/time", {
    args: ["-f", "%e %M", "-o", timeFile, cmd, ...args],
    env: { DENO_NO_UPDATE_CHECK: "1" },
  }).output();
  if (out.code !== 0) throw new Error(`${cmd}: ${new TextDecoder().decode(out.stderr)}`);
  const [, rssKiB] = (await Deno.readTextFile(timeFile)).trim().split(" ").map(Number);
  const times = JSON.parse(new TextDecoder().decode(out.stdout).trim().split("\n").at(-1)!);
  return { ...times, rssMiB: rssKiB / 1024 };
}

async function same(a: string, b: string) {
  return (await new Deno.Command("cmp", { args: ["-s", a, b] }).output()).code === 0;
}

try {
  const source = join(work, "source.bin");
  const file = await Deno.open(source, { write: true, create: true });
  const block = new Uint8Array(8 * 1024 * 1024);
  for (let i = 0; i < sizeMiB / 8; i++) {
    for (let j = 0; j < block.length; j += 65536) {
      crypto.getRandomValues(block.subarray(j, j + 65536));
    }
    await file.write(block);
  }
  file.close();

  const servers: S3Server[] = [await startS3rver()];
  const swift = swiftS3();
  if (swift.server) servers.push(swift.server);
  const hasBoto = (await new Deno.Command(values.python!, {
    args: ["-c", "import optuna.artifacts, boto3"],
    stderr: "null",
  }).output().catch(() => ({ code: 1 }))).code === 0;
  console.log(`Round trip of ${sizeMiB} MiB through S3 (Deno ${Deno.version.deno})\n`);
  if (!hasBoto) console.log(`(${values.python} lacks optuna or boto3: Python baseline skipped)\n`);

  const rows = [["server", "what", "upload s", "download s", "MiB/s", "peak RSS MiB"]];
  for (const server of servers) {
    const args = [server.endpoint, server.bucket, server.accessKeyId, server.secretAccessKey];
    const contenders: Array<[string, string, string[]]> = [
      ["optuna-deno S3ArtifactStore", Deno.execPath(), ["run", "-A", here("_s3_worker.ts")]],
    ];
    if (hasBoto) {
      contenders.push(["Python Optuna Boto3ArtifactStore", values.python!, [
        here("_optuna_s3.py"),
      ]]);
    }
    for (const [what, cmd, prefix] of contenders) {
      const target = join(work, `out-${crypto.randomUUID()}`);
      const r = await measure(cmd, [...prefix, ...args, source, target]);
      if (!await same(source, target)) throw new Error(`${what} on ${server.name}: bytes differ`);
      await Deno.remove(target);
      rows.push([
        server.name,
        what,
        r.upload.toFixed(2),
        r.download.toFixed(2),
        ((2 * sizeMiB) / (r.upload + r.download)).toFixed(0),
        r.rssMiB.toFixed(0),
      ]);
    }
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const r of rows) {
    console.log(r.map((c, i) => i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i])).join("  "));
  }
  console.log("\nEvery download byte-identical to the source (cmp).");
} finally {
  await Deno.remove(work, { recursive: true });
  Deno.exit(0); // stops s3rver
}
