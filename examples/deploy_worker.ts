/**
 * A Deno Deploy worker that saves request bodies as Optuna artifacts, with no local disk:
 * `POST /studies/:study/trials/:number/artifacts?filename=NAME` streams the body into S3
 * (wrapped in `Backoff`) and records it in a PostgreSQL Optuna storage (or through Optuna's
 * gRPC storage proxy); `GET` on the same path
 * lists the trial's artifacts as JSON. A finished trial is 409, a missing study or trial 404, a
 * missing file name, a malformed study name or trial number 400. A POST without a body records
 * an empty artifact (an empty file is a legitimate artifact); a client that disconnects in the
 * middle of its body leaves nothing behind and is not logged as an error.
 *
 * Configuration (environment): `OPTUNA_STORAGE` (a `postgresql://` URL, or `grpc://HOST:PORT`
 * for Optuna's gRPC storage proxy), `OPTUNA_S3_BUCKET`,
 * `AWS_REGION`, `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, and for an S3-compatible server
 * `AWS_ENDPOINT_URL` (path-style addressing is used then). `PORT` (default 8000).
 *
 * Run: `deno run --allow-net --allow-env --allow-sys examples/deploy_worker.ts`
 *
 * @module
 */
// deno-lint-ignore no-import-prefix -- kept out of the import map (see README, Layout)
import { S3Client } from "npm:@aws-sdk/client-s3@^3.1175.0";
import {
  Backoff,
  getAllArtifactMeta,
  StudyNotFoundError,
  TrialNotFoundError,
  UpdateFinishedTrialError,
  uploadArtifact,
} from "../mod.ts";
import type { ArtifactStore, StudyStorage } from "../mod.ts";
import { PostgresStorage } from "../storages/postgres.ts";
import { GrpcStorageProxy } from "../storages/grpc.ts";
import { S3ArtifactStore } from "../stores/s3.ts";

const ROUTE = new URLPattern({ pathname: "/studies/:study/trials/:number/artifacts" });

/** What the handler needs: where metadata and bytes go. */
export interface WorkerDeps {
  storage: StudyStorage;
  artifactStore: ArtifactStore;
}

function json(body: unknown, status = 200): Response {
  return Response.json(body, { status });
}

/** Builds the request handler. */
export function createHandler({ storage, artifactStore }: WorkerDeps) {
  return async (request: Request): Promise<Response> => {
    const match = ROUTE.exec(request.url);
    if (!match) {
      return json({ error: "Not found: use /studies/:study/trials/:number/artifacts" }, 404);
    }
    const { study, number } = match.pathname.groups as { study: string; number: string };
    if (!/^\d+$/.test(number) || !Number.isSafeInteger(Number(number))) {
      return json({ error: `Cannot read the trial number "${number}": use 0, 1, 2, ...` }, 400);
    }
    let studyName: string;
    try {
      studyName = decodeURIComponent(study);
    } catch {
      return json({ error: "Cannot decode the study name: a malformed percent-escape" }, 400);
    }
    try {
      const studyId = await storage.getStudyIdFromName(studyName);
      const trialId = await storage.getTrialIdFromStudyIdTrialNumber(studyId, Number(number));
      if (request.method === "GET") {
        const metas = await getAllArtifactMeta({ trialId, storage });
        return json(metas.map((m) => ({
          artifact_id: m.artifactId,
          filename: m.filename,
          mimetype: m.mimetype,
          encoding: m.encoding,
        })));
      }
      if (request.method !== "POST") return json({ error: "Use GET or POST" }, 405);
      const filename = new URL(request.url).searchParams.get("filename");
      if (!filename) return json({ error: "Give the file name: ?filename=NAME" }, 400);
      const artifactId = await uploadArtifact({
        artifactStore,
        studyOrTrial: { trialId, storage },
        // No body is an empty artifact: an empty file is a legitimate artifact.
        body: request.body ?? new Uint8Array(),
        filename,
        signal: request.signal,
      });
      return json({ artifact_id: artifactId, filename }, 201);
    } catch (error) {
      if (error instanceof StudyNotFoundError || error instanceof TrialNotFoundError) {
        return json({ error: error.message }, 404);
      }
      if (error instanceof UpdateFinishedTrialError) return json({ error: error.message }, 409);
      // The client went away mid-body: nothing was stored, and there is no one to answer.
      if (request.signal.aborted) return json({ error: "Client closed the request" }, 499);
      console.error(error);
      return json({ error: "Internal error" }, 500);
    }
  };
}

if (import.meta.main) {
  const env = (name: string) => {
    const value = Deno.env.get(name);
    if (!value) throw new Error(`Set ${name}`);
    return value;
  };
  const endpoint = Deno.env.get("AWS_ENDPOINT_URL");
  const client = new S3Client({
    region: Deno.env.get("AWS_REGION") ?? "us-east-1",
    ...(endpoint ? { endpoint, forcePathStyle: true } : {}),
    credentials: {
      accessKeyId: env("AWS_ACCESS_KEY_ID"),
      secretAccessKey: env("AWS_SECRET_ACCESS_KEY"),
    },
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
  const handler = createHandler({
    storage: storageOf(env("OPTUNA_STORAGE")),
    artifactStore: new Backoff(new S3ArtifactStore(env("OPTUNA_S3_BUCKET"), { client })),
  });
  Deno.serve({
    port: Number(Deno.env.get("PORT") ?? 8000),
    hostname: Deno.env.get("HOST") ?? "0.0.0.0",
    onListen: ({ hostname, port }) => console.log(`listening on http://${hostname}:${port}/`),
  }, handler);
}

/** `grpc://HOST:PORT` is Optuna's gRPC storage proxy; anything else a PostgreSQL URL. */
function storageOf(spec: string): StudyStorage {
  return spec.startsWith("grpc://") ? GrpcStorageProxy.fromUrl(spec) : new PostgresStorage(spec);
}
