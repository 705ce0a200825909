// Capture warnings of a replayed run: metadata.capture in the envelope, and each warning of the
// copied capture manifest in warnings[] (source "capture") for the bins the query covers.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { loadStateRun } from "../../lib/state/load.ts";
import { snapshotOf } from "../../lib/state/snapshot.ts";
import { windowOf } from "../../lib/state/window.ts";
import { assertMatchesSchema, assertRejectsCode } from "../_helpers.ts";
import { runTelemetryGaps, type TestRun } from "./_runs.ts";

const MANIFEST = {
  schemaVersion: 1,
  window: { startTimeUtc: "2025-10-07T00:00:00Z", durationMinutes: 90 },
  grid: { bins: 6, binSize: 15, binUnit: "minutes" },
  files: [],
  warnings: [
    {
      code: "data_gap",
      message: "rows removed for bins 2-3",
      nodeId: "Checkout",
      metric: "Served",
      bins: [2, 3],
      severity: "warning",
    },
    {
      code: "nan_fill",
      message: "values set to NaN for bins 0, 5",
      nodeId: "Refunds",
      metric: "QueueDepth",
      bins: [0, 5],
      severity: "warning",
    },
    {
      code: "length_mismatch",
      message: "series has 7 rows, grid has 6 bins",
      nodeId: "Checkout",
      metric: "Arrivals",
      bins: [],
      severity: "info",
    },
  ],
  provenance: { runId: "run_source_1" },
  checksum: `sha256:${"c".repeat(64)}`,
};
const MANIFEST_TEXT = JSON.stringify(MANIFEST, null, 2) + "\n";
const MANIFEST_HASH = `sha256:${createHash("sha256").update(MANIFEST_TEXT).digest("hex")}`;

function replayedRun(
  manifestText: string | null = MANIFEST_TEXT,
  manifestHash = MANIFEST_HASH,
): Promise<TestRun> {
  return runTelemetryGaps(undefined, {
    capture: {
      runId: "run_source_1",
      manifestHash,
      checksum: MANIFEST.checksum,
      manifestPath: "model/telemetry/telemetry-manifest.json",
      warningCount: 3,
    },
    modelFiles: manifestText === null
      ? []
      : [{ path: "telemetry/telemetry-manifest.json", data: manifestText }],
  });
}

const DATA_GAP = {
  code: "data_gap",
  message: "rows removed for bins 2-3",
  severity: "warning",
  source: "capture",
  nodeId: "Checkout",
  metric: "served",
};
const NAN_FILL = {
  code: "nan_fill",
  message: "values set to NaN for bins 0, 5",
  severity: "warning",
  source: "capture",
  nodeId: "Refunds",
  metric: "queueDepth",
};
const LENGTH_MISMATCH = {
  code: "length_mismatch",
  message: "series has 7 rows, grid has 6 bins",
  severity: "info",
  source: "capture",
  nodeId: "Checkout",
  metric: "arrivals",
};
const PMF = "pmf_normalized";

Deno.test("metadata.capture carries the capture's run id, manifest hash and warning count", async () => {
  await using replayed = await replayedRun();
  const run = await loadStateRun(replayed.runDir);
  assert.deepEqual(run.metadata.capture, {
    runId: "run_source_1",
    manifestHash: MANIFEST_HASH,
    warningCount: 3,
  });
});

Deno.test("a snapshot shows the capture warnings whose bins include the bin", async () => {
  await using replayed = await replayedRun();
  const s = snapshotOf(await loadStateRun(replayed.runDir), 2);
  assert.deepEqual(s.warnings.map((w) => w.code), [PMF, "data_gap", "length_mismatch"]);
  assert.deepEqual(s.warnings.slice(1), [{ ...DATA_GAP, bins: [2] }, LENGTH_MISMATCH]);
  assertMatchesSchema("time-travel-state", s, "snapshot with capture warnings");
});

Deno.test("a snapshot of another bin shows only the capture warnings for that bin", async () => {
  await using replayed = await replayedRun();
  const s = snapshotOf(await loadStateRun(replayed.runDir), 5);
  assert.deepEqual(s.warnings.slice(1), [{ ...NAN_FILL, bins: [5] }, LENGTH_MISMATCH]);
  const s4 = snapshotOf(await loadStateRun(replayed.runDir), 4);
  assert.deepEqual(s4.warnings.slice(1), [LENGTH_MISMATCH]);
});

Deno.test("a window shows capture warnings intersecting it, bins clipped", async () => {
  await using replayed = await replayedRun();
  const w = windowOf(await loadStateRun(replayed.runDir), { startBin: 3, endBin: 5 });
  assert.deepEqual(w.warnings.slice(1), [
    { ...DATA_GAP, bins: [3] },
    { ...NAN_FILL, bins: [5] },
    LENGTH_MISMATCH,
  ]);
  assertMatchesSchema("time-travel-state", w, "window with capture warnings");
});

Deno.test("a copied manifest that no longer matches its recorded hash is flagged", async () => {
  await using replayed = await replayedRun(MANIFEST_TEXT, `sha256:${"d".repeat(64)}`);
  const { runDir } = replayed;
  const s = snapshotOf(await loadStateRun(runDir), 0);
  const mismatch = s.warnings.find((w) => w.code === "capture_manifest_mismatch");
  assert.equal(mismatch?.source, "state");
  assert.ok(mismatch?.message.includes(`records sha256:${"d".repeat(64)}`), mismatch?.message);
});

Deno.test("a capture link without its manifest keeps metadata.capture and warns", async () => {
  await using replayed = await replayedRun(null);
  const run = await loadStateRun(replayed.runDir);
  assert.deepEqual(run.metadata.capture?.runId, "run_source_1");
  assert.deepEqual(
    snapshotOf(run, 0).warnings.map((w) => [w.code, w.source]),
    [[PMF, "run"], ["capture_manifest_missing", "state"]],
  );
});

Deno.test("a damaged capture manifest makes the run unreadable (bundle_invalid)", async () => {
  await using replayed = await replayedRun("{ not json");
  const { runDir } = replayed;
  await assertRejectsCode(
    () => loadStateRun(runDir),
    "bundle_invalid",
    "telemetry-manifest.json is not valid JSON",
  );
});

Deno.test("a run without a capture link has no capture block", async () => {
  await using written = await runTelemetryGaps();
  const { runDir } = written;
  await Deno.mkdir(join(runDir, "model/telemetry"), { recursive: true });
  await Deno.writeTextFile(join(runDir, "model/telemetry/telemetry-manifest.json"), MANIFEST_TEXT);
  const run = await loadStateRun(runDir);
  assert.equal(run.metadata.capture, undefined);
  assert.deepEqual(snapshotOf(run, 2).warnings.map((w) => w.code), [PMF]);
});
