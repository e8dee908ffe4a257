// A server for the HTTP benchmark: `handler` serves a study's artifacts through
// createArtifactHandler; `plain` serves the same files with Deno.serve and a plain file stream.
// Usage: _http_server.ts handler|plain JOURNAL STORE_DIR PORT
import { createArtifactHandler } from "../http/handler.ts";
import { FileSystemArtifactStore } from "../stores/filesystem.ts";
import { JournalFileStorage } from "../storages/journal.ts";

const [mode, journal, storeDir, port] = Deno.args;
const handler = mode === "handler"
  ? createArtifactHandler({
    artifactStore: new FileSystemArtifactStore(storeDir),
    storage: new JournalFileStorage(journal),
  })
  : async (request: Request) => {
    // The same URL shape; the last segment names the file.
    const id = new URL(request.url).pathname.split("/").at(-1)!;
    const file = await Deno.open(`${storeDir}/${id}`, { read: true });
    return new Response(file.readable, {
      headers: { "content-length": String((await file.stat()).size) },
    });
  };
Deno.serve({ hostname: "127.0.0.1", port: Number(port), onListen() {} }, handler);
console.log("ready");
