// What FlowTime answers for its own artifacts, and how a toolkit answer is compared with it:
// values, colours and nulls (an absent key counts as null), timestamps as instants. The shapes
// differ on purpose (docs/interop.md): the toolkit writes `Z` timestamps, relative storage
// paths, a `color` series in windows and omits undeclared metrics.
import assert from "node:assert/strict";
import { join } from "node:path";
import { copyTree, ROOT, type TempDir, tempFixture } from "../_helpers.ts";
import type { StateSnapshot, StateWindow } from "../../lib/state/types.ts";

/** fixtures/flowtime/. */
export const FLOWTIME_FIXTURES: string = join(ROOT, "fixtures", "flowtime");
/** The runs folder of FlowTime-shaped runs. */
export const FLOWTIME_RUNS: string = join(FLOWTIME_FIXTURES, "runs");
/** The FlowTime-shaped capture folders. */
export const FLOWTIME_CAPTURES: string = join(FLOWTIME_FIXTURES, "captures");
/** RunArtifactWriter's simulation run of FlowTime-Sim's transportation-basic model. */
export const FLOWTIME_SIM_RUN = "run_deterministic_e04190fd";
/** TelemetryBundleBuilder's bundle of TelemetryRunFactory's order system. */
export const FLOWTIME_TELEMETRY_RUN = "run_deterministic_e2a72db6";

/** A FlowTime snapshot node as its golden has it (nulls omitted there, written here). */
export interface FlowTimeNode {
  kind: string;
  metrics: Record<string, number | null>;
  derived: Record<string, number | string | null>;
}

/**
 * FlowTime's `GET /v1/runs/run_state_fixture/state?binIndex=1`, from
 * tests/FlowTime.Api.Tests/Golden/state-approved.json at 3166256c (values only).
 */
export const STATE_GOLDEN_BIN_1 = {
  bin: {
    index: 1,
    startUtc: "2025-01-01T00:05:00+00:00",
    endUtc: "2025-01-01T00:10:00+00:00",
    durationMinutes: 5,
  },
  telemetrySourcesResolved: true,
  mode: "telemetry",
  templateId: "order-system",
  templateTitle: "Order System Fixture",
  templateVersion: "1.0.0",
  warnings: [] as string[],
  nodes: {
    OrderService: {
      kind: "service",
      metrics: {
        arrivals: 10,
        served: 6,
        errors: 1,
        queue: null,
        capacity: 7,
        externalDemand: null,
      },
      derived: {
        utilization: 0.8571428571428571,
        latencyMinutes: null,
        throughputRatio: 0.6,
        color: "yellow",
      },
      sources: [
        "file:OrderService_arrivals.csv",
        "file:OrderService_served.csv",
        "file:OrderService_errors.csv",
        "file:OrderService_capacity.csv",
      ],
    },
    SupportQueue: {
      kind: "queue",
      metrics: {
        arrivals: 7,
        served: 6,
        errors: 0,
        queue: 10,
        capacity: null,
        externalDemand: null,
      },
      derived: {
        utilization: null,
        latencyMinutes: 8.333333333333334,
        throughputRatio: 0.8571428571428571,
        color: "red",
      },
      sources: [
        "file:SupportQueue_arrivals.csv",
        "file:SupportQueue_served.csv",
        "file:SupportQueue_errors.csv",
        "file:SupportQueue_queue.csv",
      ],
    },
  },
};

/**
 * FlowTime's `GET /v1/runs/run_state_fixture/state_window?startBin=0&endBin=3`, from
 * tests/FlowTime.Api.Tests/Golden/state-window-approved.json at 3166256c (values only).
 */
export const STATE_WINDOW_GOLDEN_0_3 = {
  window: { startBin: 0, endBin: 3, binCount: 4 },
  timestampsUtc: [
    "2025-01-01T00:00:00+00:00",
    "2025-01-01T00:05:00+00:00",
    "2025-01-01T00:10:00+00:00",
    "2025-01-01T00:15:00+00:00",
  ],
  nodes: {
    OrderService: {
      arrivals: [10, 10, 10, 10],
      served: [9, 6, 9, 4],
      errors: [1, 1, 1, 1],
      capacity: [12, 7, 9, 4],
      utilization: [0.75, 0.8571428571428571, 1, 1],
      throughputRatio: [0.9, 0.6, 0.9, 0.4],
    },
    SupportQueue: {
      arrivals: [9, 7, 9, 5],
      served: [9, 6, 9, 4],
      errors: [0, 0, 0, 0],
      queue: [2, 10, 20, 0],
      latencyMinutes: [1.1111111111111112, 8.333333333333334, 11.11111111111111, 0],
      throughputRatio: [1, 0.8571428571428571, 1, 0.8],
    },
  } as Record<string, Record<string, Array<number | null>>>,
};

/** Window series FlowTime sends (its keys), in the toolkit's names. */
const WINDOW_KEYS = [
  "arrivals",
  "served",
  "errors",
  "externalDemand",
  "queue",
  "capacity",
  "utilization",
  "latencyMinutes",
  "throughputRatio",
];

/**
 * Two timestamps name the same instant (FlowTime writes `+00:00`, the toolkit `Z`).
 * @param actual toolkit timestamp
 * @param expected FlowTime timestamp
 * @param what for the message
 */
export function assertSameInstant(
  actual: string | null,
  expected: string | null,
  what: string,
): void {
  if (expected === null || actual === null) {
    assert.equal(actual, expected, what);
    return;
  }
  assert.equal(Date.parse(actual), Date.parse(expected), `${what}: ${actual} vs ${expected}`);
}

/**
 * A toolkit snapshot gives FlowTime's golden numbers, colours and nulls.
 * @param snapshot the toolkit's answer
 * @param golden FlowTime's answer
 */
export function assertFlowTimeSnapshot(
  snapshot: StateSnapshot,
  golden: typeof STATE_GOLDEN_BIN_1,
): void {
  assert.equal(snapshot.bin.index, golden.bin.index);
  assert.equal(snapshot.bin.durationMinutes, golden.bin.durationMinutes);
  assertSameInstant(snapshot.bin.startUtc, golden.bin.startUtc, "bin.startUtc");
  assertSameInstant(snapshot.bin.endUtc, golden.bin.endUtc, "bin.endUtc");
  assert.equal(snapshot.metadata.mode, golden.mode);
  assert.equal(snapshot.metadata.telemetrySourcesResolved, golden.telemetrySourcesResolved);
  assert.equal(snapshot.metadata.templateId, golden.templateId);
  assert.equal(snapshot.metadata.templateTitle, golden.templateTitle);
  assert.equal(snapshot.metadata.templateVersion, golden.templateVersion);
  assert.deepEqual(snapshot.warnings.map((w) => w.code), golden.warnings);
  assert.deepEqual(snapshot.nodes.map((n) => n.id), Object.keys(golden.nodes));
  for (const node of snapshot.nodes) {
    const want = golden.nodes[node.id as keyof typeof golden.nodes];
    assert.equal(node.kind, want.kind, `${node.id} kind`);
    const metrics = node.metrics as unknown as Record<string, number | null | undefined>;
    for (const [key, value] of Object.entries(want.metrics)) {
      assert.equal(metrics[key] ?? null, value, `${node.id} metrics.${key}`);
    }
    const derived = node.derived as unknown as Record<string, number | string | null | undefined>;
    for (const [key, value] of Object.entries(want.derived)) {
      assert.equal(derived[key] ?? null, value, `${node.id} derived.${key}`);
    }
    assert.deepEqual(node.telemetry.sources, want.sources, `${node.id} telemetry.sources`);
  }
}

/**
 * A toolkit window gives FlowTime's golden series (every key FlowTime sends; keys FlowTime
 * leaves out must be all null or absent here, except the toolkit's own `color`).
 * @param window the toolkit's answer
 * @param golden FlowTime's answer
 */
export function assertFlowTimeWindow(
  window: StateWindow,
  golden: typeof STATE_WINDOW_GOLDEN_0_3,
): void {
  assert.deepEqual(window.window, golden.window);
  assert.equal(window.timestampsUtc.length, golden.timestampsUtc.length);
  window.timestampsUtc.forEach((t, i) =>
    assertSameInstant(t, golden.timestampsUtc[i], `timestampsUtc[${i}]`)
  );
  assert.deepEqual(window.nodes.map((n) => n.id), Object.keys(golden.nodes));
  for (const node of window.nodes) {
    const want = golden.nodes[node.id];
    const series = node.series as unknown as Record<string, Array<number | null> | undefined>;
    for (const key of WINDOW_KEYS) {
      const expected = want[key] ?? new Array(golden.window.binCount).fill(null);
      const actual = series[key] ?? new Array(golden.window.binCount).fill(null);
      assert.deepEqual(actual, expected, `${node.id} series.${key}`);
    }
  }
}

/**
 * Copy FlowTime-shaped runs (or captures) into a fresh data folder: `<data>/runs/...` and
 * `<data>/telemetry/...`.
 * @param prefix temp folder prefix
 * @returns the data folder, removed on dispose
 */
export function flowTimeData(prefix: string): Promise<TempDir> {
  return tempFixture(prefix, async (data) => {
    await copyTree(FLOWTIME_RUNS, join(data, "runs"));
    await copyTree(FLOWTIME_CAPTURES, join(data, "telemetry"));
    await Deno.remove(join(data, "runs", "README.md"));
    await Deno.remove(join(data, "telemetry", "README.md"));
    return {};
  });
}
