// Parity: compare two runs bin by bin for every topology node and metric, to prove that a
// telemetry replay reproduces the run it was captured from (or to measure how far it drifts).
import { FlowTimeError } from "../base/errors.ts";
import type { RunBundle } from "../artifacts/reader.ts";
import { SEMANTIC_METRICS, type SemanticMetric } from "../model/types.ts";

/** Comparison of one node metric. */
export interface MetricParity {
  /** Topology node id. */
  nodeId: string;
  /** Metric compared. */
  metric: SemanticMetric;
  /** Series id in the first run. */
  seriesA: string;
  /** Series id in the second run. */
  seriesB: string;
  /** Largest absolute difference (Infinity when one side is NaN and the other is not). */
  maxAbsDiff: number;
  /** Bin of the largest difference (-1 when identical). */
  bin: number;
  /** Number of bins whose difference exceeds the tolerance. */
  differingBins: number;
}

/** A metric only one of the runs has. */
export interface MissingMetric {
  /** Topology node id. */
  nodeId: string;
  /** Metric. */
  metric: SemanticMetric;
  /** Which run has it. */
  onlyIn: "a" | "b";
}

/** Result of {@link compareRuns}. */
export interface ParityReport {
  /** Run ids compared, in order. */
  runs: [string, string];
  /** Allowed absolute difference per bin. */
  tolerance: number;
  /** Number of bins compared per series. */
  bins: number;
  /** Largest difference over every comparison (0 when identical). */
  maxAbsDiff: number;
  /** True when no bin of any metric differs by more than the tolerance and nothing is missing. */
  passed: boolean;
  /** Every node metric present in both runs, largest difference first. */
  comparisons: MetricParity[];
  /** Metrics present in only one run. */
  missing: MissingMetric[];
}

/** Options for {@link compareRuns}. */
export interface ParityOptions {
  /** Allowed absolute difference per bin.
   * @default 0
   */
  tolerance?: number;
}

/**
 * Compare two runs bin by bin for every topology node and metric they share. Two NaN values
 * are equal; NaN against a number is an infinite difference.
 * @param runs the two runs, in the order the report names them
 * @param options the allowed absolute difference per bin
 * @returns the report
 */
export async function compareRuns(
  runs: readonly [RunBundle, RunBundle],
  options: ParityOptions = {},
): Promise<ParityReport> {
  const [a, b] = runs;
  const tolerance = options.tolerance ?? 0;
  if (!(tolerance >= 0)) {
    throw new FlowTimeError("usage", `tolerance must be a number >= 0, got ${tolerance}`);
  }
  const bins = a.runJson.grid.bins;
  if (b.runJson.grid.bins !== bins) {
    throw new FlowTimeError(
      "parity_failed",
      `the runs have different grids: ${a.runId} has ${bins} bins, ${b.runId} has ${b.runJson.grid.bins}`,
    );
  }
  const metricsA = topologySeries(a);
  const metricsB = topologySeries(b);
  const comparisons: MetricParity[] = [];
  const missing: MissingMetric[] = [];
  for (const [key, seriesA] of metricsA) {
    const seriesB = metricsB.get(key);
    const [nodeId, metric] = splitKey(key);
    if (!seriesB) {
      missing.push({ nodeId, metric, onlyIn: "a" });
      continue;
    }
    const va = await a.readSeries(seriesA);
    const vb = await b.readSeries(seriesB);
    let maxAbsDiff = 0;
    let bin = -1;
    let differingBins = 0;
    for (let t = 0; t < bins; t++) {
      const x = va[t];
      const y = vb[t];
      const diff = Number.isNaN(x) && Number.isNaN(y)
        ? 0
        : Number.isNaN(x) || Number.isNaN(y)
        ? Infinity
        : x === y
        ? 0
        : Math.abs(x - y);
      if (diff > tolerance) differingBins++;
      if (diff > maxAbsDiff) {
        maxAbsDiff = diff;
        bin = t;
      }
    }
    comparisons.push({ nodeId, metric, seriesA, seriesB, maxAbsDiff, bin, differingBins });
  }
  for (const key of metricsB.keys()) {
    if (!metricsA.has(key)) {
      const [nodeId, metric] = splitKey(key);
      missing.push({ nodeId, metric, onlyIn: "b" });
    }
  }
  comparisons.sort((x, y) => y.maxAbsDiff - x.maxAbsDiff || x.nodeId.localeCompare(y.nodeId));
  const maxAbsDiff = comparisons.reduce((m, c) => Math.max(m, c.maxAbsDiff), 0);
  return {
    runs: [a.runId, b.runId],
    tolerance,
    bins,
    maxAbsDiff,
    passed: missing.length === 0 && comparisons.every((c) => c.differingBins === 0),
    comparisons,
    missing,
  };
}

function topologySeries(run: RunBundle): Map<string, string> {
  const model = run.parsedModel().model;
  const out = new Map<string, string>();
  for (const node of model.topology?.nodes ?? []) {
    for (const metric of SEMANTIC_METRICS) {
      const ref = node.semantics[metric];
      if (typeof ref !== "string") continue;
      const id = run.resolveSeriesId(ref);
      if (id) out.set(`${node.id}\u0000${metric}`, id);
    }
  }
  return out;
}

function splitKey(key: string): [string, SemanticMetric] {
  const [nodeId, metric] = key.split("\u0000");
  return [nodeId, metric as SemanticMetric];
}
