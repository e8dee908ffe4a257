// Opens the storage and the artifact store a command line names, loading only the driver or
// SDK that the name needs.
import { FileSystemArtifactStore } from "../stores/filesystem.ts";
import { Backoff } from "../middleware/backoff.ts";
import type { ArtifactStore } from "../stores/types.ts";
import type { StudyStorage } from "../storages/types.ts";

/** A storage with an optional way to close it. */
export interface OpenedStorage {
  storage: StudyStorage;
  close(): Promise<void>;
}

/** A user mistake in a command line: exit code 2, no stack trace. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/**
 * Opens an Optuna storage named as Optuna names it: `sqlite:///path`, `postgresql://...`,
 * `grpc://HOST:PORT` (Optuna's gRPC storage proxy), or a journal file path.
 */
export async function openStorage(spec: string): Promise<OpenedStorage> {
  if (spec.startsWith("sqlite:")) {
    const { SqliteStorage } = await import("../storages/sqlite.ts");
    const storage = new SqliteStorage(spec);
    return { storage, close: () => storage.close() };
  }
  if (/^postgres(ql)?(\+\w+)?:\/\//.test(spec)) {
    const { PostgresStorage } = await import("../storages/postgres.ts");
    const storage = new PostgresStorage(spec);
    return { storage, close: () => storage.close() };
  }
  if (spec.startsWith("grpc://")) {
    const { GrpcStorageProxy } = await import("../storages/grpc.ts");
    let storage: InstanceType<typeof GrpcStorageProxy>;
    try {
      storage = GrpcStorageProxy.fromUrl(spec);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    return { storage, close: () => Promise.resolve(storage.close()) };
  }
  if (/^[a-z][a-z0-9+]*:\/\//i.test(spec)) {
    throw new UsageError(
      `Cannot use the storage "${spec}": use a journal file path, sqlite:///path, ` +
        "postgresql://... or grpc://HOST:PORT",
    );
  }
  const { JournalFileStorage } = await import("../storages/journal.ts");
  try {
    await Deno.stat(spec);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new Deno.errors.NotFound(
        `Cannot find the journal file "${spec}"; check the --storage path`,
      );
    }
    throw error;
  }
  return { storage: new JournalFileStorage(spec), close: () => Promise.resolve() };
}

/**
 * Opens an artifact store: a folder (`DIR` or `file:DIR`), `s3://bucket[/prefix]` or
 * `gs://bucket[/prefix]`; remote stores are wrapped in `Backoff`.
 */
export async function openArtifactStore(spec: string): Promise<ArtifactStore> {
  const remote = /^(s3|gs):\/\/([^/]+)\/?(.*)$/.exec(spec);
  if (remote) {
    const [, scheme, bucket, prefix] = remote;
    const keyPrefix = prefix && !prefix.endsWith("/") ? `${prefix}/` : prefix;
    if (scheme === "s3") {
      const { S3ArtifactStore } = await import("../stores/s3.ts");
      return new Backoff(new S3ArtifactStore(bucket, { keyPrefix }));
    }
    const { GCSArtifactStore } = await import("../stores/gcs.ts");
    return new Backoff(new GCSArtifactStore(bucket, { keyPrefix }));
  }
  if (/^[a-z][a-z0-9+]*:\/\//i.test(spec)) {
    throw new UsageError(
      `Cannot use the artifact store "${spec}": use DIR, s3://bucket or gs://bucket`,
    );
  }
  const dir = spec.startsWith("file:") ? spec.slice("file:".length) : spec;
  if (dir === "") {
    throw new UsageError(`Cannot use the artifact store "${spec}": give its folder, file:DIR`);
  }
  return new FileSystemArtifactStore(dir);
}
