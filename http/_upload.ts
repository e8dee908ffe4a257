// Uploads: a raw body, a multipart form or optuna-dashboard's JSON, recorded through
// uploadArtifact.
import { firstFilePart, formBoundary, MultipartError } from "./_multipart.ts";
import { getAllArtifactMeta } from "../helpers/get_all_artifact_meta.ts";
import { uploadArtifact } from "../helpers/upload_artifact.ts";
import { safeFilename } from "../helpers/safe_filename.ts";
import { UpdateFinishedTrialError } from "../storages/errors.ts";
import type { StudyOrTrial } from "../study/study_or_trial.ts";
import type { ArtifactHandlerOptions } from "./handler.ts";
import { base, HttpError } from "./_routes.ts";
import { json, snake } from "./_responses.ts";
import { mapErrors } from "../_common/stream.ts";

export async function upload(
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
  const watched = mapErrors(body, (error) => {
    bodyFailed = true; // the client went away, or its form broke off
    return error;
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
