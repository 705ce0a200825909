// The model's time grid: `grid`, FlowTime's legacy `window` (`startTimeUtc`, `timezone`) and
// grids written with `binMinutes`, all normalised to {bins, binSize, binUnit, start?}.
import {
  checkKeys,
  describeValue,
  isRawMap,
  type IssueList,
  type RawMap,
  readNumber,
} from "../base/issues.ts";
import { isValidUtc } from "../base/clock.ts";
import { BIN_UNITS, type BinUnit, type Grid } from "./types.ts";

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?Z$/;

/**
 * Read the grid: `grid`, or FlowTime's legacy `window` (`startTimeUtc`, `timezone`), or a grid
 * given as `binMinutes`.
 * @param raw the model root
 * @param issues where problems go
 * @returns the grid, or undefined when it has problems
 */
export function readGrid(raw: RawMap, issues: IssueList): Grid | undefined {
  const hasGrid = raw.grid !== undefined;
  const hasWindow = raw.window !== undefined;
  if (hasGrid && hasWindow) {
    issues.add(["window"], "give either 'grid' or the legacy 'window', not both");
    return undefined;
  }
  if (!hasGrid && !hasWindow) {
    issues.add([], "missing 'grid' (bins, binSize, binUnit)");
    return undefined;
  }
  const key = hasGrid ? "grid" : "window";
  const g = raw[key];
  if (!isRawMap(g)) {
    issues.add([key], `must be a mapping with bins, binSize and binUnit, got ${describeValue(g)}`);
    return undefined;
  }
  const allowed = hasGrid
    ? ["bins", "binSize", "binUnit", "start", "binMinutes"]
    : ["bins", "binSize", "binUnit", "startTimeUtc", "start", "timezone"];
  checkKeys(issues, g, [key], allowed);
  const bins = readNumber(issues, g.bins, [key, "bins"], { integer: true, min: 1, max: 10000 });
  let binSize: number | undefined;
  let binUnit: BinUnit | undefined;
  if (g.binMinutes !== undefined && g.binSize === undefined) {
    binSize = readNumber(issues, g.binMinutes, [key, "binMinutes"], {
      integer: true,
      min: 1,
      max: 1000,
    });
    binUnit = "minutes";
  } else {
    binSize = readNumber(issues, g.binSize, [key, "binSize"], { integer: true, min: 1, max: 1000 });
    const unit = typeof g.binUnit === "string" ? g.binUnit.toLowerCase() : g.binUnit;
    if (unit === undefined) binUnit = "minutes";
    else if (BIN_UNITS.includes(unit as BinUnit)) binUnit = unit as BinUnit;
    else {issues.add(
        [key, "binUnit"],
        `must be one of ${BIN_UNITS.join(", ")}, got ${describeValue(g.binUnit)}`,
      );}
  }
  if (hasWindow && g.timezone !== undefined && g.timezone !== "UTC") {
    issues.add([key, "timezone"], "only UTC is supported");
  }
  const startKey = hasWindow && g.startTimeUtc !== undefined ? "startTimeUtc" : "start";
  let start: string | undefined;
  const rawStart = g[startKey];
  if (rawStart !== undefined && rawStart !== null) {
    const text = rawStart instanceof Date ? rawStart.toISOString() : rawStart;
    if (typeof text !== "string" || !ISO_UTC.test(text) || !isValidUtc(text)) {
      issues.add(
        [key, startKey],
        `must be an ISO 8601 UTC timestamp ending in Z of a real date and time (e.g. 2025-10-07T00:00:00Z), got ${
          describeValue(rawStart)
        }`,
      );
    } else start = text;
  }
  if (bins === undefined || binSize === undefined || binUnit === undefined) return undefined;
  return start ? { bins, binSize, binUnit, start } : { bins, binSize, binUnit };
}
