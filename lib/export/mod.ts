/**
 * Export: runs for other readers. OpenMetrics text of a run's topology node metrics, one gauge
 * family per metric (`flowtime_arrivals`, `flowtime_queuedepth`, ...) with labels `node` and
 * `run_id`, one sample per bin at the bin's end, ready for `promtool tsdb create-blocks-from
 * openmetrics` to backfill into Prometheus next to real data; and a copy of a run that FlowTime
 * itself reads (its `/state` and its capture).
 *
 * @example Print the first lines of a run's OpenMetrics export
 * ```ts
 * import { openMetricsOfRun } from "@flowtime/toolkit/export";
 *
 * const exported = await openMetricsOfRun("fixtures/loop/order-system/run_order-system_33f57b3c93dd62e1");
 * let text = "";
 * for await (const chunk of exported.chunks) text += chunk;
 * console.log(text.split("\n").slice(0, 3).join("\n"));
 * console.log(exported.summary.families, exported.summary.samples);
 * ```
 *
 * @module
 */
export {
  type OpenMetricsExport,
  openMetricsOfRun,
  type OpenMetricsOptions,
  type OpenMetricsSummary,
  writeOpenMetrics,
} from "./openmetrics.ts";
export { exportForFlowTime, type FlowTimeExport, type FlowTimeExportOptions } from "./flowtime.ts";
