/**
 * The `optuna-artifacts` command line: list, fetch, upload and remove the artifacts of an
 * Optuna study from the shell, in any storage Optuna uses and any artifact store.
 *
 * ```sh
 * deno run -A jsr:@optuna-deno/artifacts/cli ls --storage ./optuna-journal.log --store ./artifacts --all-trials
 * ```
 *
 * ## Commands
 *
 * `cli/mod.ts` (`deno run -A jsr:@optuna-deno/artifacts/cli`, or `deno task cli` here) lists, fetches,
 * uploads and removes artifacts from the shell. Storages are named as Optuna names them (a journal
 * file, `sqlite:///path`, `postgresql://...`, or `grpc://HOST:PORT` for Optuna's gRPC proxy), stores
 * as a folder (`DIR` or `file:DIR`), `s3://bucket[/prefix]` or `gs://bucket[/prefix]` (remote stores
 * are wrapped in `Backoff`); `$OPTUNA_STORAGE` and `$OPTUNA_ARTIFACT_STORE` stand in for `--storage`
 * and `--store`. `--study NAME` picks the study when the storage holds more than one. `put` and `get`
 * draw a progress bar (bytes, rate, ETA) on a terminal for transfers that last more than half a
 * second, and stay quiet otherwise or with `--quiet`. Exit codes: 0 success, 1 failure, 2 usage error;
 * errors are one line on stderr, without a stack trace. `get` writes under the recorded file name's
 * base name only, and refuses (exit 1, nothing written) a name that has none; `ls` aligns columns by
 * display width and escapes control characters. `sweep [DIR...] [--older-than 1h]` removes the
 * temporary files that killed writes left in the store's folder and in download folders. `get` checks
 * the digest recorded at upload, and `verify` audits a study (see docs/integrity.md). `serve` puts the
 * artifacts behind HTTP and `url ID` prints a presigned download URL of an S3 or GCS store (see `./http`).
 *
 * A session on the demo's study
 * (`export OPTUNA_STORAGE=./optuna-journal.log
 * OPTUNA_ARTIFACT_STORE=./artifacts`):
 *
 * ```
 * $ optuna-artifacts ls --trial 2
 * ID                                    FILENAME     MIMETYPE       ENCODING  TRIAL  STATE
 * cd1e0259-2feb-4c98-9c73-808affe7a366  trial-2.csv  text/csv       -         2      COMPLETE
 * 0a8c3f76-fd6f-487b-bb9a-f0c524b57c63  trial-2.svg  image/svg+xml  -         2      COMPLETE
 * $ optuna-artifacts put weights.bin
 * 7a188643-c598-4e7c-8fcb-ef26025a4685	weights.bin
 * $ optuna-artifacts ls
 * ID                                    FILENAME     MIMETYPE                  ENCODING  TRIAL  STATE
 * 7a188643-c598-4e7c-8fcb-ef26025a4685  weights.bin  application/octet-stream  -         study  -
 * $ optuna-artifacts get 7a188643-c598-4e7c-8fcb-ef26025a4685 -o copy.bin
 * $ optuna-artifacts get 7a188643-c598-4e7c-8fcb-ef26025a4685 -o copy.bin
 * optuna-artifacts: Cannot download artifact "7a188643-c598-4e7c-8fcb-ef26025a4685" to "copy.bin": the file already exists; remove it or choose another path
 * $ echo $?
 * 1
 * $ optuna-artifacts put weights.bin --trial 0
 * optuna-artifacts: Cannot update trial 0: it has already finished (state COMPLETE); attach artifacts while the trial is RUNNING or WAITING, or to the study
 * $ optuna-artifacts rm 7a188643-c598-4e7c-8fcb-ef26025a4685
 * $ optuna-artifacts get --trial 2 --all -o best
 * best/trial-2.csv
 * best/trial-2.svg
 * $ optuna-artifacts ls --all-trials --json    # for scripts: artifact_id, filename, mimetype, encoding, trial, state
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
import { parseArgs } from "node:util";
import { openArtifactStore, openStorage, UsageError } from "./_targets.ts";
import { type Context, findStudy, OPTIONS, type Values } from "./_context.ts";
import { ls } from "./_ls.ts";
import { get } from "./_get.ts";
import { put } from "./_put.ts";
import { verify } from "./_verify.ts";
import { url } from "./_url.ts";
import { rm } from "./_rm.ts";
import { serve } from "./_serve.ts";
import { sweep } from "./_sweep.ts";

/** The help text. */
export const USAGE: string = `Usage: optuna-artifacts <command> [options]

Commands:
  ls [--trial N | --all-trials] [--json]   list the artifacts of the study, a trial, or all
  get ID [-o FILE | -o -]                   download one artifact (default: its file name here),
                                            checked against its digest (not with -o -)
  get --trial N --all -o DIR                download every artifact of a trial into DIR
  put FILE... [--trial N] [--mimetype T] [--encoding E] [--digest xxh128|sha256|none] [--json]
                                            upload files to the study or to a running trial,
                                            with a digest of each (default xxh128)
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

const COMMANDS: Record<string, (context: Context) => Promise<number | void>> = {
  ls,
  get,
  put,
  verify,
  url,
  rm,
};
if (import.meta.main) Deno.exit(await main(Deno.args));
