// Import from a Prometheus query API: every mapping entry is evaluated at the end of every bin
// through `/api/v1/query_range` (step = bin size, split where the points limit requires), and
// the answers become a telemetry folder exactly like a capture's.
import { FlowTimeError, formatPlace } from "../base/errors.ts";
import { resolveTimestamp } from "../base/clock.ts";
import type { TelemetrySeries } from "../telemetry/bundle_writer.ts";
import { writeTelemetryFolder } from "../telemetry/bundle_writer.ts";
import type { CaptureWarning } from "../telemetry/types.ts";
import { type ImportGrid, type ResolvedGrid, resolveImportGrid } from "./grid.ts";
import type { MappingEntry, PrometheusMapping } from "./mapping.ts";
import {
  PrometheusClient,
  type PrometheusClientOptions,
  type RangeSeries,
} from "./prometheus_client.ts";
import { defaultImportDir, importProvenance, importWarnings } from "./_provenance.ts";
import type { ImportProgress, ImportResult } from "./types.ts";

/** Points per series Prometheus answers at most in one range query. */
export const PROMETHEUS_MAX_POINTS = 11_000;

/** Options for {@link importPrometheus}. */
export interface PrometheusImportOptions extends PrometheusClientOptions {
  /** Base URL of the query API, e.g. `http://prometheus:9090`. */
  url: string;
  /** The mapping (see `loadPrometheusMapping`, `prometheusMappingFromValue`). */
  mapping: PrometheusMapping;
  /** The grid to fill. */
  grid: ImportGrid;
  /** Telemetry folder; default `<dataDir>/telemetry/<importId>`. */
  outputDir?: string;
  /** Data folder for the default output folder.
   * @default "./data"
   */
  dataDir?: string;
  /** Query everything and compute every file and hash, but write nothing.
   * @default false
   */
  dryRun?: boolean;
  /** Replace an existing telemetry folder (only one holding a manifest.json).
   * @default false
   */
  overwrite?: boolean;
  /** Import time recorded in the manifest (ISO UTC); default now. */
  importedAt?: string;
  /** Most points asked for per series in one request; longer grids are split.
   * @default 11000
   */
  maxPointsPerRequest?: number;
  /** Requests in flight at once.
   * @default 4
   */
  concurrency?: number;
  /** Receives progress after each request. */
  onProgress?: (progress: ImportProgress) => void;
  /** Abort between requests; nothing is written. */
  signal?: AbortSignal;
}

/** What {@link importPrometheus} did. */
export interface PrometheusImportResult extends ImportResult {
  /** Range queries sent. */
  requests: number;
  /** Warnings the server sent along with answers (e.g. Thanos partial responses). */
  sourceWarnings: string[];
}

/**
 * Import telemetry from a Prometheus query API (Prometheus, Thanos, Mimir, Cortex,
 * VictoriaMetrics). Bin `i` gets the value of its query evaluated at the bin's end,
 * `start + (i+1) * binSize`. A query must return one series; none is a gap. Missing samples
 * become `data_gap` warnings, NaN values `nan_fill` (empty cells).
 * @param options URL, mapping, grid, output, credentials and limits
 * @returns the manifest written (or, for a dry run, the one that would be)
 * @throws FlowTimeError `usage` (bad grid, URL or options), `source_unavailable`,
 *   `permission_denied`, `query_failed` (naming the mapping entry and Prometheus' message),
 *   `source_error`, `import_invalid` (several series, strings, samples off the grid),
 *   `output_exists`, `interrupted`, IO codes
 */
export async function importPrometheus(
  options: PrometheusImportOptions,
): Promise<PrometheusImportResult> {
  const started = performance.now();
  const importedAtUtc = resolveTimestamp(options.importedAt, "importedAt");
  const resolved = resolveImportGrid(options.grid);
  const maxPoints = options.maxPointsPerRequest ?? PROMETHEUS_MAX_POINTS;
  const concurrency = options.concurrency ?? 4;
  for (const [name, value] of [["maxPointsPerRequest", maxPoints], ["concurrency", concurrency]]) {
    if (!Number.isInteger(value) || (value as number) < 1) {
      throw new FlowTimeError("usage", `${name} must be a whole number >= 1, got ${value}`);
    }
  }
  const client = new PrometheusClient(options.url, options);
  try {
    // each answer is folded into its entry's values as it arrives, so memory holds the values,
    // never all the answers
    const collected = new Map(
      options.mapping.entries.map((e) => [e.index, new Collected(e, resolved)]),
    );
    const { requests, sourceWarnings } = await queryAll(client, options.mapping, {
      resolved,
      maxPoints,
      concurrency,
      signal: options.signal,
      onProgress: options.onProgress,
      onAnswer: (entry, series) => collected.get(entry.index)!.add(series, options.mapping.file),
    });
    const series: TelemetrySeries[] = [];
    const warnings: CaptureWarning[] = [];
    for (const entry of options.mapping.entries) {
      const got = collected.get(entry.index)!;
      const { missing, nan, infinite } = got.gaps();
      series.push({
        nodeId: entry.nodeId,
        semantic: entry.semantic,
        sourceSeries: entry.query,
        values: got.values,
        dropBins: new Set(missing),
        emptyBins: new Set(nan),
      });
      warnings.push(...importWarnings(entry, {
        missing,
        nan,
        infinite,
        why: {
          missing: got.labelSets.size === 0
            ? "the query returned no series"
            : "the query returned no sample at their ends",
          nan: "the query returned NaN",
        },
      }));
    }
    const { provenance, importId } = importProvenance({
      kind: "prometheus",
      url: client.url,
      queries: options.mapping.entries.map((e) => ({
        nodeId: e.nodeId,
        metric: e.metric,
        query: e.query,
      })),
      importedAtUtc,
    }, resolved.grid);
    const outputDir = options.outputDir ?? defaultImportDir(importId, options.dataDir);
    if (options.signal?.aborted) throw interrupted();
    const { manifest, manifestHash } = await writeTelemetryFolder(outputDir, {
      grid: resolved.grid,
      series,
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
      requests,
      sourceWarnings,
      durationMs: Math.round((performance.now() - started) * 1000) / 1000,
    };
  } finally {
    client.close();
  }
}

interface QueryPlan {
  resolved: ResolvedGrid;
  maxPoints: number;
  concurrency: number;
  signal?: AbortSignal;
  onProgress?: (progress: ImportProgress) => void;
  onAnswer: (entry: MappingEntry, series: RangeSeries[]) => void;
}

// Sends every (entry, chunk) request with at most `concurrency` in flight; the first failure
// aborts the rest and is thrown.
async function queryAll(
  client: PrometheusClient,
  mapping: PrometheusMapping,
  plan: QueryPlan,
): Promise<{ requests: number; sourceWarnings: string[] }> {
  const { resolved, maxPoints } = plan;
  const bins = resolved.grid.bins;
  const tasks: Array<{ entry: MappingEntry; first: number; end: number }> = [];
  for (const entry of mapping.entries) {
    for (let first = 0; first < bins; first += maxPoints) {
      tasks.push({ entry, first, end: Math.min(bins, first + maxPoints) });
    }
  }
  const sourceWarnings: string[] = [];
  const abort = new AbortController();
  const signal = plan.signal ? AbortSignal.any([plan.signal, abort.signal]) : abort.signal;
  let next = 0;
  let done = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (next < tasks.length && !failure) {
      if (plan.signal?.aborted) {
        failure ??= { error: interrupted() };
        abort.abort();
        return;
      }
      const task = tasks[next++];
      try {
        const answer = await client.queryRange(task.entry.query, {
          startMs: resolved.startMs + (task.first + 1) * resolved.binMs,
          endMs: resolved.startMs + task.end * resolved.binMs,
          stepMs: resolved.binMs,
          label: labelOf(task.entry, mapping.file),
          signal,
        });
        if (failure) return;
        plan.onAnswer(task.entry, answer.series);
        sourceWarnings.push(...answer.warnings);
        done++;
        plan.onProgress?.({ done, total: tasks.length, query: task.entry.query });
      } catch (err) {
        failure ??= { error: plan.signal?.aborted ? interrupted() : err };
        abort.abort();
      }
    }
  };
  await Promise.all(
    Array.from({ length: Math.min(plan.concurrency, tasks.length) }, () => worker()),
  );
  if (failure) throw failure.error;
  return { requests: tasks.length, sourceWarnings };
}

// The values of one entry, filled answer by answer: the one series its query returns (several
// is an error, over all its requests), each sample placed at the bin it ends.
class Collected {
  readonly values: Float64Array;
  readonly present: Uint8Array;
  readonly labelSets = new Set<string>();
  readonly #entry: MappingEntry;
  readonly #resolved: ResolvedGrid;

  constructor(entry: MappingEntry, resolved: ResolvedGrid) {
    this.#entry = entry;
    this.#resolved = resolved;
    this.values = new Float64Array(resolved.grid.bins).fill(NaN);
    this.present = new Uint8Array(resolved.grid.bins);
  }

  add(series: RangeSeries[], mappingFile: string): void {
    const entry = this.#entry;
    const { startMs, binMs, grid } = this.#resolved;
    for (const s of series) this.labelSets.add(labelText(s.labels));
    if (this.labelSets.size > 1) {
      const sets = [...this.labelSets];
      throw new FlowTimeError(
        "import_invalid",
        `${entry.nodeId} ${entry.metric}: the query '${entry.query}' returned ${sets.length} series, but each entry must return one: ${
          sets.slice(0, 5).join(", ")
        }${
          sets.length > 5 ? ", ..." : ""
        }; aggregate them (e.g. sum(...)) or select one with more labels`,
        placeOf(entry, mappingFile, "query"),
      );
    }
    for (const s of series) {
      for (const point of s.values) {
        const ms = Math.round(Number(point[0]) * 1000);
        const bin = (ms - startMs) / binMs - 1;
        if (!Number.isInteger(bin) || bin < 0 || bin >= grid.bins) {
          throw new FlowTimeError(
            "import_invalid",
            `${entry.nodeId} ${entry.metric}: the answer holds a sample at ${
              Number.isFinite(ms) ? new Date(ms).toISOString() : String(point[0])
            }, which is not the end of a bin of the grid; a query frontend that aligns queries to the step moves the times: start the grid on a multiple of the bin size (e.g. a whole hour)`,
            placeOf(entry, mappingFile, "query"),
          );
        }
        this.values[bin] = sampleValue(point[1]);
        this.present[bin] = 1;
      }
    }
  }

  gaps(): { missing: number[]; nan: number[]; infinite: number[] } {
    const missing: number[] = [];
    const nan: number[] = [];
    const infinite: number[] = [];
    for (let b = 0; b < this.values.length; b++) {
      if (this.present[b] === 0) missing.push(b);
      else if (Number.isNaN(this.values[b])) nan.push(b);
      else if (!Number.isFinite(this.values[b])) infinite.push(b);
    }
    return { missing, nan, infinite };
  }
}

// Prometheus writes sample values as strings: decimals, "NaN", "+Inf", "-Inf".
function sampleValue(text: unknown): number {
  if (text === "+Inf" || text === "Inf") return Infinity;
  if (text === "-Inf") return -Infinity;
  return typeof text === "string" ? Number(text) : NaN;
}

function labelText(labels: Record<string, string>): string {
  const keys = Object.keys(labels).sort();
  return `{${keys.map((k) => `${k}=${JSON.stringify(labels[k])}`).join(", ")}}`;
}

function placeOf(entry: MappingEntry, file: string, field: string) {
  return {
    file,
    ...(entry.line !== undefined ? { line: entry.line } : {}),
    path: `queries[${entry.index}].${field}`,
  };
}

function labelOf(entry: MappingEntry, file: string): string {
  return `${formatPlace(placeOf(entry, file, "query"))}${entry.nodeId} ${entry.metric}`;
}

function interrupted(): FlowTimeError {
  return new FlowTimeError("interrupted", "the import was interrupted; nothing was written");
}
