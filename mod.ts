/**
 * FlowTime toolkit: deterministic flow-and-queue models on a time grid, canonical run bundles,
 * time-travel state, template-driven model generation, and telemetry capture and replay, in the
 * formats of the public FlowTime project.
 *
 * This entry holds what most programs need: run a model or a template, capture a run, replay a
 * capture, compare two runs, and ask for the state of every node at a bin. The full API of each
 * part is its own entry: `@flowtime/toolkit/engine` (models and evaluation),
 * `/artifacts` (run bundles), `/state` (time travel), `/sim` (templates and Sim clients),
 * `/telemetry` (capture), `/workflow` (the composed steps), `/import` (telemetry from Prometheus
 * and CSV exports), `/export` (OpenMetrics).
 *
 * @example Generate a model from a template, evaluate it in memory, and read a run's state
 * ```ts
 * import { InProcessSimClient, loadStateRun, parseModel, snapshotOf } from "@flowtime/toolkit";
 * import { evaluateModel } from "@flowtime/toolkit/engine";
 *
 * const sim = new InProcessSimClient("templates");
 * const generated = await sim.generate("order-system", { parameters: { bins: 12 } });
 * const parsed = parseModel(generated.model);
 * const { series } = evaluateModel(parsed.model, { exprs: parsed.exprs });
 * console.log(series.size, "series of", parsed.model.grid.bins, "bins");
 *
 * const run = await loadStateRun("fixtures/loop/order-system/run_order-system_33f57b3c93dd62e1");
 * for (const node of snapshotOf(run, 0).nodes) console.log(node.id, node.derived.color);
 * ```
 *
 * @module
 */

export {
  type ErrorFix,
  type ErrorPlace,
  FlowTimeError,
  type FlowTimeErrorCode,
  type FlowTimeErrorOptions,
  isFlowTimeError,
} from "./lib/base/errors.ts";
export { ENGINE_VERSION, TOOLKIT_VERSION } from "./lib/base/version.ts";
export type { RunWarning, WarningSeverity } from "./lib/base/warnings.ts";
export { checkSchema, type SchemaCheck, type SchemaName } from "./lib/schema/validator.ts";

export {
  loadModel,
  type Model,
  type ParsedModel,
  parseModel,
  type ParseModelOptions,
  type RunMode,
} from "./lib/engine/mod.ts";
export {
  listRuns,
  openRun,
  type RunBundle,
  type RunNaming,
  type RunSummary,
  type WrittenRun,
} from "./lib/artifacts/mod.ts";
export {
  loadStateRun,
  queryState,
  snapshotOf,
  StateQueryService,
  type StateQueryServiceOptions,
  stateResponseText,
  type StateRun,
  type StateSnapshot,
  type StateWindow,
  windowOf,
} from "./lib/state/mod.ts";
export {
  createSimClient,
  HttpSimClient,
  InProcessSimClient,
  type SimClient,
} from "./lib/sim/mod.ts";
export {
  type CaptureOptions,
  type CaptureResult,
  captureRun,
  loadGapConfig,
} from "./lib/telemetry/mod.ts";
export {
  type CaptureReplay,
  compareRuns,
  type LoopOptions,
  type LoopResult,
  type ParityReport,
  replayCapture,
  type ReplayRequest,
  runLoop,
  runModelFile,
  type RunModelOptions,
  runTemplate,
  type RunTemplateRequest,
  type TemplateRun,
} from "./lib/workflow/mod.ts";
export {
  importCsv,
  importPrometheus,
  loadPrometheusMapping,
  type PrometheusImportOptions,
  type PrometheusImportResult,
} from "./lib/import/mod.ts";
export { openMetricsOfRun, writeOpenMetrics } from "./lib/export/mod.ts";
