// Captures as FlowTime writes them (manifest v1 without checksum or sourceSeries, bare-hex
// hashes, v2 class totals), read and replayed; FlowTime's run folders captured; replay binds
// every manifest file onto its node's semantics, so /state gives FlowTime's numbers.
import assert from "node:assert/strict";
import { join } from "node:path";
import { readTelemetryManifest } from "../../lib/telemetry/manifest_read.ts";
import { captureRun } from "../../lib/telemetry/capture.ts";
import { parseSeriesCsv } from "../../lib/artifacts/series_csv.ts";
import { readRunBundle } from "../../lib/artifacts/reader.ts";
import { InProcessSimClient } from "../../lib/sim/in_process.ts";
import { replayCapture } from "../../lib/workflow/replay.ts";
import { bundleTelemetryRun } from "../../lib/workflow/bundle_capture.ts";
import { compareRuns } from "../../lib/workflow/parity.ts";
import { loadStateRun } from "../../lib/state/load.ts";
import { windowOf } from "../../lib/state/window.ts";
import {
  assertMatchesSchema,
  assertRejectsCode,
  assertSameTree,
  assertThrowsCode,
  cli,
  FIXED_TIME,
  readJsonFile,
  ROOT,
  tempDir,
} from "../_helpers.ts";
import {
  FLOWTIME_CAPTURES,
  FLOWTIME_FIXTURES,
  FLOWTIME_RUNS,
  FLOWTIME_SIM_RUN,
  FLOWTIME_TELEMETRY_RUN,
  flowTimeData,
} from "./_flowtime.ts";

const M0302 = join(FLOWTIME_FIXTURES, "templates", "m0302");
const sim = new InProcessSimClient(M0302, { generatedAt: FIXED_TIME });

Deno.test("FlowTime's capture manifests read: v1 without checksum, bare hex, v2 totals", async () => {
  const v1 = await readTelemetryManifest(join(FLOWTIME_CAPTURES, "run_order_system"));
  assert.equal(v1.manifest.schemaVersion, 1);
  assert.equal(v1.manifest.checksumComputed, true);
  assert.match(v1.manifest.checksum, /^sha256:[0-9a-f]{64}$/);
  assert.equal(v1.manifest.files[0].sourceSeries, undefined);
  assert.deepEqual(v1.manifest.provenance, {
    runId: "run_order_system",
    scenarioHash: "sha256:1111111111111111111111111111111111111111111111111111111111111111",
    capturedAtUtc: "2025-10-19T10:46:33.3456789Z",
  });
  const bare = await readTelemetryManifest(join(FLOWTIME_CAPTURES, "it-system-telemetry"));
  const raw = bare.raw as { files: Array<{ hash: string }> };
  assert.match(raw.files[0].hash, /^[0-9a-f]{64}$/);
  assert.equal(bare.manifest.files[0].hash, `sha256:${raw.files[0].hash}`);
  // Placeholder provenance hashes are kept as written.
  assert.equal(bare.manifest.provenance.scenarioHash, "sha256:demo");
  const v2 = await readTelemetryManifest(join(FLOWTIME_CAPTURES, "order-system-v2"));
  assert.equal(v2.manifest.schemaVersion, 2);
  assert.deepEqual(v2.manifest.files.map((f) => f.metric), [
    "Arrivals",
    "Served",
    "Errors",
    "Arrivals",
    "Served",
    "Errors",
  ]);
  // Two captures of the same data, v1 and v2, hold different bytes (a class column).
  assert.notEqual(v2.manifest.checksum, v1.manifest.checksum);
  assertMatchesSchema("telemetry-manifest-read", v1.raw, "v1 manifest");
  assertMatchesSchema("telemetry-manifest-read", v2.raw, "v2 manifest");
});

Deno.test("a v2 capture with per-class files is refused, naming the classes", async () => {
  await assertRejectsCode(
    readTelemetryManifest(join(FLOWTIME_CAPTURES, "order-system-v2-classes")),
    "capture_invalid",
    /classes Priority, Standard\): classes are not supported; the toolkit reads captures of class totals only/,
  );
});

Deno.test("FlowTime's class-column CSV: DEFAULT rows are read, other classes refused", () => {
  const read = parseSeriesCsv("bin_index,classId,value\n0,DEFAULT,10\n1,DEFAULT,11.5\n", {
    bins: 2,
  });
  assert.deepEqual([...read.values], [10, 11.5]);
  assertThrowsCode(
    () => parseSeriesCsv("bin_index,classId,value\n0,Priority,4\n", { file: "x.csv", bins: 1 }),
    "telemetry_invalid",
    /^x\.csv:2: per-class rows \(class 'Priority'\) are not supported/,
  );
});

Deno.test("capturing FlowTime's runs: the state fixture's file: data and the simulation run", async () => {
  await using dataTmp = await flowTimeData("ft-capture");
  const data = dataTmp.path;
  const state = await captureRun({
    runDir: join(data, "runs", "run_state_fixture"),
    outputDir: join(data, "out", "state"),
    capturedAt: FIXED_TIME,
  });
  assert.deepEqual(
    state.manifest.files.map((f) => [f.path, f.sourceSeries]),
    [
      ["OrderService_arrivals.csv", "file:OrderService_arrivals.csv"],
      ["OrderService_served.csv", "file:OrderService_served.csv"],
      ["OrderService_errors.csv", "file:OrderService_errors.csv"],
      ["OrderService_capacity.csv", "file:OrderService_capacity.csv"],
      ["SupportQueue_arrivals.csv", "file:SupportQueue_arrivals.csv"],
      ["SupportQueue_served.csv", "file:SupportQueue_served.csv"],
      ["SupportQueue_errors.csv", "file:SupportQueue_errors.csv"],
      ["SupportQueue_queuedepth.csv", "file:SupportQueue_queue.csv"],
    ],
  );
  assert.equal(
    await Deno.readTextFile(join(data, "out", "state", "SupportQueue_queuedepth.csv")),
    "bin_index,value\n0,2\n1,10\n2,20\n3,0\n",
  );
  // The run's placeholder hashes (sha256:test) are not copied into the manifest.
  assert.match(state.manifest.provenance.scenarioHash, /^sha256:[0-9a-f]{64}$/);
  assertMatchesSchema(
    "telemetry-manifest",
    await readJsonFile(join(data, "out", "state", "manifest.json")),
    "capture of the state fixture",
  );
  // The simulation run: the same values FlowTime's own capture of it holds (G17 text there).
  const simCapture = await captureRun({
    runDir: join(data, "runs", FLOWTIME_SIM_RUN),
    outputDir: join(data, "out", "sim"),
    capturedAt: FIXED_TIME,
  });
  assert.equal(simCapture.manifest.window.startTimeUtc, "2025-01-01T00:00:00Z");
  const pairs: Array<[string, string]> = [
    ["TransitLine_arrivals.csv", "demand.csv"],
    ["TransitLine_served.csv", "served.csv"],
    ["TransitLine_errors.csv", "overcrowding.csv"],
  ];
  for (const [ours, theirs] of pairs) {
    const a = parseSeriesCsv(await Deno.readTextFile(join(data, "out", "sim", ours)));
    const b = parseSeriesCsv(
      await Deno.readTextFile(join(FLOWTIME_CAPTURES, "transportation-basic", theirs)),
    );
    assert.deepEqual([...a.values], [...b.values], `${ours} vs FlowTime's ${theirs}`);
  }
});

Deno.test("replaying FlowTime's capture of transportation-basic through the template reproduces FlowTime's run", async () => {
  await using dataTmp = await flowTimeData("ft-replay-tb");
  const data = dataTmp.path;
  const replay = await replayCapture(sim, {
    runsDir: join(data, "runs"),
    sourceDir: data,
    templateId: "transportation-basic",
    captureDir: "telemetry/transportation-basic",
    deterministic: true,
    createdAt: FIXED_TIME,
  });
  // FlowTime's templates declare no telemetryDir: the grid is bound, every file of the
  // manifest feeds the node its metric's semantic names.
  assert.deepEqual(replay.boundFromCapture, ["bins", "binSize"]);
  const written = replay.written!;
  assert.deepEqual(written.runJson.warnings, []);
  const model = await Deno.readTextFile(join(written.runDir, "model", "model.yaml"));
  assert.match(
    model,
    /id: passenger_demand\n\s+kind: const\n(.|\n)*source: file:telemetry\/demand\.csv/,
  );
  assert.match(
    model,
    /id: passengers_served\n\s+kind: const\n\s+source: file:telemetry\/served\.csv/,
  );
  assert.match(
    model,
    /id: unmet_demand\n\s+kind: const\n\s+source: file:telemetry\/overcrowding\.csv/,
  );
  const parity = await compareRuns([
    await readRunBundle(join(data, "runs", FLOWTIME_SIM_RUN)),
    await readRunBundle(written.runDir),
  ]);
  assert.equal(parity.passed, true);
  assert.equal(parity.comparisons.length, 3);
  assert.equal(parity.maxAbsDiff, 0);
  // The capture names no start; the template's window gives one.
  const state = windowOf(await loadStateRun(written.runDir), { startBin: 0, endBin: 5 });
  assert.equal(state.metadata.mode, "telemetry");
  assert.deepEqual(state.nodes[0].series.arrivals, [10, 15, 20, 25, 18, 12]);
});

Deno.test("replaying a bare-hex capture: every topology node shows its own captured values", async () => {
  await using dataTmp = await flowTimeData("ft-replay-it");
  const data = dataTmp.path;
  const replay = await replayCapture(sim, {
    runsDir: join(data, "runs"),
    sourceDir: data,
    templateId: "it-system-microservices",
    captureDir: "telemetry/it-system-telemetry",
    deterministic: true,
    createdAt: FIXED_TIME,
  });
  const written = replay.written!;
  // The template has no start parameter (its window says 2025-01-01): the capture's start wins.
  assert.deepEqual(written.runJson.warnings.map((w) => [w.code, w.message]), [[
    "capture_start_applied",
    "the model's grid start 2025-01-01T00:00:00Z was replaced by the capture's 2025-10-01T00:00:00Z",
  ]]);
  // The capture's provenance names no real hashes and no template; its run id is kept.
  assert.equal(written.metadata.capture?.runId, "time_travel_demo");
  const window = windowOf(await loadStateRun(written.runDir), { startBin: 0, endBin: 5 });
  const byNode = Object.fromEntries(window.nodes.map((n) => [n.id, n.series]));
  for (const node of ["LoadBalancer", "AuthService", "Database"]) {
    for (const metric of ["arrivals", "served", "errors"] as const) {
      const csv = await Deno.readTextFile(
        join(FLOWTIME_CAPTURES, "it-system-telemetry", `${node}_${metric}.csv`),
      );
      assert.deepEqual(byNode[node][metric], [...parseSeriesCsv(csv).values], `${node} ${metric}`);
    }
  }
  // Timestamps come from the capture's window.
  assert.equal(window.timestampsUtc[0], "2025-10-01T00:00:00Z");
});

Deno.test("bundling FlowTime's order-system capture with its test model gives FlowTime's bundle numbers", async () => {
  // TelemetryStateGoldenTests.BuildTemplateYaml (3166256c): const nodes whose source is the
  // capture file as an absolute file:/// URI, topology semantics naming them.
  await using dataTmp = await flowTimeData("ft-bundle");
  const data = dataTmp.path;
  const capture = join(data, "telemetry", "run_order_system");
  const series = [
    ["order_arrivals", "OrderService_arrivals.csv"],
    ["order_served", "OrderService_served.csv"],
    ["order_errors", "OrderService_errors.csv"],
    ["payment_arrivals", "PaymentService_arrivals.csv"],
    ["payment_served", "PaymentService_served.csv"],
    ["payment_errors", "PaymentService_errors.csv"],
  ];
  const model = `schemaVersion: 1
mode: telemetry
metadata:
  id: order-system
  title: Order System Fixture
  version: 1.0.0
grid:
  bins: 4
  binSize: 5
  binUnit: minutes
  startTimeUtc: "2025-01-01T00:00:00Z"
topology:
  nodes:
    - id: OrderService
      kind: service
      semantics:
        arrivals: order_arrivals
        served: order_served
        errors: order_errors
    - id: PaymentService
      kind: service
      semantics:
        arrivals: payment_arrivals
        served: payment_served
        errors: payment_errors
  edges: []

nodes:
${
    series.map(([id, file]) =>
      `  - id: ${id}\n    kind: const\n    values: [0, 0, 0, 0]\n    source: file://${
        join(capture, file)
      }\n`
    ).join("\n")
  }
outputs:
${series.map(([id, file]) => `  - series: ${id}\n    as: ${file}`).join("\n")}
`;
  const written = await bundleTelemetryRun({
    captureDir: capture,
    modelText: model,
    runsDir: join(data, "runs"),
    deterministic: true,
    createdAt: FIXED_TIME,
  });
  const ours = windowOf(await loadStateRun(written.runDir), { startBin: 0, endBin: 3 });
  const theirs = windowOf(
    await loadStateRun(join(FLOWTIME_RUNS, FLOWTIME_TELEMETRY_RUN)),
    { startBin: 0, endBin: 3 },
  );
  assert.deepEqual(
    ours.nodes.map((n) => [n.id, n.series]),
    theirs.nodes.map((n) => [n.id, n.series]),
  );
  assert.deepEqual(ours.timestampsUtc, theirs.timestampsUtc);
  assert.deepEqual(written.runJson.warnings, []);
});

Deno.test("a v2 capture of class totals bundles like its v1 twin", async () => {
  await using dataTmp = await flowTimeData("ft-bundle-v2");
  const data = dataTmp.path;
  const model = (dir: string) =>
    `schemaVersion: 1
mode: telemetry
grid: { bins: 4, binSize: 5, binUnit: minutes, start: "2025-01-01T00:00:00Z" }
nodes:
  - { id: order_arrivals, kind: const, source: "${dir}/OrderService_arrivals.csv" }
  - { id: order_served, kind: expr, expr: "order_arrivals * 0.5" }
topology:
  nodes:
    - id: OrderService
      semantics: { arrivals: order_arrivals, served: order_served }
`;
  const results = [];
  for (const capture of ["run_order_system", "order-system-v2"]) {
    const dir = join(data, "telemetry", capture);
    const written = await bundleTelemetryRun({
      captureDir: dir,
      modelText: model(dir),
      runsDir: join(data, "runs", capture),
      deterministic: true,
      createdAt: FIXED_TIME,
    });
    results.push(windowOf(await loadStateRun(written.runDir), { startBin: 0, endBin: 3 }));
    // OrderService's served file (and its errors, which the model has no semantic for).
    assert.deepEqual(written.runJson.warnings.map((w) => w.code), [
      "capture_file_unbound",
      "capture_file_unbound",
      "capture_file_unbound",
      "capture_file_unbound",
    ]);
  }
  assert.deepEqual(results[0].nodes[0].series.arrivals, [10, 11, 12, 13]);
  // The served file of the capture replaces the expression its semantic names.
  assert.deepEqual(results[0].nodes[0].series.served, [8, 9, 10, 11]);
  assert.deepEqual(results[1].nodes[0].series, results[0].nodes[0].series);
});

Deno.test("a capture file whose hash is not a sha256 is replayed unverified, with a warning", async () => {
  await using dataTmp = await flowTimeData("ft-unverified");
  const data = dataTmp.path;
  const dir = join(data, "telemetry", "transportation-basic");
  const manifest = await readJsonFile<{ files: Array<{ hash: string }> }>(
    join(dir, "manifest.json"),
  );
  manifest.files[0].hash = "sha256:demo";
  await Deno.writeTextFile(join(dir, "manifest.json"), JSON.stringify(manifest));
  const replay = await replayCapture(sim, {
    runsDir: join(data, "runs"),
    sourceDir: data,
    templateId: "transportation-basic",
    captureDir: "telemetry/transportation-basic",
  });
  assert.deepEqual(replay.written!.runJson.warnings.map((w) => [w.code, w.severity]), [
    ["capture_hash_unverified", "info"],
  ]);
  // A real hash that does not match is refused.
  manifest.files[0].hash = "0".repeat(64);
  await Deno.writeTextFile(join(dir, "manifest.json"), JSON.stringify(manifest));
  await assertRejectsCode(
    replayCapture(sim, {
      runsDir: join(data, "runs"),
      sourceDir: data,
      templateId: "transportation-basic",
      captureDir: "telemetry/transportation-basic",
    }),
    "hash_mismatch",
    /demand\.csv changed/,
  );
});

Deno.test("the CLI replays a FlowTime capture through a FlowTime template and prints /state", async () => {
  await using dataTmp = await flowTimeData("ft-cli-replay");
  const data = dataTmp.path;
  const env = { FLOWTIME_DATA_DIR: data, FLOWTIME_TEMPLATES_DIR: M0302 };
  const run = await cli([
    "run",
    "--template",
    "transportation-basic",
    "--mode",
    "telemetry",
    "--telemetry-dir",
    join(data, "telemetry", "transportation-basic"),
    "--deterministic",
    "--json",
  ], { env });
  assert.equal(run.code, 0, run.stderr);
  const { runDir } = JSON.parse(run.stdout);
  const state = await cli(["state", "--run-dir", runDir, "--window", "0:5"], { env });
  assert.equal(state.code, 0, state.stderr);
  const body = JSON.parse(state.stdout);
  assert.deepEqual(body.nodes[0].series.served, [10, 15, 20, 25, 18, 12]);
  assert.deepEqual(body.nodes[0].series.errors, [0, 0, 0, 0, 0, 0]);
});

Deno.test("FlowTime's capture over HTTP: POST /v1/runs replays it, /state answers", async () => {
  await using dataTmp = await flowTimeData("ft-http-replay");
  const data = dataTmp.path;
  const { createApp } = await import("../../server/app.ts");
  const { createLogger } = await import("../../server/logger.ts");
  const app = createApp({ dataDir: data, templatesDir: M0302, logger: createLogger(() => {}) });
  const res = await app.request("/v1/runs", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      templateId: "it-system-microservices",
      telemetry: { captureDirectory: "telemetry/it-system-telemetry" },
      options: { deterministicRunId: true, createdAt: FIXED_TIME },
    }),
  });
  assert.equal(res.status, 201, await res.clone().text());
  const { runId } = await res.json();
  const state = await app.request(`/v1/runs/${runId}/state?binIndex=3`);
  assert.equal(state.status, 200);
  const body = await state.json();
  const auth = body.nodes.find((n: { id: string }) => n.id === "AuthService");
  assert.deepEqual([auth.metrics.arrivals, auth.metrics.served, auth.metrics.errors], [
    190,
    152,
    38,
  ]);
});

Deno.test("the fixtures' READMEs name the FlowTime files and commits they follow", async () => {
  for (const dir of ["runs", "captures", "templates"]) {
    const text = await Deno.readTextFile(join(ROOT, "fixtures", "flowtime", dir, "README.md"));
    assert.match(text, /3166256c/);
  }
});

Deno.test("fixtures/flowtime/runs and captures regenerate byte for byte from scripts/flowtime_fixtures.ts", async () => {
  const { writeFlowTimeFixtures } = await import("../../scripts/flowtime_fixtures.ts");
  await using outTmp = await tempDir("ft-fixtures");
  const out = outTmp.path;
  await writeFlowTimeFixtures(out);
  for (const dir of ["runs", "captures"]) {
    await assertSameTree(join(out, dir), join(FLOWTIME_FIXTURES, dir));
  }
});

Deno.test("capturing FlowTime's runs over HTTP and from the CLI", async () => {
  await using dataTmp = await flowTimeData("ft-capture-http");
  const data = dataTmp.path;
  const { createApp } = await import("../../server/app.ts");
  const { createLogger } = await import("../../server/logger.ts");
  const app = createApp({ dataDir: data, templatesDir: M0302, logger: createLogger(() => {}) });
  const res = await app.request("/v1/telemetry/captures", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ runId: FLOWTIME_TELEMETRY_RUN, capturedAt: FIXED_TIME }),
  });
  assert.equal(res.status, 201, await res.clone().text());
  const manifest = await res.json();
  assert.deepEqual(
    manifest.files.map((f: { path: string; sourceSeries: string }) => [f.path, f.sourceSeries]),
    [
      ["OrderService_arrivals.csv", "file://telemetry/OrderService_arrivals.csv"],
      ["OrderService_served.csv", "file://telemetry/OrderService_served.csv"],
      ["OrderService_errors.csv", "file://telemetry/OrderService_errors.csv"],
      ["PaymentService_arrivals.csv", "file://telemetry/PaymentService_arrivals.csv"],
      ["PaymentService_served.csv", "file://telemetry/PaymentService_served.csv"],
      ["PaymentService_errors.csv", "file://telemetry/PaymentService_errors.csv"],
    ],
  );
  const captured = await cli([
    "telemetry",
    "capture",
    "--run-dir",
    join(data, "runs", "run_state_fixture"),
    "--output",
    join(data, "out-cli"),
    "--captured-at",
    FIXED_TIME,
  ]);
  assert.equal(captured.code, 0, captured.stderr);
  assert.match(captured.stdout, /8 file\(s\), 0 warning\(s\)/);
});
