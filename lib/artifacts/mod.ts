// Public face of the artifacts folder: run bundle writer and reader, series CSV, hashing,
// ids, atomic folder writes and path confinement.
export * from "./types.ts";
export { hashFile, hashOf, sha256Hex } from "../base/hash.ts";
export { canonicalJson, toJsonText } from "../base/json.ts";
export { formatUtc, parseUtc, resolveTimestamp } from "../base/clock.ts";
export { assertSafeId, isSafeId, isWithin, printable, resolveInside } from "../base/paths.ts";
export {
  type AtomicWriteOptions,
  randomHexId,
  removeStaleTemps,
  STALE_TEMP_MS,
  TEMP_PREFIX,
  writeFileAtomically,
  writeFolderAtomically,
} from "../base/atomic.ts";
export {
  encodeSeriesCsv,
  formatSeriesCsv,
  type FormatSeriesOptions,
  formatValue,
  type ParsedSeries,
  parseSeriesCsv,
  type ParseSeriesOptions,
  parseValueCell,
  SERIES_CSV_HEADER,
} from "./series_csv.ts";
export { chooseRunId, nodeIdOfSeries, type RunIdRequest, seriesIdOf } from "./ids.ts";
export {
  originFromModel,
  type RunNaming,
  scenarioHashOf,
  seriesToWrite,
  type TemplateOrigin,
  writeRunBundle,
  type WriteRunRequest,
  type WrittenRun,
} from "./writer.ts";
export {
  openRun,
  readRunBundle,
  type RunBundle,
  runFolder,
  type RunSeriesEntry,
} from "./reader.ts";
export { listRuns, type RunSummary } from "./listing.ts";
