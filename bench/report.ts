/**
 * The benchmark report: every comparison in one run, written to `bench/results/` as
 * `report.md` with SVG plots of throughput and peak RSS against artifact size.
 *
 * - File system: optuna-deno's FileSystemArtifactStore (synced, the default, and
 *   `sync: false`, each with an XXH3-128 digest (the default) and a SHA-256 one recorded at
 *   upload and checked at download; and `sync: false` without one) next to `cp`, `cp` +
 *   `sync FILE` and Python Optuna's store.
 * - S3: optuna-deno's S3ArtifactStore (with each digest and without) next to Python Optuna's
 *   Boto3ArtifactStore, on s3rver (started here) and on Swift when `OPTUNA_TEST_SWIFT_S3` is
 *   set (as `.ci/run` sets it).
 * - Journal: `bench/journal_meta.ts`, whose table is copied in.
 * - gRPC storage proxy: `bench/grpc_list.ts` (when `--python` has grpcio), copied in too.
 * - HTTP handler: `bench/http_downloads.ts`, 100 concurrent 1 MiB downloads, copied in too.
 * - TPE quality: `bench/tpe_quality.ts`, Deno's TPESampler next to Python's and to random
 *   sampling on three functions, copied in with its plots (`tpe_*.svg`).
 *
 * Each round trip uploads a file of random bytes with `uploadArtifact`, downloads it with
 * `downloadArtifact` (the baselines: their own way) and compares the copy with `cmp`. Times are
 * the phases measured inside each process; peak RSS is the process's (GNU time). Python parts
 * are skipped with a note when `--python` lacks optuna (or boto3).
 *
 * With `--node` and `--bun` (binaries), optuna-deno's file-system, S3 and journal workers run
 * on Node.js and Bun as well, from the package as JSR serves it to them (`bench/_runtimes.ts`).
 *
 * Usage: deno task bench [--sizes 1,4,16,64,256,1024] [--runs 1]
 *   [--only filesystem,s3,journal,grpc,http,tpe]
 *   [--python python3] [--node PATH] [--bun PATH] [--out bench/results]
 *
 * @module
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { type S3Server, startS3rver, swiftS3 } from "../tests/_servers.ts";
import { lineChart, type Series } from "./_svg.ts";
import { measure, type Measured, pythonVersion, sameBytes, writeRandomFile } from "./_util.ts";
import { deno as denoRuntime, otherRuntimes } from "./_runtimes.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    sizes: { type: "string", default: "1,4,16,64,256,1024" },
    runs: { type: "string", default: "1" },
    only: { type: "string", default: "filesystem,s3,journal,grpc,http,tpe" },
    python: { type: "string", default: "python3" },
    node: { type: "string" },
    bun: { type: "string" },
    out: { type: "string", default: fileURLToPath(new URL("results", import.meta.url)) },
  },
});
const sizes = values.sizes!.split(",").map(Number);
const runs = Number(values.runs);
const only = new Set(values.only!.split(","));
const python = values.python!;
/** A digest the workers record and check, or none. */
type Digest = "xxh128" | "sha256" | "no-digest";
const DIGEST_LABEL: Record<Digest, string> = {
  xxh128: "XXH3-128",
  sha256: "SHA-256",
  "no-digest": "no digest",
};
/** The S3 store's default downloadConcurrency, for the rows that vary something else. */
const DOWNLOAD_RANGES = 3;
const here = (name: string) => fileURLToPath(new URL(name, import.meta.url));
const work = await Deno.makeTempDir({ prefix: "optuna-deno-report-" });
const buildDir = join(work, "js");
const runtimes = await otherRuntimes(buildDir, { node: values.node, bun: values.bun });

/** One round trip's result. */
interface Result {
  upload: number;
  download: number;
  rss: number;
  /** The CPU of each process: the round trip's, or the upload's and the download's. */
  cpu: Cpu[];
  /** Each phase's peak RSS, where the phases ran as processes of their own. */
  rssUpload?: number;
  rssDownload?: number;
}

/** CPU seconds of one process, start-up included: in user space and in the kernel. */
interface Cpu {
  user: number;
  system: number;
}

const cpuOf = (run: Measured): Cpu => ({ user: run.userSeconds, system: run.systemSeconds });

/** A way to move a file into a store and back out, run as its own process(es). */
interface Contender {
  name: string;
  /** The baseline the ratios are taken against, if any: "limit" or "python". */
  role?: "limit" | "python";
  run(source: string, dir: string): Promise<Result>;
}

/** A worker process that prints {upload, download} after a round trip into `dir`. */
function worker(name: string, cmd: string, args: string[], role?: "python"): Contender {
  return {
    name,
    role,
    async run(source, dir) {
      const target = join(dir, "out");
      const run = await flushed(cmd, [...args, source, join(dir, "store"), target]);
      await check(name, source, target);
      return together(run);
    },
  };
}

/**
 * Two copies by one command (in, then out), as the limit. Like a round trip in one process,
 * the second starts right after the first, whose bytes are still being written back.
 */
function copies(name: string, copy: (from: string, to: string) => [string, string[]]): Contender {
  return {
    name,
    role: "limit",
    async run(source, dir) {
      const up = await flushed(...copy(source, join(dir, "in")));
      const down = await measure(work, ...copy(join(dir, "in"), join(dir, "out")));
      await check(name, source, join(dir, "out"));
      return { ...phasesApart(up, down), upload: up.wall, download: down.wall };
    },
  };
}

/** The result of a round trip in one process, which printed {upload, download}. */
function together(run: Measured): Result {
  return {
    upload: run.json.upload,
    download: run.json.download,
    rss: run.rssMiB,
    cpu: [cpuOf(run)],
  };
}

/** The result of an upload and a download that ran as processes of their own. */
function phasesApart(up: Measured, down: Measured): Result {
  return {
    upload: up.json?.upload,
    download: down.json?.download,
    rss: Math.max(up.rssMiB, down.rssMiB),
    cpu: [cpuOf(up), cpuOf(down)],
    rssUpload: up.rssMiB,
    rssDownload: down.rssMiB,
  };
}

/**
 * MiB of page cache freed just before each measured process: the artifact's size. On this
 * kind of machine a memory balloon hands memory freed some seconds ago back to the host, and
 * writing into it again costs 2-3 s of kernel time per GiB, against 0.2-0.6 s for memory freed
 * just before (docs/benchmarks.md). Without this, a phase that follows one which freed much
 * (Python's upload holds the whole file) would write into cheaper memory than one that does not.
 */
let freedMiB = 0;

/**
 * Measures after `sync` and after removing a scratch file of `freedMiB`, so no run pays for the
 * previous one's write-back and each starts with the same memory freed just before it.
 */
async function flushed(cmd: string, args: string[]) {
  const sync = () => new Deno.Command("sync").output();
  if (freedMiB > 0) {
    const scratch = join(work, "scratch.bin");
    await Deno.writeFile(scratch, ReadableStream.from(zeros(freedMiB)));
    await sync();
    await Deno.remove(scratch);
  }
  await sync();
  return await measure(work, cmd, args);
}

function* zeros(sizeMiB: number) {
  const block = new Uint8Array(1024 * 1024);
  for (let i = 0; i < sizeMiB; i++) yield block;
}

async function check(name: string, source: string, copy: string) {
  if (!await sameBytes(source, copy)) throw new Error(`${name}: the copy differs`);
}

/** Runs every contender at every size; the median of `runs` runs of each. */
async function sweep(title: string, contenders: Contender[]) {
  const results = new Map<string, Map<number, Result>>();
  for (const size of sizes) {
    const source = join(work, "source.bin");
    await writeRandomFile(source, size);
    freedMiB = size;
    for (const contender of contenders) {
      const samples: Result[] = [];
      for (let i = 0; i < runs; i++) {
        const dir = join(work, "run");
        await Deno.remove(dir, { recursive: true }).catch(() => {});
        await Deno.mkdir(join(dir, "store"), { recursive: true });
        samples.push(await contender.run(source, dir));
      }
      const median = (pick: (r: Result) => number) =>
        samples.map(pick).sort((a, b) => a - b)[Math.floor(samples.length / 2)];
      const most = (pick: (r: Result) => number | undefined) => {
        const picked = samples.map(pick).filter((v) => v !== undefined);
        return picked.length ? Math.max(...picked) : undefined;
      };
      const result: Result = {
        upload: median((r) => r.upload),
        download: median((r) => r.download),
        rss: most((r) => r.rss)!,
        cpu: samples[0].cpu.map((_, i) => ({
          user: median((r) => r.cpu[i].user),
          system: median((r) => r.cpu[i].system),
        })),
        rssUpload: most((r) => r.rssUpload),
        rssDownload: most((r) => r.rssDownload),
      };
      if (!results.has(contender.name)) results.set(contender.name, new Map());
      results.get(contender.name)!.set(size, result);
      console.log(`${title} ${size} MiB ${contender.name}: ${JSON.stringify(result)}`);
    }
  }
  return results;
}

const throughput = (size: number, r: Result) => (2 * size) / (r.upload + r.download);

/** The section of the report for one sweep: a table per size and two plots. */
async function section(
  title: string,
  slug: string,
  contenders: Contender[],
  results: Map<string, Map<number, Result>>,
): Promise<string> {
  const lines = [`## ${title}`, ""];
  const baseline = (role: "limit" | "python", size: number) => {
    const contender = contenders.find((c) => c.role === role);
    return contender && results.get(contender.name)?.get(size);
  };
  for (const size of sizes) {
    lines.push(
      `**${size} MiB**`,
      "",
      "| what | upload s | download s | MiB/s | CPU s, user + kernel | peak RSS MiB | " +
        "time / limit | time / Python |",
      "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    );
    for (const contender of contenders) {
      const r = results.get(contender.name)?.get(size);
      if (!r) continue;
      const total = r.upload + r.download;
      const ratio = (base?: Result) =>
        base ? (total / (base.upload + base.download)).toFixed(2) : "-";
      // Each phase's peak (and CPU) where they ran apart (upload / download), else the process's.
      const rss = r.rssUpload !== undefined && r.rssDownload !== undefined
        ? `${r.rssUpload.toFixed(0)} / ${r.rssDownload.toFixed(0)}`
        : r.rss.toFixed(0);
      lines.push(
        `| ${contender.name} | ${r.upload.toFixed(3)} | ${r.download.toFixed(3)} | ` +
          `${throughput(size, r).toFixed(0)} | ` +
          `${r.cpu.map((c) => `${c.user.toFixed(2)} + ${c.system.toFixed(2)}`).join(" / ")} | ` +
          `${rss} | ` +
          `${ratio(baseline("limit", size))} | ${ratio(baseline("python", size))} |`,
      );
    }
    lines.push("");
  }
  const series = (value: (size: number, r: Result) => number): Series[] =>
    [...results].map(([name, bySize]) => ({
      name,
      points: [...bySize].map(([size, r]) => [size, value(size, r)] as [number, number]),
    }));
  await Deno.writeTextFile(
    join(values.out!, `${slug}_throughput.svg`),
    lineChart(series(throughput), {
      title: `${title}: round-trip throughput`,
      xLabel: "artifact size (MiB, log scale)",
      yLabel: "MiB/s (up + down)",
    }),
  );
  await Deno.writeTextFile(
    join(values.out!, `${slug}_rss.svg`),
    lineChart(series((_, r) => r.rss), {
      title: `${title}: peak RSS`,
      xLabel: "artifact size (MiB, log scale)",
      yLabel: "MiB",
    }),
  );
  lines.push(`![throughput](${slug}_throughput.svg)`, "", `![peak RSS](${slug}_rss.svg)`, "");
  return lines.join("\n");
}

try {
  await Deno.mkdir(values.out!, { recursive: true });
  const pyOptuna = await pythonVersion(python, ["optuna"]);
  const pyBoto = await pythonVersion(python, ["optuna", "boto3"]);
  const report = [
    "# Benchmark report",
    "",
    `Made by \`deno task bench\` on ${new Date().toISOString().slice(0, 10)}: ` +
    `${navigator.hardwareConcurrency} cores, Deno ${Deno.version.deno}, ` +
    `Python Optuna ${pyOptuna ?? "missing (its rows are skipped)"}; sizes ${sizes.join(", ")} ` +
    `MiB of random bytes, median of ${runs} run(s) each. Times are the upload and download ` +
    "phases measured inside each process (for `cp`, the whole process). Peak RSS is each " +
    "process's maximum resident set size (the largest of the runs) and CPU its user and kernel " +
    'seconds (the median), start-up included; "up / down" where the upload and the download ' +
    "ran as processes of their own. The kernel's share holds the page faults of filling the " +
    "page cache, which vary from run to run on this kind of machine (see docs/benchmarks.md): " +
    "before each measured process (but the second `cp`, which follows the first at once), a " +
    "scratch file as large as the artifact is written, synced and removed, so that each starts " +
    'with the same memory freed just before it. On S3, "time / Python" is taken against ' +
    "Python's row with a process per phase, as optuna-deno's rows run; the row with both " +
    "phases in one process downloads with a client and a connection already warm. Every copy " +
    "was compared with `cmp`.",
    "",
  ];

  if (only.has("filesystem")) {
    const deno = (sync: boolean, digest: Digest) =>
      worker(
        `optuna-deno (${sync ? "synced" : "sync: false"}, ${DIGEST_LABEL[digest]})`,
        Deno.execPath(),
        [
          "run",
          "--allow-read",
          "--allow-write",
          here("_filesystem_worker.ts"),
          sync ? "durable" : "scratch",
          digest,
        ],
      );
    const contenders = [
      copies("cp", (from, to) => ["cp", [from, to]]),
      copies("cp + sync FILE", (from, to) => [
        "sh",
        ["-c", 'cp "$1" "$2" && sync "$2"', "sh", from, to],
      ]),
      deno(true, "xxh128"),
      deno(true, "sha256"),
      deno(false, "xxh128"),
      deno(false, "sha256"),
      deno(false, "no-digest"),
      ...runtimes.flatMap((runtime) =>
        [true, false].map((sync) =>
          worker(
            `optuna-deno on ${runtime.label} (${sync ? "synced" : "sync: false"}, XXH3-128)`,
            runtime.cmd,
            [...runtime.args("_filesystem_worker.ts"), sync ? "durable" : "scratch", "xxh128"],
          )
        )
      ),
    ];
    if (pyOptuna) {
      contenders.push(
        worker(
          `Python Optuna ${pyOptuna} (no sync)`,
          python,
          [here("_optuna_filesystem.py")],
          "python",
        ),
      );
    }
    report.push(
      await section(
        "File system",
        "filesystem",
        contenders,
        await sweep("filesystem", contenders),
      ),
    );
  }

  if (only.has("s3")) {
    const servers: S3Server[] = [await startS3rver()];
    const swift = swiftS3();
    if (swift.server) servers.push(swift.server);
    else report.push("(Swift skipped: set OPTUNA_TEST_SWIFT_S3, as .ci/run does)", "");
    if (!pyBoto) report.push(`(${python} lacks optuna or boto3: the Python rows are skipped)`, "");
    for (const server of servers) {
      const credentials = [
        server.endpoint,
        server.bucket,
        server.accessKeyId,
        server.secretAccessKey,
      ];
      const script = [here("_optuna_s3.py"), ...credentials];
      // Both phases in one process, as timed_round_trip runs them.
      const pythonTogether: Contender = {
        name: `Python Optuna ${pyBoto} (boto3, one process)`,
        async run(source, dir) {
          const target = join(dir, "out");
          const run = await flushed(python, [...script, "round-trip", source, target]);
          await check(this.name, source, target);
          return together(run);
        },
      };
      // Each phase in a process of its own, as optuna-deno's rows run: the baseline.
      const pythonApart: Contender = {
        name: `Python Optuna ${pyBoto} (boto3, a process per phase)`,
        role: "python",
        async run(source, dir) {
          const target = join(dir, "out");
          const up = await flushed(python, [...script, "upload", source]);
          const down = await flushed(python, [...script, "download", up.json.artifactId, target]);
          await check(this.name, source, target);
          return phasesApart(up, down);
        },
      };
      // Each phase in its own process, so each has its own peak RSS.
      const deno = (
        digest: Digest,
        put: "single" | "multipart",
        ranges: number,
        runtime = denoRuntime,
      ): Contender => {
        const on = runtime === denoRuntime ? "" : ` on ${runtime.label}`;
        const name = `optuna-deno${on} (${DIGEST_LABEL[digest]}` +
          `${put === "multipart" ? ", multipart" : ""}, ${ranges} range${ranges > 1 ? "s" : ""})`;
        return {
          name,
          async run(source, dir) {
            const phase = (which: string, from: string) =>
              flushed(runtime.cmd, [
                ...runtime.args("_s3_worker.ts"),
                which,
                digest,
                put,
                String(ranges),
                ...credentials,
                from,
                join(dir, "out"),
                join(dir, "journal.log"),
              ]);
            const up = await phase("upload", source);
            const down = await phase("download", up.json.artifactId);
            await check(name, source, join(dir, "out"));
            return phasesApart(up, down);
          },
        };
      };
      // The limit of one stream: curl signs its own requests (SigV4) and streams the file.
      const sigv4 = [
        "-sSf",
        "--aws-sigv4",
        "aws:amz:us-east-1:s3",
        "--user",
        `${server.accessKeyId}:${server.secretAccessKey}`,
        "-H",
        "x-amz-content-sha256: UNSIGNED-PAYLOAD",
      ];
      const url = `${server.endpoint}/${server.bucket}/curl-${crypto.randomUUID()}`;
      const contenders = [
        // curl's --user ends the key at its first ":", which Swift's tempauth keys contain.
        ...server.accessKeyId.includes(":") ? [] : [
          copies(
            "curl (one stream each way)",
            (from, to) =>
              to.endsWith("/in")
                ? ["curl", [...sigv4, "-T", from, url]]
                : ["curl", [...sigv4, "-o", to, url]],
          ),
        ],
        ...[1, 2, 3, 4, 8].map((ranges) => deno("xxh128", "single", ranges)),
        deno("sha256", "single", DOWNLOAD_RANGES),
        deno("no-digest", "single", DOWNLOAD_RANGES),
        deno("xxh128", "multipart", DOWNLOAD_RANGES),
        ...runtimes.map((runtime) => deno("xxh128", "single", DOWNLOAD_RANGES, runtime)),
      ];
      if (pyBoto) contenders.push(pythonTogether, pythonApart);
      const slug = `s3_${server.name.toLowerCase()}`;
      report.push(
        await section(`S3 on ${server.name}`, slug, contenders, await sweep(slug, contenders)),
      );
    }
  }

  // Benchmarks with their own table, copied in as they print it.
  const copied = async (title: string, script: string, args: string[] = []) => {
    const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "--lock=.deno.lock", here(script), ...args],
      env: { NO_COLOR: "1" },
    }).output();
    if (code !== 0) throw new Error(`${script}: ${new TextDecoder().decode(stderr)}`);
    report.push(`## ${title}`, "", "```", new TextDecoder().decode(stdout).trim(), "```", "");
  };
  if (only.has("grpc")) await copied("gRPC storage proxy", "grpc_list.ts", ["--python", python]);
  if (only.has("http")) await copied("HTTP handler", "http_downloads.ts");
  if (only.has("journal")) {
    const on = [values.node && `--node=${values.node}`, values.bun && `--bun=${values.bun}`];
    const build = runtimes.length ? [`--build=${buildDir}`] : [];
    await copied("Journal", "journal_meta.ts", [
      "--python",
      python,
      ...build,
      ...on.filter((arg): arg is string => Boolean(arg)),
    ]);
  }
  if (only.has("tpe")) {
    await copied("TPE quality", "tpe_quality.ts", ["--python", python, "--out", values.out!]);
    report.push(...["sphere", "branin", "mix5"].map((f) => `![${f}](tpe_${f}.svg)`), "");
  }

  await Deno.writeTextFile(join(values.out!, "report.md"), report.join("\n"));
  console.log(`\nWrote ${join(values.out!, "report.md")}`);
} catch (error) {
  console.error(error);
  Deno.exitCode = 1;
} finally {
  await Deno.remove(work, { recursive: true });
  Deno.exit(); // stops s3rver
}
