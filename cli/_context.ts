// What every command of the command line shares: its options, the study it works on, and
// the artifacts it lists.
import type { parseArgs } from "node:util";
import { ArtifactNotFoundError } from "../stores/errors.ts";
import type { ArtifactMeta } from "../helpers/types.ts";
import { getAllArtifactMeta } from "../helpers/get_all_artifact_meta.ts";
import type { FrozenTrial, StudyStorage } from "../storages/types.ts";
import type { ParamValue } from "../distributions/distributions.ts";
import type { ArtifactStore } from "../stores/types.ts";
import type { StudyOrTrial } from "../study/study_or_trial.ts";
import { UsageError } from "./_targets.ts";
import { ProgressBar } from "./_progress_bar.ts";
import { displayText } from "./_table.ts";
import type { TransferProgress } from "../helpers/types.ts";

export const OPTIONS = {
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
  digest: { type: "string" },
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

export type Values = ReturnType<
  typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>
>[
  "values"
];

export interface Context {
  values: Values;
  ids: string[];
  storage: StudyStorage;
  store: ArtifactStore;
  studyId: number;
}

/** One listed artifact, as `ls --json` prints it. */
export interface Row {
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

export async function findStudy(storage: StudyStorage, name: string | undefined): Promise<number> {
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

export function trialNumber(values: Values): number | undefined {
  if (values.trial === undefined) return undefined;
  const number = Number(values.trial);
  if (!/^\d+$/.test(values.trial) || !Number.isSafeInteger(number)) {
    throw new UsageError(
      `Cannot read the trial number "${values.trial}": use a decimal number, 0, 1, 2, ...`,
    );
  }
  return number;
}

export async function trialOf(context: Context, number: number): Promise<FrozenTrial> {
  const id = await context.storage.getTrialIdFromStudyIdTrialNumber(context.studyId, number);
  return await context.storage.getTrial(id);
}

/** The artifacts of the study (trial null) and of the given trials, as rows. */
export async function rowsOf(context: Context, trials: FrozenTrial[], withStudy: boolean) {
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
export async function locate(context: Context, artifactId: string) {
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

export function progress(values: Values, label: string) {
  if (values.quiet || !Deno.stderr.isTerminal()) return { onProgress: undefined, done() {} };
  const bar = new ProgressBar(displayText(label), Deno.stderr);
  return {
    onProgress: (p: TransferProgress) => bar.update(p),
    done: () => bar.done(),
  };
}

/** Seconds of a duration written as `90`, `90s`, `15m`, `2h` or `7d`. */
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)([smhd]?)$/.exec(text);
  if (!match) {
    throw new UsageError(`Cannot read the duration "${text}": use a number with s, m, h or d`);
  }
  const unit = { "": 1, s: 1, m: 60, h: 3600, d: 86400 }[match[2]]!;
  return Number(match[1]) * unit;
}
