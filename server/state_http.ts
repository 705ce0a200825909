// HTTP answers to state queries: bytes from the run's encoder, a bounded cache of encoded
// (and compressed) responses, strong ETags from the run's identity and the query with
// If-None-Match -> 304, compression when the client asks for it, and wide windows streamed.
import type { Context } from "hono";
import type { StateRun } from "../lib/state/load.ts";
import { encodeStateResponse, stateWindowChunks } from "../lib/state/encode.ts";
import type { StateQuery } from "../lib/state/types.ts";
import type { AppEnv } from "./app.ts";

/** Default byte budget of the response cache (32 MiB). */
export const DEFAULT_STATE_CACHE_BYTES = 32 * 1024 * 1024;
/** Windows of more node-bins than this (nodes x bins) are streamed, never held whole. */
export const STREAM_ABOVE_NODE_BINS = 64 * 1024;

type Coding = "br" | "gzip" | "identity";

const JSON_TYPE = "application/json; charset=utf-8";
// Runs are replaced atomically under the same id (overwrite): clients may keep a response but
// must revalidate it, which costs a 304.
const CACHE_CONTROL = "no-cache";

const DECODER = new TextDecoder();

/** A least-recently-used map of response bodies (text or bytes) with a size budget. */
class ByteCache {
  readonly #limit: number;
  readonly #map = new Map<string, string | Uint8Array>();
  #bytes = 0;

  constructor(limit: number) {
    this.#limit = limit;
  }

  get(key: string): string | Uint8Array | undefined {
    const bytes = this.#map.get(key);
    if (bytes !== undefined) {
      this.#map.delete(key);
      this.#map.set(key, bytes);
    }
    return bytes;
  }

  set(key: string, bytes: string | Uint8Array): void {
    // one response may take at most an eighth of the budget, so a few large ones cannot flush
    // everything else
    if (bytes.length > this.#limit / 8 || this.#map.has(key)) return;
    this.#map.set(key, bytes);
    this.#bytes += bytes.length;
    for (const [oldest, old] of this.#map) {
      if (this.#bytes <= this.#limit) break;
      this.#map.delete(oldest);
      this.#bytes -= old.length;
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
    const streamed = query.kind === "window" &&
      run.nodes.length * (query.endBin - query.startBin + 1) > STREAM_ABOVE_NODE_BINS;
    const coding = chooseCoding(c.req.header("accept-encoding"));
    const etag = etagOf(run, query, coding);
    const headers: Record<string, string> = {
      etag,
      "cache-control": CACHE_CONTROL,
      vary: "Accept-Encoding",
    };
    if (matches(c.req.header("if-none-match"), etag)) {
      // the query is still checked: a 304 must not stand for an error answer
      if (query.kind === "window" && streamed) stateWindowChunks(run, query);
      else if (this.#cache.get(etag) === undefined) encodeStateResponse(run, query);
      return new Response(null, { status: 304, headers });
    }
    headers["content-type"] = JSON_TYPE;
    if (coding !== "identity") headers["content-encoding"] = coding;
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
      return new Response(body, { status: 200, headers });
    }
    let body = this.#cache.get(etag);
    if (body === undefined) {
      const bytes = encodeStateResponse(run, query);
      // Plain responses are kept and sent as text: Deno hands a string to the socket without
      // the two copies an array of bytes takes (32 connections on a 731 KB window: RSS 115 MB
      // with bytes, 50 MB with text, and faster).
      body = coding === "identity" ? DECODER.decode(bytes) : await compress(bytes, coding);
      this.#cache.set(etag, body);
    }
    return new Response(body as BodyInit, { status: 200, headers });
  }
}

// A strong validator per representation: the run's identity, the query, the content coding.
function etagOf(run: StateRun, query: StateQuery, coding: Coding): string {
  const id = run.identity.slice(run.identity.indexOf(":") + 1, run.identity.indexOf(":") + 25);
  const q = query.kind === "snapshot" ? `b${query.binIndex}` : `w${query.startBin}-${query.endBin}`;
  return `"${id}-${q}${coding === "identity" ? "" : `-${coding}`}"`;
}

// If-None-Match uses the weak comparison (RFC 9110 13.1.2): `W/` is ignored; `*` matches.
function matches(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  for (const part of header.split(",")) {
    const tag = part.trim();
    if (tag === "*" || tag === etag || (tag.startsWith("W/") && tag.slice(2) === etag)) {
      return true;
    }
  }
  return false;
}

/**
 * The content coding for an Accept-Encoding header: `br` or `gzip` with the highest q-value
 * above 0 (br first on a tie), identity when neither is acceptable or identity is preferred.
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
  const star = q.get("*");
  const weight = (name: string) => q.get(name) ?? star ?? (name === "identity" ? 1 : 0);
  let best: Coding = "identity";
  let bestQ = 0;
  for (const coding of ["br", "gzip"] as const) {
    const w = weight(coding);
    if (w > bestQ) {
      best = coding;
      bestQ = w;
    }
  }
  return bestQ > 0 && bestQ >= weight("identity") ? best : "identity";
}

function compression(
  coding: "br" | "gzip",
): ReadableWritablePair<Uint8Array<ArrayBuffer>, Uint8Array> {
  return new CompressionStream(
    (coding === "br" ? "brotli" : "gzip") as CompressionFormat,
  ) as unknown as ReadableWritablePair<Uint8Array<ArrayBuffer>, Uint8Array>;
}

async function compress(bytes: Uint8Array, coding: "br" | "gzip"): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(
    compression(coding),
  );
  return new Uint8Array(await new Response(stream).arrayBuffer());
}
