// The run bundle's JSON documents (CONTRACTS section 3). Each interface matches a schema in
// schemas/ (run, series-index, run-manifest, model-metadata); a test checks real bundles.
import type { BinUnit, RunMode } from "../model/types.ts";
import type { RunWarning } from "../base/warnings.ts";

/** Grid as written in run.json and series/index.json. */
export interface RunGrid {
  /** Number of bins. */
  bins: number;
  /** Size of one bin in `binUnit`. */
  binSize: number;
  /** Unit of `binSize`. */
  binUnit: BinUnit;
  /** Start of bin 0 (ISO UTC), when the model has one. */
  start?: string;
  /** Always `UTC`. */
  timezone: "UTC";
  /** Bin timestamps mark the left edge. */
  align: "left";
}

/** One series entry in run.json. */
export interface RunSeriesRef {
  /** Series id `<nodeId>@<NODEID>@DEFAULT`. */
  id: string;
  /** Path relative to the run folder, `series/<id>.csv`. */
  path: string;
  /** Unit, `entities/bin`. */
  unit: string;
}

/** `run.json`: what the run is and what it produced. */
export interface RunJson {
  /** Always 1. */
  schemaVersion: 1;
  /** Run id (folder name). */
  runId: string;
  /** Engine that wrote the bundle. */
  engineVersion: string;
  /** Always `engine`. */
  source: "engine";
  /** Run mode. */
  mode: RunMode;
  /** The grid. */
  grid: RunGrid;
  /** Hash of `model/model.yaml`. */
  modelHash: string;
  /** FlowTime scenario hash (model text + seed). */
  scenarioHash: string;
  /** Template input hash, for runs generated from a template. */
  inputHash?: string;
  /** When the run was written (ISO UTC). */
  createdUtc: string;
  /** Warnings raised while running. */
  warnings: RunWarning[];
  /** Series written. */
  series: RunSeriesRef[];
}

/** One entry of `series/index.json`. */
export interface SeriesIndexEntry {
  /** Series id. */
  id: string;
  /** Always `flow`. */
  kind: "flow";
  /** Path relative to the run folder. */
  path: string;
  /** Unit. */
  unit: string;
  /** Upper-cased node id. */
  componentId: string;
  /** Always `DEFAULT`. */
  class: string;
  /** Number of rows (bins). */
  points: number;
  /** Hash of the CSV file. */
  hash: string;
}

/** `series/index.json`. */
export interface SeriesIndex {
  /** Always 1. */
  schemaVersion: 1;
  /** The grid. */
  grid: RunGrid;
  /** One entry per series file. */
  series: SeriesIndexEntry[];
}

/** Link from a run to the telemetry capture it replayed. */
export interface CaptureLink {
  /** Run id of the captured (source) run. */
  runId: string;
  /** Hash of the capture's manifest.json. */
  manifestHash: string;
  /** The capture bundle's checksum. */
  checksum: string;
}

/** Template provenance summary in manifest.json. */
export interface ManifestProvenance {
  /** Template id. */
  templateId: string;
  /** Template version. */
  templateVersion: string;
  /** sha256 hex of the substituted template. */
  modelId?: string;
  /** Template input hash. */
  inputHash?: string;
  /** Capture the run replayed, for telemetry-mode runs. */
  capture?: CaptureLink;
}

/** `manifest.json`: hashes that pin the run's content. */
export interface RunManifest {
  /** Always 1. */
  schemaVersion: 1;
  /** Run id. */
  runId: string;
  /** Scenario hash. */
  scenarioHash: string;
  /** Model hash. */
  modelHash: string;
  /** Template input hash, when generated. */
  inputHash?: string;
  /** RNG settings; the seed is the model's, else 123 (FlowTime HEAD's default). Readers
   * accept a manifest without a seed (written before FlowTime compatibility). */
  rng: { kind: string; seed?: number };
  /** Hash of every series file, by series id. */
  seriesHashes: Record<string, string>;
  /** Always 0: the engine writes no events (FlowTime's manifest requires the field). */
  eventCount?: number;
  /** When the run was written. */
  createdUtc: string;
  /** Template and capture provenance. */
  provenance?: ManifestProvenance;
}

/** Capture link as recorded in metadata.json. */
export interface MetadataCaptureLink extends CaptureLink {
  /** Path of the copied capture manifest, relative to the run folder. */
  manifestPath: string;
  /** Number of warnings in the capture manifest. */
  warningCount: number;
}

/** `model/metadata.json`: where the model came from. */
export interface ModelMetadataJson {
  /** Always 1. */
  schemaVersion: 1;
  /** Template id, or `adhoc-model`. */
  templateId: string;
  /** Template title. */
  templateTitle: string;
  /** Template version, `0.0.0` for ad-hoc models. */
  templateVersion: string;
  /** Run mode. */
  mode: RunMode;
  /** Hash of model/model.yaml. */
  modelHash: string;
  /** Generator, e.g. `flowtime-sim/0.1.0`. */
  generator?: string;
  /** sha256 hex of the substituted template. */
  modelId?: string;
  /** When the model was generated. */
  generatedAtUtc?: string;
  /** Parameters the model was generated with. */
  parameters: Record<string, unknown>;
  /** Telemetry source references of the model's const nodes. */
  telemetrySources: string[];
  /** The replayed capture, for telemetry-mode runs. */
  capture?: MetadataCaptureLink;
}
