// Bin arithmetic on a run's grid: bin length in minutes and bin timestamps from `grid.start`.
// Grids without a start have no timestamps (null), never invented ones.
import { FlowTimeError } from "../base/errors.ts";
import { formatUtc, isValidUtc } from "../base/clock.ts";
import { type BinUnit, MINUTES_PER_UNIT } from "../model/types.ts";
import type { StateBin } from "./types.ts";
import { RUN_FILES } from "../artifacts/layout.ts";

/** The grid facts timestamps need. */
export interface Timeline {
  /** Number of bins. */
  bins: number;
  /** Length of one bin in minutes. */
  binMinutes: number;
  /** Start of bin 0 in epoch milliseconds, undefined when the grid has no start. */
  startMs?: number;
}

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]00:00)$/;

/**
 * Build the timeline of a run grid.
 * @param grid `bins`, `binSize`, `binUnit` and optional `start` as read from run.json
 * @param file run.json path for messages
 * @returns the timeline
 * @throws FlowTimeError `bundle_invalid` when the unit, size or start is not usable
 */
export function timelineOf(
  grid: { bins: number; binSize: number; binUnit: string; start?: string },
  file: string = RUN_FILES.run,
): Timeline {
  const perUnit = MINUTES_PER_UNIT[grid.binUnit as BinUnit];
  if (perUnit === undefined) {
    throw new FlowTimeError(
      "bundle_invalid",
      `grid.binUnit '${grid.binUnit}' is not one of minutes, hours, days, weeks`,
      { file },
    );
  }
  if (!Number.isFinite(grid.binSize) || grid.binSize <= 0) {
    throw new FlowTimeError(
      "bundle_invalid",
      `grid.binSize ${grid.binSize} is not a positive number`,
      { file },
    );
  }
  const timeline: Timeline = { bins: grid.bins, binMinutes: grid.binSize * perUnit };
  if (grid.start !== undefined) {
    const ms = Date.parse(grid.start);
    if (!ISO_UTC.test(grid.start) || Number.isNaN(ms) || !isValidUtc(grid.start)) {
      throw new FlowTimeError(
        "bundle_invalid",
        `grid.start '${grid.start}' is not an ISO 8601 UTC timestamp`,
        { file },
      );
    }
    timeline.startMs = ms;
  }
  return timeline;
}

/**
 * Start of a bin as ISO UTC text.
 * @param timeline the run's timeline
 * @param index bin index (may equal `bins` for the end of the last bin)
 * @returns the timestamp, or null when the grid has no start
 */
export function binStartUtc(timeline: Timeline, index: number): string | null {
  if (timeline.startMs === undefined) return null;
  return formatUtc(new Date(timeline.startMs + index * timeline.binMinutes * 60_000));
}

/**
 * The bin descriptor of a snapshot.
 * @param timeline the run's timeline
 * @param index bin index
 * @returns index, start, end and duration
 */
export function stateBinOf(timeline: Timeline, index: number): StateBin {
  return {
    index,
    startUtc: binStartUtc(timeline, index),
    endUtc: binStartUtc(timeline, index + 1),
    durationMinutes: timeline.binMinutes,
  };
}

/**
 * Start timestamps of the bins of an inclusive window.
 * @param timeline the run's timeline
 * @param startBin first bin
 * @param endBin last bin (inclusive)
 * @returns one entry per bin, null entries when the grid has no start
 */
export function windowTimestamps(
  timeline: Timeline,
  startBin: number,
  endBin: number,
): Array<string | null> {
  const out: Array<string | null> = [];
  for (let i = startBin; i <= endBin; i++) out.push(binStartUtc(timeline, i));
  return out;
}
