// Turns one run series into one capture file (pure): applies the gap plan, notices values the
// source already lacked or held as NaN, and words one warning per code with all its bins.
import type { FormatSeriesOptions, ParsedSeries } from "../artifacts/series_csv.ts";
import { describeBins } from "../base/warnings.ts";
import { GAP_DROP, GAP_NAN, GAP_ZERO, type GapPlan } from "./gaps.ts";
import type { CaptureMetric, CaptureWarning, CaptureWarningCode } from "./types.ts";

/** Which file a series becomes. */
export interface CaptureSeriesTarget {
  /** Topology node id. */
  nodeId: string;
  /** Manifest metric name. */
  metric: CaptureMetric;
  /** Source series id, for messages. */
  sourceSeries: string;
  /** Number of bins of the grid. */
  bins: number;
}

/** A capture file's content and what happened on the way. */
export interface CapturedSeries {
  /** Values to write, gap zeros applied (without a plan, a view of the source's values);
   * write them with `encodeSeriesCsv(values, format)` (or `formatSeriesCsv` for text). */
  values: Float64Array;
  /** Rows to leave out and cells to leave empty. */
  format: FormatSeriesOptions;
  /** Data rows written. */
  points: number;
  /** Warnings in code order: data_gap, nan_fill, zero_fill, nan_detected, length_mismatch. */
  warnings: CaptureWarning[];
}

/**
 * Write one captured series. Bins the source has no row for stay absent; a gap `drop` removes
 * the row, `nan` leaves the value cell empty, `zero` writes 0; non-finite source values are kept
 * as written (`NaN`, `Infinity`) and reported as `nan_detected`.
 * @param source the run series as read (grid length, with missing rows recorded)
 * @param plan gap action per bin, if any rule applies
 * @param target node, metric and grid length
 * @returns what to write, the row count and the warnings
 */
export function captureSeries(
  source: ParsedSeries,
  plan: GapPlan | undefined,
  target: CaptureSeriesTarget,
): CapturedSeries {
  const bins = target.bins;
  // bins the source has no row for (most sources have a row for every bin)
  let present: Uint8Array | undefined;
  if (source.missingBins.length > 0) {
    present = new Uint8Array(bins).fill(1);
    for (const b of source.missingBins) if (b < bins) present[b] = 0;
  }
  // a copy when gap zeros may be written into it (slice copies the memory), else a view
  const values = plan === undefined
    ? source.values.subarray(0, bins)
    : source.values.slice(0, bins);
  const leaveOut = new Set<number>();
  const empty = new Set<number>();
  const hit: Record<CaptureWarningCode, number[]> = {
    data_gap: [],
    nan_fill: [],
    zero_fill: [],
    nan_detected: [],
    length_mismatch: [],
  };
  if (present === undefined && plan === undefined) {
    // The usual series (a row for every bin, no gap rule) only needs its non-finite values
    // found: a loop of its own, which runs for every value of the capture, at first in code
    // not yet compiled, where every test in the loop counts.
    for (let b = 0; b < bins; b++) if (!Number.isFinite(values[b])) hit.nan_detected.push(b);
  } else {
    for (let b = 0; b < bins; b++) {
      if (present !== undefined && present[b] === 0) {
        leaveOut.add(b);
        hit.length_mismatch.push(b);
        continue;
      }
      if (!Number.isFinite(values[b])) hit.nan_detected.push(b);
      if (plan === undefined) continue;
      const action = plan[b] ?? 0;
      if (action === GAP_DROP) {
        leaveOut.add(b);
        hit.data_gap.push(b);
      } else if (action === GAP_NAN) {
        empty.add(b);
        hit.nan_fill.push(b);
      } else if (action === GAP_ZERO) {
        values[b] = 0;
        hit.zero_fill.push(b);
      }
    }
  }
  const format: FormatSeriesOptions = {
    ...(leaveOut.size > 0 ? { dropBins: leaveOut } : {}),
    ...(empty.size > 0 ? { emptyBins: empty } : {}),
  };
  const extraRows = source.rowCount - (bins - source.missingBins.filter((b) => b < bins).length);
  const warnings: CaptureWarning[] = [];
  const add = (code: CaptureWarningCode, message: string) =>
    warnings.push({
      code,
      message,
      nodeId: target.nodeId,
      metric: target.metric,
      bins: hit[code],
      severity: "warning",
    });
  const where = `${target.nodeId} ${target.metric}`;
  if (hit.data_gap.length > 0) {
    add("data_gap", `${where}: rows removed for bins ${describeBins(hit.data_gap)} (gap rule)`);
  }
  if (hit.nan_fill.length > 0) {
    add(
      "nan_fill",
      `${where}: values left empty (NaN) for bins ${describeBins(hit.nan_fill)} (gap rule)`,
    );
  }
  if (hit.zero_fill.length > 0) {
    add(
      "zero_fill",
      `${where}: values set to 0 for bins ${describeBins(hit.zero_fill)} (gap rule)`,
    );
  }
  if (hit.nan_detected.length > 0) {
    add(
      "nan_detected",
      `${where}: source series ${target.sourceSeries} is not finite at bins ${
        describeBins(hit.nan_detected)
      }; written as in the source`,
    );
  }
  if (hit.length_mismatch.length > 0 || extraRows > 0) {
    const parts: string[] = [];
    if (hit.length_mismatch.length > 0) {
      parts.push(`no row for bins ${describeBins(hit.length_mismatch)}`);
    }
    if (extraRows > 0) {
      parts.push(
        `${extraRows} row(s) past the grid (up to bin ${source.observedLength - 1}) left out`,
      );
    }
    add(
      "length_mismatch",
      `${where}: source series ${target.sourceSeries} has ${source.rowCount} rows for a ${bins}-bin grid: ${
        parts.join("; ")
      }`,
    );
  }
  return { values, format, points: bins - leaveOut.size, warnings };
}
