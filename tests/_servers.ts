// Real servers for the tests, on 127.0.0.1: s3rver and the Cloud Storage emulator of
// firebase-tools (npm) are started here, once per test process, and stopped when it exits;
// Debian's OpenStack Swift is started by .ci/run, which passes its address in
// OPTUNA_TEST_SWIFT_S3.
import { join } from "node:path";
import { EventEmitter } from "node:events";
import { generateKeyPairSync } from "node:crypto";
import { fileURLToPath } from "node:url";
// deno-lint-ignore no-import-prefix -- kept out of the import map (see docs/development.md)
import { S3Client } from "npm:@aws-sdk/client-s3@^3.1175.0";
// deno-lint-ignore no-import-prefix -- kept out of the import map (see docs/development.md)
import { Storage } from "npm:@google-cloud/storage@^8.4.0";
// deno-lint-ignore no-import-prefix -- kept out of the import map (see docs/development.md)
import { OAuth2Client } from "npm:google-auth-library@^11.0.0";
import { type Service, service } from "./_env.ts";
import { runtime } from "./_runtime.ts";

/** An S3-compatible server the tests can use. */
export interface S3Server {
  name: string;
  endpoint: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
}

/** A client for `server`; checksums as `checksum` says ("WHEN_REQUIRED" by default). */
export function s3Client(
  server: S3Server,
  options: { checksum?: "WHEN_REQUIRED" | "WHEN_SUPPORTED"; secretAccessKey?: string } = {},
): S3Client {
  const checksum = options.checksum ?? "WHEN_REQUIRED";
  return new S3Client({
    endpoint: server.endpoint,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: {
      accessKeyId: server.accessKeyId,
      secretAccessKey: options.secretAccessKey ?? server.secretAccessKey,
    },
    requestChecksumCalculation: checksum,
    responseChecksumValidation: checksum,
    maxAttempts: 1,
    // A connection that stops answering fails instead of hanging the test run.
    requestHandler: {
      requestTimeout: 20_000,
      connectionTimeout: 5_000,
      throwOnRequestTimeout: true,
    },
  });
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

async function waitForPort(
  port: number,
  child: Deno.ChildProcess,
  what: string,
  seconds = 60,
) {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    try {
      (await Deno.connect({ hostname: "127.0.0.1", port })).close();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  child.kill();
  throw new Error(`${what} did not listen on 127.0.0.1:${port} within ${seconds} s`);
}

/** Runs `command` in the background until this test process exits. */
function spawnUntilExit(command: Deno.Command, cleanupDir: string): Deno.ChildProcess {
  const child = command.spawn();
  child.unref();
  globalThis.addEventListener("unload", () => {
    try {
      child.kill();
    } catch { /* already gone */ }
    Deno.removeSync(cleanupDir, { recursive: true });
  });
  return child;
}

let s3rver: Promise<S3Server> | undefined;

/** Starts s3rver (npm) once for this test process, with its own data folder and a free port. */
export function startS3rver(): Promise<S3Server> {
  s3rver ??= (async () => {
    const dir = await Deno.makeTempDir({ prefix: "s3rver-" });
    const port = freePort();
    const bucket = "optuna-artifacts";
    const child = spawnUntilExit(
      new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "--allow-all",
          "npm:s3rver@3.7.1",
          "-d",
          join(dir, "data"),
          "-a",
          "127.0.0.1",
          "-p",
          String(port),
          "--silent",
          "--configure-bucket",
          bucket,
        ],
        stdout: "null",
        stderr: "null",
      }),
      dir,
    );
    await waitForPort(port, child, "s3rver");
    return {
      name: "s3rver",
      endpoint: `http://127.0.0.1:${port}`,
      bucket,
      accessKeyId: "S3RVER",
      secretAccessKey: "S3RVER",
    };
  })();
  return s3rver;
}

/** OpenStack Swift's S3 API, from OPTUNA_TEST_SWIFT_S3 = "endpoint bucket access secret". */
export function swiftS3(): Service & { server?: S3Server } {
  const found = service("OPTUNA_TEST_SWIFT_S3", "OpenStack Swift S3");
  if (found.ignore) return found;
  const [endpoint, bucket, accessKeyId, secretAccessKey] = found.value.split(" ");
  return {
    ...found,
    server: { name: "Swift", endpoint, bucket, accessKeyId, secretAccessKey },
  };
}

/** A Cloud Storage emulator the tests can use. */
export interface GcsServer {
  endpoint: string;
  projectId: string;
  bucket: string;
}

let gcsEmulator: Promise<GcsServer> | undefined;

/**
 * Starts the Cloud Storage emulator of firebase-tools once for this test process, with its
 * own TMPDIR (it keeps objects in memory and blobs under TMPDIR) and a free port. The first
 * start downloads firebase-tools into Deno's cache, hence the long wait.
 */
export function startGcsEmulator(): Promise<GcsServer> {
  gcsEmulator ??= (async () => {
    const dir = await Deno.makeTempDir({ prefix: "gcs-emulator-" });
    const port = freePort();
    const child = spawnUntilExit(
      new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "--allow-all",
          fileURLToPath(new URL("_gcs_emulator.mjs", import.meta.url)),
          String(port),
        ],
        env: { TMPDIR: dir, NO_COLOR: "1" },
        stdout: "null",
        stderr: "null",
      }),
      dir,
    );
    await waitForPort(port, child, "The Cloud Storage emulator", 900);
    return {
      endpoint: `http://127.0.0.1:${port}`,
      projectId: "demo-optuna-deno",
      bucket: "optuna",
    };
  })();
  return gcsEmulator;
}

/**
 * A `Storage` client for the emulator, which takes the bearer token "owner" as admin; with
 * `signing`, one that signs URLs itself with a key made here.
 */
export function gcsClient(server: GcsServer, options: { signing?: boolean } = {}): Storage {
  // The SDK adds a listener per request to shared streams; Node warns past 10 under Deno.
  EventEmitter.defaultMaxListeners = 100;
  if (options.signing) {
    // A service account key made here, so the SDK signs URLs itself (the emulator checks none).
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    return new Storage({
      apiEndpoint: server.endpoint,
      projectId: server.projectId,
      credentials: {
        client_email: "artifacts@demo-optuna-deno.iam.gserviceaccount.com",
        private_key: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
      },
    });
  }
  const authClient = new OAuth2Client();
  authClient.setCredentials({ access_token: "owner", expiry_date: Date.now() + 24 * 3600e3 });
  return new Storage({
    apiEndpoint: server.endpoint,
    projectId: server.projectId,
    authClient,
    useAuthWithCustomEndpoint: true,
    // The emulator drops the first connection after a read that a client cancelled part-way
    // (module docs of stores/gcs.ts). Deno's HTTP client sends that request again by itself;
    // node-fetch, which the SDK uses on Node.js and Bun, does not: there the SDK retries that
    // one error once. Every other error reaches the store, as under Deno.
    retryOptions: runtime === "deno" ? { autoRetry: false } : {
      autoRetry: true,
      maxRetries: 1,
      retryDelayMultiplier: 1,
      totalTimeout: 60,
      retryableErrorFn: (error: Error) => /socket hang up/.test(error.message),
    },
  });
}

/** Optuna's gRPC storage proxy (Python) in front of a storage, on a free port. */
export interface GrpcProxy {
  /** `grpc://127.0.0.1:PORT`. */
  url: string;
  port: number;
  /** Kills the proxy (SIGKILL, as a crash). */
  kill(): Promise<void>;
  /** Stops the proxy without killing it (SIGSTOP, as a stalled machine). */
  stop(): void;
  /** Starts it again on the same port, in front of the same storage. */
  restart(): Promise<void>;
}

/** A Python with Optuna and grpcio, or `ignore` (a failure in CI) when there is none. */
export function grpcPython(python: Service): Service {
  if (python.ignore) return python;
  const { code } = new Deno.Command(python.value, {
    args: ["-c", "import grpc, optuna.storages._grpc.server"],
    stdout: "null",
    stderr: "null",
  }).outputSync();
  if (code === 0) return python;
  if (Deno.env.get("CI")) throw new Error("grpcio is required in CI: .ci/run must install it");
  console.warn(
    "Skipping the gRPC proxy tests: no grpcio beside Python Optuna (pip install grpcio)",
  );
  return { value: "", ignore: true };
}

/** Starts Optuna's gRPC proxy (`tests/storages/_grpc_proxy.py`) in front of `storageUrl`. */
export async function startGrpcProxy(python: string, storageUrl: string): Promise<GrpcProxy> {
  const port = freePort();
  const script = fileURLToPath(new URL("storages/_grpc_proxy.py", import.meta.url));
  let child: Deno.ChildProcess;
  const start = async () => {
    child = new Deno.Command(python, { args: [script, storageUrl, String(port)] }).spawn();
    child.unref();
    await waitForPort(port, child, "Optuna's gRPC proxy");
  };
  const kill = async () => {
    try {
      child.kill("SIGKILL");
    } catch { /* already gone */ }
    child.ref(); // an unref'd child's status alone would not keep the test waiting
    await child.status;
  };
  globalThis.addEventListener("unload", () => {
    try {
      child.kill("SIGKILL");
    } catch { /* already gone */ }
  });
  await start();
  const stop = () => Deno.kill(child.pid, "SIGSTOP");
  return { url: `grpc://127.0.0.1:${port}`, port, kill, stop, restart: start };
}
