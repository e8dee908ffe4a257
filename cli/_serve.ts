// `serve`: the storage's artifacts over HTTP, through the artifact handler.
import { createArtifactHandler } from "../http/handler.ts";
import type { StudyStorage } from "../storages/types.ts";
import type { ArtifactStore } from "../stores/types.ts";
import { UsageError } from "./_targets.ts";
import type { Values } from "./_context.ts";

/** Serves the storage's artifacts over HTTP until the process is interrupted. */
export async function serve(values: Values, storage: StudyStorage, store: ArtifactStore) {
  const port = values.port === undefined ? 8000 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`Cannot use port "${values.port}": use 0 to 65535`);
  }
  const maxUploadBytes = values["max-upload"] === undefined
    ? undefined
    : Number(values["max-upload"]);
  if (maxUploadBytes !== undefined && !Number.isSafeInteger(maxUploadBytes)) {
    throw new UsageError(`Cannot read the upload limit "${values["max-upload"]}": give bytes`);
  }
  const handler = createArtifactHandler({
    artifactStore: store,
    storage,
    allowWrites: values["allow-writes"] ?? false,
    maxUploadBytes,
  });
  const server = Deno.serve({
    port,
    hostname: values.host ?? "127.0.0.1",
    onListen: ({ hostname, port }) =>
      console.log(
        `Serving artifacts on http://${hostname}:${port}/ (${
          values["allow-writes"] ? "uploads and deletes allowed" : "read-only"
        }); Ctrl-C stops`,
      ),
  }, handler);
  const stop = () => server.shutdown();
  Deno.addSignalListener("SIGINT", stop);
  try {
    await server.finished;
  } finally {
    Deno.removeSignalListener("SIGINT", stop);
  }
}
