// Scanning one cell of a series CSV row without making substrings: the helpers the lenient
// reader in series_csv.ts uses on its common path.
import { type ErrorPlace, FlowTimeError } from "../base/errors.ts";

// Characters String.prototype.trim removes (ECMAScript WhiteSpace and LineTerminator).
function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || c === 160 || c === 5760 ||
    (c >= 8192 && c <= 8202) || c === 8232 || c === 8233 || c === 8239 || c === 8287 ||
    c === 12288 || c === 65279;
}

// The class cell of a `bin_index,classId,value` row: only the totals (DEFAULT) are read.
// Returns where the value cell starts.
export function classCell(text: string, from: number, to: number, place: ErrorPlace): number {
  const comma = text.indexOf(",", from);
  if (comma < 0 || comma >= to) {
    throw new FlowTimeError(
      "telemetry_invalid",
      `row '${
        text.slice(from, Math.min(to, from + 60))
      }' must have three cells: bin_index,classId,value`,
      place,
    );
  }
  const [cs, ce] = trimmed(text, from, comma);
  const classId = text.slice(cs, ce);
  if (classId.toUpperCase() !== "DEFAULT") {
    throw new FlowTimeError(
      "telemetry_invalid",
      `per-class rows (class '${
        classId.slice(0, 40)
      }') are not supported: classes are not supported; the toolkit reads class totals (classId DEFAULT)`,
      place,
    );
  }
  return comma + 1;
}

export function blank(text: string, from: number, to: number): boolean {
  for (let k = from; k < to; k++) if (!isSpace(text.charCodeAt(k))) return false;
  return true;
}

export function commaBefore(text: string, from: number, to: number): boolean {
  const c = text.indexOf(",", from);
  return c >= 0 && c < to;
}

// Bounds of text[from, to) without leading and trailing whitespace.
export function trimmed(text: string, from: number, to: number): [number, number] {
  while (from < to && isSpace(text.charCodeAt(from))) from++;
  while (to > from && isSpace(text.charCodeAt(to - 1))) to--;
  return [from, to];
}

// The value of text[from, to) when it is ASCII digits only, else -1 (same as testing /^\d+$/
// on the cell, then Number()).
export function digitsValue(text: string, from: number, to: number): number {
  if (to === from) return -1;
  let n = 0;
  for (let k = from; k < to; k++) {
    const c = text.charCodeAt(k) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

// Fast path for the common cell. For trimmed text, Number() gives a finite value only for the
// decimal form the NUMBER pattern describes or for 0x/0o/0b literals, which are excluded here;
// anything else (NaN, Infinity, empty, garbage) returns undefined and goes through
// parseValueCell.
export function plainNumber(cell: string): number | undefined {
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

export function stripCr(line: string): string {
  return line.endsWith("\r") ? line.slice(0, -1) : line;
}
