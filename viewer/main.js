// The viewer application: owns where the user is (run, bin, node, compared run), keeps the
// address bar in step, and hands each change to the views (runs list, topology, timeline, ...).
// @ts-check
/// <reference lib="dom" />
import { api } from "./api.js";
import { Charts } from "./charts.js";
import { compareCandidates, mismatch } from "./compare.js";
import { h, STATUS, statusBadge } from "./format.js";
import { Inspector } from "./inspector.js";
import { RunData } from "./run_data.js";
import { RunsList } from "./runs_list.js";
import { SPEEDS, Timeline } from "./timeline.js";
import { TopologyView } from "./topology.js";
import { PlaceWriter, readPlace } from "./url_state.js";

/**
 * @typedef {import("./url_state.js").ViewerPlace} ViewerPlace
 * @typedef {import("./api.js").RunSummary} RunSummary
 */

/** User Timing names the benchmark reads. */
const MARK_DRAWN = "viewer:topology-drawn";
const MEASURE_STEP = "viewer:bin-step";

/**
 * An element of the page by id.
 * @template {HTMLElement} T
 * @param {string} id element id
 * @returns {T} the element
 */
function byId(id) {
  const el = document.getElementById(id);
  if (!el) throw new Error(`the page has no #${id}`);
  return /** @type {T} */ (el);
}

const windowLimit = Number(
  document.querySelector('meta[name="flowtime-window-limit"]')?.getAttribute("content"),
) || 1000;

/** The whole viewer. */
class App {
  constructor() {
    /** @type {RunSummary[]} */
    this.runs = [];
    /** The ids of `runs`, for the inspector's links. @type {Set<string>} */
    this.knownRuns = new Set();
    /** @type {RunData | undefined} */
    this.run = undefined;
    /** @type {RunData | undefined} */
    this.other = undefined;
    this.bin = 0;
    /** @type {string | undefined} */
    this.nodeId = undefined;
    /** Bumped on every navigation, so late answers for an earlier one are dropped. */
    this.generation = 0;
    this.drawnOnce = false;
    this.dataFrame = 0;
    this.places = new PlaceWriter();

    this.runsList = new RunsList({
      table: byId("runs-table"),
      filter: byId("runs-filter"),
      count: byId("runs-count"),
      empty: byId("runs-empty"),
    }, (runId) => this.go({ run: runId, bin: 0 }, "push"));
    this.topology = new TopologyView(byId("topology"), (id) => this.selectNode(id));
    this.timeline = new Timeline({
      slider: byId("bin-slider"),
      label: byId("bin-label"),
      play: byId("play"),
      start: byId("to-start"),
      back: byId("step-back"),
      forward: byId("step-forward"),
      end: byId("to-end"),
      speeds: byId("speeds"),
      overview: byId("overview"),
    }, { bin: (bin) => this.setBin(bin) });
    this.timeline.ready = (bin) => this.run?.ensure(bin) ?? Promise.resolve();
    this.charts = new Charts(byId("charts"), (bin, nodeId) => {
      if (nodeId) this.selectNode(nodeId);
      this.setBin(bin);
    });
    this.inspector = new Inspector(byId("inspector"), {
      compare: (runId) => this.setCompare(runId),
      open: (runId) => this.go({ run: runId, bin: this.bin }, "push"),
      clear: () => this.selectNode(undefined),
    });
    this.compareSelect = /** @type {HTMLSelectElement} */ (byId("compare-select"));
    this.compareSelect.addEventListener("change", () => this.setCompare(this.compareSelect.value));
    byId("zoom-in").addEventListener("click", () => this.topology.zoom(1.25));
    byId("zoom-out").addEventListener("click", () => this.topology.zoom(0.8));
    byId("zoom-fit").addEventListener("click", () => this.topology.fit());
    for (const [color, look] of Object.entries(STATUS)) {
      document.documentElement.style.setProperty(`--${color}-fill`, look.fill);
      document.documentElement.style.setProperty(`--${color}-tint`, look.tint);
      document.documentElement.style.setProperty(`--${color}-edge`, look.edge);
    }
    byId("legend").replaceChildren(
      ...Object.entries(STATUS).map(([color, look]) =>
        h("span", { class: "legend-item", title: look.meaning }, [statusBadge(color)])
      ),
    );
    const help = /** @type {HTMLDialogElement} */ (byId("help"));
    byId("help-button").addEventListener("click", () => help.showModal());
    byId("help-close").addEventListener("click", () => help.close());
    for (const link of [byId("home-link"), byId("runs-link")]) {
      link.addEventListener("click", (e) => {
        if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return;
        e.preventDefault();
        this.go({}, "push");
      });
    }
    document.addEventListener("keydown", (e) => this.#key(e));
    addEventListener("popstate", () => {
      this.places.reset();
      this.go(readPlace(location.href), "none");
    });
  }

  /** Show the place in the address bar. */
  async start() {
    await this.go(readPlace(location.href), "replace");
  }

  /**
   * Go to a place: the runs list, or a run at a bin with a node and a compared run.
   * @param {ViewerPlace} place where to go
   * @param {"push" | "replace" | "none"} how how to record it in the history
   */
  async go(place, how) {
    const generation = ++this.generation;
    this.#banner("");
    if (!place.run) {
      this.#closeRun();
      this.#showView("runs");
      if (how !== "none") this.places.write({}, "push");
      await this.#loadRuns(generation);
      return;
    }
    this.#showView("run");
    const opening = this.run?.runId !== place.run;
    if (opening && !await this.#openRun(place.run, place.bin ?? 0, generation)) return;
    const run = /** @type {RunData} */ (this.run);
    this.bin = Math.min(run.bins - 1, Math.max(0, place.bin ?? this.bin));
    if (opening) run.loadAll(this.bin).catch(() => {});
    this.nodeId = place.node && run.nodes.has(place.node) ? place.node : undefined;
    this.topology.select(this.nodeId);
    if ((place.compare ?? "") !== (this.other?.runId ?? "")) {
      await this.#openCompare(place.compare, generation);
      if (generation !== this.generation) return;
    }
    this.#chart();
    if (how === "push") this.places.write(this.#place(), "push");
    await this.#showBin(generation);
    if (how === "replace") this.places.write(this.#place(), "replace");
  }

  /**
   * Move to a bin (slider, keys, playback, chart clicks).
   * @param {number} bin the bin
   */
  setBin(bin) {
    if (!this.run) return;
    this.bin = Math.min(this.run.bins - 1, Math.max(0, bin));
    this.places.write(this.#place(), "replace");
    this.#showBin(this.generation);
  }

  /**
   * Select a node (or clear the selection).
   * @param {string | undefined} nodeId the node
   */
  selectNode(nodeId) {
    if (!this.run) return;
    this.nodeId = nodeId;
    this.topology.select(nodeId);
    this.#chart();
    this.#render();
    this.places.write(this.#place(), "push");
  }

  /**
   * Compare with another run, or stop comparing (empty id).
   * @param {string} runId the other run
   */
  async setCompare(runId) {
    const generation = ++this.generation;
    await this.#openCompare(runId || undefined, generation);
    if (generation !== this.generation) return;
    this.#chart();
    this.#render();
    this.places.write(this.#place(), "push");
  }

  /** @returns {ViewerPlace} where the viewer is */
  #place() {
    if (!this.run) return {};
    return {
      run: this.run.runId,
      bin: this.bin,
      ...(this.nodeId ? { node: this.nodeId } : {}),
      ...(this.other ? { compare: this.other.runId } : {}),
    };
  }

  /**
   * @param {string} runId the run to open
   * @param {number} firstBin the bin to show first
   * @param {number} generation the navigation this belongs to
   * @returns {Promise<boolean>} whether the run opened
   */
  async #openRun(runId, firstBin, generation) {
    this.#closeRun();
    byId("run-view").classList.add("loading");
    try {
      const run = await RunData.open(runId, windowLimit, firstBin);
      if (generation !== this.generation) {
        run.close();
        return false;
      }
      this.run = run;
    } catch (err) {
      if (generation !== this.generation) return false;
      this.#showView("runs");
      this.#banner(`Cannot open run ${runId}: ${err instanceof Error ? err.message : err}`);
      await this.#loadRuns(generation);
      return false;
    }
    const run = this.run;
    run.onData = () => this.#dataArrived(run);
    document.title = `${run.runId} · FlowTime viewer`;
    const crumb = byId("crumb-run");
    crumb.replaceChildren(
      h("span", { class: "sep", "aria-hidden": "true" }, ["/"]),
      h("strong", {}, [run.runId]),
      h("span", { class: `mode mode-${run.detail.run.mode}` }, [run.detail.run.mode]),
    );
    crumb.hidden = false;
    byId("run-tools").hidden = false;
    this.topology.draw(run.graph);
    this.timeline.attach(run, Math.min(run.bins - 1, this.bin));
    this.#fillCompareSelect();
    if (this.runs.length === 0) this.#loadRuns(generation);
    return true;
  }

  #closeRun() {
    this.timeline.pause();
    this.run?.close();
    this.other?.close();
    this.run = undefined;
    this.other = undefined;
    this.nodeId = undefined;
    byId("crumb-run").hidden = true;
    byId("run-tools").hidden = true;
    document.title = "FlowTime viewer";
  }

  /**
   * @param {string | undefined} runId the run to compare with, or none
   * @param {number} generation the navigation this belongs to
   */
  async #openCompare(runId, generation) {
    this.other?.close();
    this.other = undefined;
    const note = byId("compare-note");
    note.textContent = "";
    if (runId && this.run) {
      note.textContent = "loading…";
      try {
        const other = await RunData.open(runId, windowLimit, this.bin);
        if (generation !== this.generation) {
          other.close();
          return;
        }
        const reason = mismatch(this.run, other);
        if (reason) {
          other.close();
          note.textContent = "";
          this.#banner(`Cannot compare with ${runId}: ${reason}.`);
        } else {
          this.other = other;
          const run = this.run;
          other.onData = () => this.#dataArrived(run);
          other.loadAll(this.bin).catch(() => {});
          await other.ensure(this.bin);
          note.textContent = "";
        }
      } catch (err) {
        note.textContent = "";
        this.#banner(`Cannot compare with ${runId}: ${err instanceof Error ? err.message : err}`);
      }
    }
    this.#fillCompareSelect();
    byId("run-view").classList.toggle("comparing", this.other !== undefined);
  }

  #fillCompareSelect() {
    if (!this.run) return;
    const candidates = compareCandidates(this.runs, this.run);
    this.compareSelect.replaceChildren(
      h("option", { value: "" }, ["(none)"]),
      ...candidates.map((r) =>
        h("option", { value: r.runId, selected: r.runId === this.other?.runId }, [
          `${r.runId} (${r.why})`,
        ])
      ),
    );
    this.compareSelect.disabled = candidates.length === 0;
    this.compareSelect.title = candidates.length === 0 ? "No other run has the same grid" : "";
  }

  /** @param {number} generation */
  async #showBin(generation) {
    const run = this.run;
    if (!run) return;
    if (!run.has(this.bin) || (this.other && !this.other.has(this.bin))) {
      const bin = this.bin;
      await Promise.all([run.ensure(bin), this.other?.ensure(bin)]);
      if (generation !== this.generation || bin !== this.bin || run !== this.run) return;
    }
    this.#render();
  }

  #render() {
    const run = this.run;
    if (!run || !run.has(this.bin)) return;
    const started = performance.now();
    const bin = this.bin;
    const other = this.other;
    this.topology.update(
      bin,
      (id) => run.nodeAt(id, bin),
      other?.has(bin) ? (id) => other.nodeAt(id, bin) : undefined,
    );
    this.timeline.setBin(bin);
    this.charts.setBin(bin);
    this.inspector.render({
      run,
      bin,
      ...(this.nodeId ? { nodeId: this.nodeId } : {}),
      ...(other ? { other } : {}),
      knownRuns: this.knownRuns,
    });
    byId("run-view").classList.remove("loading");
    if (!this.drawnOnce) {
      this.drawnOnce = true;
      performance.mark(MARK_DRAWN, { detail: { runId: run.runId, bin } });
    } else performance.measure(MEASURE_STEP, { start: started, end: performance.now() });
  }

  #chart() {
    if (!this.run) return;
    if (this.nodeId) this.charts.show(this.run, this.nodeId, this.other);
    else this.charts.statusMap(this.run);
  }

  /**
   * A chunk of a run arrived: redraw what depends on the whole window, once per frame.
   * @param {RunData} run the run viewed when the chunk was asked for
   */
  #dataArrived(run) {
    if (run !== this.run || this.dataFrame) return;
    this.dataFrame = requestAnimationFrame(() => {
      this.dataFrame = 0;
      if (run !== this.run) return;
      this.timeline.drawOverview();
      this.charts.refresh();
      this.#render();
    });
  }

  /** @param {number} generation */
  async #loadRuns(generation) {
    try {
      const { runs } = await api.runs();
      if (generation !== this.generation) return;
      this.runs = runs;
      this.knownRuns = new Set(runs.map((r) => r.runId));
      this.runsList.show(runs);
      if (this.run) {
        this.#fillCompareSelect();
        this.#render();
      }
    } catch (err) {
      this.#banner(`Cannot list the runs: ${err instanceof Error ? err.message : err}`);
    }
  }

  /** @param {"runs" | "run"} which */
  #showView(which) {
    byId("runs-view").hidden = which !== "runs";
    byId("run-view").hidden = which !== "run";
  }

  /** @param {string} text an error to show, or empty to hide the banner */
  #banner(text) {
    const banner = byId("banner");
    banner.textContent = text;
    banner.hidden = text === "";
  }

  /** @param {KeyboardEvent} e */
  #key(e) {
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return;
    const target = /** @type {HTMLElement} */ (e.target);
    const typing = target.matches("input:not([type=range]):not([type=radio]), select, textarea");
    if (byId("help").hasAttribute("open")) return;
    if (e.key === "?" && !typing) {
      /** @type {HTMLDialogElement} */ (byId("help")).showModal();
      e.preventDefault();
      return;
    }
    if (!this.run) {
      if (e.key === "/" && !typing) {
        e.preventDefault();
        byId("runs-filter").focus();
      }
      return;
    }
    if (typing) return;
    const onSlider = target.matches("input[type=range]");
    const onRadio = target.matches("input[type=radio]");
    const activates = target.matches("button, a, summary, .node");
    /** @type {(() => void) | undefined} */
    let action;
    switch (e.key) {
      case "ArrowLeft":
        if (!onSlider && !onRadio) action = () => this.timeline.step(-1);
        break;
      case "ArrowRight":
        if (!onSlider && !onRadio) action = () => this.timeline.step(1);
        break;
      case "PageUp":
        if (!onSlider) action = () => this.timeline.step(-10);
        break;
      case "PageDown":
        if (!onSlider) action = () => this.timeline.step(10);
        break;
      case "Home":
        if (!onSlider) action = () => this.setBin(0);
        break;
      case "End":
        if (!onSlider) action = () => this.setBin(this.run ? this.run.bins - 1 : 0);
        break;
      case " ":
        if (!activates) action = () => this.timeline.toggle();
        break;
      case "+":
      case "=":
        action = () => this.topology.zoom(1.25);
        break;
      case "-":
        action = () => this.topology.zoom(0.8);
        break;
      case "0":
        action = () => this.topology.fit();
        break;
      case "Escape":
        if (this.nodeId) {
          const was = this.nodeId;
          action = () => {
            this.selectNode(undefined);
            this.topology.focus(was);
          };
        }
        break;
      default:
        if (SPEEDS.map(String).includes(e.key)) {
          action = () => this.timeline.setSpeed(Number(e.key));
        }
    }
    if (action) {
      e.preventDefault();
      action();
    }
  }
}

new App().start();
