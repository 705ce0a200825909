// One run opened in the viewer: its documents, its graph and every bin's node state, fetched as
// /state_window chunks of at most the server's window limit and kept, so bin moves are local.
// @ts-check
/// <reference lib="dom" />
import { api, ApiError } from "./api.js";

/**
 * @typedef {import("./api.js").StateWarning} StateWarning
 * @typedef {import("./api.js").RunDetail} RunDetail
 * @typedef {import("./api.js").RunGraph} RunGraph
 * @typedef {StateWarning & {binSet?: Set<number>}} KeptWarning
 * @typedef {{id: string, kind: string, slaMin?: number, sources: string[],
 *   series: Record<string, Array<number | null>>, colors: string[],
 *   warnings: Map<string, KeptWarning>}} NodeData
 * @typedef {{metrics: Record<string, number | null>, derived: Record<string, number | null>,
 *   color: string}} NodeState
 */

/** Series a node can have, in display order: metrics first, then derived values. */
export const SERIES_KEYS = [
  "arrivals",
  "served",
  "errors",
  "capacity",
  "queue",
  "externalDemand",
  "utilization",
  "latencyMinutes",
  "throughputRatio",
];
const DERIVED = new Set(["utilization", "latencyMinutes", "throughputRatio"]);
const UNIT_MINUTES = /** @type {Record<string, number>} */ ({
  minutes: 1,
  hours: 60,
  days: 1440,
  weeks: 10080,
});
const NOT_LOADED = 0;
const LOADED = 1;
const FAILED = 2;

/** A run's data in the browser. Create with {@link RunData.open}. */
export class RunData {
  /**
   * @param {RunDetail} detail the run's documents
   * @param {RunGraph} graph the run's topology
   * @param {number} windowLimit the server's most bins per window
   * @param {AbortController} [abort] cancels this run's requests
   */
  constructor(detail, graph, windowLimit, abort = new AbortController()) {
    this.runId = detail.run.runId;
    this.detail = detail;
    this.graph = graph;
    this.bins = detail.run.grid.bins;
    this.binMinutes = detail.run.grid.binSize * (UNIT_MINUTES[detail.run.grid.binUnit] ?? 1);
    this.chunkBins = Math.max(1, Math.min(windowLimit, this.bins));
    const start = detail.run.grid.start ? Date.parse(detail.run.grid.start) : NaN;
    /** Start of each bin in ms since the epoch, or null without a grid start. */
    this.times = Array.from(
      { length: this.bins },
      (_, i) => Number.isFinite(start) ? start + i * this.binMinutes * 60_000 : null,
    );
    /** @type {Map<string, NodeData>} */
    this.nodes = new Map(graph.nodes.map((n) => [n.id, {
      id: n.id,
      kind: n.kind,
      ...(typeof n.semantics.slaMin === "number" ? { slaMin: n.semantics.slaMin } : {}),
      sources: [],
      series: {},
      colors: new Array(this.bins).fill("gray"),
      warnings: new Map(),
    }]));
    /** Run-level warnings, merged over chunks. @type {Map<string, KeptWarning>} */
    this.runWarnings = new Map();
    this.state = new Uint8Array(this.bins);
    /** Why a bin could not be loaded. @type {Map<number, string>} */
    this.binErrors = new Map();
    /** @type {Map<number, Promise<void>>} */
    this.chunks = new Map();
    this.abort = abort;
    /** Called after each chunk or bin arrives. @type {() => void} */
    this.onData = () => {};
  }

  /**
   * Fetch a run's documents and graph, and start fetching the window around the first bin shown
   * as soon as the grid is known (in parallel with the graph).
   * @param {string} runId the run id
   * @param {number} windowLimit the server's most bins per window
   * @param {number} [firstBin] the bin to be shown first
   * @returns {Promise<RunData>} the run, its first window on the way
   */
  static async open(runId, windowLimit, firstBin = 0) {
    const graph = api.graph(runId);
    graph.catch(() => {}); // awaited below; this only keeps an early failure from going unhandled
    const detail = await api.run(runId);
    const abort = new AbortController();
    const bins = detail.run.grid.bins;
    const chunkBins = Math.max(1, Math.min(windowLimit, bins));
    const chunk = Math.floor(Math.min(bins - 1, Math.max(0, firstBin)) / chunkBins);
    const startBin = chunk * chunkBins;
    const endBin = Math.min(bins, startBin + chunkBins) - 1;
    const first = api.window(runId, startBin, endBin, abort.signal);
    first.catch(() => {}); // handled once the run exists, below
    /** @type {RunGraph} */
    let graphDoc;
    try {
      graphDoc = await graph;
    } catch (err) {
      abort.abort();
      throw err;
    }
    const run = new RunData(detail, graphDoc, windowLimit, abort);
    run.chunks.set(
      chunk,
      first.then((w) => run.#storeWindow(w), (err) => run.#chunkFailed(startBin, endBin, err)),
    );
    return run;
  }

  /** Stop loading. */
  close() {
    this.abort.abort();
  }

  /**
   * @param {number} bin a bin of the grid
   * @returns {boolean} whether the bin's state is here (or known to be unavailable)
   */
  has(bin) {
    return this.state[bin] !== NOT_LOADED;
  }

  /**
   * Load the bin's chunk, unless it is here.
   * @param {number} bin a bin of the grid
   * @returns {Promise<void>} settles when the bin is loaded or known to be unavailable
   */
  async ensure(bin) {
    if (this.has(bin)) return;
    await this.#chunk(Math.floor(bin / this.chunkBins));
    if (!this.has(bin)) await this.#snapshot(bin);
  }

  /**
   * Load every chunk, the one holding `firstBin` first, then the others in order.
   * @param {number} firstBin the bin to show first
   * @returns {Promise<void>} settles when all chunks were asked for
   */
  async loadAll(firstBin) {
    await this.ensure(firstBin);
    const count = Math.ceil(this.bins / this.chunkBins);
    for (let c = 0; c < count && !this.abort.signal.aborted; c++) await this.#chunk(c);
  }

  /** @returns {boolean} whether every bin is here */
  complete() {
    return this.state.every((s) => s !== NOT_LOADED);
  }

  /**
   * A node's metrics, derived values and colour at a bin.
   * @param {string} nodeId topology node id
   * @param {number} bin a loaded bin
   * @returns {NodeState | undefined} undefined for an unknown node
   */
  nodeAt(nodeId, bin) {
    const node = this.nodes.get(nodeId);
    if (!node) return undefined;
    /** @type {Record<string, number | null>} */
    const metrics = {};
    /** @type {Record<string, number | null>} */
    const derived = {};
    for (const [key, values] of Object.entries(node.series)) {
      (DERIVED.has(key) ? derived : metrics)[key] = values[bin] ?? null;
    }
    return { metrics, derived, color: node.colors[bin] };
  }

  /**
   * Warnings in force at a bin: run-level ones (including capture warnings naming a node) and
   * each node's telemetry warnings. Warnings without bins hold at every bin.
   * @param {number} bin a bin
   * @returns {{run: StateWarning[], nodes: Map<string, StateWarning[]>}} the warnings
   */
  warningsAt(bin) {
    const at = (/** @type {Iterable<KeptWarning>} */ list) =>
      [...list].filter((w) => !w.binSet || w.binSet.has(bin)).map(plainWarning);
    const nodes = new Map();
    for (const node of this.nodes.values()) nodes.set(node.id, at(node.warnings.values()));
    return { run: at(this.runWarnings.values()), nodes };
  }

  /**
   * Bins where a node's data has a gap or a capture warning (for shading charts).
   * @param {string} nodeId topology node id
   * @returns {number[]} sorted bins
   */
  gapBins(nodeId) {
    const bins = new Set();
    const node = this.nodes.get(nodeId);
    const add = (/** @type {KeptWarning} */ w) => w.binSet?.forEach((b) => bins.add(b));
    node?.warnings.forEach(add);
    this.runWarnings.forEach((w) => w.nodeId === nodeId && add(w));
    return [...bins].sort((a, b) => a - b);
  }

  /**
   * @param {number} c chunk number
   * @returns {Promise<void>} settles when the chunk is stored or has failed
   */
  #chunk(c) {
    let pending = this.chunks.get(c);
    if (!pending) {
      const startBin = c * this.chunkBins;
      const endBin = Math.min(this.bins, startBin + this.chunkBins) - 1;
      pending = api.window(this.runId, startBin, endBin, this.abort.signal).then(
        (w) => this.#storeWindow(w),
        (err) => this.#chunkFailed(startBin, endBin, err),
      );
      this.chunks.set(c, pending);
    }
    return pending;
  }

  /** @param {import("./api.js").StateWindow} w a window response */
  #storeWindow(w) {
    const { startBin, binCount } = w.window;
    const whole = startBin === 0 && binCount === this.bins;
    for (const wn of w.nodes) {
      const node = this.nodes.get(wn.id);
      if (!node) continue;
      node.sources = wn.telemetry.sources;
      for (const [key, values] of Object.entries(wn.series)) {
        if (key === "color") {
          for (let i = 0; i < binCount; i++) {
            node.colors[startBin + i] = /** @type {string} */ (values[i]);
          }
          continue;
        }
        if (whole) node.series[key] = /** @type {Array<number | null>} */ (values);
        else {
          const target = node.series[key] ??= new Array(this.bins).fill(null);
          for (let i = 0; i < binCount; i++) {
            target[startBin + i] = /** @type {number | null} */ (values[i]);
          }
        }
      }
      for (const warning of wn.telemetry.warnings) keep(node.warnings, warning);
    }
    for (const warning of w.warnings) keep(this.runWarnings, warning);
    this.state.fill(LOADED, startBin, startBin + binCount);
    this.onData();
  }

  /**
   * A window that fails (a simulation run whose required series are missing in some bin answers
   * 422 for the whole window) is answered bin by bin with /state instead.
   * @param {number} startBin first bin of the chunk
   * @param {number} endBin last bin of the chunk
   * @param {unknown} err why the window failed
   */
  #chunkFailed(startBin, endBin, err) {
    if (this.abort.signal.aborted) return;
    if (!(err instanceof ApiError) || err.status === 0 || err.status >= 500) {
      for (let b = startBin; b <= endBin; b++) this.#failBin(b, errorText(err));
    }
  }

  /** @param {number} bin a bin whose chunk failed */
  async #snapshot(bin) {
    try {
      const s = await api.state(this.runId, bin);
      for (const sn of s.nodes) {
        const node = this.nodes.get(sn.id);
        if (!node) continue;
        node.sources = sn.telemetry.sources;
        const values = { ...sn.metrics, ...sn.derived };
        for (const [key, value] of Object.entries(values)) {
          if (key === "color") node.colors[bin] = /** @type {string} */ (value);
          else {
            (node.series[key] ??= new Array(this.bins).fill(null))[bin] =
              /** @type {number | null} */ (value);
          }
        }
        for (const warning of sn.telemetry.warnings) keep(node.warnings, warning);
      }
      for (const warning of s.warnings) keep(this.runWarnings, warning);
      this.state[bin] = LOADED;
      this.onData();
    } catch (err) {
      if (!this.abort.signal.aborted) this.#failBin(bin, errorText(err));
    }
  }

  /** @param {number} bin @param {string} message */
  #failBin(bin, message) {
    this.state[bin] = FAILED;
    this.binErrors.set(bin, message);
    for (const node of this.nodes.values()) node.colors[bin] = "gray";
  }
}

/**
 * Merge a warning into a kept set: the same warning seen in several chunks keeps one entry whose
 * bins are the union of the chunks' clipped bins.
 * @param {Map<string, KeptWarning>} kept warnings so far
 * @param {StateWarning} warning a warning of one response
 */
function keep(kept, warning) {
  const key = [warning.code, warning.source, warning.nodeId, warning.metric, warning.message].join(
    "\u0000",
  );
  const have = kept.get(key);
  if (!have) {
    kept.set(key, { ...warning, ...(warning.bins ? { binSet: new Set(warning.bins) } : {}) });
  } else if (warning.bins) warning.bins.forEach((b) => have.binSet?.add(b));
}

/** @param {KeptWarning} w @returns {StateWarning} */
function plainWarning(w) {
  const { binSet, ...rest } = w;
  return binSet ? { ...rest, bins: [...binSet].sort((a, b) => a - b) } : rest;
}

/** @param {unknown} err @returns {string} */
function errorText(err) {
  return err instanceof Error ? err.message : String(err);
}
