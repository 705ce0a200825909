// The runs list: one row per run of GET /v1/runs (id, mode, template, grid, created, warnings),
// filtered as the user types; each run id links to the run's deep link.
// @ts-check
/// <reference lib="dom" />
import { gridText, h } from "./format.js";
import { placeUrl } from "./url_state.js";

/** @typedef {import("./api.js").RunSummary} RunSummary */

/** The runs table and its filter box. */
export class RunsList {
  /**
   * @param {{table: HTMLTableElement, filter: HTMLInputElement, count: HTMLElement,
   *   empty: HTMLElement}} els the page's elements
   * @param {(runId: string) => void} onOpen called when a run is chosen
   */
  constructor(els, onOpen) {
    this.els = els;
    this.onOpen = onOpen;
    /** @type {RunSummary[]} */
    this.runs = [];
    els.filter.addEventListener("input", () => this.#render());
  }

  /**
   * Show these runs.
   * @param {RunSummary[]} runs newest first, as the server lists them
   */
  show(runs) {
    this.runs = runs;
    this.#render();
  }

  #render() {
    const words = this.els.filter.value.toLowerCase().split(/\s+/).filter(Boolean);
    const shown = this.runs.filter((r) => {
      const text = [r.runId, r.mode, r.templateId, gridText(r.grid), r.createdUtc].join(" ")
        .toLowerCase();
      return words.every((w) => text.includes(w));
    });
    const body = /** @type {HTMLTableSectionElement} */ (this.els.table.tBodies[0]);
    body.replaceChildren(...shown.map((r) => this.#row(r)));
    this.els.count.textContent = words.length > 0
      ? `${shown.length} of ${this.runs.length} runs`
      : `${this.runs.length} run${this.runs.length === 1 ? "" : "s"}`;
    this.els.empty.hidden = this.runs.length > 0;
    this.els.table.hidden = this.runs.length === 0;
  }

  /** @param {RunSummary} r @returns {HTMLTableRowElement} */
  #row(r) {
    const link = h("a", { href: placeUrl({ run: r.runId, bin: 0 }), class: "run-link" }, [r.runId]);
    link.addEventListener("click", (e) => {
      if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
      e.preventDefault();
      this.onOpen(r.runId);
    });
    return h("tr", { "data-run-id": r.runId }, [
      h("th", { scope: "row" }, [link]),
      h("td", {}, [h("span", { class: `mode mode-${r.mode}` }, [r.mode])]),
      h("td", {}, [r.templateId]),
      h("td", {}, [gridText(r.grid)]),
      h("td", {}, [r.createdUtc ? r.createdUtc.replace("T", " ").replace(/(\.\d+)?Z$/, "") : "–"]),
      h("td", { class: r.warningCount > 0 ? "num has-warnings" : "num" }, [String(r.warningCount)]),
    ]);
  }
}
