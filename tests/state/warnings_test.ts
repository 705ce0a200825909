// Routing run.json warnings to topology nodes and restricting warnings to queried bins.
import assert from "node:assert/strict";
import { binsOf, clipWarning, clipWarnings, routeRunWarnings } from "../../lib/state/warnings.ts";
import type { TopologyNode } from "../../lib/model/types.ts";

const topology: TopologyNode[] = [
  { id: "A", kind: "service", semantics: { arrivals: "a_in", served: "shared" } },
  { id: "B", kind: "queue", semantics: { arrivals: "shared", queueDepth: "b_q" } },
];

type Tagged = { code: string; bins?: number[] };

Deno.test("clipping keeps warnings without bins and the bins inside the range", () => {
  assert.deepEqual(clipWarning<Tagged>({ code: "x" }, 3, 4), { code: "x" });
  assert.deepEqual(clipWarning<Tagged>({ code: "x", bins: [1, 3, 4, 9] }, 3, 4), {
    code: "x",
    bins: [3, 4],
  });
  assert.equal(clipWarning<Tagged>({ code: "x", bins: [1, 9] }, 3, 4), undefined);
  assert.deepEqual(
    clipWarnings([{ bins: [0] }, { bins: [5] }, {}], 5, 5),
    [{ bins: [5] }, {}],
  );
});

Deno.test("a loader warning goes to every topology node naming its model node", () => {
  const routed = routeRunWarnings([{
    code: "telemetry_gap",
    message: "gap",
    nodeId: "shared",
    bins: [2],
    severity: "warning",
  }], topology);
  assert.deepEqual(routed.byNode.get("A"), [{
    code: "telemetry_gap",
    message: "gap",
    severity: "warning",
    source: "run",
    metric: "served",
    bins: [2],
  }]);
  assert.equal(routed.byNode.get("B")?.[0].metric, "arrivals");
  assert.deepEqual(routed.runLevel, []);
  assert.deepEqual([...routed.flaggedModelNodes], ["shared"]);
});

Deno.test("engine warnings and loader warnings of unnamed model nodes are run-level", () => {
  const routed = routeRunWarnings([
    { code: "pmf_normalized", message: "p", nodeId: "a_in", severity: "warning" },
    { code: "telemetry_gap", message: "g", nodeId: "other", bins: [1], severity: "warning" },
    { code: "engine_warning", message: "e", severity: "info" },
  ], topology);
  assert.equal(routed.byNode.size, 0);
  assert.deepEqual(routed.runLevel, [
    { code: "pmf_normalized", message: "p", severity: "warning", source: "run", nodeId: "a_in" },
    {
      code: "telemetry_gap",
      message: "g",
      severity: "warning",
      source: "run",
      nodeId: "other",
      bins: [1],
    },
    { code: "engine_warning", message: "e", severity: "info", source: "run" },
  ]);
});

Deno.test("an empty bins list means the warning is not bin-specific", () => {
  const routed = routeRunWarnings([
    { code: "engine_warning", message: "e", bins: [], severity: "info" },
  ], topology);
  assert.deepEqual(routed.runLevel, [
    { code: "engine_warning", message: "e", severity: "info", source: "run" },
  ]);
});

Deno.test("warning bins are made ascending and unique, invalid entries dropped", () => {
  assert.deepEqual(binsOf([5, 2, 2, -1, 1.5, "3", 0]), { bins: [0, 2, 5] });
  assert.deepEqual(binsOf(undefined), {});
  assert.deepEqual(binsOf([]), {});
});
