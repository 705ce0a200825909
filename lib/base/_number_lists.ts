// The fast path for long lists of plain numbers in YAML (`values: [1, 2.5, ...]`, a week of
// 5-minute bins is 2,016 numbers): the yaml package builds several objects per number, some
// 280 bytes of heap per character of such a list. Each one-line flow sequence of plain
// decimal numbers is read here instead and blanked out of the text (same length, so every
// offset and line stays where it was); the yaml package then parses a text with short lists.

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
    if (list && list.values.length >= MIN_FAST_LIST) {
      out.push(list);
      from = list.end;
    } else from = start + 1;
  }
}

function readList(text: string, start: number): NumberList | undefined {
  const values: number[] = [];
  let i = start + 1;
  while (text.charCodeAt(i) === SPACE) i++;
  for (;;) {
    const tokenStart = i;
    let c = text.charCodeAt(i);
    if (c === 45) c = text.charCodeAt(++i); // -
    if (c === 48) c = text.charCodeAt(++i); // a lone leading 0
    else if (c >= 49 && c <= 57) {
      do c = text.charCodeAt(++i); while (c >= 48 && c <= 57);
    } else return undefined;
    let integer = true;
    if (c === 46) { // .
      integer = false;
      c = text.charCodeAt(++i);
      if (!(c >= 48 && c <= 57)) return undefined;
      do c = text.charCodeAt(++i); while (c >= 48 && c <= 57);
    }
    if (c === 101 || c === 69) { // e E
      integer = false;
      c = text.charCodeAt(++i);
      if (c === 43 || c === 45) c = text.charCodeAt(++i);
      if (!(c >= 48 && c <= 57)) return undefined;
      do c = text.charCodeAt(++i); while (c >= 48 && c <= 57);
    }
    if (integer && i - tokenStart > 15) return undefined;
    const value = Number(text.slice(tokenStart, i));
    if (!Number.isFinite(value)) return undefined;
    values.push(value);
    while (c === SPACE) c = text.charCodeAt(++i);
    if (c === CLOSE) return { start, end: i + 1, values };
    if (c !== COMMA) return undefined;
    c = text.charCodeAt(++i);
    while (c === SPACE) c = text.charCodeAt(++i);
  }
}

/**
 * The text with each list replaced by `[]` and spaces: the same length, the same lines.
 * @param text the YAML text
 * @param lists lists found by {@link findNumberLists}
 * @returns the reduced text
 */
export function blankNumberLists(text: string, lists: readonly NumberList[]): string {
  const parts: string[] = [];
  let at = 0;
  for (const list of lists) {
    parts.push(text.slice(at, list.start), "[]", " ".repeat(list.end - list.start - 2));
    at = list.end;
  }
  parts.push(text.slice(at));
  return parts.join("");
}
