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

const { values } = parseArgs({
  args: Deno.args,
  options: { "size-mib": { type: "string", default: "256" } },
});
const sizeMiB = Number(values["size-mib"]);
const worker = fileURLToPath(new URL("_gcs_worker.ts", import.meta.url));
const work = await Deno.makeTempDir({ prefix: "optuna-deno-gcs-bench-" });
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
  const server = await startGcsEmulator();
  console.log(
    `Round trip of ${sizeMiB} MiB through the Cloud Storage emulator (Deno ${Deno.version.deno})\n`,
  );
  const rows = [["what", "upload s", "download s", "MiB/s", "peak RSS MiB"]];
  for (
    const [label, mode] of [["optuna-deno GCSArtifactStore (streams)", "store"], [
      "SDK file.save(buffer) + file.download()",
      "sdk",
    ]]
  ) {
    const target = join(work, `out-${mode}`);
    const timeFile = join(work, "time.txt");
    const out = await new Deno.Command("/usr/bin/time", {
      args: [
        "-f",
        "%M",
        "-o",
        timeFile,
        Deno.execPath(),
        "run",
        "-A",
        worker,
        mode,
        server.endpoint,
        source,
        target,
      ],
    }).output();
    if (out.code !== 0) throw new Error(new TextDecoder().decode(out.stderr));
    const r = JSON.parse(new TextDecoder().decode(out.stdout).trim().split("\n").at(-1)!);
    const same =
      (await new Deno.Command("cmp", { args: ["-s", source, target] }).output()).code === 0;
    if (!same) throw new Error(`${label}: bytes differ`);
    const rss = Number(await Deno.readTextFile(timeFile)) / 1024;
    rows.push([
      label,
      r.upload.toFixed(2),
      r.download.toFixed(2),
      ((2 * sizeMiB) / (r.upload + r.download)).toFixed(0),
      rss.toFixed(0),
    ]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const r of rows) {
    console.log(r.map((c, i) => i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i])).join("  "));
  }
  console.log("\nEvery download byte-identical to the source (cmp).");
} finally {
  await Deno.remove(work, { recursive: true });
  Deno.exit(0); // stops the emulator
}
