// Simulation runs need finite arrivals and served where required: otherwise the query fails
// with 422 mode_validation_failed naming the node, metric and bins.
import assert from "node:assert/strict";
import { join } from "node:path";
import { loadStateRun } from "../../lib/state/load.ts";
import { snapshotOf } from "../../lib/state/snapshot.ts";
import { windowOf } from "../../lib/state/window.ts";
import { assertThrowsCode } from "../_helpers.ts";
import { fixtureRunCopy, QUEUE_BUFFER_RUN, runModelText } from "./_runs.ts";

/** A copy of the queue-buffer run with served missing in bin 3 (disposable). */
function queueBufferWithNaNServed() {
  return fixtureRunCopy(QUEUE_BUFFER_RUN, async (runDir) => {
    const csv = join(runDir, "series/support_served@SUPPORT_SERVED@DEFAULT.csv");
    const text = await Deno.readTextFile(csv);
    await Deno.writeTextFile(csv, text.replace("\n3,3\n", "\n3,\n"));
  });
}

Deno.test("a simulation run with NaN served fails in the bin that has it", async () => {
  await using copy = await queueBufferWithNaNServed();
  const run = await loadStateRun(copy.runDir);
  assertThrowsCode(
    () => snapshotOf(run, 3),
    "mode_validation_failed",
    "topology node 'SupportQueue' served ('support_served') is not a number in bin 3",
  );
});

Deno.test("other bins of that run still answer", async () => {
  await using copy = await queueBufferWithNaNServed();
  const run = await loadStateRun(copy.runDir);
  assert.equal(snapshotOf(run, 2).nodes[1].metrics.served, 3);
  assert.equal(windowOf(run, { startBin: 4, endBin: 11 }).window.binCount, 8);
});

Deno.test("a window covering the NaN bin fails", async () => {
  await using copy = await queueBufferWithNaNServed();
  const run = await loadStateRun(copy.runDir);
  assertThrowsCode(
    () => windowOf(run, { startBin: 0, endBin: 11 }),
    "mode_validation_failed",
    "in bin 3",
  );
});

Deno.test("a simulation service without a served series fails on every query", async () => {
  await using written = await runModelText(`schemaVersion: 1
grid: { bins: 2, binSize: 5, binUnit: minutes }
nodes:
  - { id: a, kind: const, values: [1, 2] }
topology:
  nodes:
    - { id: Svc, kind: service, semantics: { arrivals: a } }
  edges: []
`);
  const { runDir } = written;
  const run = await loadStateRun(runDir);
  assertThrowsCode(
    () => snapshotOf(run, 0),
    "mode_validation_failed",
    "topology node 'Svc' declares no served series (semantics.served is not set)",
  );
  assertThrowsCode(
    () => windowOf(run, { startBin: 0, endBin: 1 }),
    "mode_validation_failed",
    "declares no served series",
  );
});

Deno.test("sinks and dead-letter queues need only arrivals", async () => {
  await using written = await runModelText(`schemaVersion: 1
grid: { bins: 2, binSize: 5, binUnit: minutes }
nodes:
  - { id: a, kind: const, values: [1, 2] }
  - { id: q, kind: const, values: [3, 4] }
topology:
  nodes:
    - { id: Done, kind: sink, semantics: { arrivals: a } }
    - { id: Dead, kind: dlq, semantics: { arrivals: a, queueDepth: q, slaMin: 5 } }
  edges: []
`);
  const { runDir } = written;
  const s = snapshotOf(await loadStateRun(runDir), 1);
  assert.deepEqual(s.nodes.map((n) => [n.id, n.metrics, n.derived]), [
    ["Done", { arrivals: 2, served: null, errors: null }, {
      utilization: null,
      throughputRatio: null,
      color: "gray",
    }],
    ["Dead", { arrivals: 2, served: null, errors: null, queue: 4 }, {
      utilization: null,
      latencyMinutes: null,
      throughputRatio: null,
      color: "gray",
    }],
  ]);
});

Deno.test("the failure lists every problem in details", async () => {
  await using written = await runModelText(`schemaVersion: 1
grid: { bins: 2, binSize: 5, binUnit: minutes }
nodes:
  - { id: a, kind: const, values: [1, 2] }
topology:
  nodes:
    - { id: One, kind: service, semantics: { arrivals: a } }
    - { id: Two, kind: queue, semantics: { served: a } }
  edges: []
`);
  const { runDir } = written;
  const run = await loadStateRun(runDir);
  const err = assertThrowsCode(
    () => snapshotOf(run, 0),
    "mode_validation_failed",
    "(and 1 more problem(s))",
  );
  assert.deepEqual(
    (err.details as Array<{ nodeId: string; metric: string }>).map((d) => [d.nodeId, d.metric]),
    [["One", "served"], ["Two", "arrivals"]],
  );
});
