// Public face of the state folder: StateQueryService, snapshots and windows over run bundles,
// derived metrics and colour rules, query parsing, and the response types.
export * from "./types.ts";
export {
  type BinValues,
  type DeriveContext,
  deriveMetrics,
  finiteOrNull,
  latencyMinutesOf,
  queueColor,
  serviceColor,
  SLA_YELLOW_FACTOR,
  throughputRatioOf,
  usesQueueColor,
  UTILIZATION_GREEN_BELOW,
  UTILIZATION_YELLOW_BELOW,
  utilizationOf,
} from "./derived.ts";
export {
  binStartUtc,
  stateBinOf,
  type Timeline,
  timelineOf,
  windowTimestamps,
} from "./timeline.ts";
export { MAX_WINDOW_BINS, parseBinIndex, parseWindow, parseWindowSpec } from "./query.ts";
export { loadStateRun, type StateNode, type StateRun, stateSchemaInfo } from "./load.ts";
export {
  checkSimulationRun,
  type ModeProblem,
  nonFiniteBins,
  REQUIRED_METRICS,
  telemetryGapWarnings,
  telemetryMissingWarnings,
} from "./mode.ts";
export {
  binsOf,
  clipWarning,
  clipWarnings,
  LOADER_WARNING_CODES,
  type RoutedRunWarnings,
  routeRunWarnings,
} from "./warnings.ts";
export { CAPTURE_MANIFEST_PATH } from "./_capture.ts";
export { snapshotOf } from "./snapshot.ts";
export { windowOf } from "./window.ts";
export {
  queryState,
  StateQueryService,
  type StateQueryServiceOptions,
  stateResponseText,
} from "./service.ts";
