// Series CSVs as bytes, both ways, for the hot paths: numbers written digit by digit exactly as
// String() writes them, and the toolkit's own strict layout read straight from the bytes (no
// text of the file, no string per cell), with anything else left to the lenient text reader.
import type { ParsedSeries } from "./series_csv.ts";
import { writeShortestFraction } from "./_shortest_fraction.ts";

const POWERS = [1, 10, 100, 1000, 10000, 100000, 1000000];

/**
 * Write a number's ASCII text exactly as `String(value)` gives it, into `out` at `pos`.
 * Integers and decimals of up to 6 places with at most 15 significant digits are written
 * digit by digit (their shortest round-trip form is then their plain decimal form), other
 * values with a fraction between 1 and 2^31 by {@link writeShortestFraction}; anything else
 * goes through String().
 * @param out the buffer (room for 25 bytes at `pos`)
 * @param pos where to write
 * @param value the number
 * @returns the position after it
 */
export function writeNumber(out: Uint8Array, pos: number, value: number): number {
  if (Number.isSafeInteger(value)) return writeInteger(out, pos, value);
  // a decimal of up to 6 places times 10^6 lands on an integer: one test rules out most others
  if (value > -1e9 && value < 1e9 && Number.isInteger(value * 1e6)) {
    // v = m / 10^d exactly as parsing that decimal gives (m and 10^d are exact and division
    // rounds correctly), so those digits round-trip; with at most 15 significant digits no
    // shorter decimal does, and 1e-6 <= |v| keeps String() in fixed notation. (A decimal the
    // first test misses is written by String(), the same text.)
    for (let d = 1; d <= 6; d++) {
      const p = POWERS[d];
      const m = value * p;
      if (Number.isInteger(m) && m / p === value && m > -1e15 && m < 1e15) {
        return writeDecimal(out, pos, m, d);
      }
    }
  }
  const end = writeShortestFraction(out, pos, value);
  if (end >= 0) return end;
  const text = String(value);
  for (let k = 0; k < text.length; k++) out[pos++] = text.charCodeAt(k);
  return pos;
}

// m / 10^places as a decimal: sign, integer part, point, fraction without trailing zeros.
function writeDecimal(out: Uint8Array, pos: number, m: number, places: number): number {
  if (m < 0) {
    out[pos++] = 45; // -
    m = -m;
  }
  // |m| < 10^15 and m / 10^places < 10^9, so the quotient's floor is exact, and the fraction
  // (not 0: the value is not an integer) is below 10^6, a small integer for integer arithmetic
  const p = POWERS[places];
  const whole = Math.floor(m / p);
  let fraction = (m - whole * p) | 0;
  while (fraction % 10 === 0) {
    fraction = (fraction / 10) | 0;
    places--;
  }
  pos = writeInteger(out, pos, whole);
  out[pos++] = 46; // .
  for (let k = pos + places - 1; k >= pos; k--) {
    const q = (fraction / 10) | 0;
    out[k] = 48 + fraction - q * 10;
    fraction = q;
  }
  return pos + places;
}

/**
 * Decimal digits of a non-negative integer (bin indexes), fast below 2^31.
 * @param out the buffer
 * @param pos where to write
 * @param value the integer
 * @returns the position after it
 */
export function writeSmallInteger(out: Uint8Array, pos: number, value: number): number {
  if (value >= 0x7fffffff) return writeInteger(out, pos, value);
  // an int32 from here on: table lookups by a double index take V8's slow path
  value |= 0;
  if (value < 10) {
    out[pos] = 48 + value;
    return pos + 1;
  }
  if (value < 10000) {
    // the digits of 0..9999 from a table
    const length = DIGITS_LENGTH[value];
    const from = value * 4 + 4 - length;
    for (let k = 0; k < length; k++) out[pos + k] = DIGITS[from + k];
    return pos + length;
  }
  if (value < 100000000) {
    // the high digits from the table, then the low four with their zeros
    const high = (value / 10000) | 0;
    pos = writeSmallInteger(out, pos, high);
    const from = (value - high * 10000) * 4;
    out[pos] = DIGITS[from];
    out[pos + 1] = DIGITS[from + 1];
    out[pos + 2] = DIGITS[from + 2];
    out[pos + 3] = DIGITS[from + 3];
    return pos + 4;
  }
  let digits = 1;
  for (let v = value; v >= 10; v = (v / 10) | 0) digits++;
  for (let k = pos + digits - 1; k >= pos; k--) {
    const q = (value / 10) | 0;
    out[k] = 48 + value - q * 10;
    value = q;
  }
  return pos + digits;
}

// 0..9999 as four ASCII digits each (with leading zeros), and how many of them the number has.
const DIGITS = new Uint8Array(40000);
const DIGITS_LENGTH = new Uint8Array(10000);
for (let n = 0; n < 10000; n++) {
  for (let k = 0, v = n; k < 4; k++, v = (v / 10) | 0) DIGITS[n * 4 + 3 - k] = 48 + (v % 10);
  DIGITS_LENGTH[n] = n < 10 ? 1 : n < 100 ? 2 : n < 1000 ? 3 : 4;
}

// Decimal digits of a safe integer, as String() writes them (no sign for -0).
function writeInteger(out: Uint8Array, pos: number, value: number): number {
  if (value < 0) {
    out[pos++] = 45; // -
    value = -value;
  }
  if (value < 0x7fffffff) return writeSmallInteger(out, pos, value);
  let digits = 0;
  for (let v = value; v >= 1; v = Math.floor(v / 10)) digits++;
  for (let k = pos + digits - 1; k >= pos; k--) {
    out[k] = 48 + (value % 10);
    value = Math.floor(value / 10);
  }
  return pos + digits;
}

// 10^0 .. 10^22, all exact doubles
const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);
const HEADER = "bin_index,value\n";
const NAN = [78, 97, 78]; // NaN
const INFINITY = [73, 110, 102, 105, 110, 105, 116, 121]; // Infinity

/** What {@link readPlainSeries} found about a series' text besides its values. */
export interface PlainSeriesText {
  /** Whether the bytes are exactly those `encodeSeriesCsv(values)` writes: a row for every
   * bin, each value as String() writes it. A capture then copies them instead of writing the
   * values out again. */
  canonical: boolean;
  /** Whether every bin has a row and every value is finite (no NaN or infinity cell): a
   * capture then has nothing to report of the series without looking at its values. */
  finite: boolean;
}

/**
 * Read a series CSV in the exact layout the toolkit writes (header `bin_index,value`, LF, rows
 * `0..n-1` in order, each value a plain decimal, `NaN`, `Infinity` or `-Infinity`) straight from
 * its bytes. Anything else (a BOM, CR, spaces, another header, gaps, empty cells, rows past
 * `bins`, exponents) returns undefined, for the text reader, which reads every layout.
 * @param bytes the file
 * @param bins the grid length
 * @param text receives whether the bytes are the canonical text of the values read, and
 *   whether the values are all there and finite
 * @returns the series as the text reader would give it, or undefined
 */
export function readPlainSeries(
  bytes: Uint8Array,
  bins: number,
  text?: PlainSeriesText,
): ParsedSeries | undefined {
  if (text) text.canonical = text.finite = false;
  literalRead = false;
  for (let k = 0; k < HEADER.length; k++) {
    if (bytes[k] !== HEADER.charCodeAt(k)) return undefined;
  }
  const values = new Float64Array(bins);
  let i = HEADER.length;
  let row = 0;
  let canonical = true;
  const end = bytes.length;
  while (i < end) {
    if (row >= bins) return undefined;
    // the bin index, which must be the row number
    let index = 0;
    let c = bytes[i];
    if (c < 48 || c > 57) return undefined;
    if (c === 48 && bytes[i + 1] !== 44) return undefined; // no leading zeros
    do {
      index = index * 10 + (c - 48);
      c = bytes[++i];
    } while (c >= 48 && c <= 57 && index < 1e9);
    if (index !== row || c !== 44) return undefined;
    c = bytes[++i];
    const value = readValue(bytes, i);
    if (value === undefined) return undefined;
    values[row++] = value;
    canonical &&= valueCanonical;
    i = valueEnd;
    if (bytes[i] !== 10) return undefined;
    i++;
  }
  const missingBins: number[] = [];
  for (let b = row; b < bins; b++) {
    values[b] = NaN;
    missingBins.push(b);
  }
  // the index of each row is already written as String() writes it (no leading zeros)
  if (text) {
    text.canonical = canonical && row === bins;
    text.finite = !literalRead && row === bins;
  }
  return { values, missingBins, emptyBins: [], rowCount: row, observedLength: row };
}

// Where the value cell readValue last read ends, and whether the cell is written as String()
// writes its value. Module variables rather than a returned object: the reader calls readValue
// once per cell, and a result object per call would be hundreds of thousands of allocations in
// a capture (a collection every few files).
let valueEnd = 0;
let valueCanonical = false;
// Whether a NaN or infinity cell was read since readPlainSeries began (decimals of at most 15
// digits are finite): known without testing every value.
let literalRead = false;

// One value cell at `i`: its number (its end in `valueEnd`), or undefined for anything but the
// forms the writer uses (an exponent, a leading `+` or `.`, an empty cell...).
function readValue(bytes: Uint8Array, i: number): number | undefined {
  let c = bytes[i];
  let negative = false;
  if (c === 45) { // -
    negative = true;
    c = bytes[++i];
  }
  if (c === 73) return literal(bytes, i, INFINITY) ? (negative ? -Infinity : Infinity) : undefined;
  if (c === 78 && !negative) return literal(bytes, i, NAN) ? NaN : undefined;
  if (c < 48 || c > 57) return undefined;
  let mantissa = 0;
  let digits = 0;
  if (c === 48) c = bytes[++i];
  else {
    do {
      mantissa = mantissa * 10 + (c - 48);
      digits++;
      c = bytes[++i];
    } while (c >= 48 && c <= 57);
  }
  let places = 0;
  if (c === 46) { // .
    c = bytes[++i];
    if (c < 48 || c > 57) return undefined;
    do {
      mantissa = mantissa * 10 + (c - 48);
      if (mantissa !== 0) digits++;
      places++;
      c = bytes[++i];
    } while (c >= 48 && c <= 57);
  }
  if (c === 101 || c === 69 || digits > 15 || places > 22) return undefined;
  valueEnd = i;
  // String() writes a decimal of at most 15 significant digits with those digits (no shorter
  // decimal reads as the same double), in fixed notation from 1e-6 on: the cell is its text
  // unless the fraction ends in 0, has more than 6 places (1e-7 is written so), or it is -0.
  valueCanonical = places <= 6 && (places === 0 || bytes[i - 1] !== 48) &&
    !(negative && mantissa === 0);
  // an exact integer over an exact power of ten, divided once (correctly rounded): the double
  // nearest the decimal, as Number() gives it
  const value = places === 0 ? mantissa : mantissa / POW10[places];
  return negative ? -value : value;
}

// Whether the ASCII `text` is at `i` (then `valueEnd` is set past it): NaN, Infinity and
// -Infinity are written as String() writes them.
function literal(bytes: Uint8Array, i: number, text: readonly number[]): boolean {
  for (let k = 0; k < text.length; k++) if (bytes[i + k] !== text[k]) return false;
  valueEnd = i + text.length;
  valueCanonical = true;
  literalRead = true;
  return true;
}
