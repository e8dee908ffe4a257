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
import { getAllArtifactMeta } from "../helpers/get_all_artifact_meta.ts";
import { removeArtifact } from "../helpers/remove_artifact.ts";
import { ArtifactNotFoundError } from "../stores/errors.ts";
import { StudyNotFoundError, TrialNotFoundError } from "../storages/errors.ts";
import type { StudyStorage } from "../storages/types.ts";
import type { ArtifactStore } from "../stores/types.ts";
import type { StudyOrTrial } from "../study/study_or_trial.ts";
import { base, HttpError, parseRoute, type Route } from "./_routes.ts";
import { download, listed } from "./_download.ts";
import { upload } from "./_upload.ts";
import { errorResponse, json, snake } from "./_responses.ts";
import { htmlPage } from "./_index_page.ts";

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
