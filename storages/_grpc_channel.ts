// The transport of GrpcStorageProxy: one grpc-js channel to Optuna's proxy, unary calls encoded
// with the schema of _grpc_schema.ts, reads tried again while the proxy restarts, and the
// proxy's status codes turned into this module's errors.
// deno-lint-ignore-file no-import-prefix -- kept out of the import map (see docs/development.md)
// grpc-js 1.13 and later call http2.getDefaultSettings, which Deno 2.5's node:http2 lacks.
import { Client, credentials, Metadata, status } from "npm:@grpc/grpc-js@~1.12.7";
import { Buffer } from "node:buffer";
import { StorageUnreachableError } from "./errors.ts";
import { decode, encode } from "./_grpc_schema.ts";

/** A decoded reply: the fields of the method's reply message, in camelCase. */
// deno-lint-ignore no-explicit-any -- the schema is built at load time, so no static types
export type Reply = Record<string, any>;

/** The proxy's answer to an unknown id; which error it becomes depends on the call. */
export type NotFound = () => Error;

/** What {@linkcode GrpcChannel} needs. */
export interface GrpcChannelOptions {
  /** `host:port`. */
  address: string;
  /** Milliseconds one call may take. */
  timeout: number;
  /** How many times a read is tried again while the connection is refused. */
  readRetries: number;
}

/** One channel to the proxy, made again after a lost connection. */
export class GrpcChannel {
  readonly address: string;
  #client: Client;
  #closed = false;
  #timeout: number;
  #readRetries: number;

  constructor(options: GrpcChannelOptions) {
    this.address = options.address;
    this.#timeout = options.timeout;
    this.#readRetries = options.readRetries;
    this.#client = this.#connect();
  }

  /** Closes the channel; later calls fail. */
  close(): void {
    this.#closed = true;
    this.#client.close();
  }

  #connect(): Client {
    return new Client(this.address, credentials.createInsecure(), {
      // As Python's client: no limit on the size of an answer (a study's trials).
      "grpc.max_receive_message_length": -1,
      // After a proxy restart, reconnect within a second or two, not after minutes of backoff.
      "grpc.initial_reconnect_backoff_ms": 250,
      "grpc.max_reconnect_backoff_ms": 2000,
    });
  }

  /**
   * A new channel after a lost connection: under Deno 2.5, node:http2 does not report a
   * connection that the proxy's death broke, and the old channel would keep writing into it.
   */
  #reconnect(): void {
    if (this.#closed) return;
    this.#client.close();
    this.#client = this.#connect();
  }

  /** A read: tried again while the proxy is unreachable (a restart). */
  async read(method: string, request: Record<string, unknown>, notFound: NotFound) {
    for (let attempt = 0;; attempt++) {
      try {
        return await this.call(method, request, notFound);
      } catch (error) {
        // Only a refused or dropped connection (a restart); a deadline is the caller's budget.
        const restarting = error instanceof StorageUnreachableError &&
          connectionLost(error.cause as GrpcError);
        if (!restarting || attempt >= this.#readRetries) throw error;
        await new Promise((resolve) => setTimeout(resolve, 250 * 2 ** attempt));
      }
    }
  }

  /** One call, never repeated. */
  call(
    method: string,
    request: Record<string, unknown>,
    notFound: NotFound,
  ): Promise<Reply> {
    const path = `/optuna.StorageService/${method}`;
    return new Promise((resolve, reject) => {
      this.#client.makeUnaryRequest(
        path,
        (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length),
        (bytes: Buffer) => decode(`${method}Reply`, bytes),
        encode(`${method}Request`, request),
        new Metadata(),
        { deadline: Date.now() + this.#timeout },
        (error, reply) => {
          if (!error) return resolve(reply);
          if (connectionLost(error)) this.#reconnect();
          reject(this.#error(method, error, notFound));
        },
      );
    });
  }

  /** The error a failed call becomes. */
  #error(method: string, error: GrpcError, notFound: NotFound): Error {
    const details = error.details ?? String(error);
    const code = connectionLost(error) ? status.UNAVAILABLE : error.code;
    switch (code) {
      case status.NOT_FOUND:
        return notFound();
      case status.ALREADY_EXISTS:
        return notFound(); // only CreateNewStudy answers it: the duplicate name
      case status.FAILED_PRECONDITION:
        return new FailedPrecondition(details);
      case status.INVALID_ARGUMENT:
        return new InvalidArgument(
          `The Optuna gRPC proxy at ${this.address} refused ${method}: ${details}`,
          { cause: error },
        );
      case status.UNAVAILABLE:
      case status.DEADLINE_EXCEEDED:
        return new StorageUnreachableError(
          `Cannot reach the Optuna gRPC proxy at ${this.address} (${method}: ` +
            `${status[error.code!]}, ${details}); start it with ` +
            "optuna.storages.run_grpc_proxy_server(storage, host=..., port=...), or check " +
            "the host and port",
          { cause: error },
        );
      case status.INTERNAL:
        return new Error(
          `The server at ${this.address} does not answer ${method} as an Optuna gRPC proxy ` +
            `(INTERNAL: ${details}); check that the host and port are the proxy's`,
          { cause: error },
        );
      case status.UNIMPLEMENTED:
        return new Error(
          `The Optuna gRPC proxy at ${this.address} does not know ${method}: it runs an ` +
            "Optuna older than 5.0; upgrade the proxy's Optuna",
          { cause: error },
        );
      default:
        return new Error(
          `The Optuna gRPC proxy at ${this.address} failed ${method} ` +
            `(${status[error.code ?? status.UNKNOWN] ?? error.code}): ${details}`,
          { cause: error },
        );
    }
  }
}

/** A refusal to change a finished trial, before it is named with the trial's state. */
export class FailedPrecondition extends Error {}

/** The proxy's answer to a Python ValueError (a parameter that does not fit the study). */
export class InvalidArgument extends Error {}

/** What grpc-js rejects a call with. */
interface GrpcError {
  code?: number;
  details?: string;
}

/**
 * A connection refused, or one that broke under the call (grpc-js reports a socket the proxy's
 * death ended as INTERNAL): a restart, unlike INTERNAL from a server that is no gRPC proxy.
 */
function connectionLost(error: GrpcError): boolean {
  return error.code === status.UNAVAILABLE ||
    (error.code === status.INTERNAL &&
      /socket has been ended|ECONNRESET|internal client error/i.test(error.details ?? ""));
}
