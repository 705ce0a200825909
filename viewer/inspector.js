// The inspector: the selected node's metrics and derived values at the bin (beside the compared
// run's), the bin's warnings, and the run's provenance with links to the runs it came from.
// @ts-check
/// <reference lib="dom" />
import { windowDiff } from "./compare.js";
import { binSpan, deltaText, h, LABELS, metricText, num, STATUS, statusBadge } from "./format.js";
import { SERIES_KEYS } from "./run_data.js";
import { placeUrl } from "./url_state.js";

/**
 * @typedef {import("./run_data.js").RunData} RunData
 * @typedef {import("./api.js").StateWarning} StateWarning
 * @typedef {{run: RunData, bin: number, nodeId?: string, other?: RunData,
 *   knownRuns: Set<string>}} InspectorView
 */

/** The inspector panel. */
export class Inspector {
  /**
   * @param {HTMLElement} host the panel
   * @param {{compare: (runId: string) => void, open: (runId: string) => void,
   *   clear: () => void}} on actions: compare with a run, open a run, clear the selection
   */
  constructor(host, on) {
    this.host = host;
    this.on = on;
    // The close button stays in place while the rest is redrawn bin by bin, so it keeps the focus.
    this.heading = h("div", { class: "insp-heading" });
    this.close = h("button", {
      type: "button",
      class: "ghost close",
      "aria-label": "Clear the selection (Esc)",
      title: "Clear the selection (Esc)",
    }, ["×"]);
    this.close.addEventListener("click", () => this.on.clear());
    this.perBin = h("div", { class: "insp-bin" });
    this.fixed = h("div", { class: "insp-fixed" });
    host.replaceChildren(
      h("div", { class: "insp-title" }, [this.heading, this.close]),
      this.perBin,
      this.fixed,
    );
    /** @type {string} */
    this.fixedKey = "";
  }

  /**
   * Show the inspector for a run, bin and (optionally) node.
   * @param {InspectorView} view what to show
   */
  render(view) {
    this.close.hidden = view.nodeId === undefined;
    this.perBin.replaceChildren(
      ...(view.nodeId ? this.#nodeAtBin(view, view.nodeId) : this.#runAtBin(view)),
    );
    const key = [
      view.run.runId,
      view.nodeId,
      view.other?.runId,
      view.other?.complete(),
      view.run.complete(),
      view.knownRuns.size,
    ].join("|");
    if (key !== this.fixedKey) {
      this.fixedKey = key;
      this.fixed.replaceChildren(
        ...(view.other && view.nodeId ? this.#windowDiff(view, view.nodeId) : []),
        ...(view.nodeId ? this.#sources(view.run, view.nodeId) : []),
        ...this.#provenance(view),
      );
    }
  }

  /** @param {InspectorView} view @param {string} nodeId @returns {Node[]} */
  #nodeAtBin(view, nodeId) {
    const { run, bin, other } = view;
    const node = run.nodes.get(nodeId);
    const state = run.nodeAt(nodeId, bin);
    if (!node || !state) return [h("p", { class: "empty" }, [`No node ${nodeId} in this run.`])];
    const theirs = other?.nodeAt(nodeId, bin);
    const values = { ...state.metrics, ...state.derived };
    const otherValues = theirs ? { ...theirs.metrics, ...theirs.derived } : undefined;
    const rows = SERIES_KEYS.filter((k) => k in values).map((k) =>
      h("tr", { "data-metric": k }, [
        h("th", { scope: "row" }, [LABELS[k]]),
        h("td", { class: "num", "data-value": "this" }, [metricText(k, values[k])]),
        otherValues &&
        h("td", { class: "num", "data-value": "other" }, [metricText(k, otherValues[k])]),
        otherValues && h("td", { class: "num delta", "data-value": "delta" }, [
          deltaText(k, values[k], otherValues[k]),
        ]),
      ])
    );
    if (node.slaMin !== undefined) {
      rows.push(
        h("tr", {}, [
          h("th", { scope: "row" }, ["SLA"]),
          h("td", { class: "num" }, [`${num(node.slaMin)} min`]),
        ]),
      );
    }
    const warnings = run.warningsAt(bin);
    const mine = [
      ...(warnings.nodes.get(nodeId) ?? []),
      ...warnings.run.filter((w) => w.nodeId === nodeId),
    ];
    this.heading.replaceChildren(
      h("h2", { id: "inspector-title" }, [nodeId]),
      h("span", { class: "kind" }, [node.kind]),
      statusBadge(state.color),
    );
    return [
      h("p", { class: "when" }, [whenText(run, bin)]),
      h("p", { class: "status-meaning" }, [STATUS[state.color]?.meaning ?? ""]),
      h("table", { class: "metrics", "aria-labelledby": "inspector-title" }, [
        otherValues && h("thead", {}, [h("tr", {}, [
          h("th", { scope: "col" }, ["At this bin"]),
          h("th", { scope: "col", class: "num" }, ["this run"]),
          h("th", { scope: "col", class: "num", title: other?.runId }, ["compared"]),
          h("th", { scope: "col", class: "num" }, ["Δ"]),
        ])]),
        h("tbody", {}, rows),
      ]),
      ...warningList("Warnings at this bin", mine),
    ];
  }

  /** @param {InspectorView} view @returns {Node[]} */
  #runAtBin(view) {
    const { run, bin } = view;
    this.heading.replaceChildren(h("h2", { id: "inspector-title" }, ["Run at this bin"]));
    const counts = /** @type {Record<string, number>} */ ({ red: 0, yellow: 0, green: 0, gray: 0 });
    for (const n of run.nodes.values()) counts[n.colors[bin]] = (counts[n.colors[bin]] ?? 0) + 1;
    const warnings = run.warningsAt(bin);
    const all = [
      ...warnings.run,
      ...[...warnings.nodes].flatMap(([id, list]) => list.map((w) => ({ ...w, nodeId: id }))),
    ];
    const error = run.binErrors.get(bin);
    return [
      h("p", { class: "when" }, [whenText(run, bin)]),
      error ? h("p", { class: "error" }, [error]) : null,
      h(
        "ul",
        { class: "counts", "aria-label": "Nodes by status" },
        Object.entries(counts).map(([c, n]) => h("li", {}, [statusBadge(c), ` ${n}`])),
      ),
      h("p", { class: "note" }, ["Select a node for its numbers and charts."]),
      ...warningList("Warnings at this bin", all),
    ].filter((x) => x !== null);
  }

  /** @param {InspectorView} view @param {string} nodeId @returns {Node[]} */
  #windowDiff(view, nodeId) {
    const diffs = windowDiff(view.run, /** @type {RunData} */ (view.other), nodeId);
    return [
      h("h3", {}, ["Difference over the window"]),
      h("table", { class: "metrics diff", "data-compare": "window" }, [
        h("thead", {}, [h("tr", {}, [
          h("th", { scope: "col" }, ["Metric"]),
          h("th", { scope: "col", class: "num" }, ["bins differing"]),
          h("th", { scope: "col", class: "num" }, ["largest |Δ|"]),
        ])]),
        h(
          "tbody",
          {},
          diffs.map((d) =>
            h("tr", { "data-metric": d.key }, [
              h("th", { scope: "row" }, [LABELS[d.key]]),
              h("td", { class: "num" }, [`${d.differing} / ${d.compared}`]),
              h("td", { class: "num" }, [
                d.maxAt !== null
                  ? `${metricText(d.key, d.maxAbs)} (bin ${d.maxAt})`
                  : d.differing > 0
                  ? "gaps only"
                  : "–",
              ]),
            ])
          ),
        ),
      ]),
    ];
  }

  /** @param {RunData} run @param {string} nodeId @returns {Node[]} */
  #sources(run, nodeId) {
    const sources = run.nodes.get(nodeId)?.sources ?? [];
    if (sources.length === 0) return [];
    return [
      h("h3", {}, ["Telemetry sources"]),
      h("ul", { class: "sources" }, sources.map((s) => h("li", {}, [h("code", {}, [s])]))),
    ];
  }

  /** @param {InspectorView} view @returns {Node[]} */
  #provenance(view) {
    const { run, knownRuns } = view;
    const d = run.detail;
    const meta = d.metadata;
    const capture = meta?.capture;
    const source = capture?.runId;
    /** @type {Array<[string, Node | string]>} */
    const facts = [
      ["Run", h("code", { class: "run-id" }, [run.runId])],
      ["Mode", d.run.mode],
      [
        "Template",
        meta?.templateId
          ? `${meta.templateTitle ?? meta.templateId} (${meta.templateId} ${
            meta.templateVersion ?? ""
          })`
          : "none (a hand-written model)",
      ],
      ["Created", d.run.createdUtc || "–"],
      [
        "Grid",
        `${d.run.grid.bins} bins of ${d.run.grid.binSize} ${d.run.grid.binUnit}${
          d.run.grid.start ? ` from ${d.run.grid.start}` : ""
        }`,
      ],
    ];
    if (d.run.modelHash) {
      facts.push([
        "Model hash",
        h("code", { title: d.run.modelHash }, [d.run.modelHash.slice(0, 19) + "…"]),
      ]);
    }
    if (source) {
      const link = knownRuns.has(source)
        ? h("a", { href: placeUrl({ run: source }), "data-run-link": source }, [
          source,
        ])
        : h("span", {}, [source, " (not in this data folder)"]);
      if (link instanceof HTMLAnchorElement) {
        link.addEventListener("click", (e) => {
          if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return;
          e.preventDefault();
          this.on.open(source);
        });
      }
      facts.push(["Captured from", link]);
      facts.push(["Capture warnings", String(capture?.warningCount ?? 0)]);
    }
    const params = Object.entries(meta?.parameters ?? {});
    const compareSource = source && knownRuns.has(source) && view.other?.runId !== source
      ? h("button", { type: "button", class: "secondary", "data-action": "compare-source" }, [
        "Compare with the source run",
      ])
      : null;
    compareSource?.addEventListener("click", () => this.on.compare(source ?? ""));
    return [
      h("h3", {}, ["Provenance"]),
      h("dl", { class: "facts" }, facts.flatMap(([k, v]) => [h("dt", {}, [k]), h("dd", {}, [v])])),
      compareSource,
      params.length > 0
        ? h("details", { class: "params" }, [
          h("summary", {}, [`Parameters (${params.length})`]),
          h(
            "dl",
            { class: "facts" },
            params.flatMap(([k, v]) => [
              h("dt", {}, [k]),
              h("dd", {}, [typeof v === "string" ? v : JSON.stringify(v)]),
            ]),
          ),
        ])
        : null,
    ].filter((x) => x !== null);
  }
}

/** @param {RunData} run @param {number} bin @returns {string} */
function whenText(run, bin) {
  const span = binSpan(run.times[bin], run.binMinutes);
  return `Bin ${bin}${span ? ` · ${span}` : ""}`;
}

/**
 * A titled list of warnings, or a line saying there are none.
 * @param {string} title heading
 * @param {StateWarning[]} warnings warnings
 * @returns {Node[]} the nodes
 */
function warningList(title, warnings) {
  return [
    h("h3", {}, [title, h("span", { class: "count" }, [` (${warnings.length})`])]),
    warnings.length === 0 ? h("p", { class: "note" }, ["None."]) : h(
      "ul",
      { class: "warnings" },
      warnings.map((w) =>
        h("li", { "data-code": w.code, class: `sev-${w.severity ?? "warning"}` }, [
          h("span", { class: "code" }, [w.code]),
          w.source ? h("span", { class: "source" }, [w.source]) : null,
          w.nodeId || w.metric
            ? h("span", { class: "where" }, [[w.nodeId, w.metric].filter(Boolean).join(".")])
            : null,
          h("span", { class: "message" }, [w.message]),
        ])
      ),
    ),
  ];
}
