// The Deploy worker as a subprocess with network, env and sys permissions only (no file
// access, as on Deno Deploy), against s3rver and PostgreSQL.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
// deno-lint-ignore no-import-prefix -- kept out of the import map (see docs/development.md)
import { GetObjectCommand } from "npm:@aws-sdk/client-s3@^3.1175.0";
import { optunaPython, service } from "../_env.ts";
import { pseudoRandomBytes, sha256Stream, withTempDir } from "../_helpers.ts";
import { withDatabase } from "../_postgres.ts";
import { freePort, grpcPython, s3Client, startGrpcProxy, startS3rver } from "../_servers.ts";

const WORKER = fileURLToPath(new URL("../../examples/deploy_worker.ts", import.meta.url));
const SIDE = fileURLToPath(new URL("../interop/_optuna_side.py", import.meta.url));
const base = service("OPTUNA_TEST_POSTGRES_URL", "PostgreSQL");
const python = optunaPython();
const grpc = grpcPython(python);
const MiB = 1024 * 1024;
// Started when the module loads, outside any test (see tests/stores/s3_test.ts).
const s3rver = await startS3rver();

/** A 100 MiB body made on the fly, hashed as it is sent. */
function body(hash: ReturnType<typeof createHash>, mib: number) {
  let sent = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent === mib) return controller.close();
      const chunk = pseudoRandomBytes(MiB, ++sent);
      hash.update(chunk);
      controller.enqueue(chunk);
    },
  });
}

/** Starts the worker on a free port with no file access, once it listens. */
async function startWorker(storage: string, extraEnv: Record<string, string> = {}) {
  const port = freePort();
  const s3 = s3rver;
  const worker = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net=127.0.0.1", "--allow-env", "--allow-sys", WORKER],
    env: {
      PORT: String(port),
      HOST: "127.0.0.1",
      OPTUNA_STORAGE: storage,
      OPTUNA_S3_BUCKET: s3.bucket,
      AWS_ENDPOINT_URL: s3.endpoint,
      AWS_REGION: "us-east-1",
      AWS_ACCESS_KEY_ID: s3.accessKeyId,
      AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
      ...extraEnv,
    },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const reader = worker.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const { value } = await reader.read(); // "listening on ..."
  assert.match(value ?? "", /listening on http:\/\/127\.0\.0\.1/);
  reader.releaseLock();
  return { worker, port };
}

Deno.test({
  name:
    "The Deploy worker streams a 100 MiB request body into S3 and PostgreSQL, and answers 201/200/400/404/409",
  ignore: base.ignore || python.ignore,
  async fn() {
    const s3 = s3rver;
    await withDatabase(base.value, python.value, true, async (url) => {
      await withTempDir(async (dir) => {
        await Deno.mkdir(join(dir, "py-artifacts"));
        const py = await new Deno.Command(python.value, {
          args: [SIDE, "create", url, "deploy", join(dir, "py-artifacts")],
        }).output();
        assert.equal(py.code, 0, new TextDecoder().decode(py.stderr));
      });
      const { worker, port } = await startWorker(url);
      const client = s3Client(s3);
      try {
        const at = (path: string) => `http://127.0.0.1:${port}${path}`;

        const hash = createHash("sha256");
        const started = performance.now();
        const post = await fetch(at("/studies/deploy/trials/0/artifacts?filename=weights.bin"), {
          method: "POST",
          body: body(hash, 100),
        });
        assert.equal(post.status, 201, await post.clone().text());
        const created = await post.json();
        const seconds = (performance.now() - started) / 1000;
        const status = await Deno.readTextFile(`/proc/${worker.pid}/status`);
        const peakMiB = Number(/VmHWM:\s+(\d+)/.exec(status)![1]) / 1024;
        console.log(
          `Deploy worker: 100 MiB streamed in ${seconds.toFixed(1)} s; worker peak RSS ` +
            `${peakMiB.toFixed(0)} MiB`,
        );

        const object = await client.send(
          new GetObjectCommand({ Bucket: s3.bucket, Key: created.artifact_id }),
        );
        assert.equal(
          await sha256Stream(object.Body!.transformToWebStream()),
          hash.digest("hex"),
        );

        const list = await fetch(at("/studies/deploy/trials/0/artifacts"));
        assert.equal(list.status, 200);
        const metas = await list.json();
        assert.deepEqual(
          metas.find((m: { artifact_id: string }) => m.artifact_id === created.artifact_id),
          {
            artifact_id: created.artifact_id,
            filename: "weights.bin",
            mimetype: "application/octet-stream",
            encoding: null,
          },
        );

        const cases: Array<[string, string, number]> = [
          ["POST", "/studies/deploy/trials/1/artifacts?filename=late.txt", 409], // COMPLETE
          ["POST", "/studies/deploy/trials/0/artifacts", 400], // no filename
          ["POST", "/studies/deploy/trials/99999999999999999999/artifacts?filename=x", 400],
          ["GET", "/studies/%E0%A4%A/trials/0/artifacts", 400], // a malformed percent-escape
          ["POST", "/studies/nope/trials/0/artifacts?filename=x", 404],
          ["GET", "/studies/deploy/trials/9/artifacts", 404],
        ];
        for (const [method, path, expected] of cases) {
          const response = await fetch(at(path), {
            method,
            body: method === "POST" ? "some bytes" : undefined,
          });
          assert.equal(response.status, expected, `${method} ${path}`);
          assert.ok((await response.json()).error);
        }
        const complete = await (await fetch(at("/studies/deploy/trials/1/artifacts"))).json();
        assert.deepEqual(complete, []);

        // No body: an empty artifact.
        const empty = await fetch(at("/studies/deploy/trials/0/artifacts?filename=empty.txt"), {
          method: "POST",
        });
        assert.equal(empty.status, 201);
        const emptyId = (await empty.json()).artifact_id;
        const emptyObject = await client.send(
          new GetObjectCommand({ Bucket: s3.bucket, Key: emptyId }),
        );
        assert.equal((await emptyObject.Body!.transformToByteArray()).length, 0);

        // A client that sends half its body and disconnects: nothing recorded, nothing logged.
        const listed = (await (await fetch(at("/studies/deploy/trials/0/artifacts"))).json())
          .length;
        const connection = await Deno.connect({ hostname: "127.0.0.1", port });
        const head = "POST /studies/deploy/trials/0/artifacts?filename=cut.bin HTTP/1.1\r\n" +
          `Host: 127.0.0.1:${port}\r\nContent-Length: ${16 * 1024 * 1024}\r\n\r\n`;
        await connection.write(new TextEncoder().encode(head));
        await connection.write(new Uint8Array(4 * 1024 * 1024));
        await new Promise((r) => setTimeout(r, 300));
        connection.close();
        await new Promise((r) => setTimeout(r, 1000));
        const after = await (await fetch(at("/studies/deploy/trials/0/artifacts"))).json();
        assert.equal(after.length, listed);
      } finally {
        client.destroy();
        worker.kill();
        await worker.status;
        await worker.stdout.cancel().catch(() => {});
      }
      const logged = await new Response(worker.stderr).text();
      assert.doesNotMatch(logged, /StreamConsumedError|Internal error|Error/, logged);

      // With OPTUNA_ARTIFACTS_TOKEN, every request needs the bearer token.
      const guarded = await startWorker(url, { OPTUNA_ARTIFACTS_TOKEN: "s3cret" });
      try {
        const at = (path: string) => `http://127.0.0.1:${guarded.port}${path}`;
        const anonymous = await fetch(at("/studies/deploy/trials/0/artifacts"));
        assert.equal(anonymous.status, 401);
        await anonymous.body?.cancel();
        const wrong = await fetch(at("/studies/deploy/trials/0/artifacts"), {
          headers: { authorization: "Bearer nope" },
        });
        assert.equal(wrong.status, 403);
        await wrong.body?.cancel();
        const allowed = await fetch(at("/studies/deploy/trials/0/artifacts?filename=t.txt"), {
          method: "POST",
          body: "with the token",
          headers: { authorization: "Bearer s3cret" },
        });
        assert.equal(allowed.status, 201);
        await allowed.body?.cancel();
      } finally {
        guarded.worker.kill();
        await guarded.worker.status;
        await guarded.worker.stdout.cancel().catch(() => {});
        await guarded.worker.stderr.cancel().catch(() => {});
      }
    });
  },
});

Deno.test({
  name:
    "The Deploy worker records artifacts through Optuna's gRPC storage proxy (OPTUNA_STORAGE=grpc://...)",
  ignore: base.ignore || grpc.ignore,
  sanitizeOps: false, // grpc-js's and the SDK's timers outlive the worker's requests
  sanitizeResources: false,
  async fn() {
    await withDatabase(base.value, grpc.value, true, async (url) => {
      await withTempDir(async (dir) => {
        await Deno.mkdir(join(dir, "py-artifacts"));
        const py = await new Deno.Command(grpc.value, {
          args: [SIDE, "create", url, "deploy", join(dir, "py-artifacts")],
        }).output();
        assert.equal(py.code, 0, new TextDecoder().decode(py.stderr));
      });
      const proxy = await startGrpcProxy(grpc.value, url);
      const { worker, port } = await startWorker(proxy.url);
      try {
        const at = (path: string) => `http://127.0.0.1:${port}${path}`;
        const post = await fetch(at("/studies/deploy/trials/0/artifacts?filename=a.txt"), {
          method: "POST",
          body: "through the proxy",
        });
        assert.equal(post.status, 201, await post.clone().text());
        const { artifact_id } = await post.json();
        const metas = await (await fetch(at("/studies/deploy/trials/0/artifacts"))).json();
        assert.ok(metas.some((m: { artifact_id: string }) => m.artifact_id === artifact_id));
        const late = await fetch(at("/studies/deploy/trials/1/artifacts?filename=l.txt"), {
          method: "POST",
          body: "x",
        });
        assert.equal(late.status, 409);
        await late.body?.cancel();
      } finally {
        worker.kill();
        await worker.status;
        await worker.stdout.cancel().catch(() => {});
        await worker.stderr.cancel().catch(() => {});
        await proxy.kill();
      }
    });
  },
});
