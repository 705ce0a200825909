// Shared presentation: the colour-blind-safe status palette with its word and shape cues, number
// and time formatting, and a tiny DOM builder used by every view.
// @ts-check
/// <reference lib="dom" />

/**
 * @typedef {{word: string, meaning: string, fill: string, tint: string, edge: string,
 *   shape: string}} StatusLook
 */

/**
 * How each /state colour is drawn; the page's CSS variables (`--green-fill`, ...) are set from
 * here. Fills follow the Okabe-Ito palette (bluish green, yellow, vermillion, grey), which stays
 * distinguishable with the common colour-vision deficiencies and differs in lightness too; each
 * status also has its own word and shape, so colour is never the only signal.
 * @type {Record<string, StatusLook>}
 */
export const STATUS = {
  green: {
    word: "OK",
    meaning: "utilisation below 70 %, or queue latency within its SLA",
    fill: "#009e73",
    tint: "#e6f5ef",
    edge: "#00795a",
    shape: "M0,-5.5 A5.5,5.5 0 1,1 0,5.5 A5.5,5.5 0 1,1 0,-5.5 Z",
  },
  yellow: {
    word: "Warn",
    meaning: "utilisation 70 to 90 %, or latency up to 1.5 × SLA",
    fill: "#f0e442",
    tint: "#fdf9d3",
    edge: "#9a8c00",
    shape: "M0,-6 L6,5 L-6,5 Z",
  },
  red: {
    word: "Alert",
    meaning: "utilisation 90 % or more, or latency above 1.5 × SLA",
    fill: "#d55e00",
    tint: "#fbe6d8",
    edge: "#a84a00",
    shape: "M-5,-5 L5,-5 L5,5 L-5,5 Z",
  },
  gray: {
    word: "n/a",
    meaning: "no utilisation or latency to judge (no capacity, SLA or data)",
    fill: "#9a9a9a",
    tint: "#f0f0f0",
    edge: "#6e6e6e",
    shape: "M-5.5,0 L0,-5.5 L5.5,0 L0,5.5 Z",
  },
};

/**
 * The look of a status colour (unknown colours look like gray).
 * @param {string} color a /state colour
 * @returns {StatusLook} fill, tint, word and shape
 */
export function statusOf(color) {
  return STATUS[color] ?? STATUS.gray;
}

/** Metric labels, in display order. */
export const LABELS = /** @type {Record<string, string>} */ ({
  arrivals: "Arrivals",
  served: "Served",
  errors: "Errors",
  capacity: "Capacity",
  queue: "Queue",
  externalDemand: "External demand",
  utilization: "Utilisation",
  latencyMinutes: "Latency",
  throughputRatio: "Throughput ratio",
});

/**
 * A number for people: integers as they are (with thousands separators), others with up to
 * three significant decimals; `–` for null.
 * @param {number | null | undefined} v the value
 * @returns {string} the text
 */
export function num(v) {
  if (v === null || v === undefined || !Number.isFinite(v)) return "–";
  if (Number.isInteger(v)) return NUMBER[0].format(v);
  const abs = Math.abs(v);
  return NUMBER[abs >= 100 ? 1 : abs >= 10 ? 2 : 3].format(v);
}

/** Number formats by most fraction digits, made once: creating one per call is slow. */
const NUMBER = [0, 1, 2, 3].map((digits) =>
  new Intl.NumberFormat("en-US", { maximumFractionDigits: digits })
);

/**
 * A metric value with its unit: utilisation as a percentage, latency in minutes.
 * @param {string} key metric key
 * @param {number | null | undefined} v the value
 * @returns {string} the text
 */
export function metricText(key, v) {
  if (v === null || v === undefined) return "–";
  if (key === "utilization") return `${num(Math.round(v * 1000) / 10)} %`;
  if (key === "latencyMinutes") return `${num(v)} min`;
  return num(v);
}

/**
 * A signed difference (`+3`, `−0.5`, `0`) for compare views.
 * @param {string} key metric key
 * @param {number | null | undefined} a this run's value
 * @param {number | null | undefined} b the other run's value
 * @returns {string} `a − b` as text, `–` when either is missing
 */
export function deltaText(key, a, b) {
  if (a === null || a === undefined || b === null || b === undefined) return "–";
  const d = key === "utilization" ? Math.round((a - b) * 1000) / 10 : a - b;
  if (d === 0) return "0";
  const text = num(Math.abs(d)) +
    (key === "utilization" ? " pt" : key === "latencyMinutes" ? " min" : "");
  return `${d > 0 ? "+" : "−"}${text}`;
}

/**
 * A bin's time span in UTC, e.g. `2025-10-07 12:00–12:05 UTC`.
 * @param {number | null} startMs start of the bin (ms since the epoch), null without a grid start
 * @param {number} binMinutes bin length
 * @returns {string} the text, or an empty string without a start
 */
export function binSpan(startMs, binMinutes) {
  if (startMs === null) return "";
  const start = new Date(startMs).toISOString();
  const end = new Date(startMs + binMinutes * 60_000).toISOString();
  const sameDay = start.slice(0, 10) === end.slice(0, 10);
  return `${start.slice(0, 10)} ${start.slice(11, 16)}–${sameDay ? "" : end.slice(0, 10) + " "}${
    end.slice(11, 16)
  } UTC`;
}

/**
 * A grid as text, e.g. `288 × 5 min`.
 * @param {{bins: number, binSize: number, binUnit: string}} grid the grid
 * @returns {string} the text
 */
export function gridText(grid) {
  const unit = { minutes: "min", hours: "h", days: "d", weeks: "wk" }[grid.binUnit] ?? grid.binUnit;
  return `${grid.bins} × ${grid.binSize} ${unit}`;
}

/**
 * Build an element.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag tag name
 * @param {Record<string, string | boolean | undefined>} [attrs] attributes (`false`/undefined skip)
 * @param {Array<Node | string | null | undefined | false>} [children] children (falsy skipped)
 * @returns {HTMLElementTagNameMap[K]} the element
 */
export function h(tag, attrs = {}, children = []) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    el.setAttribute(k, v === true ? "" : v);
  }
  for (const child of children) if (child) el.append(child);
  return el;
}

const SVG_NS = "http://www.w3.org/2000/svg";

/**
 * Build an SVG element.
 * @param {string} tag tag name
 * @param {Record<string, string | number>} [attrs] attributes
 * @param {Array<Element | string>} [children] children
 * @returns {SVGElement} the element
 */
export function svg(tag, attrs = {}, children = []) {
  const el = /** @type {SVGElement} */ (document.createElementNS(SVG_NS, tag));
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  for (const child of children) el.append(child);
  return el;
}

/**
 * The shape cue of a status as an SVG path, centred on 0,0.
 * @param {string} color a /state colour
 * @returns {SVGElement} the path
 */
export function statusShape(color) {
  const look = statusOf(color);
  return svg("path", { d: look.shape, class: `shape shape-${color in STATUS ? color : "gray"}` });
}

/**
 * A small inline status badge: shape and word.
 * @param {string} color a /state colour
 * @returns {HTMLElement} the badge
 */
export function statusBadge(color) {
  const key = color in STATUS ? color : "gray";
  const icon = svg(
    "svg",
    { viewBox: "-7 -7 14 14", width: 14, height: 14, "aria-hidden": "true" },
    [
      statusShape(key),
    ],
  );
  return h("span", { class: `badge badge-${key}`, "data-status": key }, [
    icon,
    statusOf(key).word,
  ]);
}
