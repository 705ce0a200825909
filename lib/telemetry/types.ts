// The telemetry capture contract (CONTRACTS sections 6 and 7): the capture manifest, its
// warnings, the gap configuration and the capture result. Each matches a schema in schemas/.
import type { BinUnit, SemanticMetric } from "../model/types.ts";

/** Metric name as written in a capture manifest (PascalCase of the semantic key). */
export type CaptureMetric =
  | "Arrivals"
  | "Served"
  | "Errors"
  | "ExternalDemand"
  | "QueueDepth"
  | "Capacity";

/** Capture warning codes. */
export type CaptureWarningCode =
  | "data_gap"
  | "nan_fill"
  | "zero_fill"
  | "nan_detected"
  | "length_mismatch";

/** One warning per node, metric and code, listing every bin it concerns. */
export interface CaptureWarning {
  /** What happened: rows removed, NaN or zero injected, NaN in the source, wrong length. */
  code: CaptureWarningCode;
  /** Human-readable description. */
  message: string;
  /** Topology node id. */
  nodeId: string;
  /** Metric of the file. */
  metric: CaptureMetric;
  /** Bins concerned, ascending. */
  bins: number[];
  /** Always `warning`. */
  severity: "warning";
}

/** One captured file. */
export interface TelemetryManifestFile {
  /** Topology node id. */
  nodeId: string;
  /** Metric. */
  metric: CaptureMetric;
  /** File name inside the capture folder, `<NodeId>_<metric lower-cased>.csv`. */
  path: string;
  /** `sha256:<hex>` of the file's bytes. */
  hash: string;
  /** Number of data rows in the file. */
  points: number;
  /** Series id in the run the values came from. */
  sourceSeries: string;
}

/** Time window of a capture. */
export interface TelemetryManifestWindow {
  /** Start of bin 0 (ISO UTC), when the run has one. */
  startTimeUtc?: string;
  /** bins x bin size, in minutes. */
  durationMinutes: number;
}

/** Grid of a capture. */
export interface TelemetryManifestGrid {
  /** Number of bins. */
  bins: number;
  /** Size of a bin in `binUnit`. */
  binSize: number;
  /** Unit of `binSize`. */
  binUnit: BinUnit;
}

/** Gap configuration used by a capture. */
export interface TelemetryManifestGaps {
  /** Hash of the configuration (canonical JSON, see `gapConfigHash`). */
  hash: string;
  /** Seed of the random rules, when the configuration has one. */
  seed?: number;
}

/** Where the captured data came from. */
export interface TelemetryManifestProvenance {
  /** Run id of the captured run. */
  runId: string;
  /** Scenario hash of the run. */
  scenarioHash: string;
  /** Model hash of the run. */
  modelHash: string;
  /** Template id, when the run was generated from a template. */
  templateId?: string;
  /** Template version, when the run was generated from a template. */
  templateVersion?: string;
  /** Template input hash, when known. */
  inputHash?: string;
  /** Toolkit version that captured. */
  captureVersion: string;
  /** When the capture was taken (ISO UTC); for an import, when it was imported. */
  capturedAtUtc: string;
  /** Where imported data came from (imports only; `runId` then holds the import id). */
  source?: TelemetryImportSource;
}

/** How a value is made of the rows of one bin in a CSV import. */
export type ImportAggregation = "sum" | "mean" | "last" | "max";

/** One query of a Prometheus import, as the manifest records it. */
export interface TelemetryImportQuery {
  /** Topology node id. */
  nodeId: string;
  /** Metric of the file. */
  metric: CaptureMetric;
  /** The PromQL expression. */
  query: string;
}

/** The provenance of an import: the source instead of a run. Never holds credentials. */
export interface TelemetryImportSource {
  /** What was read. */
  kind: "prometheus" | "csv";
  /** Base URL of the Prometheus query API, without credentials (Prometheus imports). */
  url?: string;
  /** Every query, in mapping order (Prometheus imports). */
  queries?: TelemetryImportQuery[];
  /** File name read (CSV imports). */
  file?: string;
  /** `sha256:` of the file's bytes (CSV imports). */
  fileHash?: string;
  /** Column names used (CSV imports). */
  columns?: { timestamp: string; node: string; metric: string; value: string };
  /** Aggregation per metric (CSV imports). */
  aggregations?: Partial<Record<CaptureMetric, ImportAggregation>>;
  /** When the import ran (ISO UTC). */
  importedAtUtc: string;
}

/** `manifest.json` of a telemetry capture bundle. */
export interface TelemetryManifest {
  /** Always 1. */
  schemaVersion: 1;
  /** Time window. */
  window: TelemetryManifestWindow;
  /** Grid. */
  grid: TelemetryManifestGrid;
  /** Captured files, node by node, metrics in capture order. */
  files: TelemetryManifestFile[];
  /** Warnings: injected gaps and problems found in the source. */
  warnings: CaptureWarning[];
  /** Gap configuration, when one was used. */
  gaps?: TelemetryManifestGaps;
  /** Source run and capture time. */
  provenance: TelemetryManifestProvenance;
  /** sha256 over `<path> <hash>\n` of every file, sorted by path. */
  checksum: string;
}

/** What a gap rule does to the bins it selects. */
export type GapAction = "drop" | "nan" | "zero";

/** One gap rule, normalised. */
export interface GapRule {
  /** Topology node id, or `*` for every node. */
  node: string;
  /** Semantic metric, or `*` for every metric. */
  metric: SemanticMetric | "*";
  /** Explicit bins as inclusive `[first, last]` ranges in the order written (a single bin `b`
   * is `[b, b]`); absent for random rules. */
  ranges?: Array<[number, number]>;
  /** Share of the grid's bins chosen at random; absent for explicit rules. */
  fraction?: number;
  /** What to do with the selected bins. */
  action: GapAction;
}

/** A gap configuration, normalised. */
export interface GapConfig {
  /** Seed for random rules (required when any rule has `fraction`). */
  seed?: number;
  /** Rules, applied in order; for a bin hit by several rules the last one wins. */
  rules: GapRule[];
}

/** A parsed gap configuration with what is needed to report problems against a run. */
export interface GapConfigDocument {
  /** The normalised configuration. */
  config: GapConfig;
  /** `sha256:` of the canonical JSON of the document as written. */
  hash: string;
  /** File name (or `gaps` for inline values), for messages. */
  file: string;
  /** Line of a field path in the file, when read from text. */
  lineOf?: (path: ReadonlyArray<string | number>) => number | undefined;
}

/** A topology node metric that named no series of the run, so no file was written for it. */
export interface SkippedBinding {
  /** Topology node id. */
  nodeId: string;
  /** Metric. */
  metric: CaptureMetric;
  /** The model node the semantics named. */
  reference: string;
  /** Why it was skipped. */
  reason: string;
}

/** What a capture wrote, or in a dry run would write. */
export interface CaptureResult {
  /** True when nothing was written. */
  dryRun: boolean;
  /** Captured run id. */
  runId: string;
  /** The run folder read. */
  runDir: string;
  /** The capture folder (written, or that would be written). */
  outputDir: string;
  /** The manifest (written, or that would be written). */
  manifest: TelemetryManifest;
  /** `sha256:` of manifest.json's bytes. */
  manifestHash: string;
  /** Semantics that resolved to no series of the run. */
  skipped: SkippedBinding[];
  /** Wall time in milliseconds. */
  durationMs: number;
  /** True when the capture folder already held this capture (the same files, captured at
   * another time) and was kept as it was; `manifest` is then the kept one. */
  unchanged?: boolean;
}

/** One structured log event of a capture (`capture.log` is these as JSON lines). */
export interface CaptureLogEvent {
  /** When it happened (ISO UTC, wall clock). */
  ts: string;
  /** Severity. */
  level: "info" | "warn" | "error";
  /** `capture.start`, `capture.file`, `capture.warning`, `capture.finish` or `capture.error`. */
  event: string;
  /** Captured run id. */
  runId: string;
  /** Template id of the run, when generated from a template. */
  templateId?: string;
  /** Gap configuration hash, when one is used. */
  gapsHash?: string;
  /** Event fields. */
  [field: string]: unknown;
}
