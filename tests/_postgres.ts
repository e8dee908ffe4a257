// A throwaway PostgreSQL database per test, on the server .ci/run starts.
import assert from "node:assert/strict";
// deno-lint-ignore no-import-prefix -- kept out of the import map (see docs/development.md)
import postgres from "npm:postgres@^3.4.9";

/** Runs `fn` on a fresh database; with `schema`, Python Optuna creates its tables first. */
export async function withDatabase(
  base: string,
  python: string,
  schema: boolean,
  fn: (url: string) => Promise<void>,
): Promise<void> {
  const admin = postgres(base, { max: 1, onnotice: () => {} });
  const name = `optuna_test_${crypto.randomUUID().replaceAll("-", "")}`;
  await admin.unsafe(`CREATE DATABASE ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  try {
    if (schema) {
      const { code, stderr } = await new Deno.Command(python, {
        args: ["-c", "import optuna, sys; optuna.storages.RDBStorage(sys.argv[1])", url.href],
      }).output();
      assert.equal(code, 0, new TextDecoder().decode(stderr));
    }
    await fn(url.href);
  } finally {
    await admin.unsafe(`DROP DATABASE ${name} WITH (FORCE)`);
    await admin.end();
  }
}
