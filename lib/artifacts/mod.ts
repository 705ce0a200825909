/**
 * Run bundles, the canonical output of every run: the writer (built in a temp folder and
 * renamed into place) and the reader, which also opens bundles written by FlowTime itself. The
 * file names of a bundle are {@link RUN_FILES}; series are CSV files `bin_index,value`.
 *
 * @example Open a run and read one of its series
 * ```ts
 * import { listRuns, openRun } from "@flowtime/toolkit/artifacts";
 *
 * const [first] = await listRuns("fixtures/runs");
 * const run = await openRun("fixtures/runs", first.runId);
 * console.log(run.runJson.grid, run.index.series.map((s) => s.id));
 * const values = await run.readSeries(run.index.series[0].id);
 * console.log(values.length === run.runJson.grid.bins); // true
 * ```
 *
 * @module
 */
export type {
  CaptureLink,
  ManifestProvenance,
  MetadataCaptureLink,
  ModelMetadataJson,
  RunGrid,
  RunJson,
  RunManifest,
  RunSeriesRef,
  SeriesIndex,
  SeriesIndexEntry,
} from "./types.ts";
export { RUN_FILES } from "./layout.ts";
export { seriesIdOf } from "./ids.ts";
export { type ParsedSeries, parseSeriesCsv, type ParseSeriesOptions } from "./series_csv.ts";
export { type RunNaming, writeRunBundle, type WriteRunRequest, type WrittenRun } from "./writer.ts";
export type { TemplateOrigin } from "./origin.ts";
export {
  type ModelLine,
  openRun,
  readRunBundle,
  type RunBundle,
  type RunSeriesEntry,
} from "./reader.ts";
export { listRuns, type RunSummary } from "./listing.ts";
