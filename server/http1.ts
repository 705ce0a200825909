// HTTP/1.1 message framing for the server's own connections (RFC 9112): request heads parsed
// strictly and within fixed limits, chunked bodies decoded incrementally, response heads
// written. Pure functions and small state machines over bytes; no I/O here.

/** Fixed limits of request framing. */
export const HTTP_LIMITS = {
  /** Request line plus headers, in bytes. */
  headBytes: 32 * 1024,
  /** Request target, in bytes. */
  targetBytes: 8 * 1024,
  /** Header fields in one request. */
  headerCount: 100,
  /** A chunk-size line (size plus extensions), in bytes. */
  chunkLineBytes: 1024,
  /** Trailer section of a chunked body, in bytes. */
  trailerBytes: 8 * 1024,
} as const;

/** A request the server refuses before the app sees it: status, stable code, message. */
export class HttpError extends Error {
  /** HTTP status to answer. */
  readonly status: number;
  /** Stable error code for the JSON body. */
  readonly code: string;
  /**
   * @param status HTTP status
   * @param code stable error code
   * @param message what is wrong
   */
  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = "HttpError";
    this.status = status;
    this.code = code;
  }
}

/** How a request's body is framed. */
export type BodyFraming =
  | { kind: "none" }
  | { kind: "length"; length: number }
  | { kind: "chunked" };

/** A parsed request head. */
export interface RequestHead {
  /** Method, as sent (case-sensitive token). */
  method: string;
  /** Path and query (absolute-form targets are reduced to these). */
  target: string;
  /** Protocol minor version: 0 for HTTP/1.0, 1 for HTTP/1.1. */
  minor: 0 | 1;
  /** Header fields in order, names lower-cased. */
  headers: Array<[string, string]>;
  /** Whether the client allows the connection to stay open after this exchange. */
  keepAlive: boolean;
  /** Body framing. */
  body: BodyFraming;
  /** `Expect: 100-continue` was sent. */
  expectContinue: boolean;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// RFC 3986 characters allowed in a path and query (no fragment, no spaces, no backslash).
const TARGET = /^[A-Za-z0-9\-._~:/?@!$&'()*+,;=%[\]]+$/;
// deno-lint-ignore no-control-regex
const BAD_VALUE = /[\u0000-\u0008\u000a-\u001f\u007f]/;
const latin1 = new TextDecoder("latin1");

/**
 * Where the head ends: the index just after the first empty line (CRLF CRLF or LF LF), or -1.
 * @param bytes buffer
 * @param from first index worth scanning (earlier bytes were scanned before)
 * @param end end of the data in `bytes`
 * @returns index after the blank line, or -1
 */
export function findHeadEnd(bytes: Uint8Array, from: number, end: number): number {
  for (let i = Math.max(from, 1); i < end; i++) {
    if (bytes[i] !== 0x0a) continue;
    if (bytes[i - 1] === 0x0a) return i + 1;
    if (bytes[i - 1] === 0x0d && i >= 2 && bytes[i - 2] === 0x0a) return i + 1;
  }
  return -1;
}

/**
 * Parse a request head (the bytes up to and including its blank line).
 * @param bytes the head
 * @returns the request head
 * @throws HttpError 400, 414, 417, 431, 501 or 505 naming what is wrong
 */
export function parseRequestHead(bytes: Uint8Array): RequestHead {
  const lines = latin1.decode(bytes).split("\n");
  const text: string[] = [];
  for (const raw of lines) {
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (line.includes("\r")) throw bad("a bare CR in the request head");
    text.push(line);
  }
  // RFC 9112 2.2: ignore empty lines before the request line.
  let at = 0;
  while (at < text.length && text[at] === "") at++;
  const requestLine = text[at++] ?? "";
  const parts = requestLine.split(" ");
  if (parts.length !== 3) throw bad("the request line is not 'METHOD target HTTP/1.1'");
  const [method, rawTarget, version] = parts;
  if (!TOKEN.test(method)) throw bad("the method is not a token");
  const v = /^HTTP\/(\d)\.(\d)$/.exec(version);
  if (!v) throw bad("the request line does not end with an HTTP version");
  if (v[1] !== "1" || (v[2] !== "0" && v[2] !== "1")) {
    throw new HttpError(505, "http_version_not_supported", `HTTP/${v[1]}.${v[2]} is not served`);
  }
  const minor = v[2] === "1" ? 1 : 0;
  const target = requestTarget(rawTarget);

  const headers: Array<[string, string]> = [];
  for (; at < text.length; at++) {
    const line = text[at];
    if (line === "") break;
    if (line[0] === " " || line[0] === "\t") throw bad("folded header lines are not accepted");
    const colon = line.indexOf(":");
    const name = colon > 0 ? line.slice(0, colon) : "";
    if (!TOKEN.test(name)) throw bad("a header line is not 'name: value'");
    const value = line.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, "");
    if (BAD_VALUE.test(value)) throw bad(`header ${name} holds a control character`);
    if (headers.length >= HTTP_LIMITS.headerCount) {
      throw new HttpError(
        431,
        "headers_too_large",
        `more than ${HTTP_LIMITS.headerCount} header fields`,
      );
    }
    headers.push([name.toLowerCase(), value]);
  }
  return { method, target, minor, headers, ...semantics(headers, minor) };
}

function requestTarget(raw: string): string {
  if (raw.length > HTTP_LIMITS.targetBytes) {
    throw new HttpError(
      414,
      "uri_too_long",
      `the request target is longer than ${HTTP_LIMITS.targetBytes} bytes`,
    );
  }
  if (raw.startsWith("/")) {
    if (!TARGET.test(raw)) {
      throw bad("the request target holds characters that must be percent-encoded");
    }
    return raw;
  }
  if (/^https?:\/\//i.test(raw) && TARGET.test(raw)) {
    try {
      const url = new URL(raw);
      return url.pathname + url.search;
    } catch {
      // fall through
    }
  }
  throw bad("the request target is not a path ('/...') or an absolute http URL");
}

function semantics(
  headers: Array<[string, string]>,
  minor: 0 | 1,
): Pick<RequestHead, "keepAlive" | "body" | "expectContinue"> {
  const all = (name: string) => headers.filter(([n]) => n === name).map(([, v]) => v);
  const hosts = all("host");
  if (minor === 1 && hosts.length !== 1) throw bad("an HTTP/1.1 request needs one Host header");
  const connection = all("connection").flatMap((v) => v.toLowerCase().split(",")).map((t) =>
    t.trim()
  );
  const keepAlive = minor === 1
    ? !connection.includes("close")
    : connection.includes("keep-alive") && !connection.includes("close");
  const expect = all("expect").map((v) => v.toLowerCase());
  if (expect.some((e) => e !== "100-continue")) {
    throw new HttpError(417, "expectation_failed", "only 'Expect: 100-continue' is understood");
  }
  const te = all("transfer-encoding");
  const cl = all("content-length").flatMap((v) => v.split(",")).map((t) => t.trim());
  let body: BodyFraming = { kind: "none" };
  if (te.length > 0) {
    if (minor === 0) throw bad("Transfer-Encoding is not allowed in HTTP/1.0");
    if (cl.length > 0) {
      throw bad("a request may not carry both Transfer-Encoding and Content-Length");
    }
    const codings = te.flatMap((v) => v.toLowerCase().split(",")).map((t) => t.trim());
    if (codings.length !== 1 || codings[0] !== "chunked") {
      throw new HttpError(
        501,
        "not_implemented",
        "only 'Transfer-Encoding: chunked' is understood",
      );
    }
    body = { kind: "chunked" };
  } else if (cl.length > 0) {
    if (cl.some((t) => !/^\d{1,15}$/.test(t)) || new Set(cl).size !== 1) {
      throw bad("Content-Length is not one whole number");
    }
    const length = Number(cl[0]);
    body = length > 0 ? { kind: "length", length } : { kind: "none" };
  }
  return { keepAlive, body, expectContinue: expect.length > 0 };
}

function bad(message: string): HttpError {
  return new HttpError(400, "bad_request", message);
}

/**
 * Decodes a chunked body as bytes arrive. Data goes to `sink`; `push` reports how many input
 * bytes it consumed, so bytes after the body (a pipelined request) stay with the caller.
 */
export class ChunkedDecoder {
  #state: "size" | "data" | "data-end" | "trailer" | "done" = "size";
  #line = "";
  #remaining = 0;
  #trailerBytes = 0;
  readonly #sink: (data: Uint8Array) => void;

  /** @param sink receives each piece of body data */
  constructor(sink: (data: Uint8Array) => void) {
    this.#sink = sink;
  }

  /** Whether the last chunk and the trailers have been read. */
  get done(): boolean {
    return this.#state === "done";
  }

  /**
   * Feed bytes.
   * @param bytes input
   * @returns how many bytes of `bytes` belong to the body
   * @throws HttpError 400 for malformed framing
   */
  push(bytes: Uint8Array): number {
    let i = 0;
    while (i < bytes.length && this.#state !== "done") {
      if (this.#state === "data") {
        const n = Math.min(this.#remaining, bytes.length - i);
        this.#sink(bytes.subarray(i, i + n));
        i += n;
        this.#remaining -= n;
        if (this.#remaining === 0) this.#state = "data-end";
        continue;
      }
      const b = bytes[i++];
      if (b !== 0x0a) {
        this.#line += String.fromCharCode(b);
        const limit = this.#state === "trailer"
          ? HTTP_LIMITS.trailerBytes
          : HTTP_LIMITS.chunkLineBytes;
        if (
          this.#line.length > limit || (this.#state === "trailer" && ++this.#trailerBytes > limit)
        ) {
          throw bad("a chunk header or the trailer section is too long");
        }
        continue;
      }
      const line = this.#line.endsWith("\r") ? this.#line.slice(0, -1) : this.#line;
      this.#line = "";
      if (this.#state === "data-end") {
        if (line !== "") throw bad("chunk data is not followed by CRLF");
        this.#state = "size";
      } else if (this.#state === "size") {
        const m = /^([0-9A-Fa-f]{1,12})[ \t]*(;.*)?$/.exec(line);
        if (!m) throw bad("a chunk size is not hexadecimal");
        this.#remaining = parseInt(m[1], 16);
        this.#state = this.#remaining === 0 ? "trailer" : "data";
      } else if (line === "") {
        this.#state = "done";
      }
    }
    return i;
  }
}

const REASONS: Record<number, string> = {
  100: "Continue",
  200: "OK",
  201: "Created",
  204: "No Content",
  301: "Moved Permanently",
  302: "Found",
  304: "Not Modified",
  400: "Bad Request",
  404: "Not Found",
  405: "Method Not Allowed",
  408: "Request Timeout",
  409: "Conflict",
  413: "Content Too Large",
  414: "URI Too Long",
  415: "Unsupported Media Type",
  417: "Expectation Failed",
  422: "Unprocessable Content",
  431: "Request Header Fields Too Large",
  500: "Internal Server Error",
  501: "Not Implemented",
  502: "Bad Gateway",
  503: "Service Unavailable",
  505: "HTTP Version Not Supported",
};

// Headers the connection layer sets itself.
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "transfer-encoding",
  "content-length",
  "date",
  "upgrade",
]);

/** Options for {@link responseHead}. */
export interface ResponseHeadOptions {
  /** Value of Content-Length (omitted for 1xx, 204 and 304). */
  contentLength: number;
  /** Send the body chunked (Transfer-Encoding) instead of with a Content-Length. */
  chunked?: boolean;
  /** Close the connection after this response. */
  close: boolean;
  /** Idle keep-alive timeout to announce, in seconds. */
  keepAliveSeconds?: number;
}

/**
 * The bytes of a response head.
 * @param response status and headers (the body is not read)
 * @param options length and connection handling
 * @returns the head, ending with the blank line
 */
export function responseHead(
  response: { status: number; headers: Headers },
  options: ResponseHeadOptions,
): Uint8Array {
  return ENCODER.encode(responseHeadText(response, options));
}

/**
 * {@link responseHead} as text (latin-1 in practice: header values are checked bytes), for a
 * caller that encodes it into a buffer of its own.
 * @param response status and headers (hop-by-hop headers are dropped)
 * @param options framing and connection handling
 * @returns the head, ending with the empty line
 */
export function responseHeadText(
  response: { status: number; headers: Headers },
  options: ResponseHeadOptions,
): string {
  const status = response.status;
  let head = `HTTP/1.1 ${status} ${REASONS[status] ?? "Status"}\r\ndate: ${httpDate()}\r\n`;
  for (const [name, value] of response.headers) {
    if (!HOP_BY_HOP.has(name)) head += `${name}: ${value}\r\n`;
  }
  if (!(status < 200 || status === 204 || status === 304)) {
    head += options.chunked
      ? "transfer-encoding: chunked\r\n"
      : `content-length: ${options.contentLength}\r\n`;
  }
  if (options.close) head += "connection: close\r\n";
  else if (options.keepAliveSeconds) head += `keep-alive: timeout=${options.keepAliveSeconds}\r\n`;
  return head + "\r\n";
}

const ENCODER = new TextEncoder();

/**
 * A complete JSON error response of the connection layer (`{error, code}`), closing.
 * @param status HTTP status
 * @param code stable code
 * @param message what happened
 * @param extra extra header lines (e.g. `retry-after: 1`)
 * @returns the response bytes
 */
export function errorResponseBytes(
  status: number,
  code: string,
  message: string,
  extra: Record<string, string> = {},
): Uint8Array {
  const body = ENCODER.encode(JSON.stringify({ error: message, code }));
  const headers = new Headers({ "content-type": "application/json", ...extra });
  const head = responseHead({ status, headers }, { contentLength: body.length, close: true });
  const out = new Uint8Array(head.length + body.length);
  out.set(head);
  out.set(body, head.length);
  return out;
}

let dateSecond = -1;
let dateText = "";
function httpDate(): string {
  const now = Math.floor(Date.now() / 1000);
  if (now !== dateSecond) {
    dateSecond = now;
    dateText = new Date(now * 1000).toUTCString();
  }
  return dateText;
}
