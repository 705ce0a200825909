// The `/state_window` slice: every topology node's raw and derived series over an inclusive
// range of bins, with the bins' timestamps and the warnings that touch the range.
import { deriveMetrics, finiteOrNull } from "./derived.ts";
import type { StateNode, StateRun } from "./load.ts";
import {
  checkSimulationRun,
  negativeValueWarnings,
  telemetryGapWarnings,
  telemetryMissingWarnings,
} from "./mode.ts";
import { windowTimestamps } from "./timeline.ts";
import type { NodeWindow, NodeWindowSeries, StateValue, StateWindow } from "./types.ts";
import { clipWarnings } from "./warnings.ts";

/**
 * The window `startBin..endBin` (inclusive). Simulation runs are validated over the window;
 * telemetry runs never fail.
 * @param run the opened run
 * @param startBin first bin (check bounds with `parseWindow`)
 * @param endBin last bin, inclusive
 * @returns the window response
 * @throws FlowTimeError `mode_validation_failed` for a simulation run with missing or
 *   non-finite arrivals/served in the window
 */
export function windowOf(
  run: StateRun,
  range: { startBin: number; endBin: number },
): StateWindow {
  const { startBin, endBin } = range;
  const telemetry = run.mode === "telemetry";
  if (!telemetry) checkSimulationRun(run, startBin, endBin);
  return {
    metadata: run.metadata,
    window: { startBin, endBin, binCount: endBin - startBin + 1 },
    timestampsUtc: windowTimestamps(run.timeline, startBin, endBin),
    nodes: run.nodes.map((node) => nodeWindow(run, node, startBin, endBin, telemetry)),
    warnings: [
      ...clipWarnings(run.warnings, startBin, endBin),
      ...(telemetry ? telemetryMissingWarnings(run) : []),
      ...clipWarnings(run.captureWarnings, startBin, endBin),
    ],
  };
}

function nodeWindow(
  run: StateRun,
  node: StateNode,
  startBin: number,
  endBin: number,
  telemetry: boolean,
): NodeWindow {
  const slice = (values: Float64Array | undefined): StateValue[] => {
    const out: StateValue[] = [];
    for (let i = startBin; i <= endBin; i++) out.push(finiteOrNull(values?.[i]));
    return out;
  };
  const s = node.series;
  const hasQueue = node.refs.queueDepth !== undefined;
  const hasCapacity = node.refs.capacity !== undefined;
  const arrivals = slice(s.arrivals);
  const served = slice(s.served);
  const queue = hasQueue ? slice(s.queueDepth) : undefined;
  const capacity = hasCapacity ? slice(s.capacity) : undefined;
  const series: NodeWindowSeries = {
    arrivals,
    served,
    errors: slice(s.errors),
    ...(queue ? { queue } : {}),
    ...(capacity ? { capacity } : {}),
    ...(node.refs.externalDemand !== undefined ? { externalDemand: slice(s.externalDemand) } : {}),
    utilization: [],
    ...(hasQueue ? { latencyMinutes: [] } : {}),
    throughputRatio: [],
    color: [],
  };
  const context = { kind: node.kind, binMinutes: run.timeline.binMinutes, slaMin: node.slaMin };
  for (let k = 0; k < arrivals.length; k++) {
    const d = deriveMetrics({
      arrivals: arrivals[k],
      served: served[k],
      ...(queue ? { queue: queue[k] } : {}),
      ...(capacity ? { capacity: capacity[k] } : {}),
    }, context);
    series.utilization.push(d.utilization);
    if (hasQueue) series.latencyMinutes!.push(d.latencyMinutes ?? null);
    series.throughputRatio.push(d.throughputRatio);
    series.color.push(d.color);
  }
  return {
    id: node.id,
    kind: node.kind,
    series,
    telemetry: {
      sources: [...node.sources],
      warnings: [
        ...clipWarnings(node.warnings, startBin, endBin),
        ...(telemetry ? telemetryGapWarnings(run, node, startBin, endBin) : []),
        ...negativeValueWarnings(node, startBin, endBin),
      ],
    },
  };
}
