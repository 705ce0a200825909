// Negative counts (a model or a capture with negative arrivals) are not physical: the derived
// metrics of those bins are null, the node gray, and a negative_value warning says why, instead
// of a utilisation of -0.25 shown green.
import assert from "node:assert/strict";
import { join } from "node:path";
import { throughputRatioOf, utilizationOf } from "../../lib/state/derived.ts";
import { loadStateRun } from "../../lib/state/load.ts";
import { queryState } from "../../lib/state/service.ts";
import type { StateSnapshot, StateWindow } from "../../lib/state/types.ts";
import { runModelFile } from "../../lib/workflow/run_model.ts";
import { tempDir } from "../_helpers.ts";

const MODEL = `grid: { bins: 2, binSize: 5 }
nodes:
  - { id: arrivals, kind: const, values: [-5, 10] }
  - { id: capacity, kind: const, values: [20, 20] }
  - { id: served, kind: expr, expr: "MIN(arrivals, capacity)" }
topology:
  nodes:
    - id: Svc
      kind: service
      semantics: { arrivals: arrivals, served: served, capacity: capacity }
`;

Deno.test("negative served or arrivals give no utilisation or throughput ratio", () => {
  assert.equal(utilizationOf(-5, 20), null);
  assert.equal(throughputRatioOf(-5, -5), null);
  assert.equal(throughputRatioOf(5, -5), null);
  assert.equal(utilizationOf(5, 20), 0.25);
});

Deno.test("a bin with negative arrivals is gray with a negative_value warning; the others are not", async () => {
  await using tmp = await tempDir("negative");
  await Deno.writeTextFile(join(tmp.path, "model.yaml"), MODEL);
  const written = await runModelFile(join(tmp.path, "model.yaml"), {
    runsDir: join(tmp.path, "runs"),
    runId: "neg",
  });
  const run = await loadStateRun(written.runDir);
  const bin0 = queryState(run, { kind: "snapshot", binIndex: 0 }) as StateSnapshot;
  const node = bin0.nodes[0];
  assert.deepEqual(node.metrics, { arrivals: -5, served: -5, errors: null, capacity: 20 });
  assert.deepEqual(node.derived, { utilization: null, throughputRatio: null, color: "gray" });
  assert.deepEqual(node.telemetry.warnings.map((w) => [w.code, w.metric, w.bins]), [
    ["negative_value", "arrivals", [0]],
    ["negative_value", "served", [0]],
  ]);
  assert.match(node.telemetry.warnings[0].message, /arrivals \('arrivals'\) is negative in bin 0/);
  const bin1 = queryState(run, { kind: "snapshot", binIndex: 1 }) as StateSnapshot;
  assert.deepEqual(bin1.nodes[0].derived, { utilization: 0.5, throughputRatio: 1, color: "green" });
  assert.deepEqual(bin1.nodes[0].telemetry.warnings, []);
  const window = queryState(run, { kind: "window", startBin: 0, endBin: 1 }) as StateWindow;
  assert.deepEqual(window.nodes[0].series.utilization, [null, 0.5]);
  assert.deepEqual(window.nodes[0].series.color, ["gray", "green"]);
  assert.equal(window.nodes[0].telemetry.warnings.length, 2);
});
