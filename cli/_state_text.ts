// `flowtime state --format table|csv`: the /state answer as a table for people and as CSV for
// spreadsheets. One row per node (a bin) or per node and bin (a window); the same columns in
// both, derived metrics after the raw ones.
import type {
  NodeColor,
  StateSnapshot,
  StateValue,
  StateWarning,
  StateWindow,
} from "../lib/state/types.ts";

/** Columns of a state row, in order. */
export const STATE_COLUMNS = [
  "bin",
  "startUtc",
  "nodeId",
  "kind",
  "arrivals",
  "served",
  "errors",
  "queue",
  "capacity",
  "externalDemand",
  "utilization",
  "latencyMinutes",
  "throughputRatio",
  "color",
  "warnings",
] as const;

type Row = Record<(typeof STATE_COLUMNS)[number], string>;

const num = (v: StateValue | undefined): string => v === undefined || v === null ? "" : String(v);

/**
 * The rows of a state answer: one per node for a bin, one per node and bin for a window (node
 * by node, bins in order).
 * @param state a snapshot or a window
 * @returns rows of text cells (empty for a missing or non-numeric value)
 */
export function stateRows(state: StateSnapshot | StateWindow): Row[] {
  if ("bin" in state) {
    return state.nodes.map((n) => ({
      bin: String(state.bin.index),
      startUtc: state.bin.startUtc ?? "",
      nodeId: n.id,
      kind: n.kind,
      arrivals: num(n.metrics.arrivals),
      served: num(n.metrics.served),
      errors: num(n.metrics.errors),
      queue: num(n.metrics.queue),
      capacity: num(n.metrics.capacity),
      externalDemand: num(n.metrics.externalDemand),
      utilization: num(n.derived.utilization),
      latencyMinutes: num(n.derived.latencyMinutes),
      throughputRatio: num(n.derived.throughputRatio),
      color: n.derived.color,
      warnings: n.telemetry.warnings.map((w) => w.code).join(" "),
    }));
  }
  const rows: Row[] = [];
  for (const n of state.nodes) {
    const s = n.series;
    for (let i = 0; i < state.window.binCount; i++) {
      const bin = state.window.startBin + i;
      rows.push({
        bin: String(bin),
        startUtc: state.timestampsUtc[i] ?? "",
        nodeId: n.id,
        kind: n.kind,
        arrivals: num(s.arrivals[i]),
        served: num(s.served[i]),
        errors: num(s.errors[i]),
        queue: num(s.queue?.[i]),
        capacity: num(s.capacity?.[i]),
        externalDemand: num(s.externalDemand?.[i]),
        utilization: num(s.utilization[i]),
        latencyMinutes: num(s.latencyMinutes?.[i]),
        throughputRatio: num(s.throughputRatio[i]),
        color: s.color[i] as NodeColor,
        warnings: n.telemetry.warnings.filter((w) => !w.bins || w.bins.includes(bin))
          .map((w) => w.code).join(" "),
      });
    }
  }
  return rows;
}

/**
 * The state as CSV (RFC 4180, LF line ends): a header of {@link STATE_COLUMNS}, then the rows.
 * @param state a snapshot or a window
 * @returns the CSV text, ending with a newline
 */
export function stateCsv(state: StateSnapshot | StateWindow): string {
  const cell = (v: string) => /[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
  const lines = [STATE_COLUMNS.join(",")];
  for (const row of stateRows(state)) lines.push(STATE_COLUMNS.map((c) => cell(row[c])).join(","));
  return lines.join("\n") + "\n";
}

/**
 * The state as a table for a terminal: a title line, one aligned row per node (and bin), the
 * columns no node has left out, then the warnings.
 * @param state a snapshot or a window
 * @returns lines of text
 */
export function stateTable(state: StateSnapshot | StateWindow): string[] {
  const m = state.metadata;
  const title = "bin" in state
    ? `run ${m.runId} (${m.templateId}, ${m.mode}), bin ${state.bin.index}${
      state.bin.startUtc ? ` ${state.bin.startUtc} .. ${state.bin.endUtc}` : ""
    } (${state.bin.durationMinutes} min)`
    : `run ${m.runId} (${m.templateId}, ${m.mode}), bins ${state.window.startBin}..${state.window.endBin}`;
  const rows = stateRows(state);
  const labels: Record<string, string> = {
    startUtc: "start",
    nodeId: "node",
    externalDemand: "demand",
    utilization: "util",
    latencyMinutes: "latency",
    throughputRatio: "ratio",
  };
  const columns = STATE_COLUMNS.filter((c) =>
    c === "nodeId" || rows.some((r) => r[c] !== "") &&
      !("bin" in state && (c === "bin" || c === "startUtc"))
  );
  const shown = (c: string, v: string) =>
    /^-?\d+\.\d{4,}/.test(v) && c !== "bin" ? Number(v).toFixed(3) : v;
  const table = [
    columns.map((c) => labels[c] ?? c),
    ...rows.map((r) => columns.map((c) => shown(c, r[c]) || "-")),
  ];
  const widths = columns.map((_, i) => Math.max(...table.map((r) => r[i].length)));
  const numeric = new Set(["bin", "arrivals", "served", "errors", "queue", "capacity"]);
  const lines = [title, ""];
  for (const r of table) {
    lines.push(
      r.map((v, i) => numeric.has(columns[i]) ? v.padStart(widths[i]) : v.padEnd(widths[i]))
        .join("  ").trimEnd(),
    );
  }
  if (state.warnings.length > 0) {
    lines.push("", "warnings:");
    for (const w of state.warnings) lines.push(`  ${warningLine(w)}`);
  }
  return lines;
}

function warningLine(w: StateWarning): string {
  const where = [w.nodeId, w.metric].filter((x) => x).join(".");
  return `${w.code}${where ? ` (${where})` : ""}: ${w.message}`;
}
