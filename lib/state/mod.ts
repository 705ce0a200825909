/**
 * Time-travel state over run bundles: the state of every topology node in one bin
 * (`snapshotOf`) or over a window of bins (`windowOf`), with derived metrics (utilisation,
 * latency, throughput ratio), a colour per node and warnings. `StateQueryService` opens runs by
 * id and keeps the most recently used ones; the HTTP routes `/state` and `/state_window` and
 * `flowtime state` answer with {@link stateResponseText}, byte for byte.
 *
 * @example Every node's state at one bin of a run
 * ```ts
 * import { loadStateRun, snapshotOf } from "@flowtime/toolkit/state";
 *
 * const run = await loadStateRun("fixtures/loop/order-system/run_order-system_33f57b3c93dd62e1");
 * const state = snapshotOf(run, 12);
 * for (const node of state.nodes) {
 *   console.log(node.id, node.metrics.served, node.derived.utilization, node.derived.color);
 * }
 * ```
 *
 * @module
 */
export type {
  NodeColor,
  NodeDerived,
  NodeMetrics,
  NodeSnapshot,
  NodeTelemetry,
  NodeTelemetryWarning,
  NodeWindow,
  NodeWindowSeries,
  StateBin,
  StateCaptureInfo,
  StateMetadata,
  StateQuery,
  StateResponse,
  StateSchemaInfo,
  StateSnapshot,
  StateStorage,
  StateValue,
  StateWarning,
  StateWarningSource,
  StateWindow,
  StateWindowSlice,
} from "./types.ts";
export { loadStateRun, type StateNode, type StateRun } from "./load.ts";
export type { Timeline } from "./timeline.ts";
export { snapshotOf } from "./snapshot.ts";
export { windowOf } from "./window.ts";
export {
  queryState,
  StateQueryService,
  type StateQueryServiceOptions,
  stateResponseText,
} from "./service.ts";
export {
  type BinTextOptions,
  MAX_WINDOW_BINS,
  parseBinIndex,
  parseWindow,
  type WindowTextOptions,
} from "./query.ts";
export { queueColor, serviceColor } from "./derived.ts";
