/**
 * Benchmark: upload + download of 256 MiB through GCSArtifactStore against the Cloud Storage
 * emulator of firebase-tools (started here), next to the SDK's own `file.save()` of a whole
 * buffer and `file.download()`: wall time and the Deno process's peak RSS; every download is
 * compared with `cmp`.
 *
 * Usage: deno run -A bench/gcs_roundtrip.ts [--size-mib 256]
 *
 * @module
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { startGcsEmulator } from "../tests/_servers.ts";
import { measure, printTable, sameBytes, writeRandomFile } from "./_util.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: { "size-mib": { type: "string", default: "256" } },
});
const sizeMiB = Number(values["size-mib"]);
const worker = fileURLToPath(new URL("_gcs_worker.ts", import.meta.url));
const work = await Deno.makeTempDir({ prefix: "optuna-deno-gcs-bench-" });
try {
  const source = join(work, "source.bin");
  await writeRandomFile(source, sizeMiB);
  const server = await startGcsEmulator();
  console.log(
    `Round trip of ${sizeMiB} MiB through the Cloud Storage emulator (Deno ${Deno.version.deno})\n`,
  );
  const rows = [["what", "upload s", "download s", "MiB/s", "peak RSS MiB"]];
  const contenders = [
    ["optuna-deno GCSArtifactStore (streams)", "store"],
    ["SDK file.save(buffer) + file.download()", "sdk"],
  ];
  for (const [label, mode] of contenders) {
    const target = join(work, `out-${mode}`);
    const { json: r, rssMiB } = await measure(work, Deno.execPath(), [
      "run",
      "-A",
      worker,
      mode,
      server.endpoint,
      source,
      target,
    ]);
    if (!await sameBytes(source, target)) throw new Error(`${label}: bytes differ`);
    rows.push([
      label,
      r.upload.toFixed(2),
      r.download.toFixed(2),
      ((2 * sizeMiB) / (r.upload + r.download)).toFixed(0),
      rssMiB.toFixed(0),
    ]);
  }
  printTable(rows);
  console.log("\nEvery download byte-identical to the source (cmp).");
} finally {
  await Deno.remove(work, { recursive: true });
  Deno.exit(0); // stops the emulator
}
