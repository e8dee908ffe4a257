// A writer process for the stalled-lock test: one upload to a journal study, which pauses
// right after its journal line is synced, inside the lock, so the test can stop it there.
// Prints "synced" at the pause and the artifact id (JSON) when done. It runs in the runtime
// under test (tests/_runtime.ts): on Deno the pause wraps Deno.FsFile's sync, on Node.js
// node:fs's fsync, before the module is loaded.
import fs from "node:fs";
import process from "node:process";
import { runtime } from "../_runtime.ts";

const [journal, studyName, artifactDir] = process.argv.slice(2);
const pause = async () => {
  console.log("synced");
  await new Promise((resolve) => setTimeout(resolve, 300)); // time for the test's SIGSTOP
};
// The store does not sync, so the only sync is the journal's append.
// The global `Deno`, named so: a module-local one (scripts/build_npm.mjs gives it to test files
// that use `Deno.`) would load the library's node:fs calls before the wrap.
const deno = (globalThis as { Deno?: typeof Deno }).Deno;
if (runtime === "deno" && deno) {
  const sync = deno.FsFile.prototype.sync;
  deno.FsFile.prototype.sync = async function (this: Deno.FsFile) {
    await sync.call(this);
    await pause();
  };
} else {
  const fsync = fs.fsync;
  fs.fsync = ((fd: number, done: (error: Error | null) => void) =>
    fsync(fd, (error) =>
      void pause().then(() => done(error)))) as typeof fs.fsync;
  // Imported here: Deno 2.5's node:module lacks it.
  const { syncBuiltinESMExports } = await import("node:module");
  syncBuiltinESMExports();
}
const { JournalFileStorage } = await import("../../storages/journal.ts");
const { FileSystemArtifactStore } = await import("../../stores/filesystem.ts");
const { loadStudy } = await import("../../study/create_study.ts");
const { uploadArtifact } = await import("../../helpers/upload_artifact.ts");

const storage = new JournalFileStorage(journal, { onWarning: (m) => console.error(m) });
const study = await loadStudy({ storage, studyName });
const artifactId = await uploadArtifact({
  artifactStore: new FileSystemArtifactStore(artifactDir, { sync: false }),
  studyOrTrial: await study.trial(0),
  body: "written before the stall",
  filename: "stalled.txt",
});
console.log(JSON.stringify(artifactId));
