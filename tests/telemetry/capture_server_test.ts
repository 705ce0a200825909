// POST /v1/telemetry/captures in-process: the same capture as the CLI, with JSON errors and the
// right status for every bad request, and no server paths in any response.
import assert from "node:assert/strict";
import { join } from "node:path";
import { createApp } from "../../server/app.ts";
import { assertMatchesSchema, assertSameTree, FIXED_TIME, ROOT } from "../_helpers.ts";
import { copyRun, listing, ORDER_SYSTEM_RUN, QUEUE_BUFFER_RUN } from "./_capture_helpers.ts";

function post(app: ReturnType<typeof createApp>, body: string | object, headers = {}) {
  return app.request("/v1/telemetry/captures", {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

Deno.test("server: a capture returns 201 with the manifest and writes <data>/telemetry/<runId>", async () => {
  await using run = await copyRun(ORDER_SYSTEM_RUN);
  const app = createApp({ dataDir: run.dataDir, logger: false });
  const res = await post(app, { runId: ORDER_SYSTEM_RUN, capturedAt: FIXED_TIME });
  assert.equal(res.status, 201);
  const manifest = await res.json();
  assertMatchesSchema("telemetry-manifest", manifest, "response");
  const out = join(run.dataDir, "telemetry", ORDER_SYSTEM_RUN);
  assert.deepEqual(manifest, JSON.parse(await Deno.readTextFile(join(out, "manifest.json"))));
  await assertSameTree(out, join(ROOT, "fixtures/captures/order-system"));
});

Deno.test("server: inline gaps and dryRun return 200 with the plan and write nothing", async () => {
  await using run = await copyRun(QUEUE_BUFFER_RUN);
  const app = createApp({ dataDir: run.dataDir, logger: false });
  const before = await listing(run.dataDir);
  const res = await post(app, {
    runId: QUEUE_BUFFER_RUN,
    dryRun: true,
    capturedAt: FIXED_TIME,
    gaps: {
      seed: 42,
      rules: [{ node: "OrderService", metric: "arrivals", bins: [1, "3-4"], action: "drop" }],
    },
  });
  assert.equal(res.status, 200);
  const plan = await res.json();
  assert.deepEqual(await listing(run.dataDir), before);
  assert.equal(plan.dryRun, true);
  assert.equal(plan.outputDir, `telemetry/${QUEUE_BUFFER_RUN}`);
  assert.equal(plan.files.length, 8);
  assert.deepEqual(plan.warnings.map((w: { code: string; bins: number[] }) => [w.code, w.bins]), [
    ["data_gap", [1, 3, 4]],
  ]);
  assert.equal(plan.checksum, plan.manifest.checksum);
  assert.deepEqual(plan.gaps, plan.manifest.gaps);
  assertMatchesSchema("telemetry-manifest", plan.manifest, "plan manifest");
  assert.doesNotMatch(JSON.stringify(plan), new RegExp(run.dataDir.replaceAll("/", "\\/")));
});

Deno.test("server: bad requests get 400/404/409/413 JSON errors without server paths", async () => {
  await using run = await copyRun(QUEUE_BUFFER_RUN);
  const app = createApp({ dataDir: run.dataDir, logger: false });
  const before = await listing(run.dataDir);
  const cases: Array<[string | object, number, string, RegExp]> = [
    ["{not json", 400, "invalid_body", /request body is not valid JSON/],
    ["[1]", 400, "invalid_body", /request body must be a JSON object with runId, got a list/],
    [{ gaps: {} }, 400, "invalid_body", /runId must be a string/],
    [{ runId: QUEUE_BUFFER_RUN, extra: 1 }, 400, "invalid_body", /unknown field 'extra'/],
    [
      { runId: QUEUE_BUFFER_RUN, dryRun: "yes" },
      400,
      "invalid_body",
      /dryRun must be true or false/,
    ],
    [{ runId: "../runs", dryRun: true }, 400, "invalid_id", /runId '\.\.\/runs' is not allowed/],
    [
      { runId: QUEUE_BUFFER_RUN, capturedAt: "now" },
      400,
      "usage",
      /capturedAt: 'now' is not an ISO 8601/,
    ],
    [
      {
        runId: QUEUE_BUFFER_RUN,
        gaps: {
          rules: [{ node: "OrderService", metric: "served", bins: [1], action: "nan", why: 1 }],
        },
      },
      400,
      "gaps_invalid",
      /^gaps: rules\[0\]\.why: rule 1: unknown field 'why'/,
    ],
    [
      {
        runId: QUEUE_BUFFER_RUN,
        gaps: { rules: [{ node: "Billing", metric: "*", bins: [1], action: "nan" }] },
      },
      400,
      "gaps_invalid",
      /rule 1: unknown node 'Billing'/,
    ],
    [
      {
        runId: QUEUE_BUFFER_RUN,
        gaps: { rules: [{ node: "*", metric: "*", bins: ["0-12"], action: "drop" }] },
      },
      400,
      "gaps_invalid",
      /rule 1: range 0-12 is past the end of the grid; bins run from 0 to 11/,
    ],
    [
      {
        runId: QUEUE_BUFFER_RUN,
        gaps: { seed: 1, rules: [{ node: "*", metric: "*", fraction: 3, action: "drop" }] },
      },
      400,
      "gaps_invalid",
      /rule 1: fraction 3 is outside \[0, 1\]/,
    ],
    [
      { runId: "run_missing" },
      404,
      "run_not_found",
      /^no run 'run_missing' in the runs folder \(GET \/v1\/runs lists the runs\)$/,
    ],
  ];
  for (const [body, status, code, message] of cases) {
    const res = await post(app, body);
    const json = await res.json();
    assert.equal(res.status, status, `${JSON.stringify(body)}: ${JSON.stringify(json)}`);
    assert.equal(json.code, code);
    assert.match(json.error, message);
    assert.ok(!JSON.stringify(json).includes(run.dataDir), "no server paths");
  }
  assert.deepEqual(await listing(run.dataDir), before);
});

Deno.test("server: the same capture again is 200 (kept); another one is 409 unless overwrite is true", async () => {
  await using run = await copyRun(QUEUE_BUFFER_RUN);
  const app = createApp({ dataDir: run.dataDir, logger: false });
  const first = await post(app, { runId: QUEUE_BUFFER_RUN, capturedAt: "2025-10-07T00:00:00Z" });
  assert.equal(first.status, 201);
  const kept = await first.json();
  const same = await post(app, { runId: QUEUE_BUFFER_RUN, capturedAt: "2026-01-01T00:00:00Z" });
  assert.equal(same.status, 200, "unchanged");
  assert.deepEqual(await same.json(), kept, "the kept manifest, captured at the first time");
  const gaps = { seed: 1, rules: [{ node: "*", metric: "served", bins: [1], action: "nan" }] };
  const again = await post(app, { runId: QUEUE_BUFFER_RUN, gaps });
  assert.equal(again.status, 409);
  const body = await again.json();
  assert.equal(body.code, "output_exists");
  assert.match(
    body.error,
    /capture folder <data>\/telemetry\/run_deterministic_e673448a already exists/,
  );
  assert.equal((await post(app, { runId: QUEUE_BUFFER_RUN, gaps, overwrite: true })).status, 201);
});

Deno.test("server: a body over 1 MiB is refused with 413", async () => {
  await using run = await copyRun(QUEUE_BUFFER_RUN);
  const app = createApp({ dataDir: run.dataDir, logger: false });
  const big = JSON.stringify({ runId: QUEUE_BUFFER_RUN, pad: "x".repeat(1024 * 1024) });
  const res = await post(app, big);
  assert.equal(res.status, 413);
  const body = await res.json();
  assert.equal(body.code, "payload_too_large");
  // also when the size is not announced up front (chunked upload)
  const stream = new ReadableStream({
    start(controller) {
      controller.enqueue(new TextEncoder().encode(big));
      controller.close();
    },
  });
  const chunked = await app.request("/v1/telemetry/captures", {
    method: "POST",
    headers: { "content-type": "application/json", "transfer-encoding": "chunked" },
    body: stream,
  });
  assert.equal(chunked.status, 413);
});

Deno.test("server: the request log line carries the run id and file count", async () => {
  await using run = await copyRun(QUEUE_BUFFER_RUN);
  const lines: Record<string, unknown>[] = [];
  const app = createApp({ dataDir: run.dataDir, logger: { log: (r) => lines.push(r) } });
  await post(app, { runId: QUEUE_BUFFER_RUN, dryRun: true });
  assert.equal(lines.length, 1);
  assert.equal(lines[0].event, "request");
  assert.equal(lines[0].status, 200);
  assert.equal(lines[0].runId, QUEUE_BUFFER_RUN);
  assert.equal(lines[0].files, 8);
});
