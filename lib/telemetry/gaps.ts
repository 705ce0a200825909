// The gap injector's rule selection (pure): which bins of one captured series each rule hits,
// with random picks drawn from PCG32 streams keyed by seed, node and metric.
import type { SemanticMetric } from "../model/types.ts";
import { pcg32FromText } from "./_pcg32.ts";
import type { GapAction, GapConfig, GapRule } from "./types.ts";

/** Per-bin gap action codes in a {@link GapPlan}. */
export const GAP_NONE = 0;
/** Row removed. */
export const GAP_DROP = 1;
/** Value written as an empty cell. */
export const GAP_NAN = 2;
/** Value written as 0. */
export const GAP_ZERO = 3;

const CODES: Readonly<Record<GapAction, number>> = { drop: GAP_DROP, nan: GAP_NAN, zero: GAP_ZERO };

/** Gap action per bin of one series: `GAP_NONE`, `GAP_DROP`, `GAP_NAN` or `GAP_ZERO`. */
export type GapPlan = Uint8Array;

/** The series a rule may apply to. */
export interface GapSeries {
  /** Topology node id. */
  nodeId: string;
  /** Semantic key. */
  semantic: SemanticMetric;
  /** Number of bins of the grid. */
  bins: number;
}

/**
 * True when a rule applies to a series.
 * @param rule the rule
 * @param series node and metric
 * @returns whether node and metric match (`*` matches anything)
 */
export function ruleMatches(
  rule: GapRule,
  series: Pick<GapSeries, "nodeId" | "semantic">,
): boolean {
  return (rule.node === "*" || rule.node === series.nodeId) &&
    (rule.metric === "*" || rule.metric === series.semantic);
}

/**
 * The gap action of every bin of one series. Rules apply in order; where several hit the same
 * bin the last one wins. Explicit bins past the grid are ignored here (the configuration check
 * refuses them first).
 * @param config the gap configuration
 * @param series which series and how many bins
 * @returns one action code per bin, or undefined when no rule applies
 */
export function gapPlanFor(config: GapConfig, series: GapSeries): GapPlan | undefined {
  let plan: GapPlan | undefined;
  for (const rule of config.rules) {
    if (!ruleMatches(rule, series)) continue;
    plan ??= new Uint8Array(series.bins);
    const code = CODES[rule.action];
    if (rule.ranges) {
      for (const [first, last] of rule.ranges) {
        for (let b = first; b <= last && b < series.bins; b++) plan[b] = code;
      }
    } else if (rule.fraction !== undefined) {
      for (const b of randomBins(config.seed ?? 0, series, rule.fraction)) plan[b] = code;
    }
  }
  return plan;
}

/**
 * The bins a random rule picks: `round(fraction x bins)` distinct bins, the first draws of a
 * Fisher-Yates shuffle of the grid driven by PCG32 seeded from sha256 of
 * `gaps:<seed>:<nodeId>:<metric>`. The same seed, node and metric always pick the same bins, and
 * a smaller fraction picks a subset of what a larger one picks.
 * @param seed the configuration's seed
 * @param series node, metric and grid length
 * @param fraction share of bins to pick, 0..1
 * @returns the picked bins, ascending
 */
export function randomBins(seed: number, series: GapSeries, fraction: number): number[] {
  const n = series.bins;
  const k = Math.min(n, Math.round(fraction * n));
  if (k === 0) return [];
  const rng = pcg32FromText(`gaps:${seed}:${series.nodeId}:${series.semantic}`);
  if (k * 8 > n) {
    // Most of the grid: shuffle it in place.
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    for (let i = 0; i < k; i++) {
      const j = i + rng.below(n - i);
      const t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return Array.from(order.subarray(0, k)).sort((a, b) => a - b);
  }
  // A few bins: the same first k steps of the shuffle, with only the moved entries stored (k
  // draws and k entries, however long the grid).
  const moved = new Map<number, number>();
  const picked = new Array<number>(k);
  for (let i = 0; i < k; i++) {
    const j = i + rng.below(n - i);
    const atJ = moved.get(j) ?? j;
    moved.set(j, moved.get(i) ?? i);
    picked[i] = atJ;
  }
  return picked.sort((a, b) => a - b);
}
