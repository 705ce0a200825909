// /state and /state_window on FlowTime's own run folders give FlowTime's numbers: the state
// test runs of StateEndpointTests.cs (goldens state-approved.json and state-window-approved.json
// at 3166256c), a RunArtifactWriter simulation run and a TelemetryBundleBuilder bundle. Library,
// HTTP and CLI alike.
import assert from "node:assert/strict";
import { join } from "node:path";
import { loadStateRun } from "../../lib/state/load.ts";
import { snapshotOf } from "../../lib/state/snapshot.ts";
import { windowOf } from "../../lib/state/window.ts";
import { listRuns } from "../../lib/artifacts/listing.ts";
import { readRunBundle } from "../../lib/artifacts/reader.ts";
import { assertMatchesSchema, assertThrowsCode, cli } from "../_helpers.ts";
import { testApp } from "../server/_app.ts";
import {
  assertFlowTimeSnapshot,
  assertFlowTimeWindow,
  assertSameInstant,
  FLOWTIME_RUNS,
  FLOWTIME_SIM_RUN,
  FLOWTIME_TELEMETRY_RUN,
  flowTimeData,
  STATE_GOLDEN_BIN_1,
  STATE_WINDOW_GOLDEN_0_3,
} from "./_flowtime.ts";

const fixture = (runId: string) => join(FLOWTIME_RUNS, runId);

Deno.test("FlowTime's state fixture: /state bin 1 and the window 0..3 equal FlowTime's goldens", async () => {
  const run = await loadStateRun(fixture("run_state_fixture"));
  // run.json has no mode and no start: metadata.json gives the mode, the model's
  // grid.startTimeUtc (7 fraction digits) the start.
  assert.equal(run.mode, "telemetry");
  const snapshot = snapshotOf(run, 1);
  assertFlowTimeSnapshot(snapshot, STATE_GOLDEN_BIN_1);
  assertMatchesSchema("time-travel-state", snapshot, "snapshot");
  const window = windowOf(run, { startBin: 0, endBin: 3 });
  assertFlowTimeWindow(window, STATE_WINDOW_GOLDEN_0_3);
  assertMatchesSchema("time-travel-state", window, "window");
  // Every other bin agrees with the window's series too.
  for (let bin = 0; bin < 4; bin++) {
    const s = snapshotOf(run, bin);
    assert.equal(
      s.nodes[0].derived.utilization,
      STATE_WINDOW_GOLDEN_0_3.nodes.OrderService.utilization[bin],
    );
    assert.equal(
      s.nodes[1].derived.latencyMinutes,
      STATE_WINDOW_GOLDEN_0_3.nodes.SupportQueue.latencyMinutes[bin],
    );
  }
});

Deno.test("FlowTime's state fixture over HTTP: the same numbers as the goldens", async () => {
  await using dataTmp = await flowTimeData("ft-state-http");
  const data = dataTmp.path;
  const app = testApp(data);
  const res = await app.get("/v1/runs/run_state_fixture/state?binIndex=1");
  assert.equal(res.status, 200);
  assertFlowTimeSnapshot(await res.json(), STATE_GOLDEN_BIN_1);
  const win = await app.get("/v1/runs/run_state_fixture/state_window?startBin=0&endBin=3");
  assert.equal(win.status, 200);
  assertFlowTimeWindow(await win.json(), STATE_WINDOW_GOLDEN_0_3);
  // The listing takes each FlowTime run's mode from its metadata.json.
  const runs = await (await app.get("/v1/runs")).json();
  const modes = Object.fromEntries(
    runs.runs.map((r: { runId: string; mode: string }) => [r.runId, r.mode]),
  );
  assert.deepEqual(modes, {
    run_state_fixture: "telemetry",
    run_state_warning: "telemetry",
    run_state_sim_invalid: "simulation",
    run_state_missing_source: "telemetry",
    [FLOWTIME_SIM_RUN]: "simulation",
    [FLOWTIME_TELEMETRY_RUN]: "telemetry",
  });
  // GET /v1/runs/{id} shows run.json as normalised: mode and start filled in.
  const detail = await (await app.get("/v1/runs/run_state_fixture")).json();
  assert.equal(detail.run.mode, "telemetry");
  assert.equal(detail.run.grid.start, "2025-01-01T00:00:00.0000000Z");
  // A node's series by node id, read from the file beside the model.
  const csv = await app.get("/v1/runs/run_state_fixture/series/SupportQueue_queue");
  assert.equal(csv.status, 200);
  assert.equal(await csv.text(), "bin_index,value\n0,2\n1,10\n2,20\n3,0\n");
});

Deno.test("FlowTime's state fixture from the CLI: flowtime state prints the goldens' numbers", async () => {
  const bin = await cli(["state", "--run-dir", fixture("run_state_fixture"), "--bin", "1"]);
  assert.equal(bin.code, 0, bin.stderr);
  assertFlowTimeSnapshot(JSON.parse(bin.stdout), STATE_GOLDEN_BIN_1);
  const win = await cli(["state", "--run-dir", fixture("run_state_fixture"), "--window", "0:3"]);
  assert.equal(win.code, 0, win.stderr);
  assertFlowTimeWindow(JSON.parse(win.stdout), STATE_WINDOW_GOLDEN_0_3);
});

Deno.test("run_state_warning: NaN served in bin 0 is null there, the other bins keep FlowTime's numbers", async () => {
  const run = await loadStateRun(fixture("run_state_warning"));
  const window = windowOf(run, { startBin: 0, endBin: 3 });
  const order = window.nodes[0].series;
  assert.deepEqual(order.served, [null, 6, 9, 4]);
  assert.deepEqual(order.utilization, [null, 0.8571428571428571, 1, 1]);
  assert.deepEqual(order.throughputRatio, [null, 0.6, 0.9, 0.4]);
  // FlowTime flags the node (telemetry_series_invalid, over the whole series); the toolkit
  // names the bins (telemetry_gap). No run warnings in either.
  assert.deepEqual(window.warnings, []);
  assert.deepEqual(
    window.nodes[0].telemetry.warnings.map((w) => [w.code, w.metric, w.bins]),
    [["telemetry_gap", "served", [0]]],
  );
  assertFlowTimeSnapshot(snapshotOf(run, 1), STATE_GOLDEN_BIN_1);
});

Deno.test("run_state_sim_invalid: a simulation run with NaN served is 422 mode_validation_failed", async () => {
  const run = await loadStateRun(fixture("run_state_sim_invalid"));
  assert.equal(run.mode, "simulation");
  assertThrowsCode(
    () => snapshotOf(run, 0),
    "mode_validation_failed",
    /'OrderService' served .* is not a number in bins? 0/,
  );
  await using dataTmp = await flowTimeData("ft-state-422");
  const data = dataTmp.path;
  const res = await testApp(data).get("/v1/runs/run_state_sim_invalid/state?binIndex=2");
  assert.equal(res.status, 422);
  assert.equal((await res.json()).code, "mode_validation_failed");
});

Deno.test("run_state_missing_source: the missing file gives FlowTime's warning codes and null served", async () => {
  const run = await loadStateRun(fixture("run_state_missing_source"));
  const snapshot = snapshotOf(run, 1);
  assert.equal(snapshot.metadata.telemetrySourcesResolved, false);
  assert.deepEqual(snapshot.warnings.map((w) => w.code), ["telemetry_sources_missing"]);
  const order = snapshot.nodes[0];
  assert.deepEqual(order.telemetry.warnings.map((w) => [w.code, w.metric]), [
    ["telemetry_sources_unresolved", "served"],
  ]);
  // FlowTime fills the unresolved node with zeros; the toolkit shows null (docs/interop.md).
  assert.equal(order.metrics.served, null);
  assert.equal(order.metrics.arrivals, 10);
  // The queue, whose files are all there, keeps FlowTime's numbers.
  assert.equal(snapshot.nodes[1].derived.latencyMinutes, 8.333333333333334);
  assert.equal(snapshot.nodes[1].derived.color, "red");
});

Deno.test("a RunArtifactWriter simulation run of a FlowTime-Sim model: BOMs, t,value, legacy keys", async () => {
  const bundle = await readRunBundle(fixture(FLOWTIME_SIM_RUN));
  assert.equal(bundle.runJson.mode, "simulation");
  // FlowTime ignores window.start; the toolkit takes it when the grid has no start (decision).
  assert.equal(bundle.runJson.grid.start, "2025-01-01T00:00:00Z");
  const model = bundle.parsedModel();
  assert.deepEqual(model.warnings, []);
  assert.deepEqual(model.model.topology!.nodes[0].semantics, {
    arrivals: "passenger_demand",
    served: "passengers_served",
    errors: "unmet_demand",
    queueDepth: null,
    capacity: null,
    externalDemand: null,
  });
  const run = await loadStateRun(fixture(FLOWTIME_SIM_RUN));
  const window = windowOf(run, { startBin: 0, endBin: 5 });
  assert.deepEqual(window.nodes.map((n) => n.id), ["TransitLine"]);
  const s = window.nodes[0].series;
  assert.deepEqual(s.arrivals, [10, 15, 20, 25, 18, 12]);
  assert.deepEqual(s.served, [10, 15, 20, 25, 18, 12]);
  assert.deepEqual(s.errors, [0, 0, 0, 0, 0, 0]);
  assert.deepEqual(s.throughputRatio, [1, 1, 1, 1, 1, 1]);
  // No capacity semantic: utilization null, services gray (FlowTime's rule too).
  assert.deepEqual(s.utilization, [null, null, null, null, null, null]);
  assert.deepEqual(s.color, ["gray", "gray", "gray", "gray", "gray", "gray"]);
  assertSameInstant(window.timestampsUtc[5], "2025-01-01T05:00:00+00:00", "bin 5");
  assert.equal(run.metadata.templateId, "transportation-basic");
  assert.equal(run.metadata.templateVersion, "1.0.0");
});

Deno.test("a TelemetryBundleBuilder bundle: file://telemetry/ semantics give the captured values", async () => {
  // TelemetryStateGoldenTests (3166256c) expects the input values in every bin and every node
  // source to start with file://telemetry/.
  const run = await loadStateRun(fixture(FLOWTIME_TELEMETRY_RUN));
  assert.equal(run.mode, "telemetry");
  const window = windowOf(run, { startBin: 0, endBin: 3 });
  assert.equal(window.metadata.telemetrySourcesResolved, true);
  const series = Object.fromEntries(window.nodes.map((n) => [n.id, n.series]));
  assert.deepEqual(series.OrderService.arrivals, [10, 11, 12, 13]);
  assert.deepEqual(series.OrderService.served, [8, 9, 10, 11]);
  assert.deepEqual(series.OrderService.errors, [1, 1, 1, 1]);
  assert.deepEqual(series.PaymentService.arrivals, [5, 6, 7, 8]);
  assert.deepEqual(series.PaymentService.served, [4, 5, 6, 7]);
  assert.deepEqual(series.PaymentService.errors, [0, 0, 0, 0]);
  for (const node of window.nodes) {
    assert.ok(node.telemetry.sources.length === 3);
    for (const source of node.telemetry.sources) assert.match(source, /^file:\/\/telemetry\//);
  }
  assert.deepEqual(window.warnings, []);
});

Deno.test("a TelemetryBundleBuilder bundle with a telemetry file deleted: FlowTime's warnings", async () => {
  await using dataTmp = await flowTimeData("ft-missing-telemetry");
  const data = dataTmp.path;
  const runDir = join(data, "runs", FLOWTIME_TELEMETRY_RUN);
  await Deno.remove(join(runDir, "model", "telemetry", "OrderService_arrivals.csv"));
  const snapshot = snapshotOf(await loadStateRun(runDir), 0);
  assert.equal(snapshot.metadata.telemetrySourcesResolved, false);
  assert.ok(snapshot.warnings.some((w) => w.code === "telemetry_sources_missing"));
  const order = snapshot.nodes.find((n) => n.id === "OrderService")!;
  assert.ok(order.telemetry.warnings.some((w) => w.code === "telemetry_sources_unresolved"));
  assert.equal(order.metrics.arrivals, null);
  assert.equal(order.metrics.served, 8);
});

Deno.test("listRuns reads FlowTime's runs with their modes", async () => {
  const runs = await listRuns(FLOWTIME_RUNS);
  assert.equal(runs.length, 6);
  assert.equal(runs.find((r) => r.runId === FLOWTIME_TELEMETRY_RUN)?.mode, "telemetry");
});
