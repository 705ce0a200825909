// The charts panel: the selected node's series over the whole grid (uPlot) with the current bin
// marked, gaps left as gaps and shaded, the compared run dashed; else every node's status by bin.
// @ts-check
/// <reference lib="dom" />
import uPlot from "uplot";
import { h, LABELS, statusOf } from "./format.js";

/** @typedef {import("./run_data.js").RunData} RunData */

/** Line colours (Okabe-Ito), distinct from one another for colour-blind readers too. */
const LINE = /** @type {Record<string, string>} */ ({
  arrivals: "#0072b2",
  served: "#009e73",
  errors: "#d55e00",
  capacity: "#555555",
  queue: "#56b4e9",
  externalDemand: "#cc79a7",
  utilization: "#0072b2",
  latencyMinutes: "#e69f00",
});
const FLOW = ["arrivals", "served", "errors", "capacity", "externalDemand", "queue"];
const GAP_FILL = "rgba(213, 94, 0, 0.12)";

/** The charts panel. */
export class Charts {
  /**
   * @param {HTMLElement} host the panel
   * @param {(bin: number, nodeId?: string) => void} onPick called when the user clicks a bin in
   *   a chart (with the node's id when clicking a row of the status map)
   */
  constructor(host, onPick) {
    this.host = host;
    this.onPick = onPick;
    /** @type {uPlot[]} */
    this.plots = [];
    /** @type {HTMLElement[]} */
    this.markers = [];
    this.bin = 0;
    /** @type {{run: RunData, nodeId?: string, other?: RunData} | undefined} */
    this.subject = undefined;
    /** @type {StatusMap | undefined} */
    this.map = undefined;
    new ResizeObserver(() => this.#resize()).observe(host);
  }

  /**
   * Show every node's status by bin (when no node is selected).
   * @param {RunData} run the run
   */
  statusMap(run) {
    this.#destroy();
    this.subject = { run };
    const canvas = h("canvas", { class: "status-map", role: "img" });
    const marker = h("div", { class: "bin-marker map-marker", "aria-hidden": "true" });
    const area = h("div", { class: "chart-area" }, [canvas, marker]);
    this.host.replaceChildren(h("figure", { class: "chart chart-wide", "data-chart": "status" }, [
      h("figcaption", {}, ["Status of every node, bin by bin (click a cell to go there)"]),
      area,
    ]));
    this.map = new StatusMap(run, canvas, marker, this.onPick);
    this.setBin(this.bin);
  }

  /**
   * Chart a node.
   * @param {RunData} run the run
   * @param {string} nodeId the node
   * @param {RunData} [other] the compared run, drawn dashed
   */
  show(run, nodeId, other) {
    this.#destroy();
    this.subject = { run, nodeId, ...(other ? { other } : {}) };
    const node = run.nodes.get(nodeId);
    if (!node) return this.statusMap(run);
    const flowKeys = FLOW.filter((k) => k in node.series);
    const levelKeys = ["utilization", "latencyMinutes"].filter((k) => k in node.series);
    const dashed = other ? " · dashed: compared run" : "";
    const boxes = [
      this.#box("flow", `${nodeId}: flow per bin${dashed}`),
      this.#box(
        "level",
        `${nodeId}: utilisation${
          levelKeys.includes("latencyMinutes") ? " and latency" : ""
        }${dashed}`,
      ),
    ];
    this.host.replaceChildren(...boxes.map((b) => b.box));
    const gaps = run.gapBins(nodeId);
    this.plots = [
      this.#plot(boxes[0].area, run, flowKeys, other, gaps, nodeId),
      this.#plot(boxes[1].area, run, levelKeys, other, gaps, nodeId),
    ];
    this.markers = this.plots.map((u) => {
      const marker = h("div", { class: "bin-marker", "aria-hidden": "true" });
      u.over.append(marker);
      return marker;
    });
    this.setBin(this.bin);
  }

  /** The run's data grew (a chunk arrived): redraw with it. */
  refresh() {
    const s = this.subject;
    if (!s) return;
    if (s.nodeId) this.show(s.run, s.nodeId, s.other);
    else if (this.map?.run === s.run) this.map.draw();
    else this.statusMap(s.run);
  }

  /**
   * Mark a bin.
   * @param {number} bin the bin
   */
  setBin(bin) {
    this.bin = bin;
    this.plots.forEach((u, i) => placeMarker(u, this.markers[i], bin));
    this.map?.mark(bin);
  }

  /** @param {string} kind @param {string} title */
  #box(kind, title) {
    const area = h("div", { class: "chart-area" });
    const box = h("figure", { class: `chart chart-${kind}`, "data-chart": kind }, [
      h("figcaption", {}, [title]),
      area,
    ]);
    return { box, area };
  }

  /**
   * @param {HTMLElement} area where the chart goes
   * @param {RunData} run the run
   * @param {string[]} keys series of this run to draw
   * @param {RunData | undefined} other the compared run
   * @param {number[]} gaps bins to shade
   * @param {string} nodeId the node
   * @returns {uPlot} the chart
   */
  #plot(area, run, keys, other, gaps, nodeId) {
    const timed = run.times[0] !== null;
    const xs = run.times.map((t, i) => timed ? /** @type {number} */ (t) / 1000 : i);
    const node =
      /** @type {NonNullable<ReturnType<RunData["nodes"]["get"]>>} */ (run.nodes.get(nodeId));
    const otherNode = other?.nodes.get(nodeId);
    /** @type {Array<Array<number | null>>} */
    const data = [xs];
    /** @type {uPlot.Series[]} */
    const series = [{ label: timed ? "time (UTC)" : "bin" }];
    const level = keys.includes("utilization") || keys.includes("latencyMinutes");
    const scaleOf = (/** @type {string} */ k) =>
      k === "utilization" ? "%" : k === "latencyMinutes" ? "min" : "n";
    const values = (/** @type {Array<number | null>} */ v, /** @type {string} */ k) =>
      k === "utilization" ? v.map((x) => x === null ? null : x * 100) : v;
    for (const k of keys) {
      data.push(values(node.series[k], k));
      series.push({
        label: LABELS[k] + (k === "utilization" ? " %" : k === "latencyMinutes" ? " (min)" : ""),
        stroke: LINE[k],
        width: k === "capacity" ? 1.5 : 2,
        dash: k === "capacity" ? [6, 4] : k === "queue" ? [2, 3] : undefined,
        scale: scaleOf(k),
        spanGaps: false,
        points: { show: false },
      });
      const theirs = otherNode?.series[k];
      if (theirs && k !== "capacity") {
        data.push(values(theirs, k));
        series.push({
          label: `${LABELS[k]} (compared)`,
          stroke: LINE[k],
          width: 1.5,
          dash: [4, 4],
          alpha: 0.75,
          scale: scaleOf(k),
          spanGaps: false,
          points: { show: false },
          class: "compared",
        });
      }
    }
    /** @type {uPlot.Axis[]} */
    const axes = [
      {
        stroke: "#4a5563",
        grid: { stroke: "#eef0f3" },
        ticks: { stroke: "#d0d5dc" },
        ...(timed ? { values: (_u, ticks) => ticks.map(utcTick) } : {}),
      },
      {
        scale: level ? "%" : "n",
        stroke: "#4a5563",
        grid: { stroke: "#eef0f3" },
        ticks: { stroke: "#d0d5dc" },
        size: 52,
        ...(level ? { values: (_u, ticks) => ticks.map((t) => `${t}%`) } : {}),
      },
    ];
    if (keys.includes("latencyMinutes")) {
      axes.push({
        scale: "min",
        side: 1,
        stroke: "#4a5563",
        grid: { show: false },
        size: 52,
        values: (_u, ticks) => ticks.map((t) => `${t} min`),
      });
    }
    const width = Math.max(200, area.clientWidth);
    const u = new uPlot(
      {
        width,
        height: Math.max(90, area.clientHeight - 34),
        series,
        axes,
        scales: {
          x: { time: timed },
          "%": { range: (_u, _min, max) => [0, Math.max(100, Math.ceil((max ?? 0) / 10) * 10)] },
          n: { range: (_u, min, max) => [Math.min(0, min ?? 0), Math.max(1, max ?? 1) * 1.05] },
        },
        tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), "Etc/UTC"),
        cursor: { drag: { x: false, y: false }, points: { size: 6 } },
        legend: { live: false },
        hooks: {
          drawClear: [(u) => shadeGaps(u, xs, gaps)],
          draw: [(u) => placeMarker(u, this.markers[this.plots.indexOf(u)], this.bin)],
        },
      },
      /** @type {uPlot.AlignedData} */ (/** @type {unknown} */ (data)),
      area,
    );
    if (keys.length === 0) {
      area.append(h("p", { class: "chart-note" }, [
        level ? "No capacity or queue declared: no utilisation or latency to chart." : "No series.",
      ]));
    }
    u.over.addEventListener("click", () => {
      const idx = u.cursor.idx;
      if (idx !== null && idx !== undefined) this.onPick(idx);
    });
    return u;
  }

  #resize() {
    for (const u of this.plots) {
      const area = /** @type {HTMLElement} */ (u.root.parentElement);
      u.setSize({
        width: Math.max(200, area.clientWidth),
        height: Math.max(90, area.clientHeight - 34),
      });
    }
  }

  #destroy() {
    for (const u of this.plots) u.destroy();
    this.plots = [];
    this.markers = [];
    this.map?.observer.disconnect();
    this.map = undefined;
  }
}

/**
 * A time tick in UTC: `HH:MM`, or `MM-DD` at midnight.
 * @param {number} seconds seconds since the epoch
 * @returns {string} the label
 */
function utcTick(seconds) {
  const iso = new Date(seconds * 1000).toISOString();
  return iso.slice(11, 16) === "00:00" ? iso.slice(5, 10) : iso.slice(11, 16);
}

/** Every node's status by bin, drawn on a canvas: one row per node, one column per bin. */
class StatusMap {
  /**
   * @param {RunData} run the run
   * @param {HTMLCanvasElement} canvas where to draw
   * @param {HTMLElement} marker the bin marker
   * @param {(bin: number, nodeId?: string) => void} onPick called with a clicked cell
   */
  constructor(run, canvas, marker, onPick) {
    this.run = run;
    this.canvas = canvas;
    this.marker = marker;
    this.ids = [...run.nodes.keys()];
    this.label = 150;
    this.bin = 0;
    /** The canvas's size, kept by a ResizeObserver so drawing never forces a layout. */
    this.size = { width: 0, height: 0 };
    this.observer = new ResizeObserver(([entry]) => {
      this.size = { width: entry.contentRect.width, height: entry.contentRect.height };
      this.draw();
    });
    this.observer.observe(canvas);
    canvas.setAttribute("aria-label", `Status of ${this.ids.length} nodes over ${run.bins} bins`);
    canvas.addEventListener("click", (e) => {
      const box = canvas.getBoundingClientRect();
      const cell = this.#cellAt(e.clientX - box.left, e.clientY - box.top);
      if (cell) onPick(cell.bin, cell.nodeId);
    });
  }

  /** Draw (again) at the canvas's last observed size (nothing before the first observation). */
  draw() {
    const { canvas, run } = this;
    const { width, height } = this.size;
    if (width === 0 || height === 0) return;
    const ratio = devicePixelRatio || 1;
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
    const ctx = /** @type {CanvasRenderingContext2D} */ (canvas.getContext("2d"));
    ctx.scale(ratio, ratio);
    const row = this.#rowHeight();
    // Rows too thin for names use the whole width; thin rows also drop the gap between them.
    this.label = row >= 8 ? 150 : 0;
    const gap = row >= 6 ? 1 : 0;
    const per = (width - this.label) / run.bins;
    ctx.font = `${Math.min(12, Math.max(8, row - 2))}px system-ui, sans-serif`;
    ctx.textBaseline = "middle";
    this.ids.forEach((id, r) => {
      const node =
        /** @type {NonNullable<ReturnType<RunData["nodes"]["get"]>>} */ (run.nodes.get(id));
      const y = r * row;
      if (row >= 8) {
        ctx.fillStyle = "#1b2430";
        ctx.fillText(id.length > 20 ? `${id.slice(0, 19)}…` : id, 0, y + row / 2, this.label - 8);
      }
      for (let b = 0; b < run.bins; b++) {
        ctx.fillStyle = run.has(b) ? statusOf(node.colors[b]).fill : "#e4e7eb";
        ctx.fillRect(this.label + b * per, y + gap, per + 0.6, row - gap * 2);
      }
    });
    ctx.fillStyle = "#5a6472";
    ctx.font = "11px system-ui, sans-serif";
    ctx.textBaseline = "alphabetic";
    ctx.textAlign = "center";
    const axisY = Math.min(height - 2, this.ids.length * row + 13);
    for (const bin of tickBins(run, Math.max(2, Math.floor((width - this.label) / 90)))) {
      const t = run.times[bin];
      const text = t === null ? String(bin) : utcTick(t / 1000);
      const half = ctx.measureText(text).width / 2;
      const x = Math.min(width - half, Math.max(half, this.label + (bin + 0.5) * per));
      ctx.fillText(text, x, axisY);
    }
    this.mark(this.bin);
  }

  /**
   * Move the marker to a bin.
   * @param {number} bin the bin
   */
  mark(bin) {
    this.bin = bin;
    const per = (this.size.width - this.label) / this.run.bins;
    this.marker.style.transform = `translateX(${(this.label + (bin + 0.5) * per).toFixed(1)}px)`;
    this.marker.style.height = `${this.ids.length * this.#rowHeight()}px`;
  }

  /** @returns {number} row height in CSS pixels */
  #rowHeight() {
    return Math.max(
      2,
      Math.min(22, (this.size.height - 16) / Math.max(1, this.ids.length)),
    );
  }

  /** @param {number} x @param {number} y @returns {{bin: number, nodeId: string} | undefined} */
  #cellAt(x, y) {
    const per = (this.size.width - this.label) / this.run.bins;
    const bin = Math.floor((x - this.label) / per);
    const r = Math.floor(y / this.#rowHeight());
    if (bin < 0 || bin >= this.run.bins || r < 0 || r >= this.ids.length) return undefined;
    return { bin, nodeId: this.ids[r] };
  }
}

/**
 * Bins to label on a time axis: those starting a whole step (5 minutes up to a week, or a round
 * number of bins without a grid start), with the smallest step giving at most `most` labels.
 * @param {RunData} run the run
 * @param {number} most the most labels that fit
 * @returns {number[]} the bins
 */
function tickBins(run, most) {
  const start = run.times[0];
  if (start === null) {
    const step = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000]
      .find((s) => run.bins / s <= most) ?? Math.ceil(run.bins / most);
    return Array.from({ length: Math.ceil(run.bins / step) }, (_, i) => i * step);
  }
  const minutes = [5, 10, 15, 30, 60, 120, 180, 240, 360, 720, 1440, 2880, 10080, 40320]
    .filter((m) => m >= run.binMinutes)
    .find((m) => (run.bins * run.binMinutes) / m <= most) ?? run.bins * run.binMinutes;
  const out = [];
  for (let b = 0; b < run.bins; b++) {
    const t = /** @type {number} */ (run.times[b]);
    if (Math.floor(t / 60_000) % minutes === 0) out.push(b);
  }
  return out;
}

/**
 * Shade the bins where the node's data has a gap or a capture warning.
 * @param {uPlot} u the chart
 * @param {number[]} xs x values
 * @param {number[]} gaps bins to shade
 */
function shadeGaps(u, xs, gaps) {
  if (gaps.length === 0) return;
  const { ctx, bbox } = u;
  const step = xs.length > 1 ? xs[1] - xs[0] : 1;
  ctx.save();
  ctx.fillStyle = GAP_FILL;
  for (const b of gaps) {
    if (b >= xs.length) continue;
    const left = u.valToPos(xs[b], "x", true);
    const right = u.valToPos(xs[b] + step, "x", true);
    ctx.fillRect(left, bbox.top, Math.max(2, right - left), bbox.height);
  }
  ctx.restore();
}

/**
 * Put the bin marker over a bin.
 * @param {uPlot} u the chart
 * @param {HTMLElement | undefined} marker the marker element
 * @param {number} bin the bin
 */
function placeMarker(u, marker, bin) {
  const x = u.data[0][bin];
  if (!marker || x === undefined || x === null) return;
  marker.style.transform = `translateX(${u.valToPos(x, "x").toFixed(1)}px)`;
}
