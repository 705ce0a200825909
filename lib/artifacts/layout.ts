// The run bundle's layout: every file name and folder of a run, in one place (CONTRACTS
// section 3). Readers, the writer, state and telemetry name files only through these.

/** Files and folders of a run bundle, relative to the run folder. */
export const RUN_FILES = {
  /** Run summary: grid, hashes, warnings, series list. */
  run: "run.json",
  /** Hashes of every series and the model, rng, provenance. */
  manifest: "manifest.json",
  /** The model again, under FlowTime's historical name (same bytes as {@link RUN_FILES.model}). */
  spec: "spec.yaml",
  /** Folder of the model and its metadata. */
  modelDir: "model",
  /** The evaluated model, byte for byte. */
  model: "model/model.yaml",
  /** Template id, title, version, mode, parameters, telemetry sources. */
  metadata: "model/metadata.json",
  /** The template generation provenance, when generated from a template. */
  provenance: "model/provenance.json",
  /** Telemetry-mode runs: the bound capture files. */
  telemetryDir: "model/telemetry",
  /** Telemetry-mode runs: the capture's manifest, copied. */
  telemetryManifest: "model/telemetry/telemetry-manifest.json",
  /** Folder of the series CSVs. */
  seriesDir: "series",
  /** The series index with per-series hashes. */
  seriesIndex: "series/index.json",
} as const;

/** Where copied telemetry lives inside a run, relative to its `model/` folder. */
export const RUN_TELEMETRY_DIR = "telemetry";

/** File name of the copied capture manifest inside {@link RUN_TELEMETRY_DIR}. */
export const RUN_TELEMETRY_MANIFEST = "telemetry-manifest.json";

/**
 * Path of a series CSV inside a run folder.
 * @param seriesId the series id (`<node>@<NODE>@DEFAULT`)
 * @returns `series/<seriesId>.csv`
 */
export function seriesPath(seriesId: string): string {
  return `${RUN_FILES.seriesDir}/${seriesId}.csv`;
}
