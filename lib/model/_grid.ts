// The model's time grid: `grid`, FlowTime's legacy `window` (`startTimeUtc`, `timezone`), both
// together (FlowTime-Sim output) and grids written with `binMinutes`, all normalised to
// {bins, binSize, binUnit, start?}.
import type { FieldPath } from "../base/located_yaml.ts";
import { formatUtc, isRealDateTime } from "../base/clock.ts";
import {
  describeValue,
  dropNullKeys,
  ignoreUnknownKeys,
  isRawMap,
  IssueList,
  type RawMap,
  readNumber,
} from "../base/issues.ts";
import { BIN_UNITS, type BinUnit, type Grid } from "./types.ts";

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Read the grid: `grid` (FlowTime's `startTimeUtc` or `start` for the start), FlowTime's legacy
 * `window` instead of it, or a grid given as `binMinutes`. When a model has both (FlowTime-Sim's
 * generated models carry the template window beside the grid), `grid` defines the bins and the
 * start is `grid.startTimeUtc` ?? `grid.start` ?? `window.startTimeUtc` ?? `window.start`.
 * @param raw the model root
 * @param issues where problems (and ignored fields) go
 * @returns the grid, or undefined when it has problems
 */
export function readGrid(raw: RawMap, issues: IssueList): Grid | undefined {
  const hasGrid = raw.grid !== undefined && raw.grid !== null;
  const hasWindow = raw.window !== undefined && raw.window !== null;
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
  dropNullKeys(g, ["start", "startTimeUtc"]);
  const windowMap = hasGrid && hasWindow && isRawMap(raw.window) ? raw.window : undefined;
  if (hasGrid && hasWindow && !windowMap) {
    issues.add(["window"], `must be a mapping {start, timezone}, got ${describeValue(raw.window)}`);
  }
  if (windowMap) {
    dropNullKeys(windowMap, ["start", "startTimeUtc"]);
    // FlowTime-Sim's template window: only its start and time zone mean anything here.
    ignoreUnknownKeys(issues, {
      raw: windowMap,
      path: ["window"],
      known: [
        "start",
        "startTimeUtc",
        "timezone",
        "bins",
        "binSize",
        "binUnit",
      ],
    });
    checkTimezone(windowMap, ["window"], issues);
  }
  const known = hasGrid
    ? ["bins", "binSize", "binUnit", "start", "startTimeUtc", "binMinutes", "timezone", "align"]
    : ["bins", "binSize", "binUnit", "startTimeUtc", "start", "timezone"];
  ignoreUnknownKeys(issues, { raw: g, path: [key], known: known });
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
  checkTimezone(g, [key], issues);
  const candidates: Array<[RawMap, string, string]> = [
    [g, key, "startTimeUtc"],
    [g, key, "start"],
    ...(windowMap
      ? [[windowMap, "window", "startTimeUtc"], [windowMap, "window", "start"]] as Array<
        [RawMap, string, string]
      >
      : []),
  ];
  let start: string | undefined;
  for (const [map, where, field] of candidates) {
    if (map[field] === undefined) continue;
    start = readStart(map[field], [where, field], issues);
    break;
  }
  if (bins === undefined || binSize === undefined || binUnit === undefined) return undefined;
  return start ? { bins, binSize, binUnit, start } : { bins, binSize, binUnit };
}

function checkTimezone(map: RawMap, path: FieldPath, issues: IssueList): void {
  if (map.timezone !== undefined && map.timezone !== "UTC") {
    issues.add([...path, "timezone"], `only UTC is supported, got ${describeValue(map.timezone)}`);
  }
}

// A start time as FlowTime writes it: `...Z`, `.0000000Z` (7 fraction digits) or an offset
// (`+00:00`); normalised to UTC with `Z`.
function readStart(raw: unknown, path: FieldPath, issues: IssueList): string | undefined {
  const text = raw instanceof Date ? raw.toISOString() : raw;
  const ms = typeof text === "string" ? Date.parse(text) : NaN;
  if (
    typeof text !== "string" || !ISO_TIME.test(text) || Number.isNaN(ms) || !isRealDateTime(text)
  ) {
    issues.add(
      path,
      `must be an ISO 8601 UTC timestamp ending in Z of a real date and time (e.g. 2025-10-07T00:00:00Z), got ${
        describeValue(raw)
      }`,
    );
    return undefined;
  }
  if (text.endsWith("Z")) return text;
  return formatUtc(new Date(ms));
}

/**
 * The start of a model's grid, read the way {@link readGrid} does, without checking the rest:
 * for readers of run bundles whose run.json has no start (FlowTime never writes one there).
 * @param raw the model root as parsed YAML
 * @returns the start (ISO UTC with `Z`), or undefined when none is given or it is not usable
 */
export function startOfModel(raw: unknown): string | undefined {
  if (!isRawMap(raw)) return undefined;
  const scratch = new IssueList("model");
  const copy = (v: unknown) => (isRawMap(v) ? { ...v } : v);
  const root: RawMap = {};
  if (raw.grid !== undefined) root.grid = copy(raw.grid);
  if (raw.window !== undefined) root.window = copy(raw.window);
  const grid = readGrid(root, scratch);
  return scratch.length === 0 ? grid?.start : undefined;
}
