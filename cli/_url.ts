// `url`: a presigned URL of an artifact in a cloud store.
import { contentDisposition } from "../http/_content_disposition.ts";
import { UsageError } from "./_targets.ts";
import { type Context, locate, parseDuration } from "./_context.ts";

export async function url(context: Context): Promise<number | void> {
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
}
