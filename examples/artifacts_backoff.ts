/**
 * Optuna's artifacts example with `Backoff`: the S3 store of `artifacts_s3.ts`, retried with
 * exponential backoff on transient errors, as Python's `Backoff(Boto3ArtifactStore(...))`.
 *
 * Run it with `deno run -A examples/artifacts_backoff.ts`.
 *
 * @module
 */
// deno-lint-ignore no-import-prefix -- the SDK the S3 store is built on (see docs/development.md)
import { S3Client } from "npm:@aws-sdk/client-s3@^3.1175.0";
import { Backoff } from "../mod.ts";
import { S3ArtifactStore } from "../stores/s3.ts";
import { runReferenceExample } from "./_reference.ts";

const client = new S3Client({ forcePathStyle: Boolean(Deno.env.get("AWS_ENDPOINT_URL")) });
const bucket = Deno.env.get("OPTUNA_S3_BUCKET") ?? "example-bucket";
await runReferenceExample(
  new Backoff(new S3ArtifactStore(bucket, { client }), {
    maxRetries: 10,
    multiplier: 2,
    minDelay: 0.1,
    maxDelay: 10,
  }),
);
