// captureRun end to end on real run bundles: exact file contents, manifest and schema, hashes,
// checksum, determinism, dry runs that touch nothing, the structured log, and clean failure.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { hashOf } from "../../lib/base/hash.ts";
import { captureRun } from "../../lib/telemetry/capture.ts";
import { parseGapConfig } from "../../lib/telemetry/gap_config.ts";
import { captureChecksum } from "../../lib/telemetry/manifest.ts";
import { readTelemetryManifest } from "../../lib/telemetry/manifest_read.ts";
import type { CaptureLogEvent, TelemetryManifest } from "../../lib/telemetry/types.ts";
import {
  assertMatchesSchema,
  assertRejectsCode,
  assertSameTree,
  FIXED_TIME,
  readJsonFile,
  readTree,
} from "../_helpers.ts";
import {
  copyRun,
  editSeries,
  HTTP_LEGACY_RUN,
  listing,
  QUEUE_BUFFER_RUN,
  runText,
  templateRun,
} from "./_capture_helpers.ts";

const GAPS = `seed: 42
rules:
  - node: OrderService
    metric: arrivals
    bins: [1, "3-4"]
    action: drop
  - node: "*"
    metric: served
    fraction: 0.25
    action: nan
  - node: SupportQueue
    metric: queueDepth
    bins: [0]
    action: zero
`;

async function assertValidCapture(dir: string): Promise<TelemetryManifest> {
  const manifest = await readJsonFile<TelemetryManifest>(join(dir, "manifest.json"));
  assertMatchesSchema("telemetry-manifest", manifest, `${dir}/manifest.json`);
  const names = [...(await readTree(dir)).keys()].filter((p) => p !== "manifest.json");
  assert.deepEqual(names.sort(), manifest.files.map((f) => f.path).sort(), "files on disk");
  for (const f of manifest.files) {
    const bytes = await Deno.readFile(join(dir, f.path));
    const sha = createHash("sha256").update(bytes).digest("hex");
    assert.equal(f.hash, `sha256:${sha}`, `hash of ${f.path}`);
    const rows = new TextDecoder().decode(bytes).trimEnd().split("\n").length - 1;
    assert.equal(f.points, rows, `points of ${f.path}`);
  }
  const lines = [...manifest.files].sort((a, b) => (a.path < b.path ? -1 : 1))
    .map((f) => `${f.path} ${f.hash}\n`).join("");
  assert.equal(manifest.checksum, `sha256:${createHash("sha256").update(lines).digest("hex")}`);
  return manifest;
}

Deno.test("queue-buffer capture: one file per node metric with the run's values", async () => {
  await using run = await copyRun(QUEUE_BUFFER_RUN);
  const result = await captureRun({
    runDir: run.runDir,
    dataDir: run.dataDir,
    capturedAt: FIXED_TIME,
  });
  const out = join(run.dataDir, "telemetry", QUEUE_BUFFER_RUN);
  assert.equal(result.outputDir, out);
  const read = (name: string) => Deno.readTextFile(join(out, name));
  // order_arrivals; capacity = pmf 10 x 0.25 + 14 x 0.75 = 13; served = MIN(arrivals, 13)
  assert.equal(
    await read("OrderService_arrivals.csv"),
    "bin_index,value\n0,10\n1,12\n2,11\n3,13\n4,20\n5,24\n6,18\n7,12\n8,10\n9,8\n10,0\n11,6\n",
  );
  assert.equal(
    await read("OrderService_capacity.csv"),
    "bin_index,value\n" + Array.from({ length: 12 }, (_, i) => `${i},13\n`).join(""),
  );
  assert.equal(
    await read("OrderService_served.csv"),
    "bin_index,value\n0,10\n1,12\n2,11\n3,13\n4,13\n5,13\n6,13\n7,12\n8,10\n9,8\n10,0\n11,6\n",
  );
  // Q[t] = max(0, Q[t-1] + arrivals - served - errors), Q[-1] = 1,
  // arrivals = ROUND(errors x 0.5) + 2 = 2,2,2,2,6,8,5,2,2,2,2,2
  assert.equal(
    await read("SupportQueue_queuedepth.csv"),
    "bin_index,value\n0,1\n1,1\n2,0\n3,0\n4,2\n5,10\n6,11\n7,9\n8,7\n9,5\n10,3\n11,1\n",
  );
  const manifest = await assertValidCapture(out);
  assert.deepEqual(manifest.window, { startTimeUtc: "2025-10-07T00:00:00Z", durationMinutes: 60 });
  assert.deepEqual(manifest.grid, { bins: 12, binSize: 5, binUnit: "minutes" });
  assert.deepEqual(manifest.files.map((f) => [f.nodeId, f.metric, f.points]), [
    ["OrderService", "Arrivals", 12],
    ["OrderService", "Served", 12],
    ["OrderService", "Errors", 12],
    ["OrderService", "Capacity", 12],
    ["SupportQueue", "Arrivals", 12],
    ["SupportQueue", "Served", 12],
    ["SupportQueue", "Errors", 12],
    ["SupportQueue", "QueueDepth", 12],
  ]);
  assert.deepEqual(manifest.warnings, []);
  assert.equal(manifest.gaps, undefined);
  const run0 = await readJsonFile<{ modelHash: string; scenarioHash: string }>(
    join(run.runDir, "run.json"),
  );
  assert.deepEqual(manifest.provenance, {
    runId: QUEUE_BUFFER_RUN,
    scenarioHash: run0.scenarioHash,
    modelHash: run0.modelHash,
    captureVersion: "0.1.0",
    capturedAtUtc: FIXED_TIME,
  });
  assert.equal(result.manifestHash, hashOf(await Deno.readFile(join(out, "manifest.json"))));
  const back = await readTelemetryManifest(out);
  assert.deepEqual(back.raw, manifest);
  const { gaps: _, ...asRead } = manifest;
  assert.deepEqual(back.manifest, { ...asRead, checksumComputed: false });
  assert.equal(back.manifestHash, result.manifestHash);
});

Deno.test("FlowTime's legacy http-service run captures its three series unchanged", async () => {
  await using run = await copyRun(HTTP_LEGACY_RUN);
  const out = join(run.dataDir, "capture");
  await captureRun({ runDir: run.runDir, outputDir: out, capturedAt: FIXED_TIME });
  const manifest = await assertValidCapture(out);
  assert.deepEqual(manifest.files.map((f) => f.path), [
    "HttpService_arrivals.csv",
    "HttpService_served.csv",
    "HttpService_errors.csv",
  ]);
  assert.deepEqual(manifest.window, {
    startTimeUtc: "2025-10-07T00:00:00Z",
    durationMinutes: 1440,
  });
  for (const metric of ["arrivals", "served", "errors"]) {
    // FlowTime's own CSVs are already in canonical form, so the capture gives the same bytes
    assert.equal(
      await Deno.readTextFile(join(out, `HttpService_${metric}.csv`)),
      await Deno.readTextFile(`fixtures/reference/flowtime/http-service/HttpService_${metric}.csv`),
    );
  }
});

Deno.test("gaps are applied, reported once per node, metric and code, and recorded", async () => {
  await using run = await copyRun(QUEUE_BUFFER_RUN);
  const out = join(run.dataDir, "capture");
  const gaps = parseGapConfig(GAPS, "gaps.yaml");
  await captureRun({ runDir: run.runDir, outputDir: out, gaps, capturedAt: FIXED_TIME });
  const manifest = await assertValidCapture(out);
  assert.equal(
    await Deno.readTextFile(join(out, "OrderService_arrivals.csv")),
    "bin_index,value\n0,10\n2,11\n5,24\n6,18\n7,12\n8,10\n9,8\n10,0\n11,6\n",
  );
  assert.equal(
    await Deno.readTextFile(join(out, "OrderService_served.csv")),
    "bin_index,value\n0,10\n1,12\n2,11\n3,13\n4,13\n5,13\n6,\n7,12\n8,\n9,\n10,0\n11,6\n",
  );
  assert.match(
    await Deno.readTextFile(join(out, "SupportQueue_queuedepth.csv")),
    /^bin_index,value\n0,0\n1,1\n/,
  );
  assert.deepEqual(manifest.warnings.map((w) => [w.code, w.nodeId, w.metric, w.bins]), [
    ["data_gap", "OrderService", "Arrivals", [1, 3, 4]],
    ["nan_fill", "OrderService", "Served", [6, 8, 9]],
    ["nan_fill", "SupportQueue", "Served", [0, 7, 9]],
    ["zero_fill", "SupportQueue", "QueueDepth", [0]],
  ]);
  assert.equal(manifest.files[0].points, 9);
  assert.deepEqual(manifest.gaps, { hash: gaps.hash, seed: 42 });
});

Deno.test("capturing twice with the same gaps and capture time gives byte-identical folders", async () => {
  await using run = await copyRun(QUEUE_BUFFER_RUN);
  const gaps = parseGapConfig(GAPS, "gaps.yaml");
  for (const name of ["a", "b"]) {
    await captureRun({
      runDir: run.runDir,
      outputDir: join(run.dataDir, name),
      gaps: parseGapConfig(GAPS, "gaps.yaml"),
      capturedAt: FIXED_TIME,
    });
  }
  await assertSameTree(join(run.dataDir, "a"), join(run.dataDir, "b"));
  // overwriting with the same inputs gives the same bytes again
  await captureRun({
    runDir: run.runDir,
    outputDir: join(run.dataDir, "a"),
    gaps,
    capturedAt: FIXED_TIME,
    overwrite: true,
  });
  await assertSameTree(join(run.dataDir, "a"), join(run.dataDir, "b"));
});

Deno.test("captures at different times differ only in capturedAtUtc", async () => {
  await using run = await copyRun(QUEUE_BUFFER_RUN);
  const a = await captureRun({
    runDir: run.runDir,
    outputDir: join(run.dataDir, "a"),
    capturedAt: "2025-01-01T00:00:00Z",
  });
  const b = await captureRun({
    runDir: run.runDir,
    outputDir: join(run.dataDir, "b"),
    capturedAt: "2025-02-02T12:30:00Z",
  });
  assert.equal(a.manifest.provenance.capturedAtUtc, "2025-01-01T00:00:00Z");
  assert.equal(b.manifest.provenance.capturedAtUtc, "2025-02-02T12:30:00Z");
  assert.equal(a.manifest.checksum, b.manifest.checksum);
  const untimed = (m: TelemetryManifest) => ({
    ...m,
    provenance: { ...m.provenance, capturedAtUtc: "" },
  });
  assert.deepEqual(untimed(a.manifest), untimed(b.manifest));
});

Deno.test("the checksum changes when any single value changes", async () => {
  await using base = await copyRun(QUEUE_BUFFER_RUN);
  const before = await captureRun({
    runDir: base.runDir,
    outputDir: join(base.dataDir, "before"),
    capturedAt: FIXED_TIME,
  });
  const checksums = new Set([before.manifest.checksum]);
  const seriesIds = before.manifest.files.map((f) => f.sourceSeries);
  for (const [i, id] of seriesIds.entries()) {
    await using run = await copyRun(QUEUE_BUFFER_RUN);
    await editSeries(
      run.runDir,
      id,
      (text) => text.replace(/\n11,([^\n]*)\n$/, (_, v) => `\n11,${Number(v) + 0.5}\n`),
    );
    const after = await captureRun({
      runDir: run.runDir,
      outputDir: join(run.dataDir, "after"),
      capturedAt: FIXED_TIME,
    });
    const changed = after.manifest.files.filter((f, j) => f.hash !== before.manifest.files[j].hash);
    assert.deepEqual(changed.map((f) => f.path), [before.manifest.files[i].path], `editing ${id}`);
    checksums.add(after.manifest.checksum);
  }
  assert.equal(checksums.size, seriesIds.length + 1, "every edit gives a new checksum");
});

Deno.test("captureChecksum hashes '<path> <hash>\\n' lines sorted by path", () => {
  const files = [
    { path: "b.csv", hash: "sha256:" + "2".repeat(64) },
    { path: "B.csv", hash: "sha256:" + "3".repeat(64) },
    { path: "a.csv", hash: "sha256:" + "1".repeat(64) },
  ];
  const text = `B.csv sha256:${"3".repeat(64)}\na.csv sha256:${"1".repeat(64)}\nb.csv sha256:${
    "2".repeat(64)
  }\n`;
  assert.equal(captureChecksum(files), `sha256:${createHash("sha256").update(text).digest("hex")}`);
});

Deno.test("a dry run returns the plan with the checksum it would have and touches nothing", async () => {
  await using run = await copyRun(QUEUE_BUFFER_RUN);
  const gaps = parseGapConfig(GAPS, "gaps.yaml");
  const before = await listing(run.dataDir);
  const plan = await captureRun({
    runDir: run.runDir,
    dataDir: run.dataDir,
    gaps,
    dryRun: true,
    capturedAt: FIXED_TIME,
  });
  assert.deepEqual(await listing(run.dataDir), before);
  assert.equal(plan.dryRun, true);
  assert.equal(plan.outputDir, join(run.dataDir, "telemetry", QUEUE_BUFFER_RUN));
  const real = await captureRun({
    runDir: run.runDir,
    dataDir: run.dataDir,
    gaps,
    capturedAt: FIXED_TIME,
  });
  assert.deepEqual(plan.manifest, real.manifest);
  assert.equal(plan.manifestHash, real.manifestHash);
});

Deno.test("the log has start, file, warning and finish events with run, template, gaps and time", async () => {
  await using run = await templateRun();
  const events: CaptureLogEvent[] = [];
  const gaps = parseGapConfig(GAPS, "gaps.yaml");
  const result = await captureRun({
    runDir: run.runDir,
    dataDir: run.dataDir,
    gaps,
    capturedAt: FIXED_TIME,
    onLog: (e) => events.push(e),
  });
  assert.deepEqual(
    events.map((e) => e.event),
    [
      "capture.start",
      "capture.file",
      "capture.warning",
      "capture.file",
      "capture.warning",
      "capture.file",
      "capture.file",
      "capture.file",
      "capture.file",
      "capture.warning",
      "capture.file",
      "capture.file",
      "capture.warning",
      "capture.finish",
    ],
  );
  for (const e of events) {
    assert.equal(e.runId, run.runId);
    assert.equal(e.templateId, "support-desk");
    assert.equal(e.gapsHash, gaps.hash);
    assert.ok(!Number.isNaN(Date.parse(e.ts)) && e.ts.endsWith("Z"), `ts ${e.ts}`);
  }
  const finish = events.at(-1)!;
  assert.equal(finish.files, 8);
  assert.equal(finish.warnings, 4);
  assert.equal(typeof finish.durationMs, "number");
  assert.deepEqual(result.manifest.provenance, {
    runId: run.runId,
    scenarioHash: result.manifest.provenance.scenarioHash,
    modelHash: result.manifest.provenance.modelHash,
    templateId: "support-desk",
    templateVersion: "2.1.0",
    inputHash: `sha256:${"ab".repeat(32)}`,
    captureVersion: "0.1.0",
    capturedAtUtc: FIXED_TIME,
  });
  await assertValidCapture(result.outputDir);
});

Deno.test("a capture that fails after the first file leaves no capture folder", async () => {
  await using run = await copyRun(QUEUE_BUFFER_RUN);
  const out = join(run.dataDir, "telemetry", QUEUE_BUFFER_RUN);
  const before = await listing(run.dataDir);
  await assert.rejects(
    captureRun({
      runDir: run.runDir,
      outputDir: out,
      onProgress: ({ done }) => {
        if (done === 1) throw new Error("disk full (simulated)");
      },
    }),
    /disk full/,
  );
  assert.deepEqual(await listing(run.dataDir), before);
});

Deno.test("an aborted capture stops with 'interrupted' and leaves no capture folder", async () => {
  await using run = await copyRun(QUEUE_BUFFER_RUN);
  const controller = new AbortController();
  const events: string[] = [];
  const before = await listing(run.dataDir);
  await assertRejectsCode(
    captureRun({
      runDir: run.runDir,
      dataDir: run.dataDir,
      signal: controller.signal,
      onProgress: () => controller.abort(),
      onLog: (e) => events.push(e.event),
    }),
    "interrupted",
  );
  assert.deepEqual(await listing(run.dataDir), before);
  assert.equal(events.at(-1), "capture.error");
});

Deno.test("a telemetry-mode run with gaps in its telemetry captures with nan_detected", async () => {
  await using run = await runText(
    `schemaVersion: 1
mode: telemetry
grid: { bins: 4, binSize: 5, binUnit: minutes }
nodes:
  - { id: arr, kind: const, source: "file:arr.csv" }
topology:
  nodes:
    - { id: Svc, semantics: { arrivals: arr } }
  edges: []
`,
    { "arr.csv": "bin_index,value\n0,1\n1,\n3,4\n" },
  );
  const result = await captureRun({
    runDir: run.runDir,
    dataDir: run.dataDir,
    capturedAt: FIXED_TIME,
  });
  assert.equal(
    await Deno.readTextFile(join(result.outputDir, "Svc_arrivals.csv")),
    "bin_index,value\n0,1\n1,NaN\n2,NaN\n3,4\n",
  );
  assert.deepEqual(result.manifest.warnings.map((w) => [w.code, w.nodeId, w.metric, w.bins]), [
    ["nan_detected", "Svc", "Arrivals", [1, 2]],
  ]);
  await assertValidCapture(result.outputDir);
});
