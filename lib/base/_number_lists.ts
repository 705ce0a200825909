// The one fast path for long lists of plain numbers in YAML (`values: [1, 2.5, ...]`, a week of
// 5-minute bins is 2,016 numbers): the yaml package builds several objects per number, some
// 280 bytes of heap per character of such a list. Numbers are read here, by one reader, in two
// ways the caller (located_yaml.ts) tries in turn:
// - each one-line flow sequence of plain numbers is replaced by `[]` (on its own line, so every
//   line keeps its number); the yaml package then parses a text with empty lists, and the values
//   are put back into the parsed value (findNumberLists here, blanked with the flow mappings by
//   blankFlowItems in _flow_maps.ts);
// - failing that, every long flow sequence of plain numbers that starts a value, over one line or
//   several, stands in the text as `[0]` with its line breaks kept, and the values are put back
//   into the document where the parser reports a flow sequence at that very place
//   (shrinkNumberSequences).
// Whether a `[` really starts a sequence (and not text in a quoted or block scalar or a
// comment) is always checked against the parsed document; otherwise the whole text is parsed by
// the yaml package.

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

/**
 * The one-line flow sequence of at least {@link MIN_FAST_LIST} plain numbers at `start`.
 * @param text the YAML text
 * @param start offset of its `[`
 * @returns the list, or undefined
 */
export function readList(text: string, start: number): NumberList | undefined {
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
    const value = plainNumber(text, i);
    if (value !== value) return undefined;
    i = numberEnd;
    let c = text.charCodeAt(i);
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
 * The plain number at `i`: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, finite, with an
 * integer of at most 15 characters (so `parseInt`, which the yaml package uses for integers, and
 * `Number` agree). Its value is exactly what the yaml package's core schema gives: an exact
 * integer over an exact power of ten divided once (correctly rounded, the double nearest the
 * decimal, as `Number()` and `parseFloat()` give it), else `Number()` of the token.
 * @param text the text
 * @param i where the token starts
 * @returns its value and the offset after it, or undefined when no such number starts there
 */
export function readNumber(text: string, i: number): { value: number; end: number } | undefined {
  const value = plainNumber(text, i);
  return value === value ? { value, end: numberEnd } : undefined;
}

// Where the number plainNumber read last ends: a module variable rather than a returned object,
// as a model's lists hold tens of thousands of numbers (the state bench's, 28,800).
let numberEnd = 0;

// readNumber's number, NaN when none starts at `i` (no number read here is NaN), its end in
// numberEnd.
function plainNumber(text: string, i: number): number {
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
  } else return NaN;
  let integer = true;
  let places = 0;
  if (c === 46) { // .
    integer = false;
    c = text.charCodeAt(++i);
    if (!(c >= 48 && c <= 57)) return NaN;
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
    if (!(c >= 48 && c <= 57)) return NaN;
    do c = text.charCodeAt(++i); while (c >= 48 && c <= 57);
  }
  if (integer && i - tokenStart > 15) return NaN;
  let value: number;
  if (!exponent && digits <= 15 && places <= 22) {
    value = places === 0 ? mantissa : mantissa / POW10[places];
    if (negative) value = -value;
  } else {
    value = Number(text.slice(tokenStart, i));
    if (!Number.isFinite(value)) return NaN;
  }
  numberEnd = i;
  return value;
}

// Long flow sequences over one line or several (the second way).

/** Sequences shorter than this (in characters) are left to the parser. */
const MIN_LENGTH = 256;
const ENDS_NUMBER = ",] \t\r\n";

/** Text with long number sequences shrunk, and where each one now starts. */
export interface ShrunkText {
  /** The text to parse. */
  text: string;
  /** Offset of each shrunk sequence's `[` in `text`, with its values. */
  sequences: Map<number, number[]>;
}

/**
 * Shrink every long flow sequence of plain numbers that starts a value (after `: ` or `- `).
 * @param text YAML text
 * @returns the shrunk text, or undefined when there is nothing to shrink
 */
export function shrinkNumberSequences(text: string): ShrunkText | undefined {
  if (text.length < MIN_LENGTH) return undefined;
  const pieces: string[] = [];
  const sequences = new Map<number, number[]>();
  let copied = 0;
  let outLength = 0;
  for (let open = text.indexOf("["); open >= 0; open = text.indexOf("[", open + 1)) {
    if (!startsValue(text, open)) continue;
    const found = readNumbers(text, open);
    if (!found || found.end - open < MIN_LENGTH) continue;
    const before = text.slice(copied, open);
    pieces.push(before);
    outLength += before.length;
    sequences.set(outLength, found.values);
    const stand = `[0${found.breaks}]`;
    pieces.push(stand);
    outLength += stand.length;
    copied = found.end;
    open = found.end - 1;
  }
  if (sequences.size === 0) return undefined;
  pieces.push(text.slice(copied));
  return { text: pieces.join(""), sequences };
}

// `[` right after `:` or `-` and some blanks on the same line.
function startsValue(text: string, open: number): boolean {
  let k = open - 1;
  while (k >= 0 && (text[k] === " " || text[k] === "\t")) k--;
  return k < open - 1 && k >= 0 && (text[k] === ":" || text[k] === "-");
}

// The numbers of the flow sequence opening at `open`, the offset after its `]`, and its line
// breaks with the indentation that follows each (continuation lines must be indented more than
// the line the sequence starts on, as YAML requires).
function readNumbers(
  text: string,
  open: number,
): { values: number[]; end: number; breaks: string } | undefined {
  const lineStart = text.lastIndexOf("\n", open) + 1;
  let indent = 0;
  while (text[lineStart + indent] === " ") indent++;
  const values: number[] = [];
  let breaks = "";
  let k = open + 1;
  const skipBlanks = (): boolean => {
    for (;;) {
      const c = text[k];
      if (c === " " || c === "\t" || c === "\r") k++;
      else if (c === "\n") {
        k++;
        let spaces = 0;
        while (text[k + spaces] === " ") spaces++;
        if (text[k + spaces] !== "\n" && text[k + spaces] !== "\r" && spaces <= indent) {
          return false;
        }
        breaks += "\n" + " ".repeat(spaces);
        k += spaces;
      } else return true;
    }
  };
  for (;;) {
    if (!skipBlanks()) return undefined;
    const token = readNumber(text, k);
    // a number ends at a delimiter (`1.5x` is a string)
    if (token === undefined || !ENDS_NUMBER.includes(text[token.end] ?? "")) return undefined;
    values.push(token.value);
    k = token.end;
    if (!skipBlanks()) return undefined;
    if (text[k] === "]") return { values, end: k + 1, breaks };
    if (text[k] !== ",") return undefined;
    k++;
  }
}
