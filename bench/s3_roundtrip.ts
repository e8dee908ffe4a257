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
import { measure, printTable, sameBytes, writeRandomFile } from "./_util.ts";

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

try {
  const source = join(work, "source.bin");
  await writeRandomFile(source, sizeMiB);
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
      const { json: r, rssMiB } = await measure(work, cmd, [...prefix, ...args, source, target]);
      if (!await sameBytes(source, target)) {
        throw new Error(`${what} on ${server.name}: bytes differ`);
      }
      await Deno.remove(target);
      rows.push([
        server.name,
        what,
        r.upload.toFixed(2),
        r.download.toFixed(2),
        ((2 * sizeMiB) / (r.upload + r.download)).toFixed(0),
        rssMiB.toFixed(0),
      ]);
    }
  }
  printTable(rows, 2);
  console.log("\nEvery download byte-identical to the source (cmp).");
} finally {
  await Deno.remove(work, { recursive: true });
  Deno.exit(0); // stops s3rver
}
