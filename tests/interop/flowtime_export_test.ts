// `flowtime export` / exportForFlowTime: a copy of a run FlowTime M-03.02 reads. Checked
// against FlowTime's reader rules (tests/interop/_flowtime_old_reader.ts): its /state loads it
// and computes the toolkit's numbers, its capture binds every node metric, a strict manifest
// consumer accepts it; and the toolkit reads the copy back with the same /state.
import assert from "node:assert/strict";
import { join } from "node:path";
import { exportForFlowTime } from "../../lib/export/flowtime.ts";
import { runModelFile } from "../../lib/workflow/run_model.ts";
import { loadStateRun } from "../../lib/state/load.ts";
import { snapshotOf } from "../../lib/state/snapshot.ts";
import { windowOf } from "../../lib/state/window.ts";
import { cli, FIXED_TIME, ROOT, tempDir } from "../_helpers.ts";
import {
  assertOldManifest,
  flowTimeOldDerived,
  loadAsFlowTimeOld,
  oldCaptureBindings,
} from "./_flowtime_old_reader.ts";
import { FLOWTIME_RUNS, FLOWTIME_SIM_RUN } from "./_flowtime.ts";

const QUEUE_BUFFER = join(ROOT, "fixtures/runs/run_deterministic_e673448a");
const BACKLOG = join(ROOT, "fixtures/runs/run_deterministic_9c941bf5");
const LOOP_TELEMETRY = join(ROOT, "fixtures/loop/microservices/run_microservices_f173050d7ed39572");

// An export into a fresh temp folder, removed when the caller's `await using` ends.
async function exported(runDir: string, prefix: string) {
  const dir = await tempDir(prefix);
  try {
    const out = join(dir.path, "run");
    const result = await exportForFlowTime(runDir, { outputDir: out });
    return { out, result, [Symbol.asyncDispose]: dir[Symbol.asyncDispose] };
  } catch (err) {
    await dir[Symbol.asyncDispose]();
    throw err;
  }
}

// FlowTime's /state on the copy gives the toolkit's /state of the original: every node, every
// bin, values (arrivals, served, errors, capacity, queue) and derived numbers and colours where
// FlowTime's rules are the toolkit's (latency and colour of kind `queue`, services by
// utilisation; dlq and latency of non-queue kinds differ on purpose, see docs/interop.md).
async function assertFlowTimeReadsTheSame(original: string, copy: string): Promise<void> {
  const old = await loadAsFlowTimeOld(copy);
  const ours = await loadStateRun(original);
  assert.equal(old.bins, ours.timeline.bins);
  assert.equal(old.binMinutes, ours.timeline.binMinutes);
  assert.equal(old.startMs, ours.timeline.startMs);
  assert.equal(old.mode, ours.mode);
  const window = windowOf(ours, { startBin: 0, endBin: ours.timeline.bins - 1 });
  assert.deepEqual(old.nodes.map((n) => n.id), window.nodes.map((n) => n.id));
  for (const [i, node] of window.nodes.entries()) {
    const theirs = old.nodes[i];
    const s = node.series;
    const nullable = (v: number) => (Number.isFinite(v) ? v : null);
    for (
      const [key, ourKey] of [
        ["arrivals", "arrivals"],
        ["served", "served"],
        ["errors", "errors"],
        ["capacity", "capacity"],
        ["queue", "queue"],
      ] as const
    ) {
      if (!theirs.series[key]) continue;
      assert.deepEqual([...theirs.series[key]].map(nullable), s[ourKey], `${node.id} ${key}`);
    }
    for (let bin = 0; bin < ours.timeline.bins; bin++) {
      const d = flowTimeOldDerived(theirs, bin, old.binMinutes);
      assert.equal(d.utilization, s.utilization[bin], `${node.id} utilization ${bin}`);
      assert.equal(d.throughputRatio, s.throughputRatio[bin], `${node.id} throughputRatio ${bin}`);
      if (node.kind === "queue" || node.kind === "service") {
        assert.equal(d.color, s.color[bin], `${node.id} color ${bin}`);
      }
      if (node.kind === "queue") {
        assert.equal(d.latencyMinutes, s.latencyMinutes![bin], `${node.id} latency ${bin}`);
      }
    }
  }
}

Deno.test("an exported simulation run (service and queue): FlowTime's /state computes the toolkit's numbers", async () => {
  for (const run of [QUEUE_BUFFER, BACKLOG]) {
    await using exp1 = await exported(run, "ft-export");
    const { out, result } = exp1;
    assert.deepEqual(result.unset, []);
    await assertFlowTimeReadsTheSame(run, out);
    await assertOldManifest(out);
    // FlowTime's capture finds every node metric (through the output aliases).
    const bindings = await oldCaptureBindings(out);
    const state = await loadStateRun(run);
    const expected = state.nodes.flatMap((n) =>
      Object.keys(n.series).map((m) =>
        `${n.id}:${m === "queueDepth" ? "QueueDepth" : m[0].toUpperCase() + m.slice(1)}`
      )
    );
    assert.deepEqual(bindings.sort(), expected.sort());
  }
});

Deno.test("the toolkit reads its export back with the same /state", async () => {
  await using exp2 = await exported(QUEUE_BUFFER, "ft-export-back");
  const { out } = exp2;
  const original = await loadStateRun(QUEUE_BUFFER);
  const copy = await loadStateRun(out);
  for (let bin = 0; bin < original.timeline.bins; bin++) {
    assert.deepEqual(
      snapshotOf(copy, bin).nodes.map((n) => [n.id, n.kind, n.metrics, n.derived]),
      snapshotOf(original, bin).nodes.map((n) => [n.id, n.kind, n.metrics, n.derived]),
    );
  }
});

Deno.test("an exported telemetry run keeps its mode, copied telemetry and warnings as text", async () => {
  // A telemetry run with loader warnings (a gap, a missing source).
  await using dataTmp = await tempDir("ft-export-warnings");
  const data = dataTmp.path;
  const written = await runModelFile(join(ROOT, "fixtures/models/telemetry-gaps/model.yaml"), {
    runsDir: join(data, "runs"),
    deterministic: true,
    createdAt: FIXED_TIME,
  });
  assert.ok(written.runJson.warnings.length > 0);
  await using exp3 = await exported(written.runDir, "ft-export-telemetry");
  const { out } = exp3;
  const run = JSON.parse(await Deno.readTextFile(join(out, "run.json")));
  assert.deepEqual(
    run.warnings,
    written.runJson.warnings.map((w) =>
      `${w.code}: ${w.nodeId ? `${w.nodeId}: ` : ""}${w.message}`
    ),
  );
  const old = await loadAsFlowTimeOld(out);
  assert.equal(old.mode, "telemetry");
  // And a loop replay: its capture manifest and files are copied along.
  await using loop = await exported(LOOP_TELEMETRY, "ft-export-loop");
  const files = loop.result.files;
  assert.ok(files.includes("model/telemetry/telemetry-manifest.json"));
  assert.ok(files.some((f) => f.startsWith("model/telemetry/") && f.endsWith(".csv")));
  await assertFlowTimeReadsTheSame(LOOP_TELEMETRY, loop.out);
});

Deno.test("a FlowTime run re-exported: t,value series become bin_index,value", async () => {
  await using exp4 = await exported(join(FLOWTIME_RUNS, FLOWTIME_SIM_RUN), "ft-export-ft");
  const { out } = exp4;
  await loadAsFlowTimeOld(out);
  await assertFlowTimeReadsTheSame(join(FLOWTIME_RUNS, FLOWTIME_SIM_RUN), out);
});

Deno.test("a topology node without errors reads an all-NaN series in the copy, and the CLI says so", async () => {
  await using dirTmp = await tempDir("ft-export-unset");
  const dir = dirTmp.path;
  await Deno.writeTextFile(
    join(dir, "model.yaml"),
    `grid: { bins: 3, binSize: 5, start: "2025-10-07T00:00:00Z" }
nodes:
  - { id: a, kind: const, values: [4, 5, 6] }
  - { id: s, kind: const, values: [4, 4, 4] }
topology:
  nodes:
    - { id: Web, semantics: { arrivals: a, served: s } }
`,
  );
  const run = await cli([
    "run",
    "--model",
    join(dir, "model.yaml"),
    "--out",
    join(dir, "runs"),
    "--run-id",
    "r1",
  ]);
  assert.equal(run.code, 0, run.stderr);
  const r = await cli([
    "export",
    "flowtime",
    "--run-dir",
    join(dir, "runs", "r1"),
    "--out",
    join(dir, "export", "r1"),
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^exported run r1 for FlowTime into /);
  assert.match(r.stderr, /note: Web\.errors is not in the run; the copy reads an all-NaN series/);
  const old = await loadAsFlowTimeOld(join(dir, "export", "r1"));
  assert.deepEqual([...old.nodes[0].series.errors].map(String), ["NaN", "NaN", "NaN"]);
  // Exporting again needs --overwrite.
  const again = await cli([
    "export",
    "flowtime",
    "--run-dir",
    join(dir, "runs", "r1"),
    "--out",
    join(dir, "export", "r1"),
  ]);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /already exists.*--overwrite/);
});
