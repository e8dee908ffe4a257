// Every public import path of deno.json resolves and exports what its users import.
import assert from "node:assert/strict";

const EXPECTED: Record<string, string[]> = {
  "@optuna-deno/artifacts": [
    "FileSystemArtifactStore",
    "InMemoryArtifactStore",
    "Backoff",
    "InMemoryStorage",
    "createStudy",
    "loadStudy",
    "uploadArtifact",
    "downloadArtifact",
    "getAllArtifactMeta",
    "removeArtifact",
    "verifyArtifacts",
    "guessMimetype",
    "ArtifactNotFoundError",
    "UpdateFinishedTrialError",
    "DuplicatedStudyError",
    "ArtifactCorruptedError",
    "StorageUnreachableError",
  ],
  "@optuna-deno/artifacts/s3": ["S3ArtifactStore"],
  "@optuna-deno/artifacts/gcs": ["GCSArtifactStore"],
  "@optuna-deno/artifacts/journal": ["JournalFileStorage"],
  "@optuna-deno/artifacts/sqlite": ["SqliteStorage", "RdbStorage"],
  "@optuna-deno/artifacts/postgres": ["PostgresStorage", "RdbStorage"],
  "@optuna-deno/artifacts/grpc": ["GrpcStorageProxy"],
  "@optuna-deno/artifacts/http": ["createArtifactHandler"],
  "@optuna-deno/artifacts/cli": ["main", "USAGE"],
};

Deno.test("every export of deno.json resolves and has its symbols", async () => {
  const config = JSON.parse(
    await Deno.readTextFile(new URL("../deno.json", import.meta.url)),
  );
  const paths = Object.keys(config.exports).map((key) =>
    key === "." ? config.name : `${config.name}${key.slice(1)}`
  );
  assert.deepEqual(paths.toSorted(), Object.keys(EXPECTED).toSorted());
  for (const path of paths) {
    const module = await import(path);
    for (const name of EXPECTED[path]) assert.ok(name in module, `${path} exports ${name}`);
  }
});

Deno.test("mod.ts keeps internals out of the public API", async () => {
  const module = await import("@optuna-deno/artifacts");
  for (
    const name of [
      "serializeArtifactMeta",
      "parseArtifactMeta",
      "isFinished",
      "Digester",
      "DIGESTS_ATTR_PREFIX",
    ]
  ) {
    assert.ok(!(name in module), `${name} is internal`);
  }
});

Deno.test("the module graph of every export holds no test-only package, and . only mime and hash-wasm", async () => {
  const config = JSON.parse(await Deno.readTextFile(new URL("../deno.json", import.meta.url)));
  const root = new URL("../", import.meta.url);
  const packagesOf = async (file: string) => {
    const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
      args: ["info", "--json", "--lock=.deno.lock", file],
      cwd: root,
    }).output();
    assert.equal(code, 0, new TextDecoder().decode(stderr));
    const info = JSON.parse(new TextDecoder().decode(stdout));
    return new Set<string>(
      info.modules.filter((m: { kind: string }) => m.kind === "npm")
        .map((m: { npmPackage: string }) => /^@?[^@]+/.exec(m.npmPackage)![0]),
    );
  };
  for (const [key, file] of Object.entries(config.exports as Record<string, string>)) {
    const packages = await packagesOf(file);
    for (const testOnly of ["s3rver", "firebase-tools", "google-auth-library"]) {
      assert.ok(!packages.has(testOnly), `${key} pulls in ${testOnly}`);
    }
    if (key === ".") assert.deepEqual([...packages].toSorted(), ["hash-wasm", "mime"]);
  }
});
