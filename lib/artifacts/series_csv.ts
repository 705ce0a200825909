// The one series CSV module. Writers are strict (header `bin_index,value`, LF, shortest
// round-trip numbers); readers are lenient (BOM, CRLF, `t,value` header, empty cell = NaN).
import { FlowTimeError } from "../base/errors.ts";
import {
  type PlainSeriesText,
  readPlainSeries,
  writeNumber,
  writeSmallInteger,
} from "./_series_bytes.ts";
import {
  blank,
  classCell,
  commaBefore,
  digitsValue,
  plainNumber,
  stripCr,
  trimmed,
} from "./_series_cells.ts";

export { type PlainSeriesText, writeNumber };

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

// Longest row: 9-digit index, comma, a value such as "-1.2345678901234567e-308", newline.
const MAX_ROW_BYTES = 36;
const HEADER_BYTES = new TextEncoder().encode(SERIES_CSV_HEADER + "\n");

/**
 * Write a series as CSV bytes: exactly the UTF-8 of {@link formatSeriesCsv}, written straight
 * into a byte buffer so that a long series leaves no strings behind (captures write millions
 * of rows).
 * @param values the series
 * @param options rows to drop, cells to leave empty and how to write NaN
 * @param target buffer to write into when it is large enough (its bytes are overwritten)
 * @returns the bytes: a view of `target`, or of a new buffer when `target` was too small
 */
export function encodeSeriesCsv(
  values: ArrayLike<number>,
  options: FormatSeriesOptions = {},
  target?: Uint8Array,
): Uint8Array {
  const capacity = HEADER_BYTES.length + values.length * MAX_ROW_BYTES;
  const out = target && target.length >= capacity ? target : new Uint8Array(capacity);
  out.set(HEADER_BYTES);
  let pos = HEADER_BYTES.length;
  const drop = options.dropBins;
  const empty = options.emptyBins;
  const nanAsEmpty = options.nanAsEmpty === true;
  // The bin index as digits, counted up in place from row to row (an index is written again
  // from scratch only after dropped rows).
  const index = new Uint8Array(10);
  let indexLength = 0;
  let previous = -2;
  for (let i = 0; i < values.length; i++) {
    if (drop !== undefined && drop.has(i)) continue;
    if (i === previous + 1) indexLength = countUp(index, indexLength);
    else indexLength = writeSmallInteger(index, 0, i);
    previous = i;
    for (let k = 0; k < indexLength; k++) out[pos + k] = index[k];
    pos += indexLength;
    out[pos++] = 44; // ,
    const v = values[i];
    if (empty === undefined || !empty.has(i)) {
      // a small integer, the commonest value, has its digits straight from the table
      if (v >= 0 && v < 10000 && (v | 0) === v) pos = writeSmallInteger(out, pos, v | 0);
      else if (!(nanAsEmpty && v !== v)) pos = writeNumber(out, pos, v);
    }
    out[pos++] = 10; // \n
  }
  return out.subarray(0, pos);
}

// Add one to the decimal digits in `digits[0..length)`; returns the new length.
function countUp(digits: Uint8Array, length: number): number {
  for (let k = length - 1; k >= 0; k--) {
    if (digits[k] !== 57) { // 9
      digits[k]++;
      return length;
    }
    digits[k] = 48; // 0
  }
  digits.copyWithin(1, 0, length);
  digits[0] = 49; // 1
  return length + 1;
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
  /** Expected number of bins; rows at or past it are an error unless `allowExtraRows`.
   * Without it the series is as long as its highest bin index + 1.
   * @default undefined
   */
  bins?: number;
  /** Keep going when rows go past `bins` (they are ignored and counted).
   * @default false
   */
  allowExtraRows?: boolean;
}

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** Most bins a series may have (8 MB as numbers); longer grids are refused before reading. */
export const MAX_SERIES_BINS = 1_000_000;

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
 * Parse series CSV text. Accepts a BOM, CRLF, header `bin_index,value` or `t,value` (or
 * FlowTime HEAD's `bin_index,classId,value` with class DEFAULT rows), rows in any order and
 * empty value cells. Rejects garbage values, bad or duplicate bin indexes and
 * truncated rows with an error naming the file and line.
 * @param text the file content
 * @param options file name and expected length
 * @returns the values and what was missing
 */
export function parseSeriesCsv(text: string, options: ParseSeriesOptions = {}): ParsedSeries {
  const file = options.file ?? "series.csv";
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.length === 0) {
    throw new FlowTimeError("telemetry_invalid", "empty file; expected header 'bin_index,value'", {
      file,
      line: 1,
    });
  }
  let headerEnd = text.indexOf("\n");
  if (headerEnd < 0) headerEnd = text.length;
  const headerLine = stripCr(text.slice(0, headerEnd));
  const header = headerLine.trim().toLowerCase().replace(/\s*,\s*/g, ",");
  // FlowTime HEAD writes `bin_index,classId,value`; the toolkit reads its class totals.
  const classColumn = header === "bin_index,classid,value";
  if (header !== "bin_index,value" && header !== "t,value" && !classColumn) {
    throw new FlowTimeError(
      "telemetry_invalid",
      `header is '${
        headerLine.slice(0, 60)
      }'; expected 'bin_index,value' (or 't,value', or FlowTime's 'bin_index,classId,value')`,
      { file, line: 1 },
    );
  }
  // Hot loop (a capture reads millions of rows). Rows are scanned by position, so a row costs
  // one small string (its value cell); with a known length, values go straight into the result
  // and "seen" is a byte per bin, a Set only tracking rows past that length.
  const bins = options.bins;
  if (bins !== undefined && !(Number.isInteger(bins) && bins >= 0 && bins <= MAX_SERIES_BINS)) {
    throw new FlowTimeError(
      "telemetry_invalid",
      `the grid has ${bins} bins; a series holds at most ${
        MAX_SERIES_BINS.toLocaleString("en-US")
      }`,
      { file },
    );
  }
  const direct = bins !== undefined;
  const seenInGrid = new Uint8Array(direct ? bins : 0);
  const seenOther = new Set<number>();
  const values = direct ? new Float64Array(bins).fill(NaN) : undefined;
  const indexes: number[] = [];
  const cells: number[] = [];
  const emptyBins: number[] = [];
  let maxIndex = -1;
  let rowCount = 0;
  let line = 1;
  for (let start = headerEnd + 1; start < text.length;) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    const rowStart = start;
    start = end + 1;
    line++;
    const rowEnd = end > rowStart && text.charCodeAt(end - 1) === 13 ? end - 1 : end;
    if (blank(text, rowStart, rowEnd)) continue;
    const comma = text.indexOf(",", rowStart);
    let valueStart = comma + 1;
    if (classColumn && comma >= 0 && comma < rowEnd) {
      valueStart = classCell(text, comma + 1, rowEnd, { file, line });
    }
    if (comma < 0 || comma >= rowEnd || commaBefore(text, valueStart, rowEnd)) {
      throw new FlowTimeError(
        "telemetry_invalid",
        `row '${
          text.slice(rowStart, Math.min(rowEnd, rowStart + 60))
        }' must have exactly two cells: bin_index,value`,
        { file, line },
      );
    }
    const [is, ie] = trimmed(text, rowStart, comma);
    const index = ie - is <= 9 ? digitsValue(text, is, ie) : -1;
    if (index < 0) {
      throw new FlowTimeError(
        "telemetry_invalid",
        `bin_index '${text.slice(is, Math.min(ie, is + 30))}' is not a non-negative integer`,
        { file, line },
      );
    }
    const inGrid = direct && index < bins;
    if (inGrid ? seenInGrid[index] === 1 : seenOther.has(index)) {
      throw new FlowTimeError("telemetry_invalid", `bin_index ${index} appears twice`, {
        file,
        line,
      });
    }
    const [vs, ve] = trimmed(text, valueStart, rowEnd);
    const valueCell = text.slice(vs, ve);
    const value = plainNumber(valueCell) ?? parseValueCell(valueCell);
    if (value === undefined) {
      throw new FlowTimeError(
        "telemetry_invalid",
        `value '${
          valueCell.slice(0, 30)
        }' for bin ${index} is not a number (write digits, NaN or leave the cell empty)`,
        { file, line },
      );
    }
    if (direct && !inGrid && !options.allowExtraRows) {
      throw new FlowTimeError(
        "telemetry_invalid",
        `bin_index ${index} is outside the grid (0..${bins - 1})`,
        { file, line },
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
    if (vs === ve) emptyBins.push(index);
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

const DECODER = new TextDecoder();

/**
 * Parse series CSV bytes: exactly {@link parseSeriesCsv} of their UTF-8 text, reading the
 * toolkit's own layout straight from the bytes (captures and state read thousands of files).
 * @param bytes the file content
 * @param options file name and expected length
 * @param text receives whether the bytes are exactly what {@link encodeSeriesCsv} writes for
 *   the values, and whether every value is there and finite (false when not known)
 * @returns the values and what was missing
 */
export function parseSeriesCsvBytes(
  bytes: Uint8Array,
  options: ParseSeriesOptions = {},
  text?: PlainSeriesText,
): ParsedSeries {
  if (text) text.canonical = text.finite = false;
  const plain = options.bins === undefined ? undefined : readPlainSeries(bytes, options.bins, text);
  return plain ?? parseSeriesCsv(DECODER.decode(bytes), options);
}
