/**
 * The end-to-end steps composed: run a model file or a template, replay a capture through a
 * template in telemetry mode (binding the grid and `telemetryDir` from the capture), compare two
 * runs bin by bin (parity), the whole loop (simulate, capture, replay, compare) in one call, and
 * deleting a run (with its captures when asked).
 *
 * @example Bind a capture to a template and generate its telemetry-mode model (nothing written)
 * ```ts
 * import { InProcessSimClient } from "@flowtime/toolkit/sim";
 * import { replayCapture } from "@flowtime/toolkit/workflow";
 *
 * const replay = await replayCapture(new InProcessSimClient("templates"), {
 *   templateId: "order-system",
 *   captureDir: "fixtures/captures/order-system",
 *   dryRun: true,
 * });
 * console.log(replay.boundFromCapture, replay.generated.metadata.mode); // [...] telemetry
 * ```
 *
 * @module
 */
export {
  runModelFile,
  type RunModelOptions,
  runParsedModel,
  type RunParsedOptions,
} from "./run_model.ts";
export { runTemplate, type RunTemplateRequest, type TemplateRun } from "./run_template.ts";
export { type CaptureReplay, replayCapture, type ReplayRequest } from "./replay.ts";
export {
  compareRuns,
  type MetricParity,
  type MissingMetric,
  type ParityOptions,
  type ParityReport,
} from "./parity.ts";
export { type LoopOptions, type LoopResult, runLoop } from "./loop.ts";
export { type DeletedRun, deleteRun, type DeleteRunOptions } from "./delete_run.ts";
