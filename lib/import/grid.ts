// The grid an import fills: bin i covers [start + i*binSize, start + (i+1)*binSize). Checked
// once, then used as millisecond arithmetic by the importers.
import { FlowTimeError } from "../base/errors.ts";
import { formatUtc, parseUtc } from "../base/clock.ts";
import { type BinUnit, MINUTES_PER_UNIT } from "../model/types.ts";

/** The time grid of an import, as the caller gives it. */
export interface ImportGrid {
  /** Start of bin 0, ISO 8601 UTC on a whole second (e.g. `2025-10-07T00:00:00Z`). */
  start: string;
  /** Number of bins (1..10000). */
  bins: number;
  /** Size of one bin in `binUnit` (1..1000). */
  binSize: number;
  /** Unit of `binSize`. */
  binUnit: BinUnit;
}

/** A checked grid with its times in milliseconds. */
export interface ResolvedGrid {
  /** The grid, start normalised to `YYYY-MM-DDTHH:MM:SSZ`. */
  grid: ImportGrid;
  /** Start of bin 0 (ms since the epoch). */
  startMs: number;
  /** Length of one bin (ms). */
  binMs: number;
}

/**
 * Check an import grid.
 * @param grid start, bins, bin size and unit
 * @returns the grid with its millisecond times
 * @throws FlowTimeError `usage` naming the field that is wrong
 */
export function resolveImportGrid(grid: ImportGrid): ResolvedGrid {
  const date = parseUtc(String(grid.start), "start");
  if (date.getTime() % 1000 !== 0) {
    throw new FlowTimeError(
      "usage",
      `start: '${grid.start}' has fractions of a second; start the grid on a whole second`,
    );
  }
  if (!Number.isInteger(grid.bins) || grid.bins < 1 || grid.bins > 10000) {
    throw new FlowTimeError(
      "usage",
      `bins must be a whole number from 1 to 10000, got ${grid.bins}`,
    );
  }
  if (!Number.isInteger(grid.binSize) || grid.binSize < 1 || grid.binSize > 1000) {
    throw new FlowTimeError(
      "usage",
      `binSize must be a whole number from 1 to 1000, got ${grid.binSize}`,
    );
  }
  if (!Object.hasOwn(MINUTES_PER_UNIT, grid.binUnit)) {
    throw new FlowTimeError(
      "usage",
      `binUnit must be one of ${Object.keys(MINUTES_PER_UNIT).join(", ")}, got '${grid.binUnit}'`,
    );
  }
  return {
    grid: { start: formatUtc(date), bins: grid.bins, binSize: grid.binSize, binUnit: grid.binUnit },
    startMs: date.getTime(),
    binMs: grid.binSize * MINUTES_PER_UNIT[grid.binUnit] * 60_000,
  };
}
