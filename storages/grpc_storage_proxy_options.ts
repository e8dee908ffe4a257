// The options of GrpcStorageProxy (`./grpc`).

/** Options of {@linkcode GrpcStorageProxy}. */
export interface GrpcStorageProxyOptions {
  /**
   * The proxy's host.
   *
   * @default {"localhost"}
   */
  host?: string;
  /**
   * The proxy's port.
   *
   * @default {13000}
   */
  port?: number;
  /**
   * Seconds one call may take before it fails with {@linkcode StorageUnreachableError}.
   *
   * @default {60}
   */
  timeout?: number;
  /**
   * How many times a read is tried again while the proxy refuses connections (a restart), with
   * waits of 0.25, 0.5, 1, ... s. A call that passes its deadline is not tried again. Writes are never repeated: a write whose answer was lost may
   * have happened, and repeating it could, for example, refuse a trial that the first call
   * already finished.
   *
   * @default {4}
   */
  readRetries?: number;
}
