// deno-lint-ignore-file no-import-prefix -- a test-only package stays out of the root import map
// Runs the Cloud Storage emulator of npm firebase-tools (pinned here) without its Java
// security-rules runtime: `firebase emulators:start` needs Java 21 and a download, neither of
// which is available here, so the emulator's StorageEmulator is served directly. The GCS JSON
// API that @google-cloud/storage speaks needs no rules (it takes "Bearer owner" as admin).
// Usage: deno run -A tests/_gcs_emulator.mjs PORT   (prints "listening PORT" when ready)
import { StorageEmulator } from "npm:firebase-tools@15.34.2/lib/emulator/storage/index.js";
import { createApp } from "npm:firebase-tools@15.34.2/lib/emulator/storage/server.js";
import { EmulatorRegistry } from "npm:firebase-tools@15.34.2/lib/emulator/registry.js";

const port = Number(Deno.args[0]);
const projectId = "demo-optuna-deno";
const emulator = new StorageEmulator({ projectId, host: "127.0.0.1", port });
// The emulator builds object URLs from its registry entry.
EmulatorRegistry.set("storage", emulator);
const app = await createApp(projectId, emulator);
app.listen(port, "127.0.0.1", () => console.log(`listening ${port}`));
