/**
 * FlowTime toolkit: deterministic flow-and-queue models on a time grid, canonical run bundles,
 * time-travel state queries, template-driven model generation and telemetry capture, in
 * formats compatible with the public FlowTime project.
 *
 * @example Run a model and read a series back
 * ```ts ignore
 * import { openRun, runModelFile } from "@flowtime/toolkit";
 *
 * const written = await runModelFile("fixtures/models/queue-buffer.yaml", {
 *   runsDir: "data/runs",
 *   deterministic: true,
 * });
 * const bundle = await openRun("data/runs", written.runId);
 * console.log(await bundle.readSeries("order_served"));
 * ```
 *
 * @module
 */

export {
  type ErrorPlace,
  FlowTimeError,
  type FlowTimeErrorCode,
  type FlowTimeErrorOptions,
  isFlowTimeError,
} from "./lib/base/errors.ts";
export { ENGINE_VERSION, TOOLKIT_VERSION } from "./lib/base/version.ts";
export { describeBins, type RunWarning, type WarningSeverity } from "./lib/base/warnings.ts";

export * from "./lib/model/types.ts";
export {
  loadModel,
  NODE_ID_PATTERN,
  type ParsedModel,
  parseModel,
  type ParseModelOptions,
} from "./lib/model/parse.ts";
export { type FieldPath, formatPath } from "./lib/base/located_yaml.ts";
export { type Issue, IssueList, type ParseWarning } from "./lib/base/issues.ts";
export * from "./lib/engine/mod.ts";
export * from "./lib/artifacts/mod.ts";
export {
  assertSchema,
  checkSchema,
  type SchemaCheck,
  type SchemaName,
  SCHEMAS,
} from "./lib/schema/validator.ts";
export {
  type LoadedSources,
  type LoadSourcesOptions,
  loadTelemetrySources,
  sourcedNodes,
  sourcePath,
} from "./lib/telemetry/loader.ts";
export * from "./lib/telemetry/mod.ts";
export { runModelFile, type RunModelOptions, runParsedModel } from "./lib/workflow/run_model.ts";
export * from "./lib/state/mod.ts";
export * from "./lib/templates/mod.ts";
export * from "./lib/sim/mod.ts";
export {
  originOf,
  runTemplate,
  type RunTemplateRequest,
  type TemplateRun,
} from "./lib/workflow/run_template.ts";
export {
  bindCaptureParameters,
  type CaptureReplay,
  replayCapture,
  type ReplayRequest,
} from "./lib/workflow/replay.ts";
export {
  compareRuns,
  type MetricParity,
  type MissingMetric,
  type ParityReport,
} from "./lib/workflow/parity.ts";
export { type LoopOptions, type LoopResult, runLoop } from "./lib/workflow/loop.ts";
export {
  type BundleTelemetryRequest,
  bundleTelemetryRun,
  type CaptureFolder,
  readCaptureFolder,
} from "./lib/workflow/bundle_capture.ts";
export { rewriteSources } from "./lib/model/rewrite.ts";
export * from "./lib/export/mod.ts";
export {
  describeUnsupported,
  type UnsupportedFeature,
  unsupportedFeatures,
} from "./lib/model/features.ts";
