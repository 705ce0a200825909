// The viewer's files in-process: GET / and every file the page and its modules reference are served
// (nothing missing, nothing extra), small, gzipped, cached by ETag or immutable, under a strict CSP.
import assert from "node:assert/strict";
import { join } from "node:path";
import { keepUntilUnload, ROOT } from "../_helpers.ts";
import { dataDirWith, QUEUE_BUFFER_RUN } from "../state/_runs.ts";
import { createApp } from "../../server/app.ts";
import { MAX_WINDOW_BINS } from "../../lib/state/query.ts";
import { TOOLKIT_VERSION } from "../../lib/base/version.ts";

const data = keepUntilUnload(await dataDirWith(QUEUE_BUFFER_RUN));
const server = createApp({ dataDir: data, templatesDir: data, logger: false });
const app = {
  get: (path: string, headers: Record<string, string> = {}) => server.request(path, { headers }),
};

/** A hashed path's plain name: `/viewer/api.AaibNXrPUm3s.js` is `/viewer/api.js`. */
const plain = (path: string) => path.replace(/\.[A-Za-z0-9_-]{12}(\.[a-z]+)$/, "$1");

/**
 * Everything the page loads, resolved as a browser does: the page's links and scripts, and each
 * module's imports through the import map (relative ones by their plain path, libraries by name).
 */
async function referencedPaths(): Promise<{ html: string; paths: string[]; importMap: string }> {
  const html = await (await app.get("/")).text();
  const importMap = html.match(/<script type="importmap">([^<]*)<\/script>/)?.[1] ?? "";
  const mapped: Record<string, string> = JSON.parse(importMap).imports;
  const paths = new Set<string>();
  for (const m of html.matchAll(/<(?:link|script|img)\b[^>]*?(?:href|src)="(\/[^"]*)"/g)) {
    paths.add(m[1]);
  }
  const queue = [...paths].filter((p) => p.endsWith(".js"));
  while (queue.length > 0) {
    const module = queue.pop()!;
    const text = await (await app.get(module)).text();
    const imports = /^\s*import\b[^;"]*?(?:from\s*)?"([^"]+)"|\bimport\("([^"]+)"\)/gm;
    for (const m of text.matchAll(imports)) {
      const spec = m[1] ?? m[2];
      const key = spec.startsWith(".") ? new URL(spec, `http://x${module}`).pathname : spec;
      const target = mapped[key];
      assert.ok(target, `${module} imports '${spec}' (${key}), which the import map lacks`);
      if (!paths.has(target)) queue.push(target);
      paths.add(target);
    }
  }
  return { html, paths: [...paths].sort(), importMap };
}

Deno.test("GET / serves the page under a CSP that allows only its own files and import map", async () => {
  for (const path of ["/", "/?run=x&bin=3&node=a&compare=b"]) {
    const res = await app.get(path);
    assert.equal(res.status, 200, path);
    assert.equal(res.headers.get("content-type"), "text/html; charset=utf-8");
    assert.equal(res.headers.get("cache-control"), "no-cache");
    assert.equal(res.headers.get("x-content-type-options"), "nosniff");
    await res.body?.cancel();
  }
  const res = await app.get("/");
  const csp = res.headers.get("content-security-policy") ?? "";
  const html = await res.text();
  const { importMap } = await referencedPaths();
  const hash = btoa(String.fromCharCode(
    ...new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(importMap))),
  ));
  assert.ok(csp.includes(`script-src 'self' 'sha256-${hash}'`), csp);
  for (const part of ["default-src 'none'", "style-src 'self'", "connect-src 'self'"]) {
    assert.ok(csp.includes(part), `${part} missing from ${csp}`);
  }
  assert.ok(html.includes(`<meta name="flowtime-window-limit" content="${MAX_WINDOW_BINS}">`));
  assert.ok(html.includes(`FlowTime toolkit ${TOOLKIT_VERSION}`));
  assert.ok(!html.includes("%"), "a placeholder was left in the page");
  assert.ok(!/https?:\/\//.test(html.replace(/xmlns="http:\/\/www\.w3\.org\/2000\/svg"/g, "")));
});

Deno.test("every file the page references is served, and every file of viewer/ is referenced", async () => {
  const { paths } = await referencedPaths();
  const types: Record<string, RegExp> = {
    js: /^text\/javascript; charset=utf-8$/,
    css: /^text\/css; charset=utf-8$/,
    svg: /^image\/svg\+xml$/,
  };
  for (const path of paths) {
    const res = await app.get(path);
    assert.equal(res.status, 200, path);
    const ext = path.split(".").pop()!;
    assert.match(res.headers.get("content-type") ?? "", types[ext], path);
    assert.equal(res.headers.get("x-content-type-options"), "nosniff", path);
    await res.body?.cancel();
  }
  const own = [...Deno.readDirSync(join(ROOT, "viewer"))].map((e) => e.name)
    .filter((n) => n !== "index.html").sort();
  assert.deepEqual(
    paths.filter((p) => !p.includes("/vendor/")).map((p) => plain(p).replace("/viewer/", ""))
      .sort(),
    own,
    "the page should load exactly the files of viewer/ (add new ones to server/viewer.ts)",
  );
  assert.deepEqual(
    paths.filter((p) => p.includes("/vendor/")).map(plain).sort(),
    ["/viewer/vendor/dagre.js", "/viewer/vendor/uplot.css", "/viewer/vendor/uplot.js"],
  );
  // Every module is preloaded, so they all load in one round.
  const { html } = await referencedPaths();
  for (const path of paths.filter((p) => p.endsWith(".js"))) {
    assert.ok(html.includes(`<link rel="modulepreload" href="${path}">`), path);
  }
});

Deno.test("the page is revalidated by ETag; every other file is immutable under a hashed name", async () => {
  const { paths } = await referencedPaths();
  for (const path of ["/", ...paths]) {
    const res = await app.get(path);
    const etag = res.headers.get("etag");
    await res.body?.cancel();
    assert.match(etag ?? "", /^"[A-Za-z0-9_-]{27}"$/, path);
    assert.equal(
      res.headers.get("cache-control"),
      path === "/" ? "no-cache" : "public, max-age=31536000, immutable",
      path,
    );
    if (path !== "/") assert.equal(etag?.slice(1, 13), path.split(".").at(-2), path);
    const again = await app.get(path, { "if-none-match": `W/"x", ${etag}` });
    assert.equal(again.status, 304, path);
    assert.equal(again.headers.get("etag"), etag);
    assert.equal(await again.text(), "");
    const changed = await app.get(path, { "if-none-match": '"something-else"' });
    assert.equal(changed.status, 200, path);
    await changed.body?.cancel();
  }
});

Deno.test("text files are sent gzipped when asked; the whole page is small", async () => {
  const { paths } = await referencedPaths();
  let plain = 0;
  let gzipped = 0;
  for (const path of ["/", ...paths]) {
    const raw = new Uint8Array(await (await app.get(path)).arrayBuffer());
    const res = await app.get(path, { "accept-encoding": "gzip, deflate, br" });
    const body = new Uint8Array(await res.arrayBuffer());
    assert.equal(res.headers.get("vary"), "Accept-Encoding");
    if (res.headers.get("content-encoding") === "gzip") {
      const unzipped = await new Response(
        new Blob([body]).stream().pipeThrough(new DecompressionStream("gzip")),
      ).arrayBuffer();
      assert.deepEqual(new Uint8Array(unzipped), raw, path);
      assert.match(res.headers.get("etag") ?? "", /-gz"$/);
    } else {
      assert.ok(raw.length < 1024, `${path} (${raw.length} bytes) should be gzipped`);
    }
    const refused = await app.get(path, { "accept-encoding": "gzip;q=0" });
    assert.equal(refused.headers.get("content-encoding"), null, path);
    await refused.body?.cancel();
    plain += raw.length;
    gzipped += body.length;
  }
  // Budget: the page, its modules and both libraries in under 150 KB on the wire.
  assert.ok(gzipped < 150_000, `the viewer weighs ${gzipped} bytes gzipped (${plain} plain)`);
});

Deno.test("unknown viewer files are 404 JSON, like any unknown route", async () => {
  for (
    const path of [
      "/viewer/nope.js",
      "/viewer/main.js",
      "/viewer/main.AAAAAAAAAAAA.js",
      "/viewer/vendor/dagre.js",
      "/viewer/index.html",
      "/viewer/%2e%2e/deno.json",
      "/viewer/",
    ]
  ) {
    const res = await app.get(path);
    assert.equal(res.status, 404, path);
    assert.equal((await res.json()).code, "not_found", path);
  }
});
