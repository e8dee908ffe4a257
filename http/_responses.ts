// The handler's JSON answers and its error responses.
import type { ArtifactMeta } from "../helpers/types.ts";
import { HttpError } from "./_routes.ts";

export function snake(meta: ArtifactMeta) {
  return {
    artifact_id: meta.artifactId,
    filename: meta.filename,
    mimetype: meta.mimetype,
    encoding: meta.encoding,
  };
}

export function json(
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify(value), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", ...headers },
  });
}

export function errorResponse(
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
