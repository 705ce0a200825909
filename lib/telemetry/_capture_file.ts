// One file of a capture from its run series: the series read safely from the run folder,
// parsed and checked against the hash the run's index records, then either copied as it is
// (the writer's own text, no gap rule to apply) or written out again from its values.
import { FlowTimeError, fsError } from "../base/errors.ts";
import { hashOf } from "../base/hash.ts";
import { maxSeriesBytes } from "../base/safe_read.ts";
import type { RunBundle } from "../artifacts/reader.ts";
import {
  encodeSeriesCsv,
  type ParsedSeries,
  parseSeriesCsvBytes,
  type PlainSeriesText,
} from "../artifacts/series_csv.ts";
import type { CaptureBinding } from "./bindings.ts";
import { captureSeries } from "./capture_series.ts";
import type { ReusingReader } from "./_file_io.ts";
import type { GapPlan } from "./gaps.ts";
import type { CaptureWarning } from "./types.ts";

/** What a capture writes for one run series. */
export interface CaptureFile {
  /** Writes the file's bytes into the buffer it is handed (or a larger one it returns); valid
   * until the reader's next read. */
  encode: (buffer: Uint8Array) => Uint8Array;
  /** `sha256:` of those bytes, when known without hashing them again. */
  hash?: string;
  /** Data rows written. */
  points: number;
  /** What the capture reports of the series. */
  warnings: CaptureWarning[];
}

/** Where a capture reads its run's series from. */
export interface SeriesSource {
  /** The run. */
  bundle: RunBundle;
  /** Reads the run's files safely into one reused buffer. */
  reader: ReusingReader;
  /** A series path of the run's index as a path inside the run folder. */
  inRun: (ref: string, what: string) => string;
  /** The grid's bins. */
  bins: number;
}

/**
 * The capture file of one binding.
 * @param from the run, its reader and its grid
 * @param binding the node metric and the run series it comes from
 * @param plan the gap actions for its bins, if a gap rule applies
 * @returns how to write the file, its hash when known, its points and warnings
 * @throws FlowTimeError `bundle_invalid` (series missing or damaged), `hash_mismatch`, IO codes
 */
export function captureFile(
  from: SeriesSource,
  binding: CaptureBinding,
  plan: GapPlan | undefined,
): CaptureFile {
  const { bins } = from;
  const text: PlainSeriesText = { canonical: false, finite: false };
  const { source, bytes } = readSourceSeries(from, binding, text);
  const target = {
    nodeId: binding.nodeId,
    metric: binding.metric,
    sourceSeries: binding.sourceSeries,
    bins,
  };
  // Without a gap plan, a source with a row for every bin in the writer's own text (what the
  // engine writes) is captured unchanged: its bytes are copied rather than the values written
  // out again, and the hash the run's index records for them, just checked, is theirs.
  if (!text.canonical || plan !== undefined) {
    const series = captureSeries(source, plan, target);
    return {
      encode: (buffer) => encodeSeriesCsv(series.values, series.format, buffer),
      points: series.points,
      warnings: series.warnings,
    };
  }
  // with only finite values there is nothing to report, every bin a point and no warning
  // (what captureSeries finds going through every value)
  const { points, warnings } = text.finite
    ? { points: bins, warnings: [] }
    : captureSeries(source, plan, target);
  return {
    encode: (buffer) => copyInto(bytes, buffer),
    ...(binding.seriesHash ? { hash: binding.seriesHash } : {}),
    points,
    warnings,
  };
}

// A run series read and checked: its values and its bytes (valid until the reader's next
// read), and in `text` whether they are exactly what encodeSeriesCsv writes, all finite.
function readSourceSeries(
  { bundle, reader, inRun, bins }: SeriesSource,
  binding: CaptureBinding,
  text: PlainSeriesText,
): { source: ParsedSeries; bytes: Uint8Array } {
  const path = inRun(binding.seriesPath, `series path of ${binding.sourceSeries}`);
  let bytes: Uint8Array;
  try {
    bytes = reader.read(path, { root: bundle.dir, maxBytes: maxSeriesBytes(bins) });
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      throw new FlowTimeError(
        "bundle_invalid",
        `series file ${binding.seriesPath} of ${binding.nodeId} ${binding.metric} is missing from run folder ${bundle.dir}; the run is incomplete, run the model again`,
        { file: path },
      );
    }
    throw fsError(err, "reading", path);
  }
  let source: ParsedSeries;
  try {
    source = parseSeriesCsvBytes(bytes, { file: path, bins, allowExtraRows: true }, text);
  } catch (err) {
    if (err instanceof FlowTimeError) {
      throw new FlowTimeError(
        "bundle_invalid",
        `${err.message}; the run's series ${binding.sourceSeries} is damaged, run the model again`,
        { cause: err },
      );
    }
    throw err;
  }
  if (binding.seriesHash && hashOf(bytes) !== binding.seriesHash) {
    throw new FlowTimeError(
      "hash_mismatch",
      `series file does not match the hash recorded in series/index.json (it was truncated or changed after the run was written); run the model again`,
      { file: path },
    );
  }
  return { source, bytes };
}

// `bytes` in `buffer` when they fit, else a copy of their own.
function copyInto(bytes: Uint8Array, buffer: Uint8Array): Uint8Array {
  if (buffer.length < bytes.length) return bytes.slice();
  buffer.set(bytes);
  return buffer.subarray(0, bytes.length);
}
