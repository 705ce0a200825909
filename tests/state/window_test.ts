// Windows over fixture runs: inclusive slices of raw and derived series with timestamps.
import assert from "node:assert/strict";
import { loadStateRun } from "../../lib/state/load.ts";
import { windowOf } from "../../lib/state/window.ts";
import { assertMatchesSchema } from "../_helpers.ts";
import { BACKLOG_SHIFT_RUN, fixtureRun, HTTP_SERVICE_RUN, QUEUE_BUFFER_RUN } from "./_runs.ts";

Deno.test("window over a whole backlog run: raw series, latency, ratio and colours", async () => {
  // backlog from 2: max(0, prev + in - 6) = 1, 3, 9, 12, 10, 7, 3, 0; served
  // MIN(6, in + prev) = 6 x 7 then MIN(6, 1 + 3) = 4; latency = backlog / served * 60.
  const w = windowOf(await loadStateRun(fixtureRun(BACKLOG_SHIFT_RUN)), { startBin: 0, endBin: 7 });
  assert.deepEqual(w.window, { startBin: 0, endBin: 7, binCount: 8 });
  assert.deepEqual(w.nodes[0].series, {
    arrivals: [5, 8, 12, 9, 4, 3, 2, 1],
    served: [6, 6, 6, 6, 6, 6, 6, 4],
    errors: [0, 0, 0, 3, 0, 3, 0, 0],
    queue: [1, 3, 9, 12, 10, 7, 3, 0],
    capacity: [6, 6, 6, 6, 6, 6, 6, 6],
    utilization: [1, 1, 1, 1, 1, 1, 1, 4 / 6],
    latencyMinutes: [10, 30, 90, 120, 100, 70, 30, 0],
    throughputRatio: [6 / 5, 6 / 8, 6 / 12, 6 / 9, 6 / 4, 6 / 3, 6 / 2, 4 / 1],
    color: ["green", "green", "yellow", "red", "red", "yellow", "green", "green"],
  });
});

Deno.test("a window slice keeps only its bins and their timestamps", async () => {
  const w = windowOf(await loadStateRun(fixtureRun(QUEUE_BUFFER_RUN)), { startBin: 4, endBin: 6 });
  assert.deepEqual(w.window, { startBin: 4, endBin: 6, binCount: 3 });
  assert.deepEqual(w.timestampsUtc, [
    "2025-10-07T00:20:00Z",
    "2025-10-07T00:25:00Z",
    "2025-10-07T00:30:00Z",
  ]);
  assert.deepEqual(w.nodes[1].series.queue, [2, 10, 11]);
  assert.deepEqual(w.nodes[1].series.latencyMinutes, [2 / 3 * 5, null, 13.75]);
  assert.deepEqual(w.nodes[1].series.color, ["green", "gray", "yellow"]);
  assert.deepEqual(w.nodes[0].series.color, ["red", "red", "red"]);
});

Deno.test("a node without a queue has no queue or latency series", async () => {
  const w = windowOf(await loadStateRun(fixtureRun(HTTP_SERVICE_RUN)), { startBin: 0, endBin: 1 });
  assert.deepEqual(Object.keys(w.nodes[0].series), [
    "arrivals",
    "served",
    "errors",
    "utilization",
    "throughputRatio",
    "color",
  ]);
  assert.deepEqual(w.nodes[0].series.utilization, [null, null]);
  assert.deepEqual(w.nodes[0].series.color, ["gray", "gray"]);
});

Deno.test("windows match the time-travel-state schema", async () => {
  for (const id of [QUEUE_BUFFER_RUN, BACKLOG_SHIFT_RUN, HTTP_SERVICE_RUN]) {
    const run = await loadStateRun(fixtureRun(id));
    assertMatchesSchema(
      "time-travel-state",
      windowOf(run, { startBin: 0, endBin: run.timeline.bins - 1 }),
      id,
    );
  }
});
