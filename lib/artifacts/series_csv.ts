// The one series CSV module. Writers are strict (header `bin_index,value`, LF, shortest
// round-trip numbers); readers are lenient (BOM, CRLF, `t,value` header, empty cell = NaN).
import { FlowTimeError } from "../errors.ts";

/** Header every series CSV written by the toolkit starts with. */
export const SERIES_CSV_HEADER = "bin_index,value";

/**
 * Format one value in shortest round-trip form; non-finite as `NaN`, `Infinity`, `-Infinity`.
 * @param value the number
 * @returns its text
 */
export function formatValue(value: number): string {
  return String(value);
}

/** Options for {@link formatSeriesCsv}. */
export interface FormatSeriesOptions {
  /** Bins to leave out entirely (rows removed). */
  dropBins?: ReadonlySet<number>;
  /** Write NaN as an empty cell instead of `NaN` (telemetry gaps). */
  nanAsEmpty?: boolean;
  /** Bins written with an empty value cell whatever their value (injected telemetry gaps). */
  emptyBins?: ReadonlySet<number>;
}

/**
 * Write a series as CSV text: header, one `index,value` row per bin, LF line ends.
 * @param values the series
 * @param options rows to drop, cells to leave empty and how to write NaN
 * @returns the CSV text
 */
export function formatSeriesCsv(
  values: ArrayLike<number>,
  options: FormatSeriesOptions = {},
): string {
  // plain concatenation: measurably faster than collecting rows and joining them
  let out = SERIES_CSV_HEADER + "\n";
  const drop = options.dropBins;
  const empty = options.emptyBins;
  for (let i = 0; i < values.length; i++) {
    if (drop?.has(i)) continue;
    const v = values[i];
    const blank = (options.nanAsEmpty && Number.isNaN(v)) || empty?.has(i);
    out += blank ? i + ",\n" : i + "," + formatValue(v) + "\n";
  }
  return out;
}

/** A series read from CSV. */
export interface ParsedSeries {
  /** Values by bin; bins without a row are NaN. */
  values: Float64Array;
  /** Bins (below the expected length) that had no row. */
  missingBins: number[];
  /** Bins whose cell was empty (read as NaN). */
  emptyBins: number[];
  /** Number of data rows read. */
  rowCount: number;
  /** Highest bin index seen plus one (0 for an empty file). */
  observedLength: number;
}

/** Options for {@link parseSeriesCsv}. */
export interface ParseSeriesOptions {
  /** File name for messages. */
  file?: string;
  /** Expected number of bins; rows at or past it are an error unless `allowExtraRows`. */
  bins?: number;
  /** Keep going when rows go past `bins` (they are ignored and counted). */
  allowExtraRows?: boolean;
}

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Parse a single CSV cell as a number: decimal or exponent form, `NaN`, `Infinity`,
 * `-Infinity` (case-insensitive, also `inf`), or an empty cell (NaN).
 * @param cell trimmed cell text
 * @returns the number, or undefined when the cell is not a number
 */
export function parseValueCell(cell: string): number | undefined {
  if (cell === "") return NaN;
  if (NUMBER.test(cell)) return Number(cell);
  const lower = cell.toLowerCase();
  if (lower === "nan") return NaN;
  if (lower === "infinity" || lower === "+infinity" || lower === "inf" || lower === "+inf") {
    return Infinity;
  }
  if (lower === "-infinity" || lower === "-inf") return -Infinity;
  return undefined;
}

/**
 * Parse series CSV text. Accepts a BOM, CRLF, header `bin_index,value` or `t,value`, rows in
 * any order and empty value cells. Rejects garbage values, bad or duplicate bin indexes and
 * truncated rows with an error naming the file and line.
 * @param text the file content
 * @param options file name and expected length
 * @returns the values and what was missing
 */
export function parseSeriesCsv(text: string, options: ParseSeriesOptions = {}): ParsedSeries {
  const file = options.file ?? "series.csv";
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const lines = text.split("\n");
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  if (lines.length === 0) {
    throw new FlowTimeError("telemetry_invalid", "empty file; expected header 'bin_index,value'", {
      file,
      line: 1,
    });
  }
  const header = stripCr(lines[0]).trim().toLowerCase().replace(/\s*,\s*/g, ",");
  if (header !== "bin_index,value" && header !== "t,value") {
    throw new FlowTimeError(
      "telemetry_invalid",
      `header is '${stripCr(lines[0]).slice(0, 60)}'; expected 'bin_index,value' (or 't,value')`,
      { file, line: 1 },
    );
  }
  // Hot loop (a capture reads millions of rows): with a known length, values go straight into
  // the result and "seen" is a byte per bin; a Set only tracks rows past that length.
  const bins = options.bins;
  const direct = bins !== undefined;
  const seenInGrid = new Uint8Array(direct ? bins : 0);
  const seenOther = new Set<number>();
  const values = direct ? new Float64Array(bins).fill(NaN) : undefined;
  const indexes: number[] = [];
  const cells: number[] = [];
  const emptyBins: number[] = [];
  let maxIndex = -1;
  let rowCount = 0;
  for (let i = 1; i < lines.length; i++) {
    const raw = stripCr(lines[i]);
    if (raw.trim() === "") continue;
    const comma = raw.indexOf(",");
    if (comma < 0 || raw.indexOf(",", comma + 1) >= 0) {
      throw new FlowTimeError(
        "telemetry_invalid",
        `row '${raw.slice(0, 60)}' must have exactly two cells: bin_index,value`,
        { file, line: i + 1 },
      );
    }
    const indexCell = raw.slice(0, comma).trim();
    const valueCell = raw.slice(comma + 1).trim();
    const index = indexCell.length <= 9 ? digitsValue(indexCell) : -1;
    if (index < 0) {
      throw new FlowTimeError(
        "telemetry_invalid",
        `bin_index '${indexCell.slice(0, 30)}' is not a non-negative integer`,
        { file, line: i + 1 },
      );
    }
    const inGrid = direct && index < bins;
    if (inGrid ? seenInGrid[index] === 1 : seenOther.has(index)) {
      throw new FlowTimeError("telemetry_invalid", `bin_index ${index} appears twice`, {
        file,
        line: i + 1,
      });
    }
    const value = plainNumber(valueCell) ?? parseValueCell(valueCell);
    if (value === undefined) {
      throw new FlowTimeError(
        "telemetry_invalid",
        `value '${
          valueCell.slice(0, 30)
        }' for bin ${index} is not a number (write digits, NaN or leave the cell empty)`,
        { file, line: i + 1 },
      );
    }
    if (direct && !inGrid && !options.allowExtraRows) {
      throw new FlowTimeError(
        "telemetry_invalid",
        `bin_index ${index} is outside the grid (0..${bins - 1})`,
        { file, line: i + 1 },
      );
    }
    if (inGrid) {
      seenInGrid[index] = 1;
      values![index] = value;
    } else {
      seenOther.add(index);
      if (!direct) {
        indexes.push(index);
        cells.push(value);
      }
    }
    if (valueCell === "") emptyBins.push(index);
    rowCount++;
    if (index > maxIndex) maxIndex = index;
  }
  const length = bins ?? maxIndex + 1;
  const out = values ?? new Float64Array(length).fill(NaN);
  if (!direct) { for (let k = 0; k < indexes.length; k++) out[indexes[k]] = cells[k]; }
  const missingBins: number[] = [];
  for (let b = 0; b < length; b++) {
    if (direct ? seenInGrid[b] === 0 : !seenOther.has(b)) missingBins.push(b);
  }
  emptyBins.sort((a, b) => a - b);
  return { values: out, missingBins, emptyBins, rowCount, observedLength: maxIndex + 1 };
}

// The value of a cell of ASCII digits only, or -1 (same as testing /^\d+$/ then Number()).
function digitsValue(cell: string): number {
  if (cell.length === 0) return -1;
  let n = 0;
  for (let k = 0; k < cell.length; k++) {
    const c = cell.charCodeAt(k) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

// Fast path for the common cell. For trimmed text, Number() gives a finite value only for the
// decimal form the NUMBER pattern describes or for 0x/0o/0b literals, which are excluded here;
// anything else (NaN, Infinity, empty, garbage) returns undefined and goes through
// parseValueCell.
function plainNumber(cell: string): number | undefined {
  if (cell.length === 0) return undefined;
  const value = Number(cell);
  if (!Number.isFinite(value)) return undefined;
  if (cell.length > 1 && cell.charCodeAt(0) === 48 && RADIX_PREFIX.has(cell.charCodeAt(1))) {
    return undefined;
  }
  return value;
}

// x X o O b B
const RADIX_PREFIX = new Set([120, 88, 111, 79, 98, 66]);

function stripCr(line: string): string {
  return line.endsWith("\r") ? line.slice(0, -1) : line;
}
