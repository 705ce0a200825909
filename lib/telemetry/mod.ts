// Public face of the telemetry folder: capture of runs into telemetry bundles (bindings, gap
// configuration and injection, manifest) and the loader for `file:` sources of telemetry runs.
export * from "./types.ts";
export {
  CAPTURE_METRICS,
  type CaptureBinding,
  type CaptureBindings,
  captureBindings,
  captureFileName,
} from "./bindings.ts";
export {
  checkGapConfig,
  gapConfigFromValue,
  gapConfigHash,
  type GapTargets,
  loadGapConfig,
  parseGapConfig,
} from "./gap_config.ts";
export {
  GAP_DROP,
  GAP_NAN,
  GAP_NONE,
  GAP_ZERO,
  type GapPlan,
  gapPlanFor,
  type GapSeries,
  randomBins,
  ruleMatches,
} from "./gaps.ts";
export { type CapturedSeries, captureSeries, type CaptureSeriesTarget } from "./capture_series.ts";
export {
  buildTelemetryManifest,
  captureChecksum,
  captureProvenance,
  type ManifestParts,
  type RunTemplate,
  templateOf,
} from "./manifest.ts";
export {
  isVerifiableHash,
  type ReadManifestFile,
  type ReadManifestWarning,
  type ReadTelemetryManifest,
  readTelemetryManifest,
} from "./manifest_read.ts";
export {
  type CaptureOptions,
  type CaptureProgress,
  captureRun,
  defaultCaptureDir,
} from "./capture.ts";
export { type LoadedSources, loadTelemetrySources, sourcedNodes, sourcePath } from "./loader.ts";
