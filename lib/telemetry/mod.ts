/**
 * Telemetry capture: a run becomes a telemetry bundle, one CSV per topology node and metric
 * (`<Node>_<metric>.csv`) plus a `manifest.json` with grid, files, hashes, warnings, provenance
 * and a checksum, byte for byte deterministic. Optional gap rules remove or blank bins to
 * rehearse incomplete telemetry; a dry run plans without writing. The loader reads the `file:`
 * sources of telemetry-mode models.
 *
 * @example Plan the capture of a run without writing anything
 * ```ts
 * import { captureRun } from "@flowtime/toolkit/telemetry";
 *
 * const plan = await captureRun({ runDir: "fixtures/loop/order-system/run_order-system_33f57b3c93dd62e1", dryRun: true });
 * for (const file of plan.manifest.files) {
 *   console.log(file.path, file.nodeId, file.metric, file.points);
 * }
 * console.log(plan.manifest.checksum);
 * ```
 *
 * @module
 */
export type {
  CaptureLogEvent,
  CaptureMetric,
  CaptureResult,
  CaptureWarning,
  CaptureWarningCode,
  GapAction,
  GapConfig,
  GapConfigDocument,
  GapRule,
  SkippedBinding,
  TelemetryManifest,
  TelemetryManifestFile,
  TelemetryManifestGaps,
  TelemetryManifestGrid,
  TelemetryManifestProvenance,
  TelemetryManifestWindow,
} from "./types.ts";
export type { TelemetryImportQuery, TelemetryImportSource } from "./types.ts";
export { type CaptureOptions, type CaptureProgress, captureRun } from "./capture.ts";
export { captureChecksum } from "./manifest.ts";
export {
  type ReadManifestFile,
  type ReadManifestWarning,
  type ReadTelemetryManifest,
  readTelemetryManifest,
} from "./manifest_read.ts";
export { gapConfigFromValue, loadGapConfig, parseGapConfig } from "./gap_config.ts";
