// Warnings in state responses: which run.json warnings belong to which topology node, and how
// any warning with bins is restricted to the bins a query covers.
import type { TopologyNode } from "../model/types.ts";
import { SEMANTIC_METRICS } from "../model/types.ts";
import type { RunWarning } from "../base/warnings.ts";
import type { NodeTelemetryWarning, StateWarning } from "./types.ts";

/** Codes the telemetry loader writes into run.json for one model node. */
export const LOADER_WARNING_CODES: ReadonlySet<string> = new Set([
  "telemetry_gap",
  "telemetry_sources_unresolved",
  "telemetry_series_invalid",
]);

/**
 * Restrict a warning to an inclusive bin range. Warnings without bins apply everywhere.
 * @param warning the warning
 * @param startBin first bin of the query
 * @param endBin last bin of the query (inclusive)
 * @returns the warning with its bins clipped, or undefined when none of its bins is in range
 */
export function clipWarning<T extends { bins?: number[] }>(
  warning: T,
  startBin: number,
  endBin: number,
): T | undefined {
  if (warning.bins === undefined) return warning;
  const bins = warning.bins.filter((b) => b >= startBin && b <= endBin);
  return bins.length === 0 ? undefined : { ...warning, bins };
}

/**
 * Restrict a list of warnings to an inclusive bin range (see {@link clipWarning}).
 * @param warnings the warnings
 * @param startBin first bin
 * @param endBin last bin (inclusive)
 * @returns the warnings that apply, bins clipped
 */
export function clipWarnings<T extends { bins?: number[] }>(
  warnings: readonly T[],
  startBin: number,
  endBin: number,
): T[] {
  const out: T[] = [];
  for (const w of warnings) {
    const clipped = clipWarning(w, startBin, endBin);
    if (clipped) out.push(clipped);
  }
  return out;
}

/** run.json warnings split between topology nodes and the run. */
export interface RoutedRunWarnings {
  /** Loader warnings by topology node id (a model node's warning goes to every node naming it). */
  byNode: Map<string, NodeTelemetryWarning[]>;
  /** Model nodes that carry a loader warning. */
  flaggedModelNodes: Set<string>;
  /** Everything else: engine warnings and loader warnings of model nodes no topology names. */
  runLevel: StateWarning[];
}

/**
 * Route run.json warnings: a loader warning about a model node is attached to every topology
 * node whose semantics name that model node (with the first metric that names it); all other
 * warnings are run-level.
 * @param warnings run.json warnings
 * @param topology topology nodes of the run's model
 * @returns warnings by node and run-level warnings
 */
export function routeRunWarnings(
  warnings: readonly RunWarning[],
  topology: readonly TopologyNode[],
): RoutedRunWarnings {
  const byNode = new Map<string, NodeTelemetryWarning[]>();
  const flaggedModelNodes = new Set<string>();
  const runLevel: StateWarning[] = [];
  for (const w of warnings) {
    let attached = false;
    if (w.nodeId !== undefined && LOADER_WARNING_CODES.has(w.code)) {
      for (const tn of topology) {
        const metric = SEMANTIC_METRICS.find((m) => tn.semantics[m] === w.nodeId);
        if (metric === undefined) continue;
        const list = byNode.get(tn.id) ?? [];
        list.push(nodeWarningOf(w, metric));
        byNode.set(tn.id, list);
        attached = true;
      }
      flaggedModelNodes.add(w.nodeId);
    }
    if (!attached) runLevel.push(runWarningOf(w));
  }
  return { byNode, flaggedModelNodes, runLevel };
}

function nodeWarningOf(w: RunWarning, metric: string): NodeTelemetryWarning {
  return {
    code: w.code,
    message: w.message,
    severity: w.severity,
    source: "run",
    metric,
    ...binsOf(w.bins),
  };
}

function runWarningOf(w: RunWarning): StateWarning {
  return {
    code: w.code,
    message: w.message,
    severity: w.severity,
    source: "run",
    ...(w.nodeId !== undefined ? { nodeId: w.nodeId } : {}),
    ...binsOf(w.bins),
  };
}

/**
 * The `bins` of a warning as responses carry them: valid bin indexes, ascending and unique;
 * no `bins` at all when none are given (an empty list means the warning is not bin-specific).
 * @param bins bins as read from run.json or a capture manifest
 * @returns `{bins}` or an empty object
 */
export function binsOf(bins: unknown): { bins?: number[] } {
  if (!Array.isArray(bins)) return {};
  const valid = bins.filter((b): b is number => Number.isInteger(b) && b >= 0);
  return valid.length === 0 ? {} : { bins: [...new Set(valid)].sort((a, b) => a - b) };
}
