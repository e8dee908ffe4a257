// Downloads: the metadata a study or trial lists, conditional and ranged requests, and the
// body from the store.
import { parseRange } from "./_range.ts";
import { takeBytes } from "../_common/stream.ts";
import { contentDisposition } from "./_content_disposition.ts";
import { digestIn } from "../helpers/_digest.ts";
import { ARTIFACTS_ATTR_PREFIX, parseArtifactMeta } from "../helpers/_meta_codec.ts";
import { resolveTarget } from "../helpers/_attr_target.ts";
import type { ArtifactMeta } from "../helpers/types.ts";
import { ArtifactNotFoundError } from "../stores/errors.ts";
import { StorageFormatError } from "../storages/errors.ts";
import type { JsonValue } from "../storages/types.ts";
import type { ArtifactStore } from "../stores/types.ts";
import type { StudyOrTrial } from "../study/study_or_trial.ts";
import type { ArtifactHandlerOptions } from "./handler.ts";
import { HttpError } from "./_routes.ts";

/**
 * The metadata of an artifact that the study or trial lists (404 otherwise), with the attributes
 * it was read from: one read of them serves the metadata and the digest.
 */
export async function listed(
  target: StudyOrTrial,
  artifactId: string,
): Promise<{ meta: ArtifactMeta; attrs: Record<string, JsonValue> }> {
  const attrs = await resolveTarget(target).getSystemAttrs();
  const value = attrs[ARTIFACTS_ATTR_PREFIX + artifactId];
  let meta: ArtifactMeta | null = null;
  try {
    meta = value === undefined ? null : parseArtifactMeta(value);
  } catch (error) {
    if (!(error instanceof StorageFormatError)) throw error; // as the listing skips it
  }
  if (meta?.artifactId !== artifactId) throw new HttpError(404, "No such artifact");
  return { meta, attrs };
}

export async function download(
  options: ArtifactHandlerOptions,
  request: Request,
  target: StudyOrTrial,
  artifactId: string,
): Promise<Response> {
  const { artifactStore } = options;
  const { meta, attrs } = await listed(target, artifactId);
  if (options.redirectDownloads && artifactStore.presign) {
    // The store answers the range, the tag and the length itself.
    const location = await artifactStore.presign(artifactId, {
      expiresIn: options.presignExpiresIn ?? 300,
      contentType: meta.mimetype,
      contentDisposition: contentDisposition(meta.filename),
    });
    return new Response(null, {
      status: 302,
      headers: { location, "cache-control": "no-store", "access-control-allow-origin": "*" },
    });
  }
  const digest = digestIn(attrs, artifactId);
  let size: number | undefined;
  try {
    size = artifactStore.stat ? (await artifactStore.stat(artifactId)).size : undefined;
  } catch (error) {
    if (error instanceof ArtifactNotFoundError) throw new HttpError(404, "No such artifact");
    throw error;
  }
  // Artifacts never change under an id: the id (or the recorded digest) is a strong tag.
  const etag = digest ? `"${digest.algorithm}-${digest.hash}"` : `"${artifactId}"`;
  const headers = new Headers({
    "content-type": meta.mimetype,
    "content-disposition": contentDisposition(meta.filename),
    etag,
    "cache-control": "private, max-age=0, must-revalidate",
    // Served inline on this origin: an SVG or HTML artifact must not run scripts here.
    "content-security-policy":
      "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'",
    "x-content-type-options": "nosniff",
    "access-control-allow-origin": "*",
  });
  if (meta.encoding) headers.set("content-encoding", meta.encoding);
  if (matches(request.headers.get("if-none-match"), etag)) {
    return new Response(null, { status: 304, headers });
  }
  let start = 0;
  let length = size;
  let status = 200;
  if (size !== undefined) {
    headers.set("accept-ranges", "bytes");
    const ifRange = request.headers.get("if-range");
    const range = ifRange === null || ifRange === etag
      ? parseRange(request.headers.get("range"), size)
      : undefined;
    if (range === "unsatisfiable") {
      throw new HttpError(416, "The range starts past the end of the artifact", {
        "content-range": `bytes */${size}`,
      });
    }
    if (range) {
      status = 206;
      start = range.start;
      length = range.end - range.start + 1;
      headers.set("content-range", `bytes ${range.start}-${range.end}/${size}`);
    }
    headers.set("content-length", String(length));
  }
  if (request.method === "HEAD") return new Response(null, { status, headers });
  let body: ReadableStream<Uint8Array>;
  try {
    // A client that goes away cancels the response's body, and with it the store's stream.
    body = await openBody(artifactStore, artifactId, start, status === 206 ? length : undefined);
  } catch (error) {
    if (error instanceof ArtifactNotFoundError) throw new HttpError(404, "No such artifact");
    throw error;
  }
  // Untouched unless cut to a range: Deno.serve sends a file's own stream without copying it
  // through JavaScript.
  return new Response(status === 206 ? takeBytes(body, length!) : body, { status, headers });
}

/**
 * The artifact's bytes from `start`: a local file's own stream where the store has one (64 KiB
 * reads into buffers Deno recycles: a third of the time and memory of 1 MiB chunks for many
 * small concurrent downloads), else the store's stream.
 */
async function openBody(
  store: ArtifactStore,
  artifactId: string,
  start: number,
  length: number | undefined,
): Promise<ReadableStream<Uint8Array>> {
  // A range is asked of the store as such: a remote store then fetches only it, and no
  // transfer has to be cancelled part-way (which the GCS SDK under Deno 2.5 does not survive).
  if (!store.openFile) return await store.open(artifactId, { offset: start, length });
  const file = await store.openFile(artifactId);
  try {
    if (start > 0) await file.seek(start, 0);
  } catch (error) {
    file.close();
    throw error;
  }
  return file.readable;
}

function matches(ifNoneMatch: string | null, etag: string): boolean {
  if (ifNoneMatch === null) return false;
  return ifNoneMatch.trim() === "*" ||
    ifNoneMatch.split(",").some((tag) => tag.trim().replace(/^W\//, "") === etag);
}
