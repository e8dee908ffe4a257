/**
 * Optuna's artifacts example on Google Cloud Storage (Python's `GCSArtifactStore`): the bucket
 * `OPTUNA_GCS_BUCKET` (default `example-bucket`), application default credentials, or the
 * emulator that `STORAGE_EMULATOR_HOST` names.
 *
 * Run it with `deno run -A examples/artifacts_gcs.ts`.
 *
 * @module
 */
import { GCSArtifactStore } from "../stores/gcs.ts";
import { runReferenceExample } from "./_reference.ts";

const bucket = Deno.env.get("OPTUNA_GCS_BUCKET") ?? "example-bucket";
await runReferenceExample(new GCSArtifactStore(bucket));
