// Telemetry-mode runs never fail: gaps, unresolved sources and missing series become warnings,
// restricted to the bins a query covers, and the values are null.
import assert from "node:assert/strict";
import { join } from "node:path";
import { loadStateRun } from "../../lib/state/load.ts";
import { snapshotOf } from "../../lib/state/snapshot.ts";
import { windowOf } from "../../lib/state/window.ts";
import { assertMatchesSchema, moduleTempDir } from "../_helpers.ts";
import { runModelText, runTelemetryGaps } from "./_runs.ts";

const tg = await runTelemetryGaps(join(await moduleTempDir("state-tg"), "runs"));

const SERVED_GAP = {
  code: "telemetry_gap",
  message:
    "source file:Checkout_served.csv of node 'checkout_served' has no value for bins 2-3; they are NaN",
  severity: "warning",
  source: "run",
  metric: "served",
};
const REFUNDS_UNRESOLVED = {
  code: "telemetry_sources_unresolved",
  message:
    "source file:Refunds_arrivals.csv of node 'refund_arrivals': file not found; its series is NaN",
  severity: "warning",
  source: "run",
  metric: "arrivals",
};
const PMF_WARNING = {
  code: "pmf_normalized",
  message:
    "pmf probabilities of 'refund_priority' sum to 0.8999999999999999, not 1; they were normalised",
  severity: "warning",
  source: "run",
  nodeId: "refund_priority",
};

Deno.test("telemetry metadata: mode and unresolved sources", async () => {
  const run = await loadStateRun(tg.runDir);
  assert.equal(run.metadata.mode, "telemetry");
  assert.equal(run.metadata.telemetrySourcesResolved, false);
});

Deno.test("a telemetry gap shows null values and derived metrics, gray, with warnings for the bin", async () => {
  const s = snapshotOf(await loadStateRun(tg.runDir), 2);
  assert.deepEqual(s.nodes[0], {
    id: "Checkout",
    kind: "service",
    metrics: { arrivals: 16, served: null, errors: null, capacity: 20 },
    derived: { utilization: null, throughputRatio: null, color: "gray" },
    telemetry: {
      sources: ["file:Checkout_arrivals.csv", "file:Checkout_served.csv"],
      warnings: [
        { ...SERVED_GAP, bins: [2] },
        {
          code: "telemetry_gap",
          message: "errors ('checkout_errors') has no value in bin 2; shown as null",
          severity: "warning",
          source: "state",
          metric: "errors",
          bins: [2],
        },
      ],
    },
  });
});

Deno.test("gap warnings are left out of bins they do not cover", async () => {
  const s = snapshotOf(await loadStateRun(tg.runDir), 0);
  assert.deepEqual(s.nodes[0].telemetry.warnings, []);
  // Checkout bin 0: served 10, capacity 20 -> 0.5 green.
  assert.deepEqual(s.nodes[0].derived, { utilization: 0.5, throughputRatio: 1, color: "green" });
});

Deno.test("an unresolved source is a node warning in every bin, its values null", async () => {
  for (const bin of [0, 3, 5]) {
    const s = snapshotOf(await loadStateRun(tg.runDir), bin);
    assert.deepEqual(s.nodes[1].telemetry.warnings, [REFUNDS_UNRESOLVED]);
    assert.equal(s.nodes[1].metrics.arrivals, null);
    assert.equal(s.nodes[1].derived.throughputRatio, null);
  }
});

Deno.test("engine warnings of nodes no topology names are run-level warnings", async () => {
  const s = snapshotOf(await loadStateRun(tg.runDir), 4);
  assert.deepEqual(s.warnings, [PMF_WARNING]);
});

Deno.test("window warnings keep the bins inside the window", async () => {
  const w = windowOf(await loadStateRun(tg.runDir), { startBin: 3, endBin: 5 });
  assert.deepEqual(w.nodes[0].telemetry.warnings.map((x) => [x.code, x.source, x.bins]), [
    ["telemetry_gap", "run", [3]],
    ["telemetry_gap", "state", [3]],
  ]);
  assert.deepEqual(w.nodes[0].series.served, [null, 18, 8]);
  // bins 3..5 utilisation: null, 18/20 = 0.9 (red), 8/20 = 0.4 (green)
  assert.deepEqual(w.nodes[0].series.utilization, [null, 0.9, 0.4]);
  assert.deepEqual(w.nodes[0].series.color, ["gray", "red", "green"]);
  assertMatchesSchema("time-travel-state", w, "telemetry window");
});

Deno.test("telemetry queue: latency from the loaded served and the queue carried from 4", async () => {
  // Refunds: arrivals NaN count as 0 in the buffer; Q = max(0, Q - served): 4-2 = 2, 0, 0, 0...
  const w = windowOf(await loadStateRun(tg.runDir), { startBin: 0, endBin: 5 });
  assert.deepEqual(w.nodes[1].series.queue, [2, 0, 0, 0, 0, 0]);
  assert.deepEqual(w.nodes[1].series.latencyMinutes, [15, 0, 0, null, 0, 0]);
  assert.deepEqual(w.nodes[1].series.color, ["green", "green", "green", "gray", "green", "green"]);
});

Deno.test("a telemetry run missing a required series answers with a warning, not an error", async () => {
  await using written = await runModelText(
    `schemaVersion: 1
mode: telemetry
grid: { bins: 3, binSize: 5, binUnit: minutes }
nodes:
  - { id: a, kind: const, source: "file:a.csv" }
topology:
  nodes:
    - { id: Svc, kind: service, semantics: { arrivals: a } }
  edges: []
`,
    { files: { "a.csv": "bin_index,value\n0,1\n1,2\n2,3\n" } },
  );
  const { runDir } = written;
  const run = await loadStateRun(runDir);
  const s = snapshotOf(run, 1);
  assert.equal(run.metadata.telemetrySourcesResolved, true);
  assert.deepEqual(s.warnings, [{
    code: "telemetry_sources_missing",
    message:
      "topology node 'Svc' declares no served series (semantics.served is not set); its values are null",
    severity: "warning",
    source: "state",
    nodeId: "Svc",
    metric: "served",
  }]);
  assert.deepEqual(s.nodes[0].metrics, { arrivals: 2, served: null, errors: null });
  assert.deepEqual(s.bin, { index: 1, startUtc: null, endUtc: null, durationMinutes: 5 });
});

Deno.test("a telemetry run that reads no sources says so and is not resolved", async () => {
  await using written = await runModelText(`schemaVersion: 1
mode: telemetry
grid: { bins: 2, binSize: 5, binUnit: minutes }
nodes:
  - { id: a, kind: const, values: [1, 2] }
topology:
  nodes:
    - { id: Svc, kind: service, semantics: { arrivals: a, served: a } }
  edges: []
`);
  const { runDir } = written;
  const run = await loadStateRun(runDir);
  assert.equal(run.metadata.telemetrySourcesResolved, false);
  assert.deepEqual(snapshotOf(run, 0).warnings.map((w) => w.code), ["telemetry_sources_missing"]);
});

Deno.test("an invalid telemetry source is a node warning that names the file without its absolute path", async () => {
  await using written = await runModelText(
    `schemaVersion: 1
mode: telemetry
grid: { bins: 3, binSize: 5, binUnit: minutes }
nodes:
  - { id: a, kind: const, source: "file:a.csv" }
  - { id: b, kind: const, values: [1, 1, 1] }
topology:
  nodes:
    - { id: Svc, kind: service, semantics: { arrivals: a, served: b } }
  edges: []
`,
    { files: { "a.csv": "bin_index,value\n0,x\n" } },
  );
  const { runDir } = written;
  const run = await loadStateRun(runDir);
  const s = snapshotOf(run, 0);
  assert.equal(run.metadata.telemetrySourcesResolved, false);
  assert.deepEqual(s.nodes[0].telemetry.warnings, [{
    code: "telemetry_series_invalid",
    message:
      "source file:a.csv of node 'a' is not a valid series: a.csv:2: value 'x' for bin 0 is not a number (write digits, NaN or leave the cell empty)",
    severity: "warning",
    source: "run",
    metric: "arrivals",
  }]);
});
