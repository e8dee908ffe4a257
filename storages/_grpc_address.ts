// Where Optuna's gRPC proxy listens: `host:port` from options, or from a `grpc://HOST:PORT` URL.

/** The proxy's default port, as Python's `run_grpc_proxy_server`. */
export const DEFAULT_PORT = 13000;

/** `host:port`, with an IPv6 host in brackets; the port must be 1 to 65535. */
export function grpcAddress(host = "localhost", port = DEFAULT_PORT): string {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new RangeError(`Cannot use port ${port} for the gRPC proxy: use 1 to 65535`);
  }
  return `${host.includes(":") ? `[${host}]` : host}:${port}`;
}

/** The host and port of a `grpc://HOST:PORT` URL; the port defaults to 13000. */
export function parseGrpcUrl(url: string): { host: string; port: number } {
  const parsed = URL.canParse(url) ? new URL(url) : undefined;
  if (parsed?.protocol !== "grpc:" || !parsed.hostname || parsed.pathname.length > 1) {
    throw new TypeError(
      `Cannot read the gRPC proxy URL "${url}": use grpc://HOST:PORT, such as ` +
        "grpc://127.0.0.1:13000",
    );
  }
  return {
    host: parsed.hostname.replace(/^\[|\]$/g, ""),
    port: parsed.port ? Number(parsed.port) : DEFAULT_PORT,
  };
}
