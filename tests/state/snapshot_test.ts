// Snapshots of fixture runs, checked against hand-computed values and the schema.
import assert from "node:assert/strict";
import { loadStateRun } from "../../lib/state/load.ts";
import { snapshotOf } from "../../lib/state/snapshot.ts";
import { assertMatchesSchema } from "../_helpers.ts";
import {
  BACKLOG_SHIFT_RUN,
  fixtureRun,
  HTTP_SERVICE_RUN,
  ORDER_SYSTEM_RUN,
  QUEUE_BUFFER_RUN,
} from "./_runs.ts";

Deno.test("snapshot bin: index, start, end and duration from the grid", async () => {
  const s = snapshotOf(await loadStateRun(fixtureRun(QUEUE_BUFFER_RUN)), 5);
  assert.deepEqual(s.bin, {
    index: 5,
    startUtc: "2025-10-07T00:25:00Z",
    endUtc: "2025-10-07T00:30:00Z",
    durationMinutes: 5,
  });
});

Deno.test("snapshot metadata: template, mode, schema and storage paths relative to the run", async () => {
  const s = snapshotOf(await loadStateRun(fixtureRun(QUEUE_BUFFER_RUN)), 0);
  const { schema, ...rest } = s.metadata;
  assert.deepEqual(rest, {
    runId: QUEUE_BUFFER_RUN,
    templateId: "adhoc-model",
    templateTitle: "Service and support queue",
    templateVersion: "0.0.0",
    mode: "simulation",
    telemetrySourcesResolved: true,
    storage: { modelPath: "model/model.yaml", metadataPath: "model/metadata.json" },
  });
  assert.equal(schema.id, "time-travel/v1");
  assert.equal(schema.version, "1");
  assert.match(schema.hash, /^sha256:[0-9a-f]{64}$/);
});

Deno.test("service with capacity: metrics, utilisation, throughput ratio, red at full capacity", async () => {
  // queue-buffer bin 5: arrivals 24, capacity E[pmf] = 10*0.25 + 14*0.75 = 13, served
  // MIN(24, 13) = 13, errors 24 - 13 = 11.
  const s = snapshotOf(await loadStateRun(fixtureRun(QUEUE_BUFFER_RUN)), 5);
  assert.deepEqual(s.nodes[0], {
    id: "OrderService",
    kind: "service",
    metrics: { arrivals: 24, served: 13, errors: 11, capacity: 13 },
    derived: { utilization: 1, throughputRatio: 13 / 24, color: "red" },
    telemetry: { sources: [], warnings: [] },
  });
});

Deno.test("queue that serves 0 in a bin: latency null, colour gray, ratio 0", async () => {
  // SupportQueue bin 5: arrivals ROUND(11 * 0.5) + 2 = 8, served 0; queue from 1:
  // 1, 1, 0, 0, 2 (0 + 6 - 3 - 1), 10 (2 + 8 - 0).
  const s = snapshotOf(await loadStateRun(fixtureRun(QUEUE_BUFFER_RUN)), 5);
  assert.deepEqual(s.nodes[1], {
    id: "SupportQueue",
    kind: "queue",
    metrics: { arrivals: 8, served: 0, errors: 0, queue: 10 },
    derived: { utilization: null, latencyMinutes: null, throughputRatio: 0, color: "gray" },
    telemetry: { sources: [], warnings: [] },
  });
});

Deno.test("queue with slaMin: latency by Little's law and the yellow band", async () => {
  // SupportQueue bin 6: queue 10 + 5 - 4 = 11, served 4 -> 11 / 4 * 5 = 13.75 min; sla 10,
  // 10 < 13.75 <= 15 -> yellow.
  const s = snapshotOf(await loadStateRun(fixtureRun(QUEUE_BUFFER_RUN)), 6);
  assert.deepEqual(s.nodes[1].derived, {
    utilization: null,
    latencyMinutes: 13.75,
    throughputRatio: 0.8,
    color: "yellow",
  });
});

Deno.test("queue with capacity and slaMin on hourly bins: red above 1.5 x slaMin", async () => {
  // backlog-shift bin 3: backlog 2 -> 1, 3, 9, 12; served 6; 12 / 6 * 60 = 120 > 90 -> red.
  const s = snapshotOf(await loadStateRun(fixtureRun(BACKLOG_SHIFT_RUN)), 3);
  assert.deepEqual(s.nodes[0].metrics, {
    arrivals: 9,
    served: 6,
    errors: 3,
    queue: 12,
    capacity: 6,
  });
  assert.deepEqual(s.nodes[0].derived, {
    utilization: 1,
    latencyMinutes: 120,
    throughputRatio: 6 / 9,
    color: "red",
  });
  assert.equal(s.bin.startUtc, "2025-10-07T11:00:00Z");
  assert.equal(s.bin.durationMinutes, 60);
});

Deno.test("a service without capacity is gray and has no capacity metric", async () => {
  const s = snapshotOf(await loadStateRun(fixtureRun(ORDER_SYSTEM_RUN)), 0);
  assert.deepEqual(s.nodes[0], {
    id: "OrderService",
    kind: "service",
    metrics: { arrivals: 120, served: 118, errors: 2 },
    derived: { utilization: null, throughputRatio: 118 / 120, color: "gray" },
    telemetry: { sources: [], warnings: [] },
  });
});

Deno.test("a FlowTime legacy model lists its file: sources per node", async () => {
  const s = snapshotOf(await loadStateRun(fixtureRun(HTTP_SERVICE_RUN)), 0);
  assert.deepEqual(s.nodes.map((n) => n.telemetry.sources), [[
    "file:HttpService_arrivals.csv",
    "file:HttpService_served.csv",
    "file:HttpService_errors.csv",
  ]]);
  assert.equal(s.bin.durationMinutes, 15);
  assert.equal(s.bin.endUtc, "2025-10-07T00:15:00Z");
});

Deno.test("snapshots of every fixture run match the time-travel-state schema", async () => {
  for (const id of [QUEUE_BUFFER_RUN, BACKLOG_SHIFT_RUN, HTTP_SERVICE_RUN, ORDER_SYSTEM_RUN]) {
    const run = await loadStateRun(fixtureRun(id));
    assertMatchesSchema("time-travel-state", snapshotOf(run, 0), `${id} bin 0`);
    assertMatchesSchema(
      "time-travel-state",
      snapshotOf(run, run.timeline.bins - 1),
      `${id} last bin`,
    );
  }
});
