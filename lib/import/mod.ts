/**
 * Import: real telemetry into a telemetry folder exactly like a capture's (one
 * `<Node>_<metric>.csv` per node metric plus `manifest.json`), which the replay and `/state`
 * then use as any capture. From any Prometheus query API (Prometheus, Thanos, Grafana Mimir,
 * Cortex, VictoriaMetrics) with a mapping of one PromQL query per node metric, or from a
 * long-format CSV export (Azure Data Explorer, Grafana, a spreadsheet).
 *
 * @example Import a CSV export onto a grid of 5-minute bins (a dry run: nothing is written)
 * ```ts
 * import { importCsv } from "@flowtime/toolkit/import";
 *
 * const result = await importCsv({
 *   file: "fixtures/imports/orders-export.csv",
 *   grid: { start: "2025-10-07T00:00:00Z", bins: 6, binSize: 5, binUnit: "minutes" },
 *   aggregations: { arrivals: "sum", served: "sum", queueDepth: "max" },
 *   dryRun: true,
 * });
 * for (const file of result.manifest.files) console.log(file.path, file.points);
 * for (const warning of result.manifest.warnings) console.log(warning.code, warning.message);
 * ```
 *
 * @example Import from Prometheus (needs a reachable server and `--allow-net` for it)
 * ```ts ignore
 * import { importPrometheus, loadPrometheusMapping } from "@flowtime/toolkit/import";
 *
 * const result = await importPrometheus({
 *   url: "http://127.0.0.1:9090",
 *   mapping: await loadPrometheusMapping("fixtures/imports/order-system.mapping.yaml"),
 *   grid: { start: "2025-10-07T00:00:00Z", bins: 288, binSize: 5, binUnit: "minutes" },
 *   outputDir: "data/telemetry/orders-2025-10-07",
 * });
 * console.log(result.importId, result.manifest.checksum);
 * ```
 *
 * @module
 */
export type { ImportProgress, ImportResult } from "./types.ts";
export type { ImportAggregation } from "../telemetry/types.ts";
export type { ImportGrid } from "./grid.ts";
export {
  loadPrometheusMapping,
  type MappingEntry,
  parsePrometheusMapping,
  type PrometheusMapping,
} from "./mapping.ts";
export type { PrometheusClientOptions, PrometheusCredentials } from "./prometheus_client.ts";
export {
  importPrometheus,
  type PrometheusImportOptions,
  type PrometheusImportResult,
} from "./prometheus.ts";
export { type CsvColumns, type CsvImportOptions, type CsvImportResult, importCsv } from "./csv.ts";
