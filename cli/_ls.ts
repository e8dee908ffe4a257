// `ls`: the artifacts of the study and its trials, as a table or JSON.
import type { ParamValue } from "../distributions/distributions.ts";
import { UsageError } from "./_targets.ts";
import { formatTable } from "./_table.ts";
import { type Context, type Row, rowsOf, trialNumber, trialOf } from "./_context.ts";

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

export async function ls(context: Context): Promise<number | void> {
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
}
