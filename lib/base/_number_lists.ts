// The fast path for long lists of plain numbers in YAML (`values: [1, 2.5, ...]`, a week of
// 5-minute bins is 2,016 numbers): the yaml package builds several objects per number, some
// 280 bytes of heap per character of such a list. Each one-line flow sequence of plain
// decimal numbers is read here instead and replaced by `[]` (on its own line, so every line
// keeps its number); the yaml package then parses a text with empty lists.

/** A list read by the fast path. */
export interface NumberList {
  /** Offset of its `[`. */
  start: number;
  /** Offset just past its `]`. */
  end: number;
  /** The numbers, exactly as the yaml package's core schema reads them. */
  values: number[];
}

/** Lists shorter than this are left to the yaml package. */
export const MIN_FAST_LIST = 16;

const SPACE = 32;
const COMMA = 44;
const CLOSE = 93;

/**
 * Find the one-line flow sequences of plain numbers with at least {@link MIN_FAST_LIST} items.
 * A list qualifies when every item is `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, finite,
 * integers have at most 15 digits (so `parseInt`, which the yaml package uses for them, and
 * `Number` agree), items are separated by `,` and spaces only, and there is no trailing comma,
 * comment, tab or line break inside. Whether a `[` really starts a sequence (and not text in a
 * quoted or block scalar or a comment) is for the caller to check against the parsed document.
 * @param text the YAML text
 * @returns the lists, in text order
 */
export function findNumberLists(text: string): NumberList[] {
  const out: NumberList[] = [];
  let from = 0;
  for (;;) {
    const start = text.indexOf("[", from);
    if (start < 0) return out;
    const list = readList(text, start);
    if (list) {
      out.push(list);
      from = list.end;
    } else from = start + 1;
  }
}

// 10^0 .. 10^22, all exact doubles
const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

function readList(text: string, start: number): NumberList | undefined {
  // sized once from the commas up to the first `]` (no growing array, no garbage from it)
  let count = 1;
  for (let k = start + 1;; k++) {
    const c = text.charCodeAt(k);
    if (c === CLOSE) break;
    if (c === COMMA) count++;
    else if (c !== c || c === 10 || c === 13) return undefined; // end of text or of the line
  }
  if (count < MIN_FAST_LIST) return undefined;
  const values: number[] = new Array(count);
  let n = 0;
  let i = start + 1;
  while (text.charCodeAt(i) === SPACE) i++;
  for (;;) {
    const tokenStart = i;
    let c = text.charCodeAt(i);
    let negative = false;
    if (c === 45) { // -
      negative = true;
      c = text.charCodeAt(++i);
    }
    // digits accumulate into an exact integer while there are at most 15 of them
    let mantissa = 0;
    let digits = 0;
    if (c === 48) c = text.charCodeAt(++i); // a lone leading 0
    else if (c >= 49 && c <= 57) {
      do {
        mantissa = mantissa * 10 + (c - 48);
        digits++;
        c = text.charCodeAt(++i);
      } while (c >= 48 && c <= 57);
    } else return undefined;
    let integer = true;
    let places = 0;
    if (c === 46) { // .
      integer = false;
      c = text.charCodeAt(++i);
      if (!(c >= 48 && c <= 57)) return undefined;
      do {
        mantissa = mantissa * 10 + (c - 48);
        if (mantissa !== 0) digits++;
        places++;
        c = text.charCodeAt(++i);
      } while (c >= 48 && c <= 57);
    }
    let exponent = false;
    if (c === 101 || c === 69) { // e E
      integer = false;
      exponent = true;
      c = text.charCodeAt(++i);
      if (c === 43 || c === 45) c = text.charCodeAt(++i);
      if (!(c >= 48 && c <= 57)) return undefined;
      do c = text.charCodeAt(++i); while (c >= 48 && c <= 57);
    }
    if (integer && i - tokenStart > 15) return undefined;
    let value: number;
    if (!exponent && digits <= 15 && places <= 22) {
      // an exact integer over an exact power of ten, divided once (correctly rounded): the
      // double nearest the decimal, as Number() and parseFloat() give it
      value = places === 0 ? mantissa : mantissa / POW10[places];
      if (negative) value = -value;
    } else {
      value = Number(text.slice(tokenStart, i));
      if (!Number.isFinite(value)) return undefined;
    }
    if (n === count) return undefined;
    values[n++] = value;
    while (c === SPACE) c = text.charCodeAt(++i);
    if (c === CLOSE) return n === count ? { start, end: i + 1, values } : undefined;
    if (c !== COMMA) return undefined;
    c = text.charCodeAt(++i);
    while (c === SPACE) c = text.charCodeAt(++i);
  }
}

/**
 * The text with each list replaced by `[]`. Lists are on one line, so every line keeps its
 * number; `starts` receives each list's offset in the reduced text.
 * @param text the YAML text
 * @param lists lists found by {@link findNumberLists}
 * @param starts receives the offset of each `[]` in the reduced text, in list order
 * @returns the reduced text
 */
export function blankNumberLists(
  text: string,
  lists: readonly NumberList[],
  starts: number[],
): string {
  const parts: string[] = [];
  let at = 0;
  let length = 0;
  for (const list of lists) {
    const before = text.slice(at, list.start);
    parts.push(before, "[]");
    length += before.length;
    starts.push(length);
    length += 2;
    at = list.end;
  }
  parts.push(text.slice(at));
  return parts.join("");
}
