// HTTP answers to state queries: strong ETags and If-None-Match -> 304, Cache-Control and
// Vary, compression only when asked for (q-values), the same bytes and log line whether the
// answer came through the routes or the fast path, a rewritten run never answered from the
// cache, and windows over the streaming threshold streamed with the same bytes.
import assert from "node:assert/strict";
import { gunzipSync } from "node:zlib";
import { join } from "node:path";
import { createApp } from "../../server/app.ts";
import { startServer } from "../../server/listen.ts";
import { createLogger } from "../../server/logger.ts";
import { chooseCoding } from "../../server/state_http.ts";
import { loadStateRun } from "../../lib/state/load.ts";
import { queryState, stateResponseText } from "../../lib/state/service.ts";
import { runModelFile } from "../../lib/workflow/run_model.ts";
import { FIXED_TIME, tempDir } from "../_helpers.ts";

function model(services: number, bins: number, served = 4): string {
  const lines = [
    "schemaVersion: 1",
    `grid: { bins: ${bins}, binSize: 5, binUnit: minutes, start: "2025-10-07T00:00:00Z" }`,
    "nodes:",
  ];
  const topo: string[] = [];
  for (let n = 0; n < services; n++) {
    const arrivals = Array.from({ length: bins }, (_, t) => 5 + ((t * 7 + n) % 9));
    lines.push(`  - { id: a${n}, kind: const, values: [${arrivals.join(", ")}] }`);
    lines.push(`  - { id: s${n}, kind: expr, expr: "MIN(a${n}, ${served + n})" }`);
    topo.push(
      `    - { id: Svc${n}, kind: service, semantics: { arrivals: a${n}, served: s${n}, capacity: a${n} } }`,
    );
  }
  return [...lines, "topology:", "  nodes:", ...topo, "  edges: []", ""].join("\n");
}

async function setup(
  t: { services: number; bins: number },
  options: Parameters<typeof createApp>[0] = {},
) {
  const dir = await tempDir("state-http");
  const modelPath = join(dir.path, "model.yaml");
  await Deno.writeTextFile(modelPath, model(t.services, t.bins));
  const runsDir = join(dir.path, "runs");
  await runModelFile(modelPath, { runsDir, runId: "r1", createdAt: FIXED_TIME });
  const logs: Array<Record<string, unknown>> = [];
  const app = createApp({
    dataDir: dir.path,
    templatesDir: dir.path,
    logger: createLogger((line) => logs.push(JSON.parse(line))),
    ...options,
  });
  return { dir, app, logs, runsDir, modelPath };
}

Deno.test("ETag, 304 on If-None-Match, Cache-Control and Vary", async () => {
  const { dir, app } = await setup({ services: 3, bins: 12 });
  await using _ = dir;
  const first = await app.request("/v1/runs/r1/state?binIndex=2");
  assert.equal(first.status, 200);
  const etag = first.headers.get("etag")!;
  assert.match(etag, /^"[0-9a-f]{24}-b2"$/);
  assert.equal(first.headers.get("cache-control"), "no-cache");
  assert.equal(first.headers.get("vary"), "Accept-Encoding");
  const body = await first.text();
  for (const tag of [etag, `W/${etag}`, `"x", ${etag}`, "*"]) {
    const again = await app.request("/v1/runs/r1/state?binIndex=2", {
      headers: { "if-none-match": tag },
    });
    assert.equal(again.status, 304, tag);
    assert.equal(again.headers.get("etag"), etag);
    assert.equal(again.headers.get("vary"), "Accept-Encoding");
    assert.equal(await again.text(), "");
  }
  const other = await app.request("/v1/runs/r1/state?binIndex=3", {
    headers: { "if-none-match": etag },
  });
  assert.equal(other.status, 200);
  assert.notEqual(other.headers.get("etag"), etag);
  const window = await app.request("/v1/runs/r1/state_window?startBin=0&endBin=11");
  assert.match(window.headers.get("etag")!, /-w0-11"$/);
  const unchanged = await app.request("/v1/runs/r1/state?binIndex=2");
  assert.equal(await unchanged.text(), body);
});

Deno.test("compression only when asked for, by q-value, with its own ETag", async () => {
  assert.equal(chooseCoding(undefined), "identity");
  assert.equal(chooseCoding(""), "identity");
  assert.equal(chooseCoding("gzip"), "gzip");
  assert.equal(chooseCoding("gzip, br"), "br");
  assert.equal(chooseCoding("gzip;q=0.9, br;q=0.5"), "gzip");
  assert.equal(chooseCoding("br;q=0, gzip;q=0"), "identity");
  assert.equal(chooseCoding("identity, gzip;q=0.5"), "identity");
  assert.equal(chooseCoding("*"), "br");
  assert.equal(chooseCoding("*;q=0, gzip"), "gzip");
  assert.equal(chooseCoding("deflate"), "identity");
  const { dir, app } = await setup({ services: 3, bins: 12 });
  await using _ = dir;
  const plain = await (await app.request("/v1/runs/r1/state_window?startBin=0&endBin=11")).text();
  for (let round = 0; round < 2; round++) {
    const gz = await app.request("/v1/runs/r1/state_window?startBin=0&endBin=11", {
      headers: { "accept-encoding": "gzip" },
    });
    assert.equal(gz.headers.get("content-encoding"), "gzip");
    assert.match(gz.headers.get("etag")!, /-gzip"$/);
    const bytes = new Uint8Array(await gz.arrayBuffer());
    assert.equal(new TextDecoder().decode(gunzipSync(bytes)), plain);
  }
  const br = await app.request("/v1/runs/r1/state?binIndex=1", {
    headers: { "accept-encoding": "gzip, br" },
  });
  assert.equal(br.headers.get("content-encoding"), "br");
  await br.body?.cancel();
  const none = await app.request("/v1/runs/r1/state?binIndex=1", {
    headers: { "accept-encoding": "gzip;q=0" },
  });
  assert.equal(none.headers.get("content-encoding"), null);
  await none.body?.cancel();
});

Deno.test("an answer from the cache is the routed answer: bytes, headers and log line", async () => {
  const { dir, app, logs } = await setup({ services: 3, bins: 12 });
  await using _ = dir;
  const a = await app.request("/v1/runs/r1/state?binIndex=5");
  const b = await app.request("/v1/runs/r1/state?binIndex=5");
  assert.equal(await a.text(), await b.text());
  assert.deepEqual([...a.headers], [...b.headers]);
  const lines = logs.map(({ ts: _ts, durationMs: _d, ...rest }) => rest);
  assert.equal(lines.length, 2);
  assert.deepEqual(lines[0], lines[1]);
  assert.deepEqual(Object.keys(logs[1]), [
    "ts",
    "level",
    "event",
    "method",
    "path",
    "status",
    "durationMs",
    "query",
    "runId",
    "binIndex",
    "mode",
  ]);
});

Deno.test("a run rewritten on disk is never answered from the cache", async () => {
  const { dir, app, runsDir, modelPath } = await setup({ services: 2, bins: 6 }, {
    runRecheckMs: 0,
  });
  await using _ = dir;
  const before = await app.request("/v1/runs/r1/state?binIndex=1");
  const beforeTag = before.headers.get("etag");
  const beforeText = await before.text();
  await Deno.writeTextFile(modelPath, model(2, 6, 2));
  await runModelFile(modelPath, { runsDir, runId: "r1", createdAt: FIXED_TIME, overwrite: true });
  const after = await app.request("/v1/runs/r1/state?binIndex=1", {
    headers: { "if-none-match": beforeTag! },
  });
  assert.equal(after.status, 200);
  assert.notEqual(after.headers.get("etag"), beforeTag);
  const afterText = await after.text();
  assert.notEqual(afterText, beforeText);
  const run = await loadStateRun(join(runsDir, "r1"));
  assert.equal(afterText, stateResponseText(queryState(run, { kind: "snapshot", binIndex: 1 })));
});

Deno.test("a window over the streaming threshold is streamed with the same bytes", async () => {
  const bins = 2100;
  const { dir, app, runsDir } = await setup({ services: 32, bins }, { maxWindowBins: 2097 });
  await using _ = dir;
  const res = await app.request(`/v1/runs/r1/state_window?startBin=3&endBin=${bins - 1}`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-length"), null);
  assert.match(res.headers.get("etag")!, /-w3-2099"$/);
  const text = await res.text();
  const run = await loadStateRun(join(runsDir, "r1"));
  assert.equal(
    text,
    stateResponseText(queryState(run, { kind: "window", startBin: 3, endBin: bins - 1 })),
  );
  const gz = await app.request(`/v1/runs/r1/state_window?startBin=3&endBin=${bins - 1}`, {
    headers: { "accept-encoding": "gzip" },
  });
  assert.equal(gz.headers.get("content-encoding"), "gzip");
  assert.equal(
    new TextDecoder().decode(gunzipSync(new Uint8Array(await gz.arrayBuffer()))),
    text,
  );
  const tooWide = await app.request(`/v1/runs/r1/state_window?startBin=0&endBin=${bins - 1}`);
  assert.equal(tooWide.status, 413);
  assert.match((await tooWide.json()).error, /at most 2097 per query/);
});

Deno.test("over a socket: cached answers sent as kept, wide windows chunked, the same bytes", async () => {
  const bins = 2100;
  const { dir, runsDir } = await setup({ services: 32, bins });
  await using _ = dir;
  await using server = startServer({
    port: 0,
    dataDir: dir.path,
    templatesDir: dir.path,
    logger: false,
    maxWindowBins: bins,
  });
  const base = `http://127.0.0.1:${server.addr.port}`;
  const run = await loadStateRun(join(runsDir, "r1"));
  const snapshot = stateResponseText(queryState(run, { kind: "snapshot", binIndex: 7 }));
  for (let i = 0; i < 2; i++) {
    const res = await fetch(`${base}/v1/runs/r1/state?binIndex=7`, {
      headers: { "accept-encoding": "identity" },
    });
    assert.equal(
      res.headers.get("content-length"),
      String(new TextEncoder().encode(snapshot).length),
    );
    assert.equal(await res.text(), snapshot);
    // fetch asks for br or gzip by default, and decodes it
    const compressed = await fetch(`${base}/v1/runs/r1/state?binIndex=7`);
    assert.equal(compressed.headers.get("content-encoding"), "br");
    assert.equal(await compressed.text(), snapshot);
  }
  const wide = await fetch(`${base}/v1/runs/r1/state_window?startBin=0&endBin=${bins - 1}`, {
    headers: { "accept-encoding": "identity" },
  });
  assert.equal(wide.headers.get("transfer-encoding"), "chunked");
  assert.equal(
    await wide.text(),
    stateResponseText(queryState(run, { kind: "window", startBin: 0, endBin: bins - 1 })),
  );
  const health = await fetch(`${base}/healthz`);
  assert.equal(health.status, 200);
  await health.body?.cancel();
});
