// HTTP answers to state queries: bytes from the run's encoder, a bounded cache of encoded
// (and compressed) responses, strong ETags from the run's identity and the query with
// If-None-Match -> 304, compression when the client asks for it, and wide windows streamed.
import type { Context } from "hono";
import type { StateRun } from "../lib/state/load.ts";
import { encodeStateResponse, stateWindowChunks } from "../lib/state/encode.ts";
import type { StateQuery } from "../lib/state/types.ts";
import type { AppEnv } from "./app.ts";
import { streamed as sentStreamed, withBodyBytes } from "./raw_body.ts";

/** Default byte budget of the response cache (32 MiB). */
export const DEFAULT_STATE_CACHE_BYTES = 32 * 1024 * 1024;
/** Windows of more node-bins than this (nodes x bins) are streamed, never held whole. */
export const STREAM_ABOVE_NODE_BINS = 64 * 1024;

type Coding = "br" | "gzip" | "identity";

const JSON_TYPE = "application/json; charset=utf-8";
// Runs are replaced atomically under the same id (overwrite): clients may keep a response but
// must revalidate it, which costs a 304.
const CACHE_CONTROL = "no-cache";

/** A kept answer: its bytes, which the connection layer sends as they are. */
interface Body {
  bytes: Uint8Array;
  size: number;
}

// The Response of a kept answer. Its body is a stream that hands over a copy of the bytes only
// when something reads it (`app.request`, a HEAD's length): Deno's Response copies a string or
// byte body into memory of its own when it is made (5 to 8 ms and 731 KB for a window, on
// every request), which the connection layer, sending the kept bytes, never uses.
function responseOf(body: Body, init: ResponseInit): Response {
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      controller.enqueue(body.bytes.slice());
      controller.close();
    },
  }, { highWaterMark: 0 });
  return withBodyBytes(new Response(stream, init), body.bytes);
}

/** A least-recently-used map of response bodies (text or bytes) with a size budget. A hit
 * only stamps its entry (reordering the map on every hit cost 5% of a cached /state); the
 * oldest stamps go first when an insert runs over the budget. */
class ByteCache {
  readonly #limit: number;
  readonly #map = new Map<string, { body: Body; used: number }>();
  #bytes = 0;
  #clock = 0;

  constructor(limit: number) {
    this.#limit = limit;
  }

  get(key: string): Body | undefined {
    const entry = this.#map.get(key);
    if (entry === undefined) return undefined;
    entry.used = ++this.#clock;
    return entry.body;
  }

  set(key: string, body: Body): void {
    // one response may take at most an eighth of the budget, so a few large ones cannot flush
    // everything else
    if (body.size > this.#limit / 8 || this.#map.has(key)) return;
    this.#map.set(key, { body, used: ++this.#clock });
    this.#bytes += body.size;
    if (this.#bytes <= this.#limit) return;
    // evict the least recently used down to three quarters of the budget, in one sort
    const byAge = [...this.#map].sort((a, b) => a[1].used - b[1].used);
    for (const [oldKey, old] of byAge) {
      if (this.#bytes <= this.#limit * 0.75) break;
      this.#map.delete(oldKey);
      this.#bytes -= old.body.size;
    }
  }
}

/** Answers state queries on opened runs as HTTP responses. */
export class StateResponder {
  readonly #cache: ByteCache;

  /**
   * Create a responder.
   * @param cacheBytes byte budget of the response cache (0 caches nothing)
   */
  constructor(cacheBytes: number) {
    this.#cache = new ByteCache(cacheBytes);
  }

  /**
   * The response to a checked query on a run: 304 when the client's If-None-Match names the
   * representation, else 200 with the bytes (compressed when asked for), from the cache when
   * they are there.
   * @param c the request context
   * @param run the opened run
   * @param query the query, already checked against the run's grid
   * @returns the response
   */
  async respond(c: Context<AppEnv>, run: StateRun, query: StateQuery): Promise<Response> {
    const request = c.req.raw.headers;
    const ready = this.cached(request, run, query);
    if (ready) return ready;
    const streamed = query.kind === "window" &&
      run.nodes.length * (query.endBin - query.startBin + 1) > STREAM_ABOVE_NODE_BINS;
    const coding = chooseCoding(request.get("accept-encoding") ?? undefined);
    const etag = etagOf(run, query, coding);
    const headers = headersOf(etag, coding);
    if (matches(request.get("if-none-match"), etag)) {
      // the query is still checked: a 304 must not stand for an error answer
      if (query.kind === "window" && streamed) stateWindowChunks(run, query);
      else encodeStateResponse(run, query);
      return notModified(etag);
    }
    if (query.kind === "window" && streamed) {
      const chunks = stateWindowChunks(run, query);
      let body: ReadableStream<Uint8Array> = new ReadableStream<Uint8Array>({
        pull(controller) {
          const next = chunks.next();
          if (next.done) controller.close();
          else controller.enqueue(next.value);
        },
      }, { highWaterMark: 1 });
      if (coding !== "identity") body = body.pipeThrough(compression(coding));
      return sentStreamed(new Response(body, { status: 200, headers }));
    }
    const bytes = encodeStateResponse(run, query);
    // kept as bytes, which the connection layer writes as they are
    const body: Body = coding === "identity"
      ? { bytes, size: bytes.length }
      : await compressed(bytes, coding);
    this.#cache.set(etag, body);
    return responseOf(body, { status: 200, headers });
  }

  /**
   * The response when it needs no work: a 304 or a 200 for a representation in the cache
   * (synchronous, so a server can answer without its routing); undefined otherwise.
   * @param request the request's headers
   * @param run the opened run
   * @param query the query, already checked against the run's grid
   * @returns the response, or undefined
   */
  cached(request: Headers, run: StateRun, query: StateQuery): Response | undefined {
    const coding = chooseCoding(request.get("accept-encoding") ?? undefined);
    const etag = etagOf(run, query, coding);
    // only what is in the cache: a representation never computed might be an error answer
    const body = this.#cache.get(etag);
    if (body === undefined) return undefined;
    if (matches(request.get("if-none-match"), etag)) return notModified(etag);
    return responseOf(body, { status: 200, headers: headersOf(etag, coding) });
  }
}

function headersOf(etag: string, coding: Coding): Record<string, string> {
  const headers: Record<string, string> = {
    "content-type": JSON_TYPE,
    etag,
    "cache-control": CACHE_CONTROL,
    vary: "Accept-Encoding",
  };
  if (coding !== "identity") headers["content-encoding"] = coding;
  return headers;
}

function notModified(etag: string): Response {
  return new Response(null, {
    status: 304,
    headers: { etag, "cache-control": CACHE_CONTROL, vary: "Accept-Encoding" },
  });
}

// A strong validator per representation: the run's identity, the query, the content coding.
function etagOf(run: StateRun, query: StateQuery, coding: Coding): string {
  const id = run.identity.slice(run.identity.indexOf(":") + 1, run.identity.indexOf(":") + 25);
  const q = query.kind === "snapshot" ? `b${query.binIndex}` : `w${query.startBin}-${query.endBin}`;
  return `"${id}-${q}${coding === "identity" ? "" : `-${coding}`}"`;
}

// If-None-Match uses the weak comparison (RFC 9110 13.1.2): `W/` is ignored; `*` matches.
function matches(header: string | null | undefined, etag: string): boolean {
  if (header === undefined || header === null) return false;
  for (const part of header.split(",")) {
    const tag = part.trim();
    if (tag === "*" || tag === etag || (tag.startsWith("W/") && tag.slice(2) === etag)) {
      return true;
    }
  }
  return false;
}

/**
 * The content coding for an Accept-Encoding header: `br` or `gzip`, whichever has the higher
 * q-value above 0 (br on a tie; `*` stands for both when they are not named), unless identity
 * is named with a higher q-value; identity when neither is acceptable.
 * @param header the Accept-Encoding header
 * @returns the coding
 */
export function chooseCoding(header: string | undefined): Coding {
  if (header === undefined || header.trim() === "") return "identity";
  const q = new Map<string, number>();
  for (const part of header.split(",")) {
    const [name, ...params] = part.trim().toLowerCase().split(";");
    if (name === "") continue;
    let value = 1;
    for (const p of params) {
      const m = /^\s*q\s*=\s*([01](\.\d{0,3})?)\s*$/.exec(p);
      if (m) value = Number(m[1]);
    }
    q.set(name.trim(), value);
  }
  const star = q.get("*") ?? 0;
  let best: Coding = "identity";
  let bestQ = 0;
  for (const coding of ["br", "gzip"] as const) {
    const w = q.get(coding) ?? star;
    if (w > bestQ) {
      best = coding;
      bestQ = w;
    }
  }
  const identity = q.get("identity");
  return bestQ > 0 && (identity === undefined || bestQ >= identity) ? best : "identity";
}

function compression(
  coding: "br" | "gzip",
): ReadableWritablePair<Uint8Array<ArrayBuffer>, Uint8Array> {
  return new CompressionStream(
    (coding === "br" ? "brotli" : "gzip") as CompressionFormat,
  ) as unknown as ReadableWritablePair<Uint8Array<ArrayBuffer>, Uint8Array>;
}

async function compressed(bytes: Uint8Array, coding: "br" | "gzip"): Promise<Body> {
  const out = await compress(bytes, coding);
  return { bytes: out, size: out.length };
}

async function compress(bytes: Uint8Array, coding: "br" | "gzip"): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(
    compression(coding),
  );
  return new Uint8Array(await new Response(stream).arrayBuffer());
}
