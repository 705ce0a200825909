// The `/state` snapshot: every topology node's metrics, derived metrics and warnings in one bin.
import { deriveMetrics, finiteOrNull } from "./derived.ts";
import type { StateNode, StateRun } from "./load.ts";
import {
  checkSimulationRun,
  negativeValueWarnings,
  telemetryGapWarnings,
  telemetryMissingWarnings,
} from "./mode.ts";
import { stateBinOf } from "./timeline.ts";
import type { NodeMetrics, NodeSnapshot, StateSnapshot, StateValue } from "./types.ts";
import { clipWarnings } from "./warnings.ts";

/**
 * The snapshot of one bin. Simulation runs are validated first; telemetry runs never fail.
 * @param run the opened run
 * @param binIndex a bin inside the grid (check with `parseBinIndex`)
 * @returns the snapshot response
 * @throws FlowTimeError `mode_validation_failed` for a simulation run with missing or
 *   non-finite arrivals/served in the bin
 */
export function snapshotOf(run: StateRun, binIndex: number): StateSnapshot {
  const telemetry = run.mode === "telemetry";
  if (!telemetry) checkSimulationRun(run, binIndex, binIndex);
  const nodes = run.nodes.map((node) => nodeSnapshot(run, node, binIndex, telemetry));
  return {
    metadata: run.metadata,
    bin: stateBinOf(run.timeline, binIndex),
    nodes,
    warnings: [
      ...clipWarnings(run.warnings, binIndex, binIndex),
      ...(telemetry ? telemetryMissingWarnings(run) : []),
      ...clipWarnings(run.captureWarnings, binIndex, binIndex),
    ],
  };
}

function nodeSnapshot(
  run: StateRun,
  node: StateNode,
  bin: number,
  telemetry: boolean,
): NodeSnapshot {
  const at = (values: Float64Array | undefined): StateValue => finiteOrNull(values?.[bin]);
  const s = node.series;
  const metrics: NodeMetrics = {
    arrivals: at(s.arrivals),
    served: at(s.served),
    errors: at(s.errors),
  };
  if (node.refs.queueDepth !== undefined) metrics.queue = at(s.queueDepth);
  if (node.refs.capacity !== undefined) metrics.capacity = at(s.capacity);
  if (node.refs.externalDemand !== undefined) metrics.externalDemand = at(s.externalDemand);
  const derived = deriveMetrics(metrics, {
    kind: node.kind,
    binMinutes: run.timeline.binMinutes,
    slaMin: node.slaMin,
  });
  return {
    id: node.id,
    kind: node.kind,
    metrics,
    derived,
    telemetry: {
      sources: [...node.sources],
      warnings: [
        ...clipWarnings(node.warnings, bin, bin),
        ...(telemetry ? telemetryGapWarnings(run, node, bin, bin) : []),
        ...negativeValueWarnings(node, bin, bin),
      ],
    },
  };
}
