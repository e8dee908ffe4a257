/**
 * Benchmark: 100 concurrent 1 MiB downloads through the HTTP handler on the file-system store,
 * next to `Deno.serve` serving the same files with a plain file stream. Each server runs in its
 * own process (peak RSS is the server's), warmed by three rounds first, as a long-running
 * server is; the client fetches every artifact at once and checks the total. Medians of
 * `--runs` rounds.
 *
 * Usage: deno run -A bench/http_downloads.ts [--count 100] [--mib 1] [--runs 11]
 *
 * @module
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { FileSystemArtifactStore } from "../stores/filesystem.ts";
import { JournalFileStorage } from "../storages/journal.ts";
import { createStudy } from "../study/create_study.ts";
import { uploadArtifact } from "../helpers/upload_artifact.ts";
import { freePort } from "../tests/_servers.ts";
import { printTable } from "./_util.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    count: { type: "string", default: "100" },
    mib: { type: "string", default: "1" },
    runs: { type: "string", default: "11" },
  },
});
const count = Number(values.count);
const bytes = Number(values.mib) * 1024 * 1024;
const runs = Number(values.runs);
const work = await Deno.makeTempDir({ prefix: "optuna-deno-http-bench-" });
try {
  const storeDir = join(work, "store");
  await Deno.mkdir(storeDir);
  const journal = join(work, "journal.log");
  const study = await createStudy({ storage: new JournalFileStorage(journal), studyName: "http" });
  const artifactStore = new FileSystemArtifactStore(storeDir, { sync: false });
  const ids: string[] = [];
  const body = new Uint8Array(bytes);
  for (let i = 0; i < count; i++) {
    crypto.getRandomValues(body.subarray(0, 65536));
    ids.push(
      await uploadArtifact({
        artifactStore,
        studyOrTrial: study,
        body,
        filename: `a-${i}.bin`,
        digest: false,
      }),
    );
  }

  const rows = [["server", "median s", "MiB/s", "server peak RSS MiB"]];
  for (const mode of ["handler", "plain"]) {
    const port = freePort();
    const server = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        fileURLToPath(new URL("_http_server.ts", import.meta.url)),
        mode,
        journal,
        storeDir,
        String(port),
      ],
      stdout: "piped",
    }).spawn();
    const reader = server.stdout.pipeThrough(new TextDecoderStream()).getReader();
    await reader.read(); // "ready"
    reader.releaseLock();
    const round = async () => {
      const start = performance.now();
      const sizes = await Promise.all(ids.map(async (id) => {
        const response = await fetch(`http://127.0.0.1:${port}/artifacts/${study.studyId}/${id}`);
        return (await response.arrayBuffer()).byteLength;
      }));
      if (sizes.some((s) => s !== bytes)) throw new Error(`${mode}: a download was short`);
      return (performance.now() - start) / 1000;
    };
    // A long-running server: its code compiled by the JIT, its files in the page cache.
    for (let warm = 0; warm < 3; warm++) await round();
    const times: number[] = [];
    for (let run = 0; run < runs; run++) times.push(await round());
    const status = await Deno.readTextFile(`/proc/${server.pid}/status`);
    const peak = Number(/VmHWM:\s+(\d+)/.exec(status)![1]) / 1024;
    server.kill();
    await server.status;
    await server.stdout.cancel().catch(() => {});
    const median = times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
    rows.push([
      mode === "handler"
        ? "createArtifactHandler (file-system store)"
        : "Deno.serve + file.readable",
      median.toFixed(3),
      ((count * bytes) / 1024 / 1024 / median).toFixed(0),
      peak.toFixed(0),
    ]);
  }
  console.log(
    `${count} concurrent downloads of ${values.mib} MiB each (Deno ${Deno.version.deno}, ` +
      `medians of ${runs})\n`,
  );
  printTable(rows);
} finally {
  await Deno.remove(work, { recursive: true });
}
