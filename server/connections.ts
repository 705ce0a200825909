// The server's own accept loop and HTTP/1.1 connections, in front of the app: a cap on open
// connections, deadlines for headers, bodies, idle keep-alive and writes, a budget for request
// bodies held in memory, and accept errors (out of file descriptors) that never end the
// process. At a cap the connection that has waited longest on its client is closed to make
// room; only when every connection is busy in the app is a newcomer refused with 503.
import type { Logger } from "./logger.ts";
import { bodyOf } from "./raw_body.ts";
import {
  ChunkedDecoder,
  errorResponseBytes,
  findHeadEnd,
  HTTP_LIMITS,
  HttpError,
  parseRequestHead,
  type RequestHead,
  responseHead,
  responseHeadText,
} from "./http1.ts";

/** Limits of the connection layer. */
export interface ConnectionLimits {
  /** Open connections at most; lowered on its own when the process runs out of descriptors.
   * @default 512
   */
  maxConnections?: number;
  /** Time a client has to send a request head, from its first byte (or from connecting).
   * @default 10000
   */
  headersTimeoutMs?: number;
  /** Time a client has to send a request body once its head is in.
   * @default 30000
   */
  bodyTimeoutMs?: number;
  /** Time a kept-alive connection may wait for its next request.
   * @default 5000
   */
  idleTimeoutMs?: number;
  /** Time the server spends writing one response to a client that does not read it.
   * @default 30000
   */
  writeTimeoutMs?: number;
  /** Largest request body read into memory; a larger one reaches the app unread (413 there).
   * @default 1048576
   */
  maxBodyBytes?: number;
  /** Request body bytes held by all connections together.
   * @default 67108864
   */
  bodyBudgetBytes?: number;
  /** A connection still sending its request may be closed for room only after this long.
   * @default 1000
   */
  evictAfterMs?: number;
}

/** Counters of the connection layer since it started. */
export interface ConnectionStats {
  /** Connections open now. */
  open: number;
  /** The cap in force (lower than configured after running out of descriptors). */
  cap: number;
  /** Connections accepted. */
  accepted: number;
  /** Newcomers answered 503 because every connection was busy. */
  refused: number;
  /** Connections closed to make room for others. */
  evicted: number;
  /** Connections closed by a deadline. */
  timedOut: number;
  /** Failed accepts (out of descriptors or memory), each followed by a retry. */
  acceptErrors: number;
  /** Request body bytes held now. */
  bodyBytes: number;
}

/** Handles one request. */
export type RequestHandler = (request: Request) => Promise<Response>;

/** A running accept loop. */
export interface ConnectionServer {
  /** Resolves once the listener is closed and every connection has ended. */
  finished: Promise<void>;
  /** Stop accepting, let requests in progress finish, close the rest. */
  shutdown(): Promise<void>;
  /** Counters. */
  stats(): ConnectionStats;
}

/** Descriptors kept free for the app's file reads once the process has run out of them. */
const ENCODER = new TextEncoder();
const CRLF = ENCODER.encode("\r\n");
const LAST_CHUNK = ENCODER.encode("0\r\n\r\n");
const CONTINUE = ENCODER.encode("HTTP/1.1 100 Continue\r\n\r\n");
const FD_HEADROOM = 32;
/** Refused connections drained (so the 503 is not lost to a reset) at most this many at once. */
const MAX_DRAINING = 16;
const READ_BUFFER = 8192;
const LOG_EVERY_MS = 10_000;
const ERROR_WRITE_MS = 1000;
/** The connection cap unless configured otherwise. */
export const DEFAULT_MAX_CONNECTIONS = 512;
const DEFAULTS: Required<ConnectionLimits> = {
  maxConnections: DEFAULT_MAX_CONNECTIONS,
  headersTimeoutMs: 10_000,
  bodyTimeoutMs: 30_000,
  idleTimeoutMs: 5_000,
  writeTimeoutMs: 30_000,
  maxBodyBytes: 1024 * 1024,
  bodyBudgetBytes: 64 * 1024 * 1024,
  evictAfterMs: 1000,
};

type Phase = "head" | "idle" | "body" | "busy" | "write" | "closed";
// Which waiting connection goes first when room is needed: idle keep-alives, then slow heads,
// then slow bodies; the longest waiting first within each.
const EVICTION_RANK: Partial<Record<Phase, number>> = { idle: 0, head: 1, body: 2 };

/**
 * Serve HTTP/1.1 on a listener.
 * @param listener a TCP listener (closed by shutdown)
 * @param options the handler, limits, the base URL requests get, and the logger
 * @returns the running loop
 */
export function serveConnections(
  listener: Deno.Listener,
  options: {
    handler: RequestHandler;
    baseUrl: string;
    logger: Logger;
    limits?: ConnectionLimits;
  },
): ConnectionServer {
  const limits = { ...DEFAULTS };
  for (const key of Object.keys(DEFAULTS) as Array<keyof ConnectionLimits>) {
    const value = options.limits?.[key];
    if (value !== undefined) limits[key] = value;
  }
  const pool = new Pool(options.handler, options.baseUrl, options.logger, limits);
  pool.fitCap((listener.addr as Deno.NetAddr).hostname);
  const accepting = pool.acceptLoop(listener);
  const finished = accepting.then(() => pool.drained());
  return {
    finished,
    async shutdown() {
      pool.closing = true;
      try {
        listener.close();
      } catch {
        // already closed
      }
      pool.closeWaiting();
      await finished;
    },
    stats: () => pool.stats(),
  };
}

class Pool {
  closing = false;
  readonly open = new Set<Connection>();
  readonly loops = new Set<Promise<void>>();
  cap: number;
  bodyBytes = 0;
  draining = 0;
  readonly counts = { accepted: 0, refused: 0, evicted: 0, timedOut: 0, acceptErrors: 0 };
  #logged = { ...this.counts };
  #lastLog = -Infinity;
  #lastAcceptError = "";
  #drainSlot = Promise.withResolvers<void>();

  constructor(
    readonly handler: RequestHandler,
    readonly baseUrl: string,
    readonly logger: Logger,
    readonly limits: Required<ConnectionLimits>,
  ) {
    this.cap = limits.maxConnections;
  }

  /**
   * Fit the cap to the descriptors this process may still open: at most half of them go to
   * connections, the other half stays free for the app's file reads. Measured once, by opening
   * sockets like the listener's until the limit or enough.
   */
  fitCap(hostname: string): void {
    const probes: Deno.Listener[] = [];
    const enough = this.limits.maxConnections * 2 + 2 * FD_HEADROOM;
    let limited = false;
    try {
      while (probes.length < enough) probes.push(Deno.listen({ hostname, port: 0 }));
    } catch (err) {
      limited = isExhaustion(err);
    } finally {
      for (const p of probes) closeQuietly(p);
    }
    if (limited) this.cap = Math.max(8, Math.min(this.cap, Math.floor(probes.length / 2)));
  }

  stats(): ConnectionStats {
    return { open: this.open.size, cap: this.cap, bodyBytes: this.bodyBytes, ...this.counts };
  }

  async acceptLoop(listener: Deno.Listener): Promise<void> {
    let backoff = 5;
    while (!this.closing) {
      // While many refusals are under way, leave newcomers in the kernel's queue a moment.
      while (this.draining >= MAX_DRAINING && !this.closing) await this.#drainSlot.promise;
      let conn: Deno.Conn;
      try {
        conn = await listener.accept();
      } catch (err) {
        if (this.closing || err instanceof Deno.errors.BadResource) break;
        this.counts.acceptErrors++;
        this.#lastAcceptError = err instanceof Error ? err.message : String(err);
        if (isExhaustion(err)) {
          // Out of descriptors: keep some free for the app, and make room now if anyone waits.
          const lowered = Math.max(8, this.open.size - FD_HEADROOM);
          if (lowered < this.cap) this.cap = lowered;
          if (this.makeRoom(this.open.size - this.cap + 1)) continue;
        }
        this.report(true);
        await new Promise((r) => setTimeout(r, backoff));
        backoff = Math.min(backoff * 2, 1000);
        continue;
      }
      backoff = 5;
      this.counts.accepted++;
      if (this.closing) {
        closeQuietly(conn);
        break;
      }
      if (this.open.size >= this.cap && !this.makeRoom(this.open.size - this.cap + 1)) {
        this.counts.refused++;
        this.report(false);
        this.refuse(conn);
        continue;
      }
      const connection = new Connection(conn, this);
      this.open.add(connection);
      const loop = connection.serve().finally(() => {
        this.open.delete(connection);
        this.loops.delete(loop);
      });
      this.loops.add(loop);
    }
  }

  /**
   * Answer 503 and close. The answer waits for the client's request head (a second at most):
   * an HTTP client does not expect an answer before it has asked. What the client sends is read
   * and dropped, so that closing does not reset the connection before the answer is read.
   * When many are being refused at once, the rest are closed at once.
   */
  refuse(conn: Deno.Conn): void {
    if (this.draining >= MAX_DRAINING) {
      closeQuietly(conn);
      return;
    }
    this.draining++;
    const bytes = errorResponseBytes(
      503,
      "server_busy",
      "the server is at its connection limit; try again shortly",
      { "retry-after": "1" },
    );
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<void>((r) => timer = setTimeout(r, ERROR_WRITE_MS));
    const work = (async () => {
      const buf = new Uint8Array(16384);
      let seen = 0;
      let answered = false;
      for (;;) {
        const n = await conn.read(buf.subarray(seen < buf.length ? seen : 0));
        if (n === null) break;
        seen += n;
        if (
          !answered && (findHeadEnd(buf, 0, Math.min(seen, buf.length)) >= 0 || seen >= buf.length)
        ) {
          answered = true;
          let at = 0;
          while (at < bytes.length) at += await conn.write(bytes.subarray(at));
          await (conn as Deno.TcpConn).closeWrite();
        }
      }
    })().catch(() => {});
    const loop = Promise.race([work, deadline]).then(() => {
      clearTimeout(timer);
      closeQuietly(conn);
      this.draining--;
      this.#drainSlot.resolve();
      this.#drainSlot = Promise.withResolvers<void>();
    });
    this.loops.add(loop);
    void loop.then(() => this.loops.delete(loop));
  }

  async drained(): Promise<void> {
    while (this.loops.size > 0) await Promise.allSettled([...this.loops]);
    this.report(true);
  }

  closeWaiting(): void {
    this.#drainSlot.resolve();
    for (const c of this.open) if (EVICTION_RANK[c.phase] !== undefined) c.close();
  }

  /**
   * Close up to `count` connections waiting on their clients, longest waiting first.
   * @returns whether at least one was closed
   */
  makeRoom(count: number, needBody = false, except?: Connection): boolean {
    let closed = 0;
    while (closed < count) {
      let victim: Connection | undefined;
      const now = performance.now();
      for (const c of this.open) {
        const rank = EVICTION_RANK[c.phase];
        if (rank === undefined || c === except || (needBody && c.reserved === 0)) continue;
        if (rank > 0 && now - c.since < this.limits.evictAfterMs) continue;
        const best = victim ? EVICTION_RANK[victim.phase]! : Infinity;
        if (rank < best || (rank === best && c.since < victim!.since)) victim = c;
      }
      if (!victim) break;
      victim.evict();
      this.counts.evicted++;
      closed++;
    }
    if (closed > 0) this.report(false);
    return closed > 0;
  }

  /** Reserve memory for a body, closing waiting bodies if needed; 503 when impossible. */
  reserve(c: Connection, bytes: number): void {
    const over = () => this.bodyBytes + bytes > this.limits.bodyBudgetBytes;
    while (over() && this.makeRoom(1, true, c)) {
      // each round closes the longest-waiting body
    }
    if (over()) {
      throw new HttpError(
        503,
        "server_busy",
        "the server holds too many request bodies at once; try again shortly",
      );
    }
    c.reserved += bytes;
    this.bodyBytes += bytes;
  }

  release(c: Connection): void {
    this.bodyBytes -= c.reserved;
    c.reserved = 0;
  }

  /** Log what the connection layer refused, closed or failed, at most every 10 s. */
  report(force: boolean): void {
    const now = performance.now();
    if (!force && now - this.#lastLog < LOG_EVERY_MS) return;
    const delta = Object.fromEntries(
      Object.entries(this.counts).map(([k, v]) => [k, v - this.#logged[k as keyof Pool["counts"]]]),
    ) as Pool["counts"];
    if (delta.refused + delta.evicted + delta.timedOut + delta.acceptErrors === 0) return;
    this.#lastLog = now;
    this.#logged = { ...this.counts };
    this.logger.log({
      event: "connections",
      level: "warn",
      open: this.open.size,
      cap: this.cap,
      refused: delta.refused,
      evicted: delta.evicted,
      timedOut: delta.timedOut,
      acceptErrors: delta.acceptErrors,
      ...(delta.acceptErrors > 0 ? { lastAcceptError: this.#lastAcceptError } : {}),
    });
  }
}

class Connection {
  phase: Phase = "head";
  since = performance.now();
  reserved = 0;
  #buf = new Uint8Array(READ_BUFFER);
  #start = 0;
  #end = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #headBytes = 0;
  #closed = false;
  #out: Uint8Array | undefined;

  constructor(readonly conn: Deno.Conn, readonly pool: Pool) {
    try {
      (conn as Deno.TcpConn).setNoDelay?.(true);
    } catch {
      // not a TCP connection
    }
  }

  async serve(): Promise<void> {
    const limits = this.pool.limits;
    this.#enter("head", limits.headersTimeoutMs);
    try {
      while (!this.pool.closing || this.#end > this.#start) {
        const head = await this.#readHead();
        if (!head) break;
        const close = await this.#exchange(head);
        if (close || this.phase === "closed") break;
        // A pipelined request already in the buffer is a head in progress.
        if (this.#end > this.#start) this.#enter("head", limits.headersTimeoutMs);
        else this.#enter("idle", limits.idleTimeoutMs);
      }
    } catch (err) {
      if (err instanceof HttpError && this.phase !== "closed") {
        await this.#sendAndClose(errorResponseBytes(err.status, err.code, err.message));
      }
      // anything else: the client went away, or a deadline or eviction closed the connection
    } finally {
      this.close();
    }
  }

  /** One request and its response; true when the connection must close afterwards. */
  async #exchange(head: RequestHead): Promise<boolean> {
    const { body, complete } = await this.#readBody(head);
    this.#enter("busy", 0);
    const headers = new Headers(head.headers);
    const init: RequestInit = { method: head.method, headers };
    if (body && head.method !== "GET" && head.method !== "HEAD") {
      // A body never read (declared too large) is an empty stream: present, so the app's limit
      // looks at its declared length.
      init.body = complete || body.length > 0
        ? body
        : new ReadableStream({ start: (controller) => controller.close() });
    }
    let request: Request;
    try {
      request = new Request(this.pool.baseUrl + head.target, init);
    } catch (err) {
      throw new HttpError(
        400,
        "bad_request",
        `the request cannot be read: ${(err as Error).message}`,
      );
    }
    let response: Response;
    try {
      response = await this.pool.handler(request);
    } catch (err) {
      this.pool.logger.log({
        event: "error",
        level: "error",
        method: head.method,
        path: head.target.split("?")[0],
        message: err instanceof Error ? err.message : String(err),
        ...(err instanceof Error && err.stack ? { stack: err.stack } : {}),
      });
      response = new Response(
        JSON.stringify({ error: "internal error; see the server log", code: "internal_error" }),
        { status: 500, headers: { "content-type": "application/json" } },
      );
    }
    const prepared = bodyOf(response);
    if (prepared === "stream" && response.body && head.minor === 1 && head.method !== "HEAD") {
      return await this.#sendStreamed(head, response, complete);
    }
    const bytes = prepared instanceof Uint8Array
      ? prepared
      : response.body
      ? new Uint8Array(await response.arrayBuffer())
      : new Uint8Array();
    this.pool.release(this);
    const close = !head.keepAlive || !complete || this.pool.closing ||
      response.headers.get("connection")?.toLowerCase() === "close";
    const declared = Number(response.headers.get("content-length"));
    const length = head.method === "HEAD" && bytes.length === 0 && Number.isSafeInteger(declared)
      ? declared
      : bytes.length;
    const first = responseHeadText(response, {
      contentLength: length,
      close,
      keepAliveSeconds: Math.floor(this.pool.limits.idleTimeoutMs / 1000),
    });
    this.#enter("write", this.pool.limits.writeTimeoutMs);
    const sendBody = head.method !== "HEAD" && bytes.length > 0;
    // Head and a small body go out in one write from this connection's own buffer (no buffer
    // per response for the garbage collector).
    const out = this.#output(
      first.length * 3 + (sendBody && bytes.length <= 65536 ? bytes.length : 0),
    );
    const { read, written } = ENCODER.encodeInto(first, out);
    if (read !== first.length) throw new Error("response head did not fit its buffer");
    if (sendBody && bytes.length <= 65536) {
      out.set(bytes, written);
      await this.#write(out.subarray(0, written + bytes.length));
    } else {
      await this.#write(out.subarray(0, written));
      if (sendBody) await this.#write(bytes);
    }
    return close;
  }

  // This connection's write buffer, at least `size` bytes (kept while at most 128 KB).
  #output(size: number): Uint8Array {
    if (this.#out !== undefined && this.#out.length >= size) return this.#out;
    const out = new Uint8Array(Math.max(size, 4096));
    if (out.length <= 128 * 1024) this.#out = out;
    return out;
  }

  async #readHead(): Promise<RequestHead | null> {
    let scanned = 0;
    this.#headBytes = this.#end - this.#start;
    for (;;) {
      const pending = this.#buf.subarray(this.#start, this.#end);
      const end = findHeadEnd(pending, scanned, pending.length);
      if (end >= 0) {
        const head = parseRequestHead(pending.subarray(0, end));
        this.#start += end;
        return head;
      }
      if (pending.length >= HTTP_LIMITS.headBytes) {
        throw new HttpError(
          431,
          "headers_too_large",
          `the request head is longer than ${HTTP_LIMITS.headBytes} bytes`,
        );
      }
      scanned = Math.max(0, pending.length - 3);
      const n = await this.#fill(HTTP_LIMITS.headBytes + READ_BUFFER);
      if (n === null) {
        if (this.#end === this.#start) return null;
        throw new ClientGone();
      }
      if (this.#headBytes === 0 && this.phase === "idle") {
        this.#enter("head", this.pool.limits.headersTimeoutMs);
      }
      this.#headBytes += n;
    }
  }

  async #readBody(
    head: RequestHead,
  ): Promise<{ body?: Uint8Array<ArrayBuffer>; complete: boolean }> {
    const limits = this.pool.limits;
    const framing = head.body;
    if (framing.kind === "none") return { complete: true };
    if (framing.kind === "length" && framing.length > limits.maxBodyBytes) {
      // The app answers 413 from the declared length; the body is never read.
      return { body: new Uint8Array(), complete: false };
    }
    const capacity = framing.kind === "length" ? framing.length : limits.maxBodyBytes + 1;
    this.pool.reserve(this, capacity);
    this.#enter("body", limits.bodyTimeoutMs);
    if (head.expectContinue) {
      await this.#write(CONTINUE);
    }
    if (framing.kind === "length") {
      const body = new Uint8Array(framing.length);
      let got = Math.min(framing.length, this.#end - this.#start);
      body.set(this.#buf.subarray(this.#start, this.#start + got));
      this.#start += got;
      while (got < body.length) {
        const n = await this.conn.read(body.subarray(got));
        if (n === null) throw new ClientGone();
        got += n;
      }
      return { body, complete: true };
    }
    // Chunked: decode into a buffer of at most maxBodyBytes + 1 bytes; the app sees more than
    // the limit (413) and the rest is never read.
    let body = new Uint8Array(Math.min(capacity, 16384));
    let size = 0;
    let overflow = false;
    const decoder = new ChunkedDecoder((data) => {
      const room = capacity - size;
      if (data.length > room) overflow = true;
      const take = Math.min(room, data.length);
      if (size + take > body.length) {
        const grown = new Uint8Array(Math.min(capacity, Math.max(body.length * 2, size + take)));
        grown.set(body.subarray(0, size));
        body = grown;
      }
      body.set(data.subarray(0, take), size);
      size += take;
    });
    for (;;) {
      this.#start += decoder.push(this.#buf.subarray(this.#start, this.#end));
      if (decoder.done) return { body: body.subarray(0, size), complete: true };
      if (overflow || size >= capacity) return { body: body.subarray(0, size), complete: false };
      if ((await this.#fill(READ_BUFFER)) === null) throw new ClientGone();
    }
  }

  /** Read more bytes into the buffer (growing it up to `max`); null at end of stream. */
  async #fill(max: number): Promise<number | null> {
    if (this.#start === this.#end) {
      this.#start = this.#end = 0;
      if (this.#buf.length > READ_BUFFER) this.#buf = new Uint8Array(READ_BUFFER);
    }
    if (this.#end === this.#buf.length) {
      if (this.#start > 0) {
        this.#buf.copyWithin(0, this.#start, this.#end);
        this.#end -= this.#start;
        this.#start = 0;
      } else if (this.#buf.length < max) {
        const grown = new Uint8Array(Math.min(max, this.#buf.length * 2));
        grown.set(this.#buf.subarray(0, this.#end));
        this.#buf = grown;
      }
    }
    const n = await this.conn.read(this.#buf.subarray(this.#end));
    if (n !== null) this.#end += n;
    return n;
  }

  // A body sent as it is produced, in HTTP/1.1 chunks: memory does not grow with its length.
  async #sendStreamed(head: RequestHead, response: Response, complete: boolean): Promise<boolean> {
    this.pool.release(this);
    const close = !head.keepAlive || !complete || this.pool.closing ||
      response.headers.get("connection")?.toLowerCase() === "close";
    const limits = this.pool.limits;
    const first = responseHead(response, {
      contentLength: 0,
      chunked: true,
      close,
      keepAliveSeconds: Math.floor(limits.idleTimeoutMs / 1000),
    });
    this.#enter("write", limits.writeTimeoutMs);
    await this.#write(first);
    for await (const chunk of response.body!) {
      if (chunk.length === 0) continue;
      // each chunk has the write deadline to itself
      this.#enter("write", limits.writeTimeoutMs);
      await this.#write(ENCODER.encode(`${chunk.length.toString(16)}\r\n`));
      await this.#write(chunk);
      await this.#write(CRLF);
    }
    await this.#write(LAST_CHUNK);
    return close;
  }

  async #write(bytes: Uint8Array): Promise<void> {
    let at = 0;
    while (at < bytes.length) at += await this.conn.write(bytes.subarray(at));
  }

  /** Enter a phase with a deadline (0: none). */
  #enter(phase: Phase, deadlineMs: number): void {
    if (this.phase === "closed") return;
    this.phase = phase;
    this.since = performance.now();
    clearTimeout(this.#timer);
    this.#timer = deadlineMs > 0 ? setTimeout(() => this.#expire(phase), deadlineMs) : undefined;
  }

  #expire(phase: Phase): void {
    if (this.phase !== phase) return;
    this.pool.counts.timedOut++;
    this.pool.report(false);
    if (phase === "body" || (phase === "head" && this.#headBytes > 0)) {
      void this.#sendAndClose(
        errorResponseBytes(
          408,
          "request_timeout",
          `the request ${phase} did not arrive in time`,
        ),
      );
    } else {
      this.close();
    }
  }

  /** Closed to make room for other connections. */
  evict(): void {
    const waiting = this.phase === "body" || (this.phase === "head" && this.#headBytes > 0);
    this.pool.release(this);
    if (waiting) {
      void this.#sendAndClose(
        errorResponseBytes(503, "server_busy", "closed to make room for other connections", {
          "retry-after": "1",
        }),
      );
    } else {
      this.close();
    }
  }

  async #sendAndClose(bytes: Uint8Array): Promise<void> {
    if (this.phase === "closed") return;
    this.phase = "closed";
    clearTimeout(this.#timer);
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      this.#write(bytes).catch(() => {}),
      new Promise((r) => timer = setTimeout(r, ERROR_WRITE_MS)),
    ]);
    clearTimeout(timer);
    this.close();
  }

  close(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.pool.release(this);
    this.phase = "closed";
    if (this.#closed) return;
    this.#closed = true;
    closeQuietly(this.conn);
  }
}

/** The client closed its side in the middle of a request. */
class ClientGone extends Error {}

function closeQuietly(conn: { close(): void }): void {
  try {
    conn.close();
  } catch {
    // already closed
  }
}

function isExhaustion(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return code === "EMFILE" || code === "ENFILE" || code === "ENOBUFS" || code === "ENOMEM" ||
    /Too many open files|os error (23|24|12|105)\b/.test(String(err));
}
