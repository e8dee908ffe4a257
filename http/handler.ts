/**
 * Serves and receives the artifacts of Optuna studies over HTTP, from any Web-standard server:
 * `Deno.serve`, Deno Deploy, Hono, Oak. The URLs are optuna-dashboard's artifact routes, so a
 * link that works against the dashboard works here.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { createStudy, InMemoryArtifactStore, uploadArtifact } from "@optuna-deno/artifacts";
 * import { createArtifactHandler } from "@optuna-deno/artifacts/http";
 * const artifactStore = new InMemoryArtifactStore();
 * const study = await createStudy();
 * const id = await uploadArtifact({
 *   artifactStore,
 *   studyOrTrial: study,
 *   body: "x,y\n1,2\n",
 *   filename: "points.csv",
 * });
 * const handler = createArtifactHandler({ artifactStore, storage: study.storage });
 * const response = await handler(new Request(`http://h/artifacts/${study.studyId}/${id}`));
 * assert.equal(response.headers.get("content-type"), "text/csv");
 * assert.equal(await response.text(), "x,y\n1,2\n");
 * ```
 *
 * @module
 */
import { parseRange } from "./_range.ts";
import { takeBytes } from "../_common/stream.ts";
import { contentDisposition } from "./_content_disposition.ts";
import { firstFilePart, formBoundary, MultipartError } from "./_multipart.ts";
import { studiesPage, studyPage } from "./_index_html.ts";
import { getAllArtifactMeta } from "../helpers/get_all_artifact_meta.ts";
import { uploadArtifact } from "../helpers/upload_artifact.ts";
import { removeArtifact } from "../helpers/remove_artifact.ts";
import { safeFilename } from "../helpers/safe_filename.ts";
import { digestIn } from "../helpers/_digest.ts";
import { ARTIFACTS_ATTR_PREFIX, parseArtifactMeta } from "../helpers/_meta_codec.ts";
import { resolveTarget } from "../helpers/_attr_target.ts";
import type { ArtifactMeta } from "../helpers/types.ts";
import { isArtifactId } from "../stores/_artifact_id.ts";
import { ArtifactNotFoundError } from "../stores/errors.ts";
import {
  StorageFormatError,
  StudyNotFoundError,
  TrialNotFoundError,
  UpdateFinishedTrialError,
} from "../storages/errors.ts";
import type { JsonValue, StudyStorage } from "../storages/types.ts";
import type { ArtifactStore } from "../stores/types.ts";
import type { StudyOrTrial } from "../study/study_or_trial.ts";

/** What a request wants to do. */
export type ArtifactAction = "read" | "list" | "write" | "delete";

/** What a request reaches, as {@linkcode ArtifactHandlerOptions.authorize} is told. */
export interface ArtifactRequestTarget {
  /** What the request wants to do. */
  action: ArtifactAction;
  /** The study, by id or by name; absent for the page that lists every study. */
  study?: { studyId: number } | { studyName: string };
  /** The trial, by id or by number within the study; none for the study's own artifacts. */
  trial?: { trialId: number } | { number: number };
  /** The artifact, for a read or a delete. */
  artifactId?: string;
}

/** Options of {@linkcode createArtifactHandler}. */
export interface ArtifactHandlerOptions {
  /** Where the bytes are. */
  artifactStore: ArtifactStore;
  /** The Optuna storage that records them. */
  storage: StudyStorage;
  /**
   * The path the routes start under, such as `"/optuna"`.
   *
   * @default {""}
   */
  basePath?: string;
  /**
   * Accept uploads and deletes; off, they are 403.
   *
   * @default {false}
   */
  allowWrites?: boolean;
  /**
   * Decides each request once its URL is checked and before any storage or store call; `false`
   * answers 401 (without an `Authorization` header) or 403. Unset, everyone may read.
   */
  authorize?: (request: Request, target: ArtifactRequestTarget) => boolean | Promise<boolean>;
  /**
   * Answer downloads with a redirect (302) to a presigned URL where the store can make one
   * (S3, GCS), so the bytes never pass through this server; `presignExpiresIn` seconds valid.
   *
   * @default {false}
   */
  redirectDownloads?: boolean;
  /**
   * Seconds a presigned download URL stays valid.
   *
   * @default {300}
   */
  presignExpiresIn?: number;
  /** The largest upload in bytes; a larger body is 413 and nothing is stored. Unset: no limit. */
  maxUploadBytes?: number;
  /**
   * Told about unexpected errors (answered 500 without detail).
   *
   * @default {console.error}
   */
  onError?: (error: unknown, request: Request) => void;
}

/**
 * Makes a request handler for `Deno.serve` (or any server of Web `Request`s) with these routes,
 * under `basePath`:
 *
 * - `GET`/`HEAD /artifacts/:studyId/:artifactId` and `/artifacts/:studyId/:trialId/:artifactId`:
 *   the bytes, with the recorded `Content-Type` and `Content-Encoding`, `Content-Length`, an
 *   `ETag` (304 for `If-None-Match`), one `Range` (206; 416 when it starts past the end), and
 *   `Content-Disposition: inline` with the file name (optuna-dashboard's URLs).
 * - `GET /api/artifacts/:studyId[/:trialId]`: the artifacts' metadata as JSON.
 * - `POST /api/artifacts/:studyId[/:trialId]`: an upload: a raw body with `?filename=`,
 *   `multipart/form-data` (its first file), or optuna-dashboard's JSON (`{"file": data URI,
 *   "filename"}`); 201 with `{"artifact_id", "artifacts"}`.
 * - `DELETE /api/artifacts/:studyId[/:trialId]/:artifactId`: 204.
 * - The same by study name and trial number: `/studies/:name[/trials/:number]/artifacts[/:id]`.
 *
 * Errors are JSON `{"error": "..."}`: 400 for a malformed id, name, range or body, 401/403 for
 * a refusal, 404 for an unknown study, trial or artifact (or one that the study or trial does
 * not list), 405, 409 for a finished trial, 413, 416, and 500 without detail for the rest. A
 * client that disconnects cancels the store's stream; an upload it abandons stores nothing.
 *
 * @example Usage
 * ```ts ignore
 * import { FileSystemArtifactStore } from "@optuna-deno/artifacts";
 * import { JournalFileStorage } from "@optuna-deno/artifacts/journal";
 * import { createArtifactHandler } from "@optuna-deno/artifacts/http";
 * Deno.serve(createArtifactHandler({
 *   artifactStore: new FileSystemArtifactStore("./artifacts"),
 *   storage: new JournalFileStorage("./optuna-journal.log"),
 * }));
 * ```
 *
 * @param options The store, the storage, and who may do what.
 * @returns The handler.
 */
export function createArtifactHandler(
  options: ArtifactHandlerOptions,
): (request: Request) => Promise<Response> {
  const prefix = base(options);
  const onError = options.onError ?? ((error: unknown) => console.error(error));
  return async (request) => {
    try {
      const url = new URL(request.url);
      if (!url.pathname.startsWith(`${prefix}/`)) throw new HttpError(404, "No such route");
      const route = parseRoute(url.pathname.slice(prefix.length + 1), request.method);
      await authorize(options, request, route);
      return await serve(options, request, url, route);
    } catch (error) {
      return errorResponse(error, request, onError);
    }
  };
}

function base(options: ArtifactHandlerOptions): string {
  return (options.basePath ?? "").replace(/\/+$/, "");
}

/** An answer other than 200, with a message that is safe to show anyone. */
class HttpError extends Error {
  readonly status: number;
  readonly headers: Record<string, string>;
  constructor(status: number, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.status = status;
    this.headers = headers;
  }
}

interface Route {
  action: ArtifactAction;
  study?: ArtifactRequestTarget["study"];
  /** An HTML page rather than JSON or bytes. */
  page?: boolean;
  trial?: ArtifactRequestTarget["trial"];
  artifactId?: string;
}

const METHODS: Record<ArtifactAction, string[]> = {
  read: ["GET", "HEAD"],
  list: ["GET", "HEAD"],
  write: ["POST"],
  delete: ["DELETE"],
};

/** The route a path names, checked before anything is looked up. */
function parseRoute(path: string, method: string): Route {
  const parts = path.split("/");
  let segments: string[];
  try {
    segments = parts.map((p) => decodeURIComponent(p));
  } catch {
    throw new HttpError(400, "The path holds a malformed percent-escape");
  }
  const choose = (routes: Partial<Record<string, Route>>): Route => {
    const found = Object.entries(routes).find(([, r]) => r && METHODS[r.action].includes(method));
    if (found) return found[1]!;
    const allowed = Object.values(routes).flatMap((r) => (r ? METHODS[r.action] : []));
    throw new HttpError(405, `Method ${method} is not allowed here`, { allow: allowed.join(", ") });
  };
  const [head, ...rest] = segments;
  if (segments.length === 1 && head === "") return choose({ list: { action: "list", page: true } });
  if (head === "ui" && rest[0] === "studies" && rest.length === 2) {
    return choose({
      list: { action: "list", page: true, study: { studyId: id(rest[1], "study id") } },
    });
  }
  if (head === "artifacts" && (rest.length === 2 || rest.length === 3)) {
    const study = { studyId: id(rest[0], "study id") };
    const trial = rest.length === 3 ? { trialId: id(rest[1], "trial id") } : undefined;
    return choose({ read: { action: "read", study, trial, artifactId: artifactId(rest.at(-1)!) } });
  }
  if (head === "api" && rest[0] === "artifacts" && rest.length >= 2 && rest.length <= 4) {
    const study = { studyId: id(rest[1], "study id") };
    // As optuna-dashboard: a number after the study is a trial id, anything else an artifact.
    const trialGiven = rest.length >= 3 && /^\d+$/.test(rest[2]);
    const trial = trialGiven ? { trialId: id(rest[2], "trial id") } : undefined;
    const last = rest.length === 4 || (rest.length === 3 && !trialGiven) ? rest.at(-1)! : undefined;
    if (last !== undefined) {
      return choose({ delete: { action: "delete", study, trial, artifactId: artifactId(last) } });
    }
    return choose({
      list: { action: "list", study, trial },
      write: { action: "write", study, trial },
    });
  }
  if (head === "studies" && rest.length >= 2) {
    const study = { studyName: name(rest[0]) };
    let tail = rest.slice(1);
    let trial: Route["trial"];
    if (tail[0] === "trials" && tail.length >= 3) {
      trial = { number: id(tail[1], "trial number") };
      tail = tail.slice(2);
    }
    if (tail[0] === "artifacts" && tail.length === 1) {
      return choose({
        list: { action: "list", study, trial },
        write: { action: "write", study, trial },
      });
    }
    if (tail[0] === "artifacts" && tail.length === 2) {
      const target = artifactId(tail[1]);
      return choose({
        read: { action: "read", study, trial, artifactId: target },
        delete: { action: "delete", study, trial, artifactId: target },
      });
    }
  }
  throw new HttpError(404, "No such route");
}

function id(text: string, what: string): number {
  if (!/^\d{1,15}$/.test(text)) {
    throw new HttpError(400, `The ${what} must be a decimal number below 10^15`);
  }
  return Number(text);
}

function artifactId(text: string): string {
  if (!isArtifactId(text)) throw new HttpError(400, "The artifact id is not valid");
  return text;
}

function name(text: string): string {
  // deno-lint-ignore no-control-regex
  if (text === "" || text.length > 512 || /[\u0000-\u001f\u007f]/.test(text)) {
    throw new HttpError(400, "The study name is empty, too long or holds a control character");
  }
  return text;
}

async function authorize(options: ArtifactHandlerOptions, request: Request, route: Route) {
  const writing = route.action === "write" || route.action === "delete";
  if (writing && !options.allowWrites) {
    throw new HttpError(403, "Uploads and deletes are disabled on this server");
  }
  if (!options.authorize) return;
  if (await options.authorize(request, { ...route })) return;
  if (request.headers.has("authorization")) throw new HttpError(403, "Forbidden");
  throw new HttpError(401, "Authentication required", { "www-authenticate": "Bearer" });
}

/** The study or trial a route names, looked up: 404 for unknown ones. */
async function targetOf(storage: StudyStorage, route: Route): Promise<StudyOrTrial> {
  if (!route.study) throw new Error("A route without a study has no target");
  try {
    const studyId = "studyId" in route.study
      ? (await storage.getStudy(route.study.studyId)).studyId
      : await storage.getStudyIdFromName(route.study.studyName);
    if (!route.trial) return { studyId, storage };
    const trialId = "trialId" in route.trial
      ? route.trial.trialId
      : await storage.getTrialIdFromStudyIdTrialNumber(studyId, route.trial.number);
    const trial = await storage.getTrial(trialId);
    if (trial.studyId !== studyId) throw new HttpError(404, "The study has no such trial");
    return { trialId, storage };
  } catch (error) {
    if (error instanceof StudyNotFoundError) throw new HttpError(404, "No such study");
    if (error instanceof TrialNotFoundError) throw new HttpError(404, "No such trial");
    throw error;
  }
}

async function serve(
  options: ArtifactHandlerOptions,
  request: Request,
  url: URL,
  route: Route,
): Promise<Response> {
  if (route.page) return await htmlPage(options, route);
  const target = await targetOf(options.storage, route);
  switch (route.action) {
    case "list":
      return json(200, (await getAllArtifactMeta(target, { onInvalidEntry() {} })).map(snake));
    case "read":
      return await download(options, request, target, route.artifactId!);
    case "write":
      return await upload(options, request, url, target);
    case "delete":
      await listed(target, route.artifactId!);
      try {
        await removeArtifact({
          artifactStore: options.artifactStore,
          studyOrTrial: target,
          artifactId: route.artifactId!,
        });
      } catch (error) {
        if (error instanceof ArtifactNotFoundError) throw new HttpError(404, "No such artifact");
        throw error;
      }
      return new Response(null, { status: 204 });
  }
}

/**
 * The metadata of an artifact that the study or trial lists (404 otherwise), with the attributes
 * it was read from: one read of them serves the metadata and the digest.
 */
async function listed(
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

async function download(
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
  const etag = digest ? `"sha256-${digest.sha256}"` : `"${artifactId}"`;
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
    if (start > 0) await file.seek(start, Deno.SeekMode.Start);
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

async function upload(
  options: ArtifactHandlerOptions,
  request: Request,
  url: URL,
  target: StudyOrTrial,
): Promise<Response> {
  const max = options.maxUploadBytes;
  const declared = Number(request.headers.get("content-length") ?? NaN);
  if (max !== undefined && declared > max) {
    throw new HttpError(413, `The body is larger than the limit of ${max} bytes`);
  }
  const { body, filename } = await uploadSource(request, url);
  let file: string;
  try {
    file = safeFilename(filename);
  } catch {
    throw new HttpError(400, "The file name is empty, a dot name or holds a control character");
  }
  let tooLarge = false;
  let received = 0;
  let bodyFailed = false;
  const reader = body.getReader();
  const watched = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) controller.close();
        else controller.enqueue(value);
      } catch (error) {
        bodyFailed = true; // the client went away, or its form broke off
        throw error;
      }
    },
    cancel: (reason) => reader.cancel(reason),
  });
  const capped = max === undefined ? watched : watched.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        received += chunk.length;
        if (received > max) {
          tooLarge = true;
          controller.error(new HttpError(413, `The body is larger than the limit of ${max} bytes`));
          return;
        }
        controller.enqueue(chunk);
      },
    }),
  );
  try {
    const artifactId = await uploadArtifact({
      artifactStore: options.artifactStore,
      studyOrTrial: target,
      body: capped,
      filename: file,
    });
    if (request.headers.get("accept")?.includes("text/html")) {
      // A browser form: back to the study's page, where the new artifact shows.
      const studyId = target.trialId === undefined
        ? target.studyId
        : (await target.storage!.getTrial(target.trialId)).studyId;
      return new Response(null, {
        status: 303,
        headers: { location: `${base(options)}/ui/studies/${studyId}` },
      });
    }
    const artifacts = (await getAllArtifactMeta(target, { onInvalidEntry() {} })).map(snake);
    return json(201, { artifact_id: artifactId, artifacts });
  } catch (error) {
    if (tooLarge) throw new HttpError(413, `The body is larger than the limit of ${max} bytes`);
    if (error instanceof UpdateFinishedTrialError) {
      throw new HttpError(409, "The trial has finished; its artifacts cannot change");
    }
    if (error instanceof MultipartError) throw new HttpError(400, error.message);
    if (bodyFailed) {
      throw new HttpError(400, "The body broke off before its end; nothing was stored");
    }
    throw error;
  }
}

/** The bytes and file name of an upload, as a raw body, a form, or optuna-dashboard's JSON. */
async function uploadSource(
  request: Request,
  url: URL,
): Promise<{ body: ReadableStream<Uint8Array>; filename: string }> {
  const type = request.headers.get("content-type") ?? "";
  if (/^application\/json\b/i.test(type)) {
    let payload: { file?: unknown; filename?: unknown };
    try {
      payload = await request.json();
    } catch {
      throw new HttpError(400, "The body is not JSON");
    }
    const data = typeof payload.file === "string"
      ? /^data:[^,]*?(;base64)?,(.*)$/s.exec(payload.file)
      : null;
    if (!data) throw new HttpError(400, 'Give the file as a data URI in "file"');
    const bytes = data[1]
      ? Uint8Array.from(atob(data[2]), (c) => c.charCodeAt(0))
      : new TextEncoder().encode(decodeURIComponent(data[2]));
    return {
      body: ReadableStream.from([bytes]),
      filename: typeof payload.filename === "string" ? payload.filename : "",
    };
  }
  const boundary = formBoundary(type);
  if (boundary !== undefined) {
    if (!request.body) throw new HttpError(400, "The form is empty");
    try {
      const { filename, content } = await firstFilePart(request.body, boundary);
      return { body: content, filename };
    } catch (error) {
      if (error instanceof MultipartError) throw new HttpError(400, error.message);
      throw error;
    }
  }
  const filename = url.searchParams.get("filename");
  if (!filename) throw new HttpError(400, "Give the file name: ?filename=NAME");
  return { body: request.body ?? ReadableStream.from<Uint8Array>([]), filename };
}

function snake(meta: ArtifactMeta) {
  return {
    artifact_id: meta.artifactId,
    filename: meta.filename,
    mimetype: meta.mimetype,
    encoding: meta.encoding,
  };
}

function json(status: number, value: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(value), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", ...headers },
  });
}

function errorResponse(
  error: unknown,
  request: Request,
  onError: (error: unknown, request: Request) => void,
): Response {
  if (error instanceof HttpError) {
    return json(error.status, { error: error.message }, error.headers);
  }
  onError(error, request);
  return json(500, { error: "Internal error" });
}

const PREVIEW_BYTES = 2048;

/** The HTML index: every study, or one study's artifacts and its trials'. */
async function htmlPage(options: ArtifactHandlerOptions, route: Route): Promise<Response> {
  const { storage } = options;
  const prefix = base(options);
  const html = (text: string) =>
    new Response(text, {
      headers: {
        "content-type": "text/html; charset=utf-8",
        "content-security-policy":
          "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; form-action 'self'",
      },
    });
  if (!route.study) return html(studiesPage(prefix, await storage.getAllStudies()));
  const studyId = (route.study as { studyId: number }).studyId;
  let study;
  try {
    study = await storage.getStudy(studyId);
  } catch (error) {
    if (error instanceof StudyNotFoundError) throw new HttpError(404, "No such study");
    throw error;
  }
  const shown = async (target: StudyOrTrial, path: string) =>
    await Promise.all(
      (await getAllArtifactMeta(target, { onInvalidEntry() {} })).map(async (meta) => ({
        meta,
        url: `${prefix}/artifacts/${path}/${meta.artifactId}`,
        preview: previewable(meta)
          ? await preview(options.artifactStore, meta.artifactId)
          : undefined,
      })),
    );
  const trials = [];
  for (const trial of await storage.getAllTrials(studyId)) {
    trials.push({
      trial,
      artifacts: await shown({ trialId: trial.trialId, storage }, `${studyId}/${trial.trialId}`),
    });
  }
  return html(studyPage({
    base: prefix,
    study,
    studyArtifacts: await shown({ studyId, storage }, String(studyId)),
    trials,
    uploadUrl: options.allowWrites
      ? (trial) => `${prefix}/api/artifacts/${studyId}${trial ? `/${trial.trialId}` : ""}`
      : undefined,
  }));
}

function previewable(meta: ArtifactMeta): boolean {
  return !meta.encoding &&
    (meta.mimetype.startsWith("text/") || /\/(json|csv|x-yaml|yaml)$/.test(meta.mimetype));
}

/** The first bytes of a text artifact, as text; nothing when the blob is missing. */
async function preview(store: ArtifactStore, artifactId: string): Promise<string | undefined> {
  let stream: ReadableStream<Uint8Array>;
  try {
    stream = await store.open(artifactId);
  } catch (error) {
    if (error instanceof ArtifactNotFoundError) return undefined;
    throw error;
  }
  const bytes = new Uint8Array(
    await new Response(takeBytes(stream, PREVIEW_BYTES)).arrayBuffer(),
  );
  return new TextDecoder().decode(bytes);
}
