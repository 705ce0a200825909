// The time-travel viewer's files: GET / (the page) and /viewer/* (its modules, styles, and the
// layout and chart libraries from npm), embedded as text imports, gzipped once, cached by hash.
import { Hono } from "hono";
import type { Context } from "hono";
import { MAX_WINDOW_BINS } from "../lib/state/query.ts";
import { TOOLKIT_VERSION } from "../lib/base/version.ts";
import type { AppEnv } from "./app.ts";
import indexHtml from "../viewer/index.html" with { type: "text" };
import viewerCss from "../viewer/viewer.css" with { type: "text" };
import faviconSvg from "../viewer/favicon.svg" with { type: "text" };
import apiJs from "../viewer/api.js" with { type: "text" };
import chartsJs from "../viewer/charts.js" with { type: "text" };
import compareJs from "../viewer/compare.js" with { type: "text" };
import formatJs from "../viewer/format.js" with { type: "text" };
import inspectorJs from "../viewer/inspector.js" with { type: "text" };
import mainJs from "../viewer/main.js" with { type: "text" };
import runDataJs from "../viewer/run_data.js" with { type: "text" };
import runsListJs from "../viewer/runs_list.js" with { type: "text" };
import timelineJs from "../viewer/timeline.js" with { type: "text" };
import topologyJs from "../viewer/topology.js" with { type: "text" };
import urlStateJs from "../viewer/url_state.js" with { type: "text" };
import dagreJs from "@dagrejs/dagre" with { type: "text" };
import uplotJs from "uplot/dist/uPlot.esm.js" with { type: "text" };
import uplotCss from "uplot/dist/uPlot.min.css" with { type: "text" };

const JS = "text/javascript; charset=utf-8";
const CSS = "text/css; charset=utf-8";
const SVG = "image/svg+xml";

/** Every file besides the page, by the path the page and the modules name it. Libraries from npm
 * (versions pinned in deno.json) carry the bare specifier the viewer's modules import. */
const FILES: Array<{ path: string; text: string; type: string; specifier?: string }> = [
  { path: "/viewer/viewer.css", text: viewerCss, type: CSS },
  { path: "/viewer/favicon.svg", text: faviconSvg, type: SVG },
  { path: "/viewer/api.js", text: apiJs, type: JS },
  { path: "/viewer/charts.js", text: chartsJs, type: JS },
  { path: "/viewer/compare.js", text: compareJs, type: JS },
  { path: "/viewer/format.js", text: formatJs, type: JS },
  { path: "/viewer/inspector.js", text: inspectorJs, type: JS },
  { path: "/viewer/main.js", text: mainJs, type: JS },
  { path: "/viewer/run_data.js", text: runDataJs, type: JS },
  { path: "/viewer/runs_list.js", text: runsListJs, type: JS },
  { path: "/viewer/timeline.js", text: timelineJs, type: JS },
  { path: "/viewer/topology.js", text: topologyJs, type: JS },
  { path: "/viewer/url_state.js", text: urlStateJs, type: JS },
  { path: "/viewer/vendor/dagre.js", text: dagreJs, type: JS, specifier: "@dagrejs/dagre" },
  { path: "/viewer/vendor/uplot.js", text: uplotJs, type: JS, specifier: "uplot" },
  { path: "/viewer/vendor/uplot.css", text: uplotCss, type: CSS },
];

/** The page is revalidated on every load (a 304 when unchanged)... */
const REVALIDATE = "no-cache";
/** ...and names every other file by a hash of its content, so those never need asking again. */
const IMMUTABLE = "public, max-age=31536000, immutable";
/** Bodies smaller than this are sent as they are. */
const GZIP_FROM_BYTES = 1024;

/** One file ready to send. */
interface Asset {
  type: string;
  cacheControl: string;
  body: Uint8Array<ArrayBuffer>;
  gzip?: Uint8Array<ArrayBuffer>;
  etag: string;
  headers?: Record<string, string>;
}

/**
 * The routes serving the viewer, as a sub-app to mount at `/`: `GET /` (the page, whatever the
 * query string) and `GET /viewer/<name>.<hash>.<ext>` for its files.
 * @returns the Hono sub-app
 */
export function viewerRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  let built: Promise<Map<string, Asset>> | undefined;
  const assets = () => built ??= buildAssets();
  const serve = async (c: Context<AppEnv>, path: string) => {
    const asset = (await assets()).get(path);
    return asset ? send(c, asset) : c.notFound();
  };
  app.get("/", (c) => serve(c, "/"));
  app.get("/viewer/:file{.+}", (c) => serve(c, new URL(c.req.url).pathname));
  return app;
}

/**
 * Hash, gzip and index every file once. Each file is served at `<path>.<12 hash chars>.<ext>`;
 * the page names the hashed paths, and its import map sends the modules' own imports (relative
 * paths and bare library names) there too, with a modulepreload link per module so they load in
 * one round.
 */
async function buildAssets(): Promise<Map<string, Asset>> {
  const out = new Map<string, Asset>();
  const hashed = new Map<string, string>();
  const imports: Record<string, string> = {};
  for (const { path, text, type, specifier } of FILES) {
    const body = new TextEncoder().encode(text);
    const hash = await digest(body);
    const dot = path.lastIndexOf(".");
    const at = `${path.slice(0, dot)}.${hash.slice(0, 12)}${path.slice(dot)}`;
    hashed.set(path, at);
    if (type === JS) imports[specifier ?? path] = at;
    out.set(at, await asset(body, type, IMMUTABLE, hash));
  }
  const mapScript = JSON.stringify({ imports });
  const preload = FILES.filter((f) => f.type === JS)
    .map((f) => `<link rel="modulepreload" href="${hashed.get(f.path)}">`).join("\n    ");
  const html = indexHtml
    .replace(/"(\/viewer\/[^"]+)"/g, (_, path) => {
      const at = hashed.get(path);
      if (!at) throw new Error(`viewer/index.html names ${path}, which server/viewer.ts lacks`);
      return `"${at}"`;
    })
    .replace(
      /(<script type="importmap">)[^<]*(<\/script>)/,
      `$1${mapScript}$2\n    ${preload}`,
    )
    .replaceAll("%WINDOW_LIMIT%", String(MAX_WINDOW_BINS))
    .replaceAll("%VERSION%", TOOLKIT_VERSION);
  const mapHash = btoa(String.fromCharCode(...await sha256(new TextEncoder().encode(mapScript))));
  const page = await asset(new TextEncoder().encode(html), "text/html; charset=utf-8", REVALIDATE);
  page.headers = {
    "content-security-policy": [
      "default-src 'none'",
      `script-src 'self' 'sha256-${mapHash}'`,
      "style-src 'self'",
      "img-src 'self'",
      "connect-src 'self'",
      "base-uri 'none'",
      "form-action 'none'",
      "frame-ancestors 'none'",
    ].join("; "),
    "referrer-policy": "no-referrer",
  };
  out.set("/", page);
  return out;
}

async function asset(
  body: Uint8Array<ArrayBuffer>,
  type: string,
  cacheControl: string,
  hash?: string,
): Promise<Asset> {
  const etag = `"${(hash ?? await digest(body)).slice(0, 27)}"`;
  const gzip = body.length >= GZIP_FROM_BYTES ? await gzipped(body) : undefined;
  return { type, cacheControl, body, gzip, etag };
}

function send(c: Context<AppEnv>, asset: Asset): Response {
  const useGzip = asset.gzip !== undefined && acceptsGzip(c.req.header("accept-encoding"));
  const etag = useGzip ? `${asset.etag.slice(0, -1)}-gz"` : asset.etag;
  const headers: Record<string, string> = {
    "cache-control": asset.cacheControl,
    "etag": etag,
    "vary": "Accept-Encoding",
    "x-content-type-options": "nosniff",
    ...asset.headers,
  };
  if (matchesEtag(c.req.header("if-none-match"), etag)) return c.body(null, 304, headers);
  headers["content-type"] = asset.type;
  if (useGzip) headers["content-encoding"] = "gzip";
  return c.body(useGzip ? asset.gzip! : asset.body, 200, headers);
}

function acceptsGzip(header: string | undefined): boolean {
  return (header ?? "").split(",").some((part) => {
    const [coding, ...params] = part.trim().toLowerCase().split(";");
    const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    return coding.trim() === "gzip" && (q === undefined || Number(q.slice(2)) > 0);
  });
}

function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(",").some((t) => {
    const tag = t.trim();
    return tag === "*" || tag.replace(/^W\//, "") === etag;
  });
}

async function sha256(bytes: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
}

/** Base64url SHA-256 of the bytes (43 characters). */
async function digest(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const b64 = btoa(String.fromCharCode(...await sha256(bytes)));
  return b64.replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

async function gzipped(bytes: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}
