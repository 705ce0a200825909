// Comparing two runs of one topology (e.g. a replay and its source run): which runs qualify, whether
// two opened runs match node for node, and each metric's difference over the whole window.
// @ts-check
/// <reference lib="dom" />
import { SERIES_KEYS } from "./run_data.js";

/**
 * @typedef {import("./api.js").RunSummary} RunSummary
 * @typedef {import("./run_data.js").RunData} RunData
 * @typedef {{key: string, differing: number, compared: number, maxAbs: number,
 *   maxAt: number | null}} MetricDiff
 */

/**
 * The runs worth offering for comparison with a run: those on the same grid, the run's capture
 * source first, then runs of the same template, newest first.
 * @param {RunSummary[]} runs every run
 * @param {RunData} run the run being viewed
 * @returns {Array<RunSummary & {why: string}>} candidates with a short reason
 */
export function compareCandidates(runs, run) {
  const grid = run.detail.run.grid;
  const source = run.detail.metadata?.capture?.runId;
  const template = run.detail.metadata?.templateId ?? "adhoc-model";
  return runs
    .filter((r) =>
      r.runId !== run.runId && r.grid.bins === grid.bins && r.grid.binSize === grid.binSize &&
      r.grid.binUnit === grid.binUnit
    )
    .map((r) => ({
      ...r,
      why: r.runId === source
        ? "capture source"
        : r.templateId === template
        ? "same template"
        : "same grid",
    }))
    .sort((a, b) => rank(a.why) - rank(b.why));
}

/** @param {string} why @returns {number} */
function rank(why) {
  return why === "capture source" ? 0 : why === "same template" ? 1 : 2;
}

/**
 * Why two runs cannot be compared node for node, if they cannot.
 * @param {RunData} a the run viewed
 * @param {RunData} b the other run
 * @returns {string | undefined} the reason, or undefined when they match
 */
export function mismatch(a, b) {
  if (a.bins !== b.bins) return `${b.runId} has ${b.bins} bins, ${a.runId} has ${a.bins}`;
  const ids = (/** @type {RunData} */ r) => [...r.nodes.keys()].sort().join(",");
  if (ids(a) !== ids(b)) {
    const missing = [...a.nodes.keys()].filter((id) => !b.nodes.has(id));
    const extra = [...b.nodes.keys()].filter((id) => !a.nodes.has(id));
    return `the topologies differ (${
      [
        missing.length ? `missing in ${b.runId}: ${missing.join(", ")}` : "",
        extra.length ? `only in ${b.runId}: ${extra.join(", ")}` : "",
      ].filter(Boolean).join("; ")
    })`;
  }
  return undefined;
}

/**
 * Each metric's difference between two runs for a node, over the bins both have loaded.
 * @param {RunData} a the run viewed
 * @param {RunData} b the other run
 * @param {string} nodeId the node
 * @returns {MetricDiff[]} one entry per metric both runs have
 */
export function windowDiff(a, b, nodeId) {
  const na = a.nodes.get(nodeId);
  const nb = b.nodes.get(nodeId);
  if (!na || !nb) return [];
  /** @type {MetricDiff[]} */
  const out = [];
  for (const key of SERIES_KEYS) {
    const va = na.series[key];
    const vb = nb.series[key];
    if (!va || !vb) continue;
    let differing = 0;
    let compared = 0;
    let maxAbs = 0;
    /** @type {number | null} */
    let maxAt = null;
    for (let i = 0; i < a.bins; i++) {
      if (!a.has(i) || !b.has(i)) continue;
      compared++;
      const x = va[i];
      const y = vb[i];
      if (x === y) continue;
      differing++;
      if (x !== null && y !== null && Math.abs(x - y) > maxAbs) {
        maxAbs = Math.abs(x - y);
        maxAt = i;
      }
    }
    out.push({ key, differing, compared, maxAbs, maxAt });
  }
  return out;
}
