// One HTTP/1.1 connection of the server's connection layer (server/connections.ts): its
// requests read from the socket and handed to the app as Requests, each answer written back
// (kept bytes as they are, streams in chunks), every phase under its deadline. The pool it
// belongs to (the cap, eviction and the body budget) is its host.
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

const ENCODER = new TextEncoder();
const CRLF = ENCODER.encode("\r\n");
const LAST_CHUNK = ENCODER.encode("0\r\n\r\n");
const CONTINUE = ENCODER.encode("HTTP/1.1 100 Continue\r\n\r\n");
const READ_BUFFER = 8192;
/** Connections given their last answer with a lingering close at most this many at once, and
 * at most a quarter of the cap (the rest are closed at once): each holds its descriptor a
 * second at most, out of the half of the descriptors the cap leaves to the app. */
const MAX_LINGERING = 128;
/** Time an error answer may take to write before the connection is closed anyway. */
export const ERROR_WRITE_MS = 1000;

/** Where a connection is in its exchange. */
export type Phase = "head" | "idle" | "body" | "busy" | "write" | "closed";

/** What a connection needs of its pool. */
export interface ConnectionHost {
  /** Shutting down: no new request is read. */
  readonly closing: boolean;
  /** Answers a request. */
  readonly handler: (request: Request) => Promise<Response>;
  /** The scheme and authority request URLs get. */
  readonly baseUrl: string;
  /** The request log. */
  readonly logger: Logger;
  /** Deadlines and body limits. */
  readonly limits: {
    headersTimeoutMs: number;
    bodyTimeoutMs: number;
    idleTimeoutMs: number;
    writeTimeoutMs: number;
    maxBodyBytes: number;
  };
  /** Counters (a deadline counts `timedOut`). */
  readonly counts: { timedOut: number };
  /** The most connections open at once. */
  readonly cap: number;
  /** Connections in a lingering close now. */
  lingering: number;
  /** Log the counters now and then. */
  report(force: boolean): void;
  /** Reserve memory for a body (503 when the budget is spent). */
  reserve(c: Connection, bytes: number): void;
  /** Give back what a connection reserved. */
  release(c: Connection): void;
}

/** One client connection. */
export class Connection {
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
  /** Settled when the read loop has ended. */
  readonly #ended = Promise.withResolvers<void>();

  constructor(readonly conn: Deno.Conn, readonly pool: ConnectionHost) {
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
      this.#ended.resolve();
      this.close();
    }
  }

  /** One request and its response; true when the connection must close afterwards. */
  async #exchange(head: RequestHead): Promise<boolean> {
    const { body, complete } = await this.#readBody(head);
    if (this.phase === "closed") throw new ClientGone();
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
        if (this.phase === "closed") return await this.#dropped();
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
    // answered and closing (evicted, timed out): the request is dropped, never handled
    if (this.phase === "closed") return await this.#dropped();
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
    // A head not begun is answered too: under load a request can sit unread in the socket,
    // and its client then learns it may send it again (an idle keep-alive closes silently).
    if (phase === "body" || phase === "head") {
      void this.#sendAndClose(
        errorResponseBytes(
          408,
          "request_timeout",
          `the request ${phase} did not arrive in time`,
        ),
        true,
      );
    } else {
      this.close();
    }
  }

  /**
   * Closed to make room for other connections. A connection waiting for its request (head or
   * body) is answered 503 with `Retry-After` first, also when none of its bytes has been read
   * yet: under load the request may be in the socket unread, and a client that asked deserves
   * an answer rather than a silent close. Only an idle keep-alive is closed without a word.
   */
  evict(): void {
    const waiting = this.phase === "body" || this.phase === "head";
    this.pool.release(this);
    if (waiting) {
      void this.#sendAndClose(
        errorResponseBytes(503, "server_busy", "closed to make room for other connections", {
          "retry-after": "1",
        }),
        true,
      );
    } else {
      this.close();
    }
  }

  /**
   * Write a last answer and close. With `linger`, the write side is shut first and what the
   * client still sends is read and dropped for a second at most (a bounded number of
   * connections at once): closing with unread bytes would reset the connection, and the client
   * would lose the answer.
   */
  async #sendAndClose(bytes: Uint8Array, linger = false): Promise<void> {
    if (this.phase === "closed") return;
    this.phase = "closed";
    clearTimeout(this.#timer);
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      this.#write(bytes).catch(() => {}),
      new Promise((r) => timer = setTimeout(r, ERROR_WRITE_MS)),
    ]);
    clearTimeout(timer);
    const lingerSlots = Math.min(MAX_LINGERING, Math.max(4, Math.floor(this.pool.cap / 4)));
    if (linger && !this.#closed && this.pool.lingering < lingerSlots) {
      this.pool.lingering++;
      try {
        await (this.conn as Deno.TcpConn).closeWrite();
        // the read in progress drains the client's bytes (#dropped) until it closes its side
        await Promise.race([
          this.#ended.promise,
          new Promise((r) => timer = setTimeout(r, ERROR_WRITE_MS)),
        ]);
      } catch {
        // the connection is gone already
      } finally {
        clearTimeout(timer);
        this.pool.lingering--;
      }
    }
    this.close();
  }

  /** After a last answer: read and drop what the client still sends until it closes. */
  async #dropped(): Promise<never> {
    const scratch = new Uint8Array(READ_BUFFER);
    for (;;) {
      if (this.#closed || (await this.conn.read(scratch)) === null) throw new ClientGone();
    }
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

/**
 * Close a connection or listener, whatever state it is in.
 * @param conn what to close
 */
export function closeQuietly(conn: { close(): void }): void {
  try {
    conn.close();
  } catch {
    // already closed
  }
}
