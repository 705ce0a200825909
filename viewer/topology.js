// The topology canvas: a layered left-to-right layout (dagre) drawn as SVG, one focusable node
// card per topology node showing its /state colour, status word and shape, and key numbers.
// @ts-check
/// <reference lib="dom" />
import dagre from "@dagrejs/dagre";
import { deltaText, metricText, num, statusOf, svg } from "./format.js";

/**
 * @typedef {import("./api.js").RunGraph} RunGraph
 * @typedef {import("./run_data.js").NodeState} NodeState
 * @typedef {{x: number, y: number}} Point
 * @typedef {{nodes: Map<string, Point>, edges: Array<{id: string, points: Point[],
 *   weight?: number}>, width: number, height: number}} Layout
 * @typedef {{g: SVGGElement, stripe: Element, shape: Element, word: Element, line1: Element,
 *   line2: Element, delta: Element, kind: string, shown: string, at: Point}} Card
 */

const W = 216;
const H = 92;
const GAP = 28;
const PAD = 24;
/** Below this zoom, cards show only the name and the status, drawn larger, to stay legible. */
const COMPACT_BELOW = 0.6;

/**
 * Lay a graph out left to right: connected nodes in layers by dagre, nodes without edges in a
 * grid below them.
 * @param {RunGraph} graph nodes and edges
 * @returns {Layout} node centres, edge routes and the drawing's size
 */
export function layoutGraph(graph) {
  const ids = new Set(graph.nodes.map((n) => n.id));
  const edges = graph.edges.filter((e) => ids.has(e.from) && ids.has(e.to) && e.from !== e.to);
  const linked = new Set(edges.flatMap((e) => [e.from, e.to]));
  /** @type {Map<string, Point>} */
  const nodes = new Map();
  /** @type {Layout["edges"]} */
  const routes = [];
  let width = 0;
  let height = 0;
  if (linked.size > 0) {
    const g = new dagre.graphlib.Graph({ multigraph: true });
    g.setGraph({ rankdir: "LR", nodesep: GAP, ranksep: 72, edgesep: 16, marginx: 0, marginy: 0 });
    g.setDefaultEdgeLabel(() => ({}));
    for (const n of graph.nodes) if (linked.has(n.id)) g.setNode(n.id, { width: W, height: H });
    for (const e of edges) g.setEdge(e.from, e.to, {}, e.id);
    dagre.layout(g);
    for (const id of g.nodes()) {
      const { x, y } = g.node(id);
      nodes.set(id, { x, y });
    }
    for (const e of edges) {
      const points = g.edge({ v: e.from, w: e.to, name: e.id }).points ?? [];
      routes.push({ id: e.id, points, ...(e.weight === undefined ? {} : { weight: e.weight }) });
    }
    width = g.graph().width ?? 0;
    height = g.graph().height ?? 0;
  }
  const loose = graph.nodes.filter((n) => !linked.has(n.id));
  if (loose.length > 0) {
    const byShape = Math.ceil(Math.sqrt(loose.length * 2 * (H + GAP) / (W + GAP)));
    const cols = Math.max(
      1,
      Math.min(loose.length, Math.max(byShape, Math.floor((width + GAP) / (W + GAP)))),
    );
    const top = height > 0 ? height + GAP * 2 : 0;
    loose.forEach((n, i) => {
      nodes.set(n.id, {
        x: (i % cols) * (W + GAP) + W / 2,
        y: top + Math.floor(i / cols) * (H + GAP) + H / 2,
      });
    });
    width = Math.max(width, cols * (W + GAP) - GAP);
    height = top + Math.ceil(loose.length / cols) * (H + GAP) - GAP;
  }
  return { nodes, edges: routes, width, height };
}

/** The topology view of one run. */
export class TopologyView {
  /**
   * @param {HTMLElement} host the element to draw in
   * @param {(nodeId: string) => void} onSelect called when a node is chosen (click, Enter, Space)
   */
  constructor(host, onSelect) {
    this.host = host;
    this.onSelect = onSelect;
    /** @type {Map<string, Card>} */
    this.cards = new Map();
    this.view = { k: 1, x: 0, y: 0 };
    this.size = { width: 0, height: 0 };
    this.userMoved = false;
    this.svg = /** @type {SVGSVGElement} */ (svg("svg", {
      class: "topology-svg",
      role: "group",
      "aria-label": "Topology",
    }));
    this.scene = /** @type {SVGGElement} */ (svg("g", { class: "scene" }));
    this.svg.append(defs(), this.scene);
    host.replaceChildren(this.svg);
    this.#panAndZoom();
    /** The panel's size, kept by a ResizeObserver so drawing never forces a layout. */
    this.box = { width: 0, height: 0 };
    new ResizeObserver(([entry]) => {
      this.box = { width: entry.contentRect.width, height: entry.contentRect.height };
      if (!this.userMoved) this.fit();
    }).observe(host);
  }

  /**
   * Draw a graph (nodes start gray until {@link TopologyView.update}).
   * @param {RunGraph} graph nodes and edges
   */
  draw(graph) {
    const layout = layoutGraph(graph);
    this.size = { width: layout.width, height: layout.height };
    const edgeLayer = svg("g", { class: "edges" });
    for (const e of layout.edges) {
      const path = svg("path", { d: curve(e.points), class: "edge", "marker-end": "url(#arrow)" });
      edgeLayer.append(path);
      if (e.weight !== undefined && e.points.length > 0) {
        const mid = e.points[Math.floor(e.points.length / 2)];
        edgeLayer.append(svg("text", { x: mid.x, y: mid.y - 6, class: "edge-label" }, [
          `${num(Math.round(e.weight * 1000) / 10)} %`,
        ]));
      }
    }
    const nodeLayer = svg("g", { class: "nodes" });
    this.cards.clear();
    for (const n of graph.nodes) {
      const at = layout.nodes.get(n.id);
      if (!at) continue;
      const card = nodeCard(n.id, n.kind);
      card.at = { x: at.x - W / 2, y: at.y - H / 2 };
      card.g.setAttribute("transform", `translate(${card.at.x},${card.at.y})`);
      card.g.addEventListener("click", () => this.onSelect(n.id));
      // Tabbing to a card off the panel (zoomed in, or a large graph) moves the view to it.
      card.g.addEventListener("focus", () => this.#reveal(card.at));
      card.g.addEventListener("keydown", (e) => {
        if (e.key === "Enter" || e.key === " ") {
          e.preventDefault();
          e.stopPropagation();
          this.onSelect(n.id);
        }
      });
      this.cards.set(n.id, card);
      nodeLayer.append(card.g);
    }
    this.scene.replaceChildren(edgeLayer, nodeLayer);
    this.userMoved = false;
    this.fit();
  }

  /**
   * Show every node's state at a bin.
   * @param {number} bin the bin shown
   * @param {(nodeId: string) => NodeState | undefined} stateOf the run's node states at the bin
   * @param {((nodeId: string) => NodeState | undefined) | undefined} otherOf the compared run's
   */
  update(bin, stateOf, otherOf) {
    for (const [id, card] of this.cards) {
      const s = stateOf(id);
      const color = s?.color ?? "gray";
      const look = statusOf(color);
      const m = s?.metrics ?? {};
      const d = s?.derived ?? {};
      const line1 = `arrivals ${num(m.arrivals)} · served ${num(m.served)}`;
      const line2 = card.kind === "queue" || card.kind === "dlq" || "latencyMinutes" in d
        ? `queue ${num(m.queue)} · ${metricText("latencyMinutes", d.latencyMinutes)}`
        : `util ${metricText("utilization", d.utilization)} · errors ${num(m.errors)}`;
      const o = otherOf?.(id);
      const delta = o ? `Δ served ${deltaText("served", m.served, o.metrics.served)}` : "";
      const shown = [color, line1, line2, delta].join("|");
      if (shown === card.shown) continue;
      card.shown = shown;
      card.g.setAttribute("data-color", color);
      card.shape.setAttribute("d", look.shape);
      card.word.textContent = look.word;
      card.line1.textContent = line1;
      card.line2.textContent = line2;
      card.delta.textContent = delta;
      if (o) {
        card.g.setAttribute(
          "data-differs",
          String(o.metrics.served !== m.served || o.color !== color),
        );
      } else card.g.removeAttribute("data-differs");
      card.g.setAttribute(
        "aria-label",
        `${id}, ${card.kind}, ${look.word}: ${line1}; ${line2}${delta ? `; ${delta}` : ""}`,
      );
    }
    this.svg.setAttribute("data-bin", String(bin));
  }

  /**
   * Mark the selected node.
   * @param {string | undefined} nodeId the selected node, or none
   */
  select(nodeId) {
    for (const [id, card] of this.cards) {
      card.g.setAttribute("aria-pressed", String(id === nodeId));
    }
  }

  /**
   * Focus a node's card.
   * @param {string} nodeId the node
   */
  focus(nodeId) {
    this.cards.get(nodeId)?.g.focus();
  }

  /**
   * Move the view the least that shows a card whole (centred when it is larger than the panel).
   * @param {Point} at the card's top-left corner in drawing coordinates
   */
  #reveal(at) {
    // Focus may have scrolled the clipped panel itself; the view is moved by transform only.
    this.host.scrollTop = 0;
    this.host.scrollLeft = 0;
    const { width: cw, height: ch } = this.box;
    if (cw === 0 || ch === 0) return;
    const { k } = this.view;
    const x = shift(this.view.x, at.x * k, W * k, cw);
    const y = shift(this.view.y, at.y * k, H * k, ch);
    if (x === this.view.x && y === this.view.y) return;
    this.view = { k, x, y };
    this.userMoved = true;
    this.#apply();
  }

  /** Scale and centre the drawing to fit the panel. */
  fit() {
    const { width: cw, height: ch } = this.box;
    if (cw === 0 || ch === 0 || this.size.width === 0) return;
    const k = Math.min((cw - PAD * 2) / this.size.width, (ch - PAD * 2) / this.size.height, 1.2);
    this.view = {
      k,
      x: (cw - this.size.width * k) / 2,
      y: (ch - this.size.height * k) / 2,
    };
    this.userMoved = false;
    this.#apply();
  }

  /**
   * Zoom around the panel's centre.
   * @param {number} factor above 1 zooms in
   */
  zoom(factor) {
    this.#zoomAt(factor, this.box.width / 2, this.box.height / 2);
  }

  /** @param {number} factor @param {number} px @param {number} py */
  #zoomAt(factor, px, py) {
    const k = Math.min(3, Math.max(0.15, this.view.k * factor));
    const f = k / this.view.k;
    this.view = { k, x: px - (px - this.view.x) * f, y: py - (py - this.view.y) * f };
    this.userMoved = true;
    this.#apply();
  }

  #apply() {
    const { k, x, y } = this.view;
    this.svg.classList.toggle("compact", k < COMPACT_BELOW);
    this.scene.setAttribute(
      "transform",
      `translate(${x.toFixed(1)},${y.toFixed(1)}) scale(${k.toFixed(4)})`,
    );
  }

  #panAndZoom() {
    /** @type {{id: number, x: number, y: number, vx: number, vy: number} | undefined} */
    let drag;
    this.svg.addEventListener("pointerdown", (e) => {
      if (e.button !== 0 || /** @type {Element} */ (e.target).closest(".node")) return;
      drag = { id: e.pointerId, x: e.clientX, y: e.clientY, vx: this.view.x, vy: this.view.y };
      this.svg.setPointerCapture(e.pointerId);
      this.svg.classList.add("dragging");
    });
    this.svg.addEventListener("pointermove", (e) => {
      if (!drag || e.pointerId !== drag.id) return;
      this.view = {
        ...this.view,
        x: drag.vx + e.clientX - drag.x,
        y: drag.vy + e.clientY - drag.y,
      };
      this.userMoved = true;
      this.#apply();
    });
    const end = () => {
      drag = undefined;
      this.svg.classList.remove("dragging");
    };
    this.svg.addEventListener("pointerup", end);
    this.svg.addEventListener("pointercancel", end);
    this.svg.addEventListener("wheel", (e) => {
      e.preventDefault();
      const box = this.svg.getBoundingClientRect();
      this.#zoomAt(Math.exp(-e.deltaY * 0.0015), e.clientX - box.left, e.clientY - box.top);
    }, { passive: false });
  }
}

/** @param {string} id @param {string} kind @returns {Card} */
function nodeCard(id, kind) {
  const x = 16;
  const text = (
    /** @type {string} */ cls,
    /** @type {number} */ y,
    /** @type {string} */ content = "",
    extra = {},
  ) => svg("text", { class: cls, x, y, ...extra }, [content]);
  const shape = svg("path", { class: "shape", d: statusOf("gray").shape });
  const word = svg("text", { class: "status-word", x: 9, y: 4 }, [statusOf("gray").word]);
  const stripe = svg("rect", { class: "stripe", x: 0, y: 0, width: 6, height: H, rx: 3 });
  const line1 = text("line", 44);
  const line2 = text("line", 62);
  const delta = text("delta", 82, "", { x: W - 10, "text-anchor": "end" });
  const g = /** @type {SVGGElement} */ (svg("g", {
    class: "node",
    "data-node-id": id,
    "data-kind": kind,
    "data-color": "gray",
    tabindex: 0,
    role: "button",
    "aria-pressed": "false",
    "aria-label": id,
  }, [
    svg("rect", { class: "card", x: 0, y: 0, width: W, height: H, rx: 8 }),
    stripe,
    text("name", 22, shortened(id, 22)),
    text("name-compact", 38, shortened(id, 14)),
    text("kind", 22, kind, { x: W - 10, "text-anchor": "end" }),
    line1,
    line2,
    svg("g", { class: "status", transform: `translate(${x + 6},78)` }, [shape, word]),
    delta,
    svg("title", {}, [id]),
  ]));
  return { g, stripe, shape, word, line1, line2, delta, kind, shown: "", at: { x: 0, y: 0 } };
}

/**
 * The offset nearest `offset` that shows a span whole inside a room with PAD margins (the span
 * centred when it cannot fit).
 * @param {number} offset the view's offset now
 * @param {number} start the span's start, scaled
 * @param {number} size the span's size, scaled
 * @param {number} room the panel's size
 * @returns {number} the offset
 */
function shift(offset, start, size, room) {
  const most = PAD - start;
  const least = room - PAD - start - size;
  if (least > most) return (room - size) / 2 - start;
  return Math.min(most, Math.max(least, offset));
}

/** @param {string} s @param {number} max @returns {string} */
function shortened(s, max) {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

/**
 * A smooth path through dagre's edge points.
 * @param {Point[]} points route points
 * @returns {string} SVG path data
 */
function curve(points) {
  if (points.length === 0) return "";
  let d = `M${points[0].x},${points[0].y}`;
  if (points.length === 2) return `${d} L${points[1].x},${points[1].y}`;
  for (let i = 1; i < points.length - 1; i++) {
    const mid = { x: (points[i].x + points[i + 1].x) / 2, y: (points[i].y + points[i + 1].y) / 2 };
    const end = i === points.length - 2 ? points[i + 1] : mid;
    d += ` Q${points[i].x},${points[i].y} ${end.x},${end.y}`;
  }
  return d;
}

/** @returns {SVGElement} the arrow marker */
function defs() {
  return svg("defs", {}, [
    svg("marker", {
      id: "arrow",
      viewBox: "0 0 10 10",
      refX: 9,
      refY: 5,
      markerWidth: 7,
      markerHeight: 7,
      orient: "auto-start-reverse",
    }, [svg("path", { d: "M0,0 L10,5 L0,10 Z", class: "arrow-head" })]),
  ]);
}
