// The server's own accept loop and HTTP/1.1 connections, in front of the app: a cap on open
// connections, deadlines for headers, bodies, idle keep-alive and writes, a budget for request
// bodies held in memory, and accept errors (out of file descriptors) that never end the
// process. At a cap the connection that has waited longest on its client is closed to make
// room; only when every connection is busy in the app is a newcomer refused with 503.
import type { Logger } from "./logger.ts";
import { errorResponseBytes, findHeadEnd, HttpError } from "./http1.ts";
import {
  closeQuietly,
  Connection,
  type ConnectionHost,
  ERROR_WRITE_MS,
  type Phase,
} from "./_connection.ts";

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
const FD_HEADROOM = 32;
/** Refused connections drained (so the 503 is not lost to a reset) at most this many at once. */
const MAX_DRAINING = 16;
const LOG_EVERY_MS = 10_000;
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

class Pool implements ConnectionHost {
  closing = false;
  readonly open = new Set<Connection>();
  readonly loops = new Set<Promise<void>>();
  cap: number;
  bodyBytes = 0;
  draining = 0;
  lingering = 0;
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

function isExhaustion(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return code === "EMFILE" || code === "ENFILE" || code === "ENOBUFS" || code === "ENOMEM" ||
    /Too many open files|os error (23|24|12|105)\b/.test(String(err));
}
