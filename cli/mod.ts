/**
 * The `optuna-artifacts` command line: list, fetch, upload and remove the artifacts of an
 * Optuna study from the shell, in any storage Optuna uses and any artifact store.
 *
 * ```sh
 * deno run -A jsr:@optuna-deno/artifacts/cli ls --storage ./optuna-journal.log --store ./artifacts --all-trials
 * ```
 *
 * @example Run it from a program
 * ```ts ignore
 * import { main } from "@optuna-deno/artifacts/cli";
 * const code = await main(["ls", "--storage", "sqlite:///optuna.db", "--store", "./artifacts"]);
 * ```
 *
 * @module
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { ArtifactNotFoundError } from "../stores/errors.ts";
import { downloadArtifact } from "../helpers/download_artifact.ts";
import type { ArtifactMeta } from "../helpers/types.ts";
import { getAllArtifactMeta } from "../helpers/get_all_artifact_meta.ts";
import { removeArtifact } from "../helpers/remove_artifact.ts";
import { verifyArtifacts, type VerifyReport } from "../helpers/verify_artifacts.ts";
import { createArtifactHandler } from "../http/handler.ts";
import { contentDisposition } from "../http/_content_disposition.ts";
import type { FrozenTrial, StudyStorage } from "../storages/types.ts";
import type { ParamValue } from "../distributions/distributions.ts";
import type { ArtifactStore } from "../stores/types.ts";
import type { StudyOrTrial } from "../study/study_or_trial.ts";
import { uploadArtifact } from "../helpers/upload_artifact.ts";
import { safeFilename } from "../helpers/safe_filename.ts";
import { openArtifactStore, openStorage, UsageError } from "./_targets.ts";
import { formatBytes, ProgressBar } from "./_progress_bar.ts";
import { FileSystemArtifactStore } from "../stores/filesystem.ts";
import { removeStaleTempFiles } from "../_common/atomic_file.ts";
import { displayText, formatTable } from "./_table.ts";
import type { TransferProgress } from "../helpers/types.ts";

/** The help text. */
export const USAGE: string = `Usage: optuna-artifacts <command> [options]

Commands:
  ls [--trial N | --all-trials] [--json]   list the artifacts of the study, a trial, or all
  get ID [-o FILE | -o -]                   download one artifact (default: its file name here),
                                            checked against its digest (not with -o -)
  get --trial N --all -o DIR                download every artifact of a trial into DIR
  put FILE... [--trial N] [--mimetype T] [--encoding E] [--json]
                                            upload files to the study or to a running trial
  rm ID [--trial N]                         remove an artifact (blob and metadata)
  url ID [--expires DURATION]               a presigned URL that downloads the artifact without
                                            credentials (S3, GCS; default 15m, at most 7d)
  verify [--trial N | --all-trials] [--fix-orphans [--older-than DURATION]] [--json]
                                            check that every blob exists and matches the
                                            digest recorded at upload, and find blobs that no
                                            metadata names (orphans); --fix-orphans removes
                                            those older than DURATION (default 1h)
  serve [--port N] [--host H] [--allow-writes] [--max-upload BYTES]
                                            serve the artifacts over HTTP: an HTML index at /,
                                            optuna-dashboard's artifact URLs, JSON lists;
                                            read-only unless --allow-writes (default port 8000,
                                            host 127.0.0.1)
  sweep [DIR...] [--older-than DURATION]    remove temporary files that killed writes left in
                                            the store's folder and in download folders DIR
                                            (default 1h; a write in progress is never touched)

Options:
  --storage SPEC  Optuna storage: a journal file, sqlite:///PATH, postgresql://...,
                  grpc://HOST:PORT (Optuna's gRPC storage proxy)
                  (default: $OPTUNA_STORAGE)
  --store SPEC    artifact store: DIR or file:DIR, s3://BUCKET[/PREFIX], gs://BUCKET[/PREFIX]
                  (default: $OPTUNA_ARTIFACT_STORE)
  --study NAME    the study (default: the only study in the storage)
  -q, --quiet     no progress bar
  -h, --help      this help

Exit codes: 0 success, 1 failure (verify: anything wrong), 2 usage error.`;

const OPTIONS = {
  storage: { type: "string" },
  store: { type: "string" },
  study: { type: "string" },
  trial: { type: "string" },
  "all-trials": { type: "boolean" },
  all: { type: "boolean" },
  json: { type: "boolean" },
  output: { type: "string", short: "o" },
  mimetype: { type: "string" },
  encoding: { type: "string" },
  quiet: { type: "boolean", short: "q" },
  "older-than": { type: "string" },
  "fix-orphans": { type: "boolean" },
  port: { type: "string" },
  host: { type: "string" },
  "allow-writes": { type: "boolean" },
  "max-upload": { type: "string" },
  expires: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>[
  "values"
];

interface Context {
  values: Values;
  ids: string[];
  storage: StudyStorage;
  store: ArtifactStore;
  studyId: number;
}

/** One listed artifact, as `ls --json` prints it. */
interface Row {
  artifact_id: string;
  filename: string;
  mimetype: string;
  encoding: string | null;
  trial: number | null;
  state: string | null;
  /** The trial's objective values (null for the study's artifacts and unfinished trials). */
  values: number[] | null;
  /** The trial's parameters (null for the study's artifacts). */
  params: Record<string, ParamValue> | null;
}

/**
 * Runs the command line.
 *
 * @param args The arguments, without the program name.
 * @returns The exit code: 0 success, 1 failure, 2 usage error.
 */
export async function main(args: string[]): Promise<number> {
  let values: Values;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args, options: OPTIONS, allowPositionals: true }));
  } catch (error) {
    return usageError((error as Error).message);
  }
  const [command, ...ids] = positionals;
  if (values.help || command === "help") {
    console.log(USAGE);
    return 0;
  }
  if (!command) return usageError("Give a command: ls, get, put, rm, url, verify, serve or sweep");
  const run = COMMANDS[command];
  if (!run && command !== "sweep" && command !== "serve") {
    return usageError(
      `Unknown command "${command}": use ls, get, put, rm, url, verify, serve or sweep`,
    );
  }
  const storageSpec = values.storage ?? Deno.env.get("OPTUNA_STORAGE");
  const storeSpec = values.store ?? Deno.env.get("OPTUNA_ARTIFACT_STORE");
  if (!storeSpec) {
    return usageError("Give the artifact store with --store (or $OPTUNA_ARTIFACT_STORE)");
  }
  if (!storageSpec && command !== "sweep") {
    return usageError("Give the Optuna storage with --storage (or $OPTUNA_STORAGE)");
  }
  let opened: Awaited<ReturnType<typeof openStorage>> | undefined;
  try {
    if (command === "sweep") {
      await sweep(values, ids, await openArtifactStore(storeSpec));
      return 0;
    }
    opened = await openStorage(storageSpec!);
    const store = await openArtifactStore(storeSpec);
    if (command === "serve") {
      await serve(values, opened.storage, store);
      return 0;
    }
    const studyId = await findStudy(opened.storage, values.study);
    return await run!({ values, ids, storage: opened.storage, store, studyId }) ?? 0;
  } catch (error) {
    if (error instanceof UsageError) return usageError(error.message);
    console.error(`optuna-artifacts: ${(error as Error).message ?? error}`);
    if (Deno.env.get("OPTUNA_ARTIFACTS_DEBUG")) console.error(error);
    return 1;
  } finally {
    await opened?.close();
  }
}

function usageError(message: string): number {
  console.error(`optuna-artifacts: ${message}\nRun "optuna-artifacts --help" for usage.`);
  return 2;
}

async function findStudy(storage: StudyStorage, name: string | undefined): Promise<number> {
  if (name !== undefined) return await storage.getStudyIdFromName(name);
  const studies = await storage.getAllStudies();
  if (studies.length !== 1) {
    const names = studies.map((s) => `"${s.studyName}"`).join(", ");
    throw new UsageError(
      `The storage holds ${studies.length} studies${
        names ? ` (${names})` : ""
      }; choose one with --study`,
    );
  }
  return studies[0].studyId;
}

function trialNumber(values: Values): number | undefined {
  if (values.trial === undefined) return undefined;
  const number = Number(values.trial);
  if (!/^\d+$/.test(values.trial) || !Number.isSafeInteger(number)) {
    throw new UsageError(
      `Cannot read the trial number "${values.trial}": use a decimal number, 0, 1, 2, ...`,
    );
  }
  return number;
}

async function trialOf(context: Context, number: number): Promise<FrozenTrial> {
  const id = await context.storage.getTrialIdFromStudyIdTrialNumber(context.studyId, number);
  return await context.storage.getTrial(id);
}

/** The artifacts of the study (trial null) and of the given trials, as rows. */
async function rowsOf(context: Context, trials: FrozenTrial[], withStudy: boolean) {
  const { storage, studyId } = context;
  const rows: Row[] = [];
  const add = (metas: ArtifactMeta[], trial: FrozenTrial | null) => {
    for (const m of metas) {
      rows.push({
        artifact_id: m.artifactId,
        filename: m.filename,
        mimetype: m.mimetype,
        encoding: m.encoding,
        trial: trial?.number ?? null,
        state: trial?.state ?? null,
        values: trial?.values ?? null,
        params: trial ? trial.params : null,
      });
    }
  };
  if (withStudy) add(await getAllArtifactMeta({ studyId, storage }), null);
  for (const trial of trials) {
    add(await getAllArtifactMeta({ trialId: trial.trialId, storage }), trial);
  }
  return rows;
}

/** Where an artifact id is listed: the study, the `--trial`, or any trial. */
async function locate(context: Context, artifactId: string) {
  const number = trialNumber(context.values);
  const trials = number === undefined
    ? await context.storage.getAllTrials(context.studyId)
    : [await trialOf(context, number)];
  const rows = await rowsOf(context, trials, number === undefined);
  const row = rows.find((r) => r.artifact_id === artifactId);
  if (!row) {
    throw new ArtifactNotFoundError(artifactId, {
      location: number === undefined ? "the study or its trials" : `trial ${number}`,
    });
  }
  const trial = row.trial === null ? undefined : trials.find((t) => t.number === row.trial);
  const target: StudyOrTrial = trial
    ? { trialId: trial.trialId, storage: context.storage }
    : { studyId: context.studyId, storage: context.storage };
  return { row, target };
}

function progress(values: Values, label: string) {
  if (values.quiet || !Deno.stderr.isTerminal()) return { onProgress: undefined, done() {} };
  const bar = new ProgressBar(displayText(label), Deno.stderr);
  return {
    onProgress: (p: TransferProgress) => bar.update(p),
    done: () => bar.done(),
  };
}

/** Parameters as `name=value` pairs, strings bare, as optuna-dashboard shows them. */
function formatParams(params: Record<string, ParamValue> | null): string {
  const entries = Object.entries(params ?? {});
  if (entries.length === 0) return "-";
  return entries.map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
    .join(" ");
}

function printTable(rows: Row[]) {
  const header = ["ID", "FILENAME", "MIMETYPE", "ENCODING", "TRIAL", "STATE", "VALUES", "PARAMS"];
  const table = [header].concat(
    rows.map((r) => [
      r.artifact_id,
      r.filename,
      r.mimetype,
      r.encoding ?? "-",
      r.trial === null ? "study" : String(r.trial),
      r.state ?? "-",
      r.values?.join(",") ?? "-",
      formatParams(r.params),
    ]),
  );
  for (const line of formatTable(table)) console.log(line);
}

const COMMANDS: Record<string, (context: Context) => Promise<number | void>> = {
  async ls(context) {
    const { values } = context;
    const number = trialNumber(values);
    if (number !== undefined && values["all-trials"]) {
      throw new UsageError("Give either --trial N or --all-trials, not both");
    }
    const trials = number !== undefined
      ? [await trialOf(context, number)]
      : values["all-trials"]
      ? await context.storage.getAllTrials(context.studyId)
      : [];
    const rows = await rowsOf(context, trials, number === undefined);
    if (values.json) console.log(JSON.stringify(rows, null, 2));
    else printTable(rows);
  },

  async get(context) {
    const { values, ids, store } = context;
    if (values.all) {
      const number = trialNumber(values);
      if (number === undefined || !values.output || ids.length > 0) {
        throw new UsageError("get --all needs --trial N and -o DIR, and no artifact id");
      }
      const trial = await trialOf(context, number);
      const rows = await rowsOf(context, [trial], false);
      // Every recorded name is checked before anything is written.
      const used = new Set<string>();
      const targets = rows.map((row) => {
        const safe = safeFilename(row.filename);
        // Two artifacts with one file name: the second keeps its id in front.
        const name = used.has(safe) ? `${row.artifact_id}-${safe}` : safe;
        used.add(name);
        return { row, path: join(values.output!, name) };
      });
      await Deno.mkdir(values.output, { recursive: true });
      for (const { row, path } of targets) {
        const target = { trialId: trial.trialId, storage: context.storage };
        await download(context, target, row.artifact_id, path, row.filename);
        console.log(path);
      }
      return;
    }
    if (ids.length !== 1) throw new UsageError("get takes one artifact id (or --trial N --all)");
    const { row, target } = await locate(context, ids[0]);
    if (values.output === "-") {
      await (await store.open(row.artifact_id)).pipeTo(Deno.stdout.writable, {
        preventClose: true,
      });
      return;
    }
    const filePath = values.output ?? safeFilename(row.filename);
    await download(context, target, row.artifact_id, filePath, row.filename);
  },

  async put(context) {
    const { values, ids: files, storage, store, studyId } = context;
    if (files.length === 0) throw new UsageError("put takes one or more files");
    const number = trialNumber(values);
    const studyOrTrial: StudyOrTrial = number === undefined
      ? { studyId, storage }
      : { trialId: (await trialOf(context, number)).trialId, storage };
    const uploaded = [];
    for (const filePath of files) {
      const bar = progress(values, filePath);
      let artifactId: string;
      try {
        artifactId = await uploadArtifact({
          artifactStore: store,
          studyOrTrial,
          filePath,
          mimetype: values.mimetype,
          encoding: values.encoding,
          onProgress: bar.onProgress,
        });
      } finally {
        bar.done(); // clear the bar before anything else is printed on its line
      }
      uploaded.push({ artifact_id: artifactId, file: filePath });
      if (!values.json) console.log(`${artifactId}\t${filePath}`);
    }
    if (values.json) console.log(JSON.stringify(uploaded, null, 2));
  },

  async verify(context) {
    const { values, storage, store, studyId } = context;
    const number = trialNumber(values);
    if (number !== undefined && values["all-trials"]) {
      throw new UsageError("Give either --trial N or --all-trials, not both");
    }
    if (values["older-than"] !== undefined && !values["fix-orphans"]) {
      throw new UsageError("--older-than goes with --fix-orphans");
    }
    const studyOrTrial: StudyOrTrial = number === undefined
      ? { studyId, storage }
      : { trialId: (await trialOf(context, number)).trialId, storage };
    const bar = values.quiet || !Deno.stderr.isTerminal()
      ? undefined
      : new ProgressBar("verify", Deno.stderr, (n) => String(Math.round(n)));
    let report: VerifyReport;
    try {
      report = await verifyArtifacts({
        artifactStore: store,
        studyOrTrial,
        includeTrials: values["all-trials"] ?? false,
        removeOrphansOlderThan: values["fix-orphans"]
          ? parseDuration(values["older-than"] ?? "1h")
          : undefined,
        onProgress: bar && (({ checked, total }) => bar.update({ loaded: checked, total })),
      });
    } finally {
      bar?.done();
    }
    if (values.json) console.log(JSON.stringify(report, null, 2));
    else printVerifyReport(report);
    return report.ok ? 0 : 1;
  },

  async url(context) {
    const { ids, store, values } = context;
    if (ids.length !== 1) throw new UsageError("url takes one artifact id");
    if (!store.presign) {
      throw new UsageError(
        "This store has no URLs of its own: use an s3:// or gs:// store, or serve it with " +
          "optuna-artifacts serve",
      );
    }
    const { row } = await locate(context, ids[0]);
    const expiresIn = Math.round(parseDuration(values.expires ?? "15m"));
    console.log(
      await store.presign(row.artifact_id, {
        expiresIn,
        contentType: row.mimetype,
        contentDisposition: contentDisposition(row.filename),
      }),
    );
  },

  async rm(context) {
    const { ids, store } = context;
    if (ids.length !== 1) throw new UsageError("rm takes one artifact id");
    const { target } = await locate(context, ids[0]);
    await removeArtifact({ artifactStore: store, studyOrTrial: target, artifactId: ids[0] });
  },
};

function printVerifyReport(report: VerifyReport) {
  const problems = report.artifacts.filter((a) =>
    a.status === "missing" || a.status === "corrupted"
  );
  if (problems.length > 0) {
    const table = [["ID", "FILENAME", "TRIAL", "STATUS", "DETAIL"]].concat(
      problems.map((a) => [
        a.artifactId,
        a.filename,
        a.trialNumber === null ? "study" : String(a.trialNumber),
        a.status,
        verifyDetail(a),
      ]),
    );
    for (const line of formatTable(table)) console.log(line);
  }
  for (const orphan of report.orphans) {
    const state = orphan.removed ? "removed" : "left in the store";
    console.log(
      `orphan ${orphan.artifactId} (${formatBytes(orphan.size)}, written ` +
        `${orphan.lastModified.toISOString()}): no metadata names it; ${state}`,
    );
  }
  const count = (status: string) => report.artifacts.filter((a) => a.status === status).length;
  const orphans = report.orphansChecked
    ? `${report.orphans.length} orphans (${report.orphans.filter((o) => o.removed).length} removed)`
    : "orphans not checked (the store cannot list)";
  console.log(
    `${report.artifacts.length} artifacts: ${count("ok")} ok, ${count("no-digest")} without ` +
      `a digest, ${count("missing")} missing, ${count("corrupted")} corrupted; ${orphans}`,
  );
}

function verifyDetail(check: VerifyReport["artifacts"][number]): string {
  const { expected, actual } = check;
  if (check.status === "missing") return "the metadata names a blob that does not exist";
  if (!expected || !actual) return "-";
  if (actual.size !== expected.size) return `size ${actual.size}, expected ${expected.size}`;
  return `sha256 ${"sha256" in actual ? actual.sha256 : "?"}, expected ${expected.sha256}`;
}

/** Serves the storage's artifacts over HTTP until the process is interrupted. */
async function serve(values: Values, storage: StudyStorage, store: ArtifactStore) {
  const port = values.port === undefined ? 8000 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`Cannot use port "${values.port}": use 0 to 65535`);
  }
  const maxUploadBytes = values["max-upload"] === undefined
    ? undefined
    : Number(values["max-upload"]);
  if (maxUploadBytes !== undefined && !Number.isSafeInteger(maxUploadBytes)) {
    throw new UsageError(`Cannot read the upload limit "${values["max-upload"]}": give bytes`);
  }
  const handler = createArtifactHandler({
    artifactStore: store,
    storage,
    allowWrites: values["allow-writes"] ?? false,
    maxUploadBytes,
  });
  const server = Deno.serve({
    port,
    hostname: values.host ?? "127.0.0.1",
    onListen: ({ hostname, port }) =>
      console.log(
        `Serving artifacts on http://${hostname}:${port}/ (${
          values["allow-writes"] ? "uploads and deletes allowed" : "read-only"
        }); Ctrl-C stops`,
      ),
  }, handler);
  const stop = () => server.shutdown();
  Deno.addSignalListener("SIGINT", stop);
  try {
    await server.finished;
  } finally {
    Deno.removeSignalListener("SIGINT", stop);
  }
}

/** Removes stale temporary files from the store's folder and from the folders given. */
async function sweep(values: Values, dirs: string[], store: ArtifactStore): Promise<void> {
  const olderThan = parseDuration(values["older-than"] ?? "1h");
  const folders: string[] = [];
  if (store instanceof FileSystemArtifactStore) folders.push(store.basePath);
  else if (dirs.length === 0) {
    throw new UsageError("sweep works on folders: give a file-system --store, or DIRs");
  }
  folders.push(...dirs);
  for (const dir of folders) {
    const { names, bytes } = await removeStaleTempFiles(dir, { olderThan });
    if (values.json) console.log(JSON.stringify({ dir, removed: names, bytes }));
    else console.log(`${dir}: removed ${names.length} temporary files (${formatBytes(bytes)})`);
  }
}

/** Seconds of a duration written as `90`, `90s`, `15m`, `2h` or `7d`. */
function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)([smhd]?)$/.exec(text);
  if (!match) {
    throw new UsageError(`Cannot read the duration "${text}": use a number with s, m, h or d`);
  }
  const unit = { "": 1, s: 1, m: 60, h: 3600, d: 86400 }[match[2]]!;
  return Number(match[1]) * unit;
}

async function download(
  context: Context,
  target: StudyOrTrial,
  artifactId: string,
  filePath: string,
  label: string,
) {
  const bar = progress(context.values, label);
  try {
    await downloadArtifact({
      artifactStore: context.store,
      studyOrTrial: target, // so the digest recorded at upload is checked
      artifactId,
      filePath,
      onProgress: bar.onProgress,
    });
  } finally {
    bar.done();
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
