/**
 * Optuna's artifacts example on S3 (Python's `Boto3ArtifactStore`): the bucket
 * `OPTUNA_S3_BUCKET` (default `example-bucket`), credentials and region from the environment as
 * the AWS SDK reads them; for an S3-compatible server, `AWS_ENDPOINT_URL` (path-style).
 *
 * Run it with `deno run -A examples/artifacts_s3.ts`.
 *
 * @module
 */
// deno-lint-ignore no-import-prefix -- the SDK the S3 store is built on (see docs/development.md)
import { S3Client } from "npm:@aws-sdk/client-s3@^3.1175.0";
import { S3ArtifactStore } from "../stores/s3.ts";
import { runReferenceExample } from "./_reference.ts";

// Path-style addressing for a server of your own (MinIO, Swift, s3rver), as boto3 does there.
const client = new S3Client({ forcePathStyle: Boolean(Deno.env.get("AWS_ENDPOINT_URL")) });
const bucket = Deno.env.get("OPTUNA_S3_BUCKET") ?? "example-bucket";
await runReferenceExample(new S3ArtifactStore(bucket, { client }));
