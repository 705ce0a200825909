// Import from a long-format CSV export (Azure Data Explorer, Grafana, a spreadsheet): rows of
// timestamp, node, metric and value, binned onto the grid with a declared aggregation per metric.
import { basename } from "node:path";
import { FlowTimeError } from "../base/errors.ts";
import { resolveTimestamp } from "../base/clock.ts";
import { isSafeId, printable } from "../base/paths.ts";
import { SEMANTIC_METRICS, type SemanticMetric } from "../model/types.ts";
import { CAPTURE_METRICS } from "../telemetry/bindings.ts";
import { type TelemetrySeries, writeTelemetryFolder } from "../telemetry/bundle_writer.ts";
import type {
  CaptureWarning,
  ImportAggregation,
  TelemetryImportSource,
} from "../telemetry/types.ts";
import { type ImportGrid, resolveImportGrid } from "./grid.ts";
import { readCsvRecords } from "./_csv_records.ts";
import { defaultImportDir, importProvenance, importWarnings } from "./_provenance.ts";
import type { ImportResult } from "./types.ts";

/** Aggregations a CSV import can apply to the rows of a bin. */
export const IMPORT_AGGREGATIONS: readonly ImportAggregation[] = ["sum", "mean", "last", "max"];

/** Column names of a long-format CSV. */
export interface CsvColumns {
  /** Time of the row: ISO 8601 with a zone (`Z`, `+02:00`), or Unix seconds or milliseconds.
   * @default "timestamp"
   */
  timestamp?: string;
  /** Topology node id.
   * @default "node"
   */
  node?: string;
  /** Capture metric (arrivals, served, errors, externalDemand, queueDepth, capacity).
   * @default "metric"
   */
  metric?: string;
  /** The number.
   * @default "value"
   */
  value?: string;
}

/** Options for {@link importCsv}. */
export interface CsvImportOptions {
  /** The CSV file. */
  file: string;
  /** The grid to fill. */
  grid: ImportGrid;
  /** How each metric's rows in one bin become its value, e.g. `{arrivals: "sum",
   * queueDepth: "max"}` (metric names case-insensitive). Every metric in the file needs one. */
  aggregations: Record<string, ImportAggregation>;
  /** Column names, where they differ from `timestamp,node,metric,value`. */
  columns?: CsvColumns;
  /** Field separator.
   * @default ","
   */
  delimiter?: string;
  /** Telemetry folder; default `<dataDir>/telemetry/<importId>`. */
  outputDir?: string;
  /** Data folder for the default output folder.
   * @default "./data"
   */
  dataDir?: string;
  /** Compute every file and hash, write nothing.
   * @default false
   */
  dryRun?: boolean;
  /** Replace an existing telemetry folder (only one holding a manifest.json).
   * @default false
   */
  overwrite?: boolean;
  /** Import time recorded in the manifest (ISO UTC); default now. */
  importedAt?: string;
}

/** What {@link importCsv} did. */
export interface CsvImportResult extends ImportResult {
  /** Data rows read. */
  rows: number;
  /** Rows whose time lies outside the grid (left out). */
  rowsOutsideGrid: number;
}

// Per node metric: the running aggregate of every bin.
interface Accumulator {
  nodeId: string;
  semantic: SemanticMetric;
  written: string;
  value: Float64Array; // sum, max or last value so far
  count: Uint32Array; // rows with a number
  rows: Uint32Array; // rows at all
  lastAt: Float64Array; // time of the last value (for "last")
}

/**
 * Import a long-format CSV (`timestamp,node,metric,value`, one row per observation). Rows are
 * placed in the bin whose `[start, end)` holds their time and combined with their metric's
 * aggregation; empty and NaN values are skipped. A bin without rows is a `data_gap`, a bin
 * whose rows are all empty or NaN a `nan_fill`. Files are written node by node in name order,
 * metrics in capture order.
 * @param options file, grid, aggregations, columns and output
 * @returns the manifest written (or that would be) and the row counts
 * @throws FlowTimeError `usage` (bad grid or options), `import_invalid` (naming the file and line:
 *   a missing column, a bad time, node or number, a metric without aggregation), `not_found`,
 *   `output_exists`, IO codes
 */
export async function importCsv(options: CsvImportOptions): Promise<CsvImportResult> {
  const started = performance.now();
  const importedAtUtc = resolveTimestamp(options.importedAt, "importedAt");
  const resolved = resolveImportGrid(options.grid);
  const { startMs, binMs } = resolved;
  const bins = resolved.grid.bins;
  const endMs = startMs + bins * binMs;
  const columns = {
    timestamp: options.columns?.timestamp ?? "timestamp",
    node: options.columns?.node ?? "node",
    metric: options.columns?.metric ?? "metric",
    value: options.columns?.value ?? "value",
  };
  const aggregations = readAggregations(options.aggregations);
  const delimiter = options.delimiter ?? ",";
  if (delimiter.length !== 1 || /["\r\n]/.test(delimiter)) {
    throw new FlowTimeError("usage", `the delimiter must be one character other than a quote`);
  }
  const file = options.file;
  const reading = readCsvRecords(file, delimiter);
  const series = new Map<string, Accumulator>();
  let index: Record<keyof typeof columns, number> | undefined;
  let rows = 0;
  let outside = 0;
  for await (const { fields, line } of reading.records) {
    if (!index) {
      index = headerIndex(fields, columns, { file, line });
      continue;
    }
    rows++;
    const place = { file, line };
    const at = parseTime(fields[index.timestamp] ?? "", place);
    if (at < startMs || at >= endMs) {
      outside++;
      continue;
    }
    const bin = Math.floor((at - startMs) / binMs);
    const nodeId = fields[index.node] ?? "";
    if (!isSafeId(nodeId)) {
      throw new FlowTimeError(
        "import_invalid",
        `node '${
          printable(nodeId)
        }' cannot name a telemetry file; use only letters, digits, '.', '_' and '-'`,
        place,
      );
    }
    const written = fields[index.metric] ?? "";
    const semantic = metricOf(written);
    if (!semantic) {
      throw new FlowTimeError(
        "import_invalid",
        `unknown metric '${printable(written)}'; the metric column holds capture metrics: ${
          SEMANTIC_METRICS.join(", ")
        }`,
        place,
      );
    }
    const how = aggregations.get(semantic);
    if (!how) {
      throw new FlowTimeError(
        "import_invalid",
        `metric '${written}' has no aggregation; declare how its rows in a bin combine (${
          IMPORT_AGGREGATIONS.join(", ")
        })`,
        { ...place, fix: { option: "aggregations", effect: `include ${semantic}=<aggregation>` } },
      );
    }
    const key = `${nodeId}\u0000${semantic}`;
    let acc = series.get(key);
    if (!acc) {
      acc = {
        nodeId,
        semantic,
        written,
        value: new Float64Array(bins).fill(how === "max" ? -Infinity : 0),
        count: new Uint32Array(bins),
        rows: new Uint32Array(bins),
        lastAt: new Float64Array(bins).fill(-Infinity),
      };
      series.set(key, acc);
    }
    acc.rows[bin]++;
    const value = parseNumber(fields[index.value] ?? "", place);
    if (Number.isNaN(value)) continue;
    acc.count[bin]++;
    if (how === "sum" || how === "mean") acc.value[bin] += value;
    else if (how === "max") acc.value[bin] = Math.max(acc.value[bin], value);
    else if (at >= acc.lastAt[bin]) {
      acc.value[bin] = value;
      acc.lastAt[bin] = at;
    }
  }
  if (!index) {
    throw new FlowTimeError("import_invalid", "the file is empty; it needs a header row", {
      file,
    });
  }
  const ordered = [...series.values()].sort((a, b) =>
    a.nodeId < b.nodeId
      ? -1
      : a.nodeId > b.nodeId
      ? 1
      : SEMANTIC_METRICS.indexOf(a.semantic) - SEMANTIC_METRICS.indexOf(b.semantic)
  );
  if (ordered.length === 0) {
    throw new FlowTimeError(
      "import_invalid",
      `no row of the file lies on the grid (${resolved.grid.start}, ${bins} bins of ${resolved.grid.binSize} ${resolved.grid.binUnit}); check the grid's start and the file's times`,
      { file },
    );
  }
  const out: TelemetrySeries[] = [];
  const warnings: CaptureWarning[] = [];
  for (const acc of ordered) {
    const how = aggregations.get(acc.semantic)!;
    const missing: number[] = [];
    const nan: number[] = [];
    const infinite: number[] = [];
    const values = new Float64Array(bins);
    for (let b = 0; b < bins; b++) {
      if (acc.rows[b] === 0) {
        values[b] = NaN;
        missing.push(b);
      } else if (acc.count[b] === 0) {
        values[b] = NaN;
        nan.push(b);
      } else {
        values[b] = how === "mean" ? acc.value[b] / acc.count[b] : acc.value[b];
        if (!Number.isFinite(values[b])) infinite.push(b);
      }
    }
    const metric = CAPTURE_METRICS[acc.semantic];
    out.push({
      nodeId: acc.nodeId,
      semantic: acc.semantic,
      sourceSeries: `${basename(file)}: ${acc.nodeId} ${acc.written} (${how})`,
      values,
      dropBins: new Set(missing),
      emptyBins: new Set(nan),
    });
    warnings.push(...importWarnings({ nodeId: acc.nodeId, metric }, {
      missing,
      nan,
      infinite,
      why: { missing: "no rows in these bins", nan: "every row of these bins was empty or NaN" },
    }));
  }
  const used = new Set(ordered.map((a) => a.semantic));
  const source: TelemetryImportSource = {
    kind: "csv",
    file: basename(file),
    fileHash: reading.hash(),
    columns,
    aggregations: Object.fromEntries(
      SEMANTIC_METRICS.filter((m) => used.has(m)).map((m) => [
        CAPTURE_METRICS[m],
        aggregations.get(m)!,
      ]),
    ),
    importedAtUtc,
  };
  const { provenance, importId } = importProvenance(source, resolved.grid);
  const outputDir = options.outputDir ?? defaultImportDir(importId, options.dataDir);
  const { manifest, manifestHash } = await writeTelemetryFolder(outputDir, {
    grid: resolved.grid,
    series: out,
    warnings,
    provenance,
    overwrite: options.overwrite,
    dryRun: options.dryRun,
  });
  return {
    dryRun: options.dryRun === true,
    importId,
    outputDir,
    manifest,
    manifestHash,
    rows,
    rowsOutsideGrid: outside,
    durationMs: Math.round((performance.now() - started) * 1000) / 1000,
  };
}

function readAggregations(
  raw: Record<string, ImportAggregation>,
): Map<SemanticMetric, ImportAggregation> {
  const out = new Map<SemanticMetric, ImportAggregation>();
  for (const [name, how] of Object.entries(raw ?? {})) {
    const semantic = metricOf(name);
    if (!semantic) {
      throw new FlowTimeError(
        "usage",
        `aggregations: unknown metric '${name}'; use ${SEMANTIC_METRICS.join(", ")}`,
      );
    }
    if (!IMPORT_AGGREGATIONS.includes(how)) {
      throw new FlowTimeError(
        "usage",
        `aggregations: ${name}: '${how}' is not an aggregation; use ${
          IMPORT_AGGREGATIONS.join(", ")
        }`,
      );
    }
    out.set(semantic, how);
  }
  return out;
}

// Capture metric names, case-insensitive, with `_`/`-` ignored (queue_depth, external-demand).
function metricOf(text: string): SemanticMetric | undefined {
  const key = text.trim().toLowerCase().replace(/[_-]/g, "");
  return SEMANTIC_METRICS.find((m) => m.toLowerCase() === key);
}

function headerIndex(
  fields: string[],
  columns: Required<CsvColumns>,
  place: { file: string; line: number },
): Record<keyof CsvColumns, number> {
  const names = fields.map((f) => f.trim().toLowerCase());
  const out = {} as Record<keyof CsvColumns, number>;
  for (const role of ["timestamp", "node", "metric", "value"] as const) {
    const at = names.indexOf(columns[role].trim().toLowerCase());
    if (at < 0) {
      throw new FlowTimeError(
        "import_invalid",
        `no column '${columns[role]}' for the ${role}; the header has ${
          fields.map((f) => `'${f}'`).join(", ")
        }`,
        {
          ...place,
          fix: { option: "columns", effect: `name the ${role} column (${role}=<name>)` },
        },
      );
    }
    out[role] = at;
  }
  return out;
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})$/i;
const EPOCH = /^\d{1,15}(\.\d+)?$/;

// Milliseconds since the epoch. Numbers of 1e11 or more are milliseconds (1e11 seconds is the
// year 5138), smaller ones seconds.
function parseTime(text: string, place: { file: string; line: number }): number {
  const t = text.trim();
  if (EPOCH.test(t)) {
    const n = Number(t);
    return Math.round(n >= 1e11 ? n : n * 1000);
  }
  if (ISO_TIME.test(t)) {
    const m = /^(.*?)(\.\d+)?\s*(Z|[+-]\d{2}:?\d{2})$/i.exec(t.replace(" ", "T"))!;
    const zone = m[3].toUpperCase() === "Z" ? "Z" : m[3].replace(/^([+-]\d{2})(\d{2})$/, "$1:$2");
    const fraction = m[2] ? Number(`0${m[2]}`) * 1000 : 0;
    const ms = Date.parse(`${m[1]}${zone}`);
    if (Number.isFinite(ms)) return ms + Math.round(fraction);
  }
  throw new FlowTimeError(
    "import_invalid",
    `'${
      printable(t)
    }' is not a time; write ISO 8601 with a zone (2025-10-07T00:05:00Z) or Unix seconds or milliseconds`,
    place,
  );
}

function parseNumber(text: string, place: { file: string; line: number }): number {
  const t = text.trim();
  if (t === "" || /^nan$/i.test(t) || /^null$/i.test(t)) return NaN;
  if (/^[+]?inf(inity)?$/i.test(t)) return Infinity;
  if (/^-inf(inity)?$/i.test(t)) return -Infinity;
  const n = Number(t);
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(t) || !Number.isFinite(n)) {
    throw new FlowTimeError("import_invalid", `value '${printable(t)}' is not a number`, place);
  }
  return n;
}
