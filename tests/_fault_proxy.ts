// A fault-injecting HTTP/1.1 proxy for the retry tests: it sits between an S3 client and a
// real S3 server on 127.0.0.1 and, for a seeded random share of requests, answers 500 or 503
// SlowDown, or drops the connection before the response, or in the middle of a response body,
// or flips one bit in the middle of a response body (a damaged transfer).

/** Shares of requests (0 to 1) that get each fault; the rest pass through untouched. */
export interface FaultPlan {
  status500: number;
  status503: number;
  resetBeforeResponse: number;
  /** Applied to responses that have a body. */
  resetMidBody: number;
  /** Applied to responses that have a body: one bit in its middle is flipped. */
  corruptBody?: number;
  /** Limits `corruptBody` to requests whose first line matches. */
  corruptRequests?: RegExp;
  /** Header lines (each ending in CRLF) added to every response, such as a real server's. */
  addHeaders?: string;
  /**
   * Milliseconds each response is held back once the server has answered, so that a client's
   * requests sent at once are answered at once, however fast the server is.
   */
  holdResponse?: number;
  seed: number;
}

/** How many requests passed and how many got each fault. */
export interface FaultCounts {
  requests: number;
  status500: number;
  status503: number;
  resetBeforeResponse: number;
  resetMidBody: number;
  corruptBody: number;
  /** The most requests answered at once. */
  maxInFlight: number;
  /** Body bytes sent to the clients (the body of each response, framing not counted). */
  responseBodyBytes: number;
}

const CRLF2 = new TextEncoder().encode("\r\n\r\n");

/** Reads HTTP messages from a connection: heads, exact byte counts, chunked bodies. */
class MessageReader {
  #conn: Deno.Conn;
  #buffer = new Uint8Array(0);

  constructor(conn: Deno.Conn) {
    this.#conn = conn;
  }

  async #fill(): Promise<boolean> {
    const chunk = new Uint8Array(256 * 1024);
    const count = await this.#conn.read(chunk);
    if (count === null) return false;
    const merged = new Uint8Array(this.#buffer.length + count);
    merged.set(this.#buffer);
    merged.set(chunk.subarray(0, count), this.#buffer.length);
    this.#buffer = merged;
    return true;
  }

  #take(count: number): Uint8Array {
    const taken = this.#buffer.slice(0, count);
    this.#buffer = this.#buffer.slice(count);
    return taken;
  }

  /** The head up to and including the blank line, or null at a clean end of stream. */
  async head(): Promise<string | null> {
    while (true) {
      const end = indexOf(this.#buffer, CRLF2);
      if (end >= 0) return new TextDecoder().decode(this.#take(end + 4));
      if (!(await this.#fill())) return null;
    }
  }

  /** Up to `max` bytes (at least one), for forwarding a body piece by piece. */
  async some(max: number): Promise<Uint8Array> {
    if (this.#buffer.length === 0 && !(await this.#fill())) throw new Error("connection closed");
    return this.#take(Math.min(max, this.#buffer.length));
  }

  /** One line of a chunked body, with its CRLF. */
  async line(): Promise<Uint8Array> {
    while (true) {
      const end = indexOf(this.#buffer, CRLF2.subarray(0, 2));
      if (end >= 0) return this.#take(end + 2);
      if (!(await this.#fill())) throw new Error("connection closed");
    }
  }
}

function indexOf(haystack: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

function header(head: string, name: string): string | undefined {
  const match = new RegExp(`^${name}:\\s*(.*?)\\s*$`, "im").exec(head);
  return match?.[1];
}

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  let written = 0;
  while (written < bytes.length) written += await conn.write(bytes.subarray(written));
}

/**
 * Forwards one body from `from` to `to` (`to` may be null to discard), by Content-Length or
 * chunked framing; with `cutAfter`, stops after that many bytes and returns false; with
 * `flipAt`, flips the lowest bit of the body's byte at that offset (framing not counted).
 */
async function forwardBody(
  from: MessageReader,
  to: Deno.Conn | null,
  head: string,
  cutAfter?: number,
  flipAt?: number,
  counter?: { responseBodyBytes: number },
): Promise<boolean> {
  let sent = 0;
  let data = 0;
  const send = async (bytes: Uint8Array, isData = true) => {
    if (cutAfter !== undefined && sent + bytes.length > cutAfter) {
      if (to) await writeAll(to, bytes.subarray(0, cutAfter - sent));
      return false;
    }
    if (isData && flipAt !== undefined && flipAt >= data && flipAt < data + bytes.length) {
      bytes = bytes.slice();
      bytes[flipAt - data] ^= 1;
    }
    sent += bytes.length;
    if (isData) data += bytes.length;
    if (isData && counter) counter.responseBodyBytes += bytes.length;
    if (to) await writeAll(to, bytes);
    return true;
  };
  if (/^transfer-encoding:\s*chunked/im.test(head)) {
    while (true) {
      const sizeLine = await from.line();
      if (!(await send(sizeLine, false))) return false;
      const size = parseInt(new TextDecoder().decode(sizeLine), 16);
      let remaining = size;
      while (remaining > 0) {
        const piece = await from.some(remaining);
        remaining -= piece.length;
        if (!(await send(piece))) return false;
      }
      for (let crlf = 2; crlf > 0;) { // the chunk's CRLF
        const piece = await from.some(crlf);
        crlf -= piece.length;
        if (!(await send(piece, false))) return false;
      }
      if (size === 0) return true;
    }
  }
  let remaining = Number(header(head, "content-length") ?? 0);
  while (remaining > 0) {
    const piece = await from.some(Math.min(remaining, 256 * 1024));
    remaining -= piece.length;
    if (!(await send(piece))) return false;
  }
  return true;
}

/** The proxy: start it with {@linkcode FaultProxy.start}, read `counts`, then `close()`. */
export class FaultProxy {
  readonly counts: FaultCounts = {
    requests: 0,
    status500: 0,
    status503: 0,
    resetBeforeResponse: 0,
    resetMidBody: 0,
    corruptBody: 0,
    maxInFlight: 0,
    responseBodyBytes: 0,
  };
  /** Requests being answered now. */
  inFlight = 0;
  readonly endpoint: string;
  /** Turns faults on and off (for example to set up data through the proxy). */
  enabled = true;
  #listener: Deno.Listener;
  #upstreamPort: number;
  #plan: FaultPlan;
  #state: number;
  #conns = new Set<Deno.Conn>();
  #serving: Promise<void>;

  private constructor(listener: Deno.Listener, upstreamPort: number, plan: FaultPlan) {
    this.#listener = listener;
    this.#upstreamPort = upstreamPort;
    this.#plan = plan;
    this.#state = plan.seed >>> 0 || 1;
    this.endpoint = `http://127.0.0.1:${(listener.addr as Deno.NetAddr).port}`;
    this.#serving = this.#serve();
  }

  /** Listens on a free port of 127.0.0.1 and forwards to `upstreamPort`. */
  static start(upstreamPort: number, plan: FaultPlan): FaultProxy {
    return new FaultProxy(
      Deno.listen({ hostname: "127.0.0.1", port: 0 }),
      upstreamPort,
      plan,
    );
  }

  /** Stops listening and drops every connection. */
  async close(): Promise<void> {
    this.#listener.close();
    for (const conn of this.#conns) this.#drop(conn);
    await this.#serving;
  }

  #random(): number {
    let x = this.#state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.#state = x >>> 0;
    return this.#state / 2 ** 32;
  }

  #drop(conn: Deno.Conn | undefined) {
    if (!conn || !this.#conns.delete(conn)) return;
    try {
      conn.close();
    } catch { /* already closed */ }
  }

  async #serve() {
    const handlers: Promise<void>[] = [];
    try {
      for await (const conn of this.#listener) {
        this.#conns.add(conn);
        handlers.push(this.#handle(conn).catch(() => {}));
      }
    } catch { /* listener closed */ }
    await Promise.all(handlers);
  }

  async #handle(client: Deno.Conn) {
    const fromClient = new MessageReader(client);
    let upstream: Deno.Conn | undefined;
    let fromUpstream: MessageReader | undefined;
    let busy = false;
    const idle = () => {
      if (busy) this.inFlight--;
      busy = false;
    };
    try {
      while (true) {
        idle();
        let head = await fromClient.head();
        if (head === null) return;
        busy = true;
        this.inFlight++;
        this.counts.maxInFlight = Math.max(this.counts.maxInFlight, this.inFlight);
        const method = head.slice(0, head.indexOf(" "));
        if (/^expect:\s*100-continue/im.test(head)) {
          head = head.replace(/^expect:.*\r\n/im, "");
          await writeAll(client, new TextEncoder().encode("HTTP/1.1 100 Continue\r\n\r\n"));
        }
        this.counts.requests++;
        const roll = this.enabled ? this.#random() : 1;
        const p = this.#plan;
        const status = roll < p.status500 ? 500 : roll < p.status500 + p.status503 ? 503 : 0;
        if (status) {
          await forwardBody(fromClient, null, head); // drain the request
          status === 500 ? this.counts.status500++ : this.counts.status503++;
          const code = status === 500 ? "InternalError" : "SlowDown";
          const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code>` +
            `<Message>Injected fault</Message></Error>`;
          await writeAll(
            client,
            new TextEncoder().encode(
              `HTTP/1.1 ${status} ${status === 500 ? "Internal Server Error" : "Slow Down"}\r\n` +
                `Content-Type: application/xml\r\nContent-Length: ${xml.length}\r\n` +
                `Connection: close\r\n\r\n${xml}`,
            ),
          );
          return;
        }
        if (!upstream) {
          upstream = await Deno.connect({ hostname: "127.0.0.1", port: this.#upstreamPort });
          this.#conns.add(upstream);
          fromUpstream = new MessageReader(upstream);
        }
        await writeAll(upstream, new TextEncoder().encode(head));
        // Both directions at once, as a TCP connection: a server may answer (an error) before
        // it has read the whole request body, and stop reading it.
        const responding = (async () => {
          let response = await fromUpstream!.head();
          while (response !== null && /^HTTP\/1\.1 100/.test(response)) {
            response = await fromUpstream!.head();
          }
          return response;
        })();
        const sending = forwardBody(fromClient, upstream, head).then(() => true, () => false);
        const early = await Promise.race([sending.then(() => false), responding.then(() => true)]);
        const response = await responding;
        if (p.holdResponse) await new Promise((resolve) => setTimeout(resolve, p.holdResponse));
        const bodySent = !early && await sending;
        const resetBefore = roll < p.status500 + p.status503 + p.resetBeforeResponse;
        if (response === null) return;
        if (resetBefore) {
          this.counts.resetBeforeResponse++;
          return; // the server did the work; the client never hears of it
        }
        const bodyless = method === "HEAD" || /^HTTP\/1\.1 (204|304)/.test(response);
        const length = Number(header(response, "content-length") ?? -1);
        // A chunked body (no length) is cut 1000 bytes in.
        const chunked = /^transfer-encoding:\s*chunked/im.test(response);
        const cut = !bodyless && (length > 1 || chunked) && this.enabled &&
          this.#random() < p.resetMidBody;
        const flip = !bodyless && length !== 0 && this.enabled &&
          (p.corruptRequests?.test(head.slice(0, head.indexOf("\r\n"))) ?? true) &&
          this.#random() < (p.corruptBody ?? 0);
        if (flip) this.counts.corruptBody++;
        const added = p.addHeaders ? response.slice(0, -2) + p.addHeaders + "\r\n" : response;
        await writeAll(client, new TextEncoder().encode(added));
        if (!bodyless) {
          const whole = await forwardBody(
            fromUpstream!,
            client,
            response,
            cut ? (length > 0 ? Math.floor(length / 2) : 1000) : undefined,
            // The middle of a sized body; 1000 bytes into a chunked one.
            flip ? (length > 0 ? Math.floor(length / 2) : 1000) : undefined,
            this.counts,
          );
          if (!whole) {
            this.counts.resetMidBody++;
            return;
          }
        }
        // After an early answer the request's framing is lost: close, as servers do.
        if (!bodySent || /^connection:\s*close/im.test(response)) return;
      }
    } finally {
      idle();
      this.#drop(client);
      this.#drop(upstream);
    }
  }
}
