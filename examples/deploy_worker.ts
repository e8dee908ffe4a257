/**
 * A Deno Deploy worker that keeps Optuna artifacts in S3 and their metadata in a PostgreSQL
 * Optuna storage (or behind Optuna's gRPC storage proxy), with no local disk: the library's
 * HTTP handler (`@optuna-deno/artifacts/http`) with uploads on. `POST
 * /studies/:study/trials/:number/artifacts?filename=NAME` streams the body into S3 (wrapped in
 * `Backoff`); `GET` on the same path lists the trial's artifacts as JSON, and
 * `/artifacts/:studyId/:trialId/:artifactId` (optuna-dashboard's URL) serves one, with Range.
 * A finished trial is 409, a missing study or trial 404, a missing file name, a malformed study
 * name or trial number 400. A POST without a body records an empty artifact (an empty file is a
 * legitimate artifact); a client that disconnects in the middle of its body leaves nothing
 * behind and is not logged as an error.
 *
 * Configuration (environment): `OPTUNA_STORAGE` (a `postgresql://` URL, or `grpc://HOST:PORT`
 * for Optuna's gRPC storage proxy), `OPTUNA_S3_BUCKET`, `AWS_REGION`, `AWS_ACCESS_KEY_ID`,
 * `AWS_SECRET_ACCESS_KEY`, and for an S3-compatible server `AWS_ENDPOINT_URL` (path-style
 * addressing is used then). `OPTUNA_ARTIFACTS_TOKEN`, when set, is the bearer token every
 * request must carry (`Authorization: Bearer ...`). `PORT` (default 8000).
 *
 * Run: `deno run --allow-net --allow-env --allow-sys examples/deploy_worker.ts`
 *
 * @module
 */
// deno-lint-ignore no-import-prefix -- kept out of the import map (see docs/development.md)
import { S3Client } from "npm:@aws-sdk/client-s3@^3.1175.0";
import { Backoff } from "../mod.ts";
import type { ArtifactStore, StudyStorage } from "../mod.ts";
import { createArtifactHandler } from "../http/handler.ts";
import { PostgresStorage } from "../storages/postgres.ts";
import { GrpcStorageProxy } from "../storages/grpc.ts";
import { S3ArtifactStore } from "../stores/s3.ts";

/** What the handler needs: where metadata and bytes go, and the token, if any. */
export interface WorkerDeps {
  storage: StudyStorage;
  artifactStore: ArtifactStore;
  token?: string;
}

/** Builds the request handler: the library's, with uploads on and an optional bearer token. */
export function createHandler(
  { storage, artifactStore, token }: WorkerDeps,
): (request: Request) => Promise<Response> {
  return createArtifactHandler({
    storage,
    artifactStore,
    allowWrites: true,
    authorize: token === undefined
      ? undefined
      : (request) => request.headers.get("authorization") === `Bearer ${token}`,
  });
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
    token: Deno.env.get("OPTUNA_ARTIFACTS_TOKEN") || undefined,
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
