// Mode validation of a state query: a simulation run must have finite arrivals and served where
// required (else 422); a telemetry run never fails, its missing series and gaps become warnings.
import { FlowTimeError } from "../base/errors.ts";
import type { SemanticMetric, TopologyNodeKind } from "../model/types.ts";
import { describeBins } from "../base/warnings.ts";
import type { StateNode, StateRun } from "./load.ts";
import type { NodeTelemetryWarning, StateWarning } from "./types.ts";

/** Series each node kind must have: services and queues arrivals and served, others arrivals. */
export const REQUIRED_METRICS: Readonly<Record<TopologyNodeKind, readonly SemanticMetric[]>> = {
  service: ["arrivals", "served"],
  queue: ["arrivals", "served"],
  dlq: ["arrivals"],
  sink: ["arrivals"],
};

/** One reason a simulation run fails mode validation. */
export interface ModeProblem {
  /** Topology node. */
  nodeId: string;
  /** Required metric. */
  metric: SemanticMetric;
  /** Bins with non-finite values (absent when the series is missing). */
  bins?: number[];
  /** What is wrong. */
  message: string;
}

/**
 * Bins of a series in an inclusive range whose value is not finite.
 * @param values the series
 * @param startBin first bin
 * @param endBin last bin (inclusive)
 * @returns ascending bin indexes
 */
export function nonFiniteBins(values: Float64Array, startBin: number, endBin: number): number[] {
  const out: number[] = [];
  for (let i = startBin; i <= endBin; i++) if (!Number.isFinite(values[i])) out.push(i);
  return out;
}

function missingMessage(node: StateNode, metric: SemanticMetric): string {
  const ref = node.refs[metric];
  return ref === undefined
    ? `topology node '${node.id}' declares no ${metric} series (semantics.${metric} is not set)`
    : `topology node '${node.id}' ${metric} names '${ref}' but the run has no series for it`;
}

/**
 * Check a simulation run over an inclusive range of bins.
 * @param run the run
 * @param startBin first bin
 * @param endBin last bin (inclusive)
 * @throws FlowTimeError `mode_validation_failed` listing every missing or non-finite required
 *   series (in `details`)
 */
export function checkSimulationRun(run: StateRun, startBin: number, endBin: number): void {
  const problems: ModeProblem[] = [];
  for (const node of run.nodes) {
    for (const metric of REQUIRED_METRICS[node.kind]) {
      const values = node.series[metric];
      if (!values) {
        problems.push({ nodeId: node.id, metric, message: missingMessage(node, metric) });
        continue;
      }
      const bins = nonFiniteBins(values, startBin, endBin);
      if (bins.length > 0) {
        problems.push({
          nodeId: node.id,
          metric,
          bins,
          message: `topology node '${node.id}' ${metric} ('${
            node.refs[metric]
          }') is not a number in bin${bins.length === 1 ? "" : "s"} ${describeBins(bins)}`,
        });
      }
    }
  }
  if (problems.length === 0) return;
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem(s))` : "";
  throw new FlowTimeError(
    "mode_validation_failed",
    `run ${run.runId} is a simulation run, which needs finite arrivals and served: ${
      problems[0].message
    }${more}; re-run the model, or run it in telemetry mode to accept gaps`,
    { details: problems },
  );
}

/**
 * Run-level warnings of a telemetry run: required series that are missing
 * (`telemetry_sources_missing`, one per node and metric).
 * @param run the run
 * @returns the warnings (no bins: they apply to every query)
 */
export function telemetryMissingWarnings(run: StateRun): StateWarning[] {
  const out: StateWarning[] = [];
  for (const node of run.nodes) {
    for (const metric of REQUIRED_METRICS[node.kind]) {
      if (node.series[metric]) continue;
      out.push({
        code: "telemetry_sources_missing",
        message: `${missingMessage(node, metric)}; its values are null`,
        severity: "warning",
        source: "state",
        nodeId: node.id,
        metric,
      });
    }
  }
  return out;
}

/**
 * Gaps found by the query in a telemetry run: a `telemetry_gap` per declared metric with
 * non-finite values in range, unless the model node it names already carries a loader warning.
 * @param run the run
 * @param node the topology node
 * @param startBin first bin
 * @param endBin last bin (inclusive)
 * @returns node warnings with the bins in range
 */
export function telemetryGapWarnings(
  run: StateRun,
  node: StateNode,
  startBin: number,
  endBin: number,
): NodeTelemetryWarning[] {
  const out: NodeTelemetryWarning[] = [];
  for (const [metric, values] of Object.entries(node.series) as [SemanticMetric, Float64Array][]) {
    const ref = node.refs[metric]!;
    if (run.flaggedModelNodes.has(ref)) continue;
    const bins = nonFiniteBins(values, startBin, endBin);
    if (bins.length === 0) continue;
    out.push({
      code: "telemetry_gap",
      message: `${metric} ('${ref}') has no value in bin${bins.length === 1 ? "" : "s"} ${
        describeBins(bins)
      }; shown as null`,
      severity: "warning",
      source: "state",
      metric,
      bins,
    });
  }
  return out;
}

/**
 * Node warnings `negative_value` (source `state`): a series the node names is negative in
 * queried bins. Arrivals, served, errors, queues and capacities are counts, so the derived
 * metrics of those bins are null and the node is gray there; the warning says why.
 * @param node the topology node
 * @param startBin first bin
 * @param endBin last bin, inclusive
 * @returns one warning per metric with negative values
 */
export function negativeValueWarnings(
  node: StateNode,
  startBin: number,
  endBin: number,
): NodeTelemetryWarning[] {
  const out: NodeTelemetryWarning[] = [];
  for (const [metric, values] of Object.entries(node.series) as [SemanticMetric, Float64Array][]) {
    const bins: number[] = [];
    for (let i = startBin; i <= endBin; i++) if (values[i] < 0) bins.push(i);
    if (bins.length === 0) continue;
    out.push({
      code: "negative_value",
      message: `${metric} ('${node.refs[metric]}') is negative in bin${
        bins.length === 1 ? "" : "s"
      } ${describeBins(bins)} (first ${
        values[bins[0]]
      }); a count cannot be negative, so the derived metrics there are null (gray): check the model or the telemetry`,
      severity: "warning",
      source: "state",
      metric,
      bins,
    });
  }
  return out;
}
