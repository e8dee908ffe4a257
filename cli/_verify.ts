// `verify`: checks every artifact against its recorded digest, and reports.
import { verifyArtifacts, type VerifyReport } from "../helpers/verify_artifacts.ts";
import type { StudyOrTrial } from "../study/study_or_trial.ts";
import { UsageError } from "./_targets.ts";
import { formatBytes, ProgressBar } from "./_progress_bar.ts";
import { formatTable } from "./_table.ts";
import { type Context, parseDuration, trialNumber, trialOf } from "./_context.ts";

export async function verify(context: Context): Promise<number | void> {
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
}

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
  const hash = "hash" in actual ? actual.hash : "?";
  return `${expected.algorithm} ${hash}, expected ${expected.hash}`;
}
