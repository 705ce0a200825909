// The loop through real servers on 127.0.0.1: a Sim server (templates) and an engine server
// that generates through it with the HTTP Sim client, as when Sim and engine run separately.
import assert from "node:assert/strict";
import { join } from "node:path";
import { startServer } from "../../server/listen.ts";
import { HttpSimClient } from "../../lib/sim/http.ts";
import { compareRuns } from "../../lib/workflow/parity.ts";
import { openRun } from "../../lib/artifacts/reader.ts";
import {
  assertMatchesSchema,
  assertValidRunBundle,
  FIXED_TIME,
  readTree,
  ROOT,
  tempDir,
} from "../_helpers.ts";

Deno.test("server loop with a separate Sim over HTTP: runs, capture with gaps, replay, state_window", async () => {
  await using dirTmp = await tempDir("server-loop");
  const dir = dirTmp.path;
  const data = join(dir, "data");
  const simServer = startServer({
    port: 0,
    logger: false,
    templatesDir: join(ROOT, "templates"),
    dataDir: join(dir, "sim-data"),
  });
  const simUrl = `http://127.0.0.1:${(simServer.addr as Deno.NetAddr).port}`;
  const engine = startServer({
    port: 0,
    logger: false,
    templatesDir: join(dir, "no-templates"),
    dataDir: data,
    sim: new HttpSimClient(simUrl),
  });
  const base = `http://127.0.0.1:${(engine.addr as Deno.NetAddr).port}`;
  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() };
  };
  try {
    const sim = await post("/v1/runs", {
      templateId: "microservices",
      options: { deterministicRunId: true, createdAt: FIXED_TIME },
    });
    assert.equal(sim.status, 201, JSON.stringify(sim.body));
    assert.equal(sim.body.mode, "simulation");
    const capture = await post("/v1/telemetry/captures", {
      runId: sim.body.runId,
      capturedAt: FIXED_TIME,
      gaps: {
        seed: 7,
        rules: [{ node: "OrderService", metric: "served", bins: ["30-32"], action: "drop" }],
      },
    });
    assert.equal(capture.status, 201, JSON.stringify(capture.body));
    assert.equal(capture.body.warnings.length, 1);
    const outside = await post("/v1/runs", {
      templateId: "microservices",
      mode: "telemetry",
      telemetry: { captureDirectory: "../sim-data" },
    });
    assert.equal(outside.status, 400);
    assert.equal(outside.body.code, "path_escape");
    assert.ok(!JSON.stringify(outside.body).includes(dir), "no absolute server path in the error");
    const dry = await post("/v1/runs", {
      templateId: "microservices",
      mode: "telemetry",
      telemetry: { captureDirectory: `telemetry/${sim.body.runId}` },
      options: { dryRun: true },
    });
    assert.equal(dry.status, 200);
    assert.deepEqual(dry.body.boundFromCapture, ["telemetryDir", "bins", "binSize", "start"]);
    const replay = await post("/v1/runs", {
      templateId: "microservices",
      mode: "telemetry",
      telemetry: { captureDirectory: `telemetry/${sim.body.runId}` },
      options: { deterministicRunId: true, createdAt: FIXED_TIME },
    });
    assert.equal(replay.status, 201, JSON.stringify(replay.body));
    assert.equal(replay.body.capture.runId, sim.body.runId);
    assert.equal(replay.body.capture.warningCount, 1);
    assert.deepEqual(replay.body.warnings.map((w: { code: string }) => w.code), ["telemetry_gap"]);
    await assertValidRunBundle(join(data, "runs", replay.body.runId));
    const res = await fetch(
      `${base}/v1/runs/${replay.body.runId}/state_window?startBin=28&endBin=34`,
    );
    const window = await res.json();
    assert.equal(res.status, 200);
    assertMatchesSchema("time-travel-state", window, "state_window");
    assert.equal(window.metadata.mode, "telemetry");
    const gap = window.warnings.find((w: { source: string }) => w.source === "capture");
    assert.deepEqual([gap.code, gap.nodeId, gap.metric, gap.bins], [
      "data_gap",
      "OrderService",
      "served",
      [30, 31, 32],
    ]);
    const order = window.nodes.find((n: { id: string }) => n.id === "OrderService");
    assert.deepEqual(order.series.served.slice(1, 6).map((v: number | null) => v === null), [
      false,
      true,
      true,
      true,
      false,
    ]);
    // Everything but the dropped bins replays exactly.
    const parity = await compareRuns([
      await openRun(join(data, "runs"), sim.body.runId),
      await openRun(join(data, "runs"), replay.body.runId),
    ]);
    assert.deepEqual(
      parity.comparisons.filter((c) => c.differingBins > 0).map((
        c,
      ) => [c.nodeId, c.metric, c.differingBins]),
      [["OrderService", "served", 3]],
    );
  } finally {
    await engine.shutdown();
    await simServer.shutdown();
  }
});

Deno.test("POST /v1/runs: the Sim service down is a clear 502 and nothing is written", async () => {
  await using dirTmp = await tempDir("server-sim-down");
  const dir = dirTmp.path;
  const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (probe.addr as Deno.NetAddr).port;
  probe.close();
  const engine = startServer({
    port: 0,
    logger: false,
    dataDir: join(dir, "data"),
    sim: new HttpSimClient(`http://127.0.0.1:${port}`, { timeoutMs: 2000 }),
  });
  try {
    const res = await fetch(`http://127.0.0.1:${(engine.addr as Deno.NetAddr).port}/v1/runs`, {
      method: "POST",
      body: JSON.stringify({ templateId: "http-service" }),
    });
    const body = await res.json();
    assert.equal(res.status, 502);
    assert.equal(body.code, "sim_unavailable");
    assert.match(body.error, /cannot reach Sim service/);
  } finally {
    await engine.shutdown();
  }
  assert.deepEqual(await readTree(dir), new Map());
});

Deno.test("POST /v1/runs validates its body: fields, mode, capture folder", async () => {
  await using dirTmp = await tempDir("server-runs-body");
  const dir = dirTmp.path;
  const engine = startServer({
    port: 0,
    logger: false,
    dataDir: join(dir, "data"),
    templatesDir: join(ROOT, "templates"),
  });
  const url = `http://127.0.0.1:${(engine.addr as Deno.NetAddr).port}/v1/runs`;
  const cases: Array<[string, number, string, RegExp]> = [
    ["{", 400, "invalid_body", /not valid JSON/],
    ["[]", 400, "invalid_body", /must be a JSON object/],
    [
      JSON.stringify({ templateId: "http-service", extra: 1 }),
      400,
      "invalid_body",
      /unknown field 'extra'/,
    ],
    [
      JSON.stringify({ templateId: "http-service", mode: "live" }),
      400,
      "invalid_body",
      /mode: must be simulation or telemetry/,
    ],
    [
      JSON.stringify({ templateId: "http-service", mode: "telemetry" }),
      400,
      "invalid_body",
      /captureDirectory: telemetry mode needs the capture folder/,
    ],
    [JSON.stringify({ templateId: "../x" }), 400, "invalid_id", /templateId/],
    [JSON.stringify({ templateId: "nope" }), 404, "template_not_found", /nope/],
    [
      JSON.stringify({ templateId: "http-service", parameters: { bins: "many" } }),
      422,
      "invalid_parameters",
      /bins/,
    ],
    [
      JSON.stringify({
        templateId: "http-service",
        mode: "telemetry",
        telemetry: { captureDirectory: "/etc" },
      }),
      400,
      "path_escape",
      /absolute/,
    ],
    [
      JSON.stringify({
        templateId: "http-service",
        mode: "telemetry",
        telemetry: { captureDirectory: "telemetry/none" },
      }),
      422,
      "capture_invalid",
      /capture folder <data>\/telemetry\/none does not exist/,
    ],
    [
      JSON.stringify({ templateId: "http-service", options: { dryRun: "yes" } }),
      400,
      "invalid_body",
      /dryRun: must be true or false/,
    ],
  ];
  try {
    for (const [body, status, code, message] of cases) {
      const res = await fetch(url, { method: "POST", body });
      const json = await res.json();
      assert.equal(res.status, status, `${body}: ${JSON.stringify(json)}`);
      assert.equal(json.code, code, body);
      assert.match(json.error, message, body);
    }
  } finally {
    await engine.shutdown();
  }
});
