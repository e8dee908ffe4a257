// The part of Deno's API that the tests use, on node:* modules, so that the same test files
// run on Node.js and Bun (.ci/runtimes.sh). The build (scripts/build_npm.mjs) imports it as a
// module-local `Deno` into each test file, never as a global: the library under test must see
// a runtime without Deno. Errors are matched by `code`, as node:fs throws them.
import * as fs from "node:fs";
import * as fsp from "node:fs/promises";
import * as childProcess from "node:child_process";
import * as net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { Readable, Writable } from "node:stream";
import { openFile, readDir } from "../_common/fs.ts";

/** A test as `Deno.test` registers it. */
export interface RegisteredTest {
  name: string;
  fn: (t: TestContext) => unknown;
  ignore: boolean;
}

/** The test context's `step`, which runs a subtest in place. */
export interface TestContext {
  name: string;
  step(nameOrDef: unknown, fn?: (t: TestContext) => unknown): Promise<boolean>;
}

/** Every test registered so far, in order. */
export const registered: RegisteredTest[] = [];

type TestFn = (t: TestContext) => unknown;
type TestDef = { name: string; fn: TestFn; ignore?: boolean };

function test(a: string | TestDef, b?: TestFn | Partial<TestDef>, c?: TestFn): void {
  let def: TestDef;
  if (typeof a === "string") {
    def = typeof b === "function" ? { name: a, fn: b } : { ...b, name: a, fn: c! };
  } else {
    def = typeof b === "function" ? { ...a, fn: b } : a;
  }
  registered.push({ name: def.name, fn: def.fn, ignore: def.ignore ?? false });
}
test.ignore = (a: string | TestDef, b?: TestFn) =>
  typeof a === "string" ? test({ name: a, fn: b!, ignore: true }) : test({ ...a, ignore: true });

function codeClass(name: string, code: string) {
  return {
    [name]: class extends Error {
      constructor(message?: string, options?: ErrorOptions) {
        super(message, options);
        Object.assign(this, { code });
      }
      static override [Symbol.hasInstance](value: unknown): boolean {
        return (value as { code?: string } | null)?.code === code;
      }
    },
  }[name];
}

const errors = {
  NotFound: codeClass("NotFound", "ENOENT"),
  AlreadyExists: codeClass("AlreadyExists", "EEXIST"),
  PermissionDenied: codeClass("PermissionDenied", "EACCES"),
};

function infoOf(stats: fs.Stats) {
  return {
    size: stats.size,
    mtime: stats.mtime,
    atime: stats.atime,
    mode: stats.mode,
    dev: stats.dev,
    ino: stats.ino,
    nlink: stats.nlink,
    isFile: stats.isFile(),
    isDirectory: stats.isDirectory(),
    isSymlink: stats.isSymbolicLink(),
  };
}

type Stdio = "piped" | "inherit" | "null";
interface CommandOptions {
  args?: string[];
  cwd?: string;
  env?: Record<string, string>;
  clearEnv?: boolean;
  stdin?: Stdio;
  stdout?: Stdio;
  stderr?: Stdio;
}

const stdio = (value: Stdio | undefined, fallback: Stdio) =>
  ({ piped: "pipe", inherit: "inherit", null: "ignore" } as const)[value ?? fallback];

function outputOf(result: { status: number | null; signal: string | null }) {
  return { code: result.status ?? 1, success: result.status === 0, signal: result.signal };
}

class Command {
  #command: string;
  #options: CommandOptions;
  constructor(command: string | URL, options: CommandOptions = {}) {
    this.#command = String(command);
    this.#options = options;
  }

  #spawnOptions(defaults: Stdio) {
    const o = this.#options;
    return {
      cwd: o.cwd,
      env: o.clearEnv ? o.env : { ...process.env, ...o.env },
      stdio: [
        stdio(o.stdin, defaults === "piped" ? "null" : "inherit"),
        stdio(o.stdout, defaults),
        stdio(o.stderr, defaults),
      ] as childProcess.StdioOptions,
    };
  }

  outputSync() {
    const result = childProcess.spawnSync(
      this.#command,
      this.#options.args ?? [],
      this.#spawnOptions("piped"),
    );
    if (result.error) throw result.error;
    return {
      ...outputOf(result),
      stdout: new Uint8Array(result.stdout ?? []),
      stderr: new Uint8Array(result.stderr ?? []),
    };
  }

  output() {
    return this.#spawn("piped").output();
  }

  spawn() {
    return this.#spawn("inherit");
  }

  #spawn(defaults: Stdio) {
    const child = childProcess.spawn(
      this.#command,
      this.#options.args ?? [],
      this.#spawnOptions(defaults),
    );
    return new ChildProcess(child);
  }
}

class ChildProcess {
  #child: childProcess.ChildProcess;
  readonly status: Promise<{ code: number; success: boolean; signal: string | null }>;
  readonly stdin: WritableStream<Uint8Array>;
  readonly stdout: ReadableStream<Uint8Array>;
  readonly stderr: ReadableStream<Uint8Array>;
  #stdout: Promise<Uint8Array> | undefined;
  #stderr: Promise<Uint8Array> | undefined;

  constructor(child: childProcess.ChildProcess) {
    this.#child = child;
    this.status = new Promise((resolve, reject) => {
      child.once("error", reject);
      child.once("close", (status, signal) => resolve(outputOf({ status, signal })));
    });
    this.stdin = child.stdin
      ? Writable.toWeb(child.stdin) as WritableStream<Uint8Array>
      : undefined!;
    this.stdout = child.stdout
      ? Readable.toWeb(child.stdout) as ReadableStream<Uint8Array>
      : undefined!;
    this.stderr = child.stderr
      ? Readable.toWeb(child.stderr) as ReadableStream<Uint8Array>
      : undefined!;
  }

  get pid(): number {
    return this.#child.pid!;
  }

  async output() {
    const read = (stream: ReadableStream<Uint8Array> | undefined) =>
      stream
        ? new Response(stream).arrayBuffer().then((b) => new Uint8Array(b))
        : Promise.resolve(new Uint8Array());
    this.#stdout ??= read(this.stdout);
    this.#stderr ??= read(this.stderr);
    const [status, stdout, stderr] = await Promise.all([this.status, this.#stdout, this.#stderr]);
    return { ...status, stdout, stderr };
  }

  kill(signal: NodeJS.Signals = "SIGTERM"): void {
    if (!this.#child.kill(signal)) throw new Error(`Cannot kill process ${this.pid}`);
  }

  ref(): void {
    this.#child.ref();
  }

  unref(): void {
    this.#child.unref();
  }
}

/** A file opened synchronously: seek, write and close, as the tests use `Deno.openSync`. */
class SyncFile {
  #fd: number;
  #position = 0;
  constructor(path: string, options: { write?: boolean }) {
    this.#fd = fs.openSync(path, options.write ? "r+" : "r");
  }
  seekSync(offset: number, whence: number): number {
    const base = [0, this.#position, fs.fstatSync(this.#fd).size][whence];
    return this.#position = base + offset;
  }
  writeSync(data: Uint8Array): number {
    const written = fs.writeSync(this.#fd, data, 0, data.length, this.#position);
    this.#position += written;
    return written;
  }
  close(): void {
    fs.closeSync(this.#fd);
  }
}

function freePortSync(hostname: string): number {
  const script = `const s = require("node:net").createServer().listen(0, "${hostname}", () => ` +
    `{ console.log(s.address().port); s.close(); });`;
  return Number(childProcess.execFileSync(process.execPath, ["-e", script]).toString());
}

/** A TCP connection with Deno.Conn's read, write and close. */
class Conn {
  #socket: net.Socket;
  #chunks: Uint8Array[] = [];
  #ended = false;
  #error: unknown;
  #wake: (() => void) | undefined;

  constructor(socket: net.Socket) {
    this.#socket = socket;
    const wake = () => {
      this.#wake?.();
      this.#wake = undefined;
    };
    socket.on("data", (chunk: Uint8Array) => {
      this.#chunks.push(chunk);
      socket.pause(); // read() resumes it: no more is buffered than one read asks for
      wake();
    });
    socket.on("end", () => {
      this.#ended = true;
      wake();
    });
    socket.on("error", (error) => {
      this.#error = error;
      wake();
    });
    socket.on("close", () => {
      this.#ended = true;
      wake();
    });
  }

  async read(buffer: Uint8Array): Promise<number | null> {
    while (this.#chunks.length === 0) {
      if (this.#error) throw this.#error;
      if (this.#ended) return null;
      this.#socket.resume();
      await new Promise<void>((resolve) => this.#wake = resolve);
    }
    const chunk = this.#chunks[0];
    const count = Math.min(buffer.length, chunk.length);
    buffer.set(chunk.subarray(0, count));
    if (count === chunk.length) this.#chunks.shift();
    else this.#chunks[0] = chunk.subarray(count);
    return count;
  }

  write(bytes: Uint8Array): Promise<number> {
    return new Promise((resolve, reject) => {
      this.#socket.write(bytes, (error) => error ? reject(error) : resolve(bytes.length));
    });
  }

  close(): void {
    if (this.#socket.destroyed) throw new Error("Bad resource: the connection is closed");
    this.#socket.destroy();
  }
}

/** A TCP listener with Deno.Listener's addr, close and async iteration over connections. */
class Listener {
  readonly addr: { transport: "tcp"; hostname: string; port: number };
  #server: net.Server;
  #pending: Conn[] = [];
  #closed = false;
  #wake: (() => void) | undefined;

  constructor(hostname: string, port: number) {
    this.addr = { transport: "tcp", hostname, port };
    this.#server = net.createServer((socket) => {
      this.#pending.push(new Conn(socket));
      this.#wake?.();
    });
    this.#server.listen(port, hostname);
  }

  close(): void {
    this.#closed = true;
    this.#server.close();
    this.#wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Conn> {
    while (true) {
      while (this.#pending.length > 0) yield this.#pending.shift()!;
      if (this.#closed) return;
      await new Promise<void>((resolve) => this.#wake = resolve);
      this.#wake = undefined;
    }
  }
}

let counter = 0;
const tempName = (prefix = "", suffix = "") =>
  join(tmpdir(), `${prefix}${process.pid}-${Date.now()}-${counter++}${suffix}`);

/** The `Deno` the test files see on Node.js and Bun. */
export const Deno = {
  test,
  errors,
  build: { os: process.platform === "win32" ? "windows" : process.platform },
  version: { deno: "0.0.0-" + ("Bun" in globalThis ? "bun" : "node") },
  pid: process.pid,
  SeekMode: { Start: 0, Current: 1, End: 2 },
  // No flock in node:fs: the tests that need FsFile.tryLock see it missing, as on Deno 2.5.
  FsFile: { prototype: {} },
  env: {
    get: (name: string) => process.env[name],
    set: (name: string, value: string) => void (process.env[name] = value),
    delete: (name: string) => void delete process.env[name],
  },
  // The servers (s3rver, the GCS emulator) run under Deno, whose path .ci/runtimes.sh gives.
  execPath: () => {
    const deno = process.env.OPTUNA_TEST_DENO;
    if (!deno) throw new Error("Set OPTUNA_TEST_DENO to a deno binary to start the test servers");
    return deno;
  },
  uid: () => process.getuid?.() ?? null,
  kill: (pid: number, signal: NodeJS.Signals) => void process.kill(pid, signal),
  Command,
  makeTempDir: async (options: { prefix?: string } = {}) =>
    await fsp.mkdtemp(join(tmpdir(), options.prefix ?? "tmp-")),
  makeTempFile: async (options: { prefix?: string; suffix?: string } = {}) => {
    const path = tempName(options.prefix, options.suffix);
    await fsp.writeFile(path, "", { flag: "wx" });
    return path;
  },
  mkdir: (path: string, options: { recursive?: boolean } = {}) =>
    fsp.mkdir(path, options).then(() => {}),
  remove: (path: string | URL, options: { recursive?: boolean } = {}) =>
    options.recursive ? fsp.rm(path, { recursive: true }) : fsp.rm(path).catch(async (error) => {
      if (error.code === "ERR_FS_EISDIR" || error.code === "EISDIR") return await fsp.rmdir(path);
      throw error;
    }),
  removeSync: (path: string, options: { recursive?: boolean } = {}) =>
    fs.rmSync(path, { recursive: options.recursive ?? false, force: false }),
  rename: (from: string, to: string) => fsp.rename(from, to),
  renameSync: (from: string, to: string) => fs.renameSync(from, to),
  readFile: async (path: string | URL) => new Uint8Array(await fsp.readFile(path)),
  readTextFile: (path: string | URL) => fsp.readFile(path, "utf8"),
  readTextFileSync: (path: string | URL) => fs.readFileSync(path, "utf8"),
  writeFile: (path: string | URL, data: Uint8Array, options: { append?: boolean } = {}) =>
    fsp.writeFile(path, data, { flag: options.append ? "a" : "w" }),
  writeTextFile: (path: string | URL, data: string, options: { append?: boolean } = {}) =>
    fsp.writeFile(path, data, { flag: options.append ? "a" : "w" }),
  copyFile: (from: string, to: string) => fsp.copyFile(from, to),
  symlink: (target: string, path: string) => fsp.symlink(target, path),
  link: (from: string, to: string) => fsp.link(from, to),
  chmod: (path: string, mode: number) => fsp.chmod(path, mode),
  truncate: (path: string, size = 0) => fsp.truncate(path, size),
  utime: (path: string, atime: Date | number, mtime: Date | number) =>
    fsp.utimes(path, atime, mtime),
  realPath: (path: string) => fsp.realpath(path),
  stat: async (path: string | URL) => infoOf(await fsp.stat(path)),
  lstat: async (path: string | URL) => infoOf(await fsp.lstat(path)),
  statSync: (path: string | URL) => infoOf(fs.statSync(path)),
  readDir: (path: string) => readDir(path),
  readDirSync: (path: string) =>
    fs.readdirSync(path, { withFileTypes: true }).map((entry) => ({
      name: entry.name,
      isFile: entry.isFile(),
      isDirectory: entry.isDirectory(),
      isSymlink: entry.isSymbolicLink(),
    })),
  open: (path: string, options: Record<string, boolean> = { read: true }) =>
    openFile(path, options),
  openSync: (path: string, options: { write?: boolean } = {}) => new SyncFile(path, options),
  // Deno.listen gives its port at once; node:net binds on a later tick, so a port 0 is first
  // found by a child. Connections made before the bind wait in the kernel's backlog.
  listen: (options: { hostname: string; port: number }) => {
    const port = options.port || freePortSync(options.hostname);
    return new Listener(options.hostname, port);
  },
  connect: (options: { hostname: string; port: number }) =>
    new Promise<Conn>((resolve, reject) => {
      const socket = net.connect(options.port, options.hostname, () => {
        socket.off("error", reject);
        resolve(new Conn(socket));
      });
      socket.once("error", reject);
    }),
};
