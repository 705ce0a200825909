// A fast path beside the number lists (_number_lists.ts) for the other thing models are made
// of: one-line flow mappings (`- { id: a, kind: expr, expr: "MIN(a, b)" }`, several per
// service). The yaml package spends tens of microseconds and kilobytes on each; such a mapping,
// when every key is a plain word and every value plain words (`State benchmark`, `1.0.0`), a
// whole or decimal number, a quoted string without escapes, or a flow mapping or sequence of
// those, is read here and stands in the text as `{}` (on the same line, so every line keeps its
// number). Anything else (an anchor, a tag, an alias, a plain scalar with `:` or `#` in it,
// escapes, a repeated key, a mapping over several lines) is left to the yaml package. Whether a
// `{` really starts a mapping (and not text in a quoted or block scalar or a comment) is checked
// by the caller against the parsed document, as for the number lists.
import { readList, readNumber } from "./_number_lists.ts";

/** A value of the subset read here. */
export type FlowValue =
  | string
  | number
  | boolean
  | null
  | FlowValue[]
  | { [key: string]: FlowValue };

/** A flow mapping or number list read without the yaml package. */
export interface FlowItem {
  /** Offset of its `{` or `[`. */
  start: number;
  /** Offset just past its `}` or `]`. */
  end: number;
  /** A mapping or a sequence. */
  kind: "map" | "seq";
  /** Its value, exactly as the yaml package's core schema reads it. */
  value: FlowValue;
}

const NULLS = new Set(["null", "Null", "NULL"]);
const TRUES = new Set(["true", "True", "TRUE"]);
const FALSES = new Set(["false", "False", "FALSE"]);

/**
 * Find the one-line flow mappings of the subset above and the long one-line number lists
 * (`readList`) outside them, in text order, none inside another.
 * @param text the YAML text
 * @returns the items
 */
export function findFlowItems(text: string): FlowItem[] {
  const out: FlowItem[] = [];
  let from = 0;
  for (;;) {
    const brace = text.indexOf("{", from);
    const bracket = text.indexOf("[", from);
    const at = brace < 0 ? bracket : bracket < 0 ? brace : Math.min(brace, bracket);
    if (at < 0) return out;
    if (at === brace) {
      const reader = new FlowReader(text, at);
      const value = reader.mapping();
      if (value !== undefined) {
        out.push({ start: at, end: reader.at, kind: "map", value });
        from = reader.at;
        continue;
      }
    } else {
      const list = readList(text, at);
      if (list) {
        out.push({ start: at, end: list.end, kind: "seq", value: list.values });
        from = list.end;
        continue;
      }
    }
    from = at + 1;
  }
}

/**
 * The text with each item replaced by `{}` or `[]`; `starts` receives each one's offset in it.
 * @param text the YAML text
 * @param items items found by {@link findFlowItems}
 * @param starts receives the offset of each replacement, in item order
 * @returns the reduced text
 */
export function blankFlowItems(
  text: string,
  items: readonly FlowItem[],
  starts: number[],
): string {
  const parts: string[] = [];
  let at = 0;
  let length = 0;
  for (const item of items) {
    const before = text.slice(at, item.start);
    parts.push(before, item.kind === "map" ? "{}" : "[]");
    length += before.length;
    starts.push(length);
    length += 2;
    at = item.end;
  }
  parts.push(text.slice(at));
  return parts.join("");
}

// Reads one flow collection of the subset from `at`, on one line; undefined outside it.
class FlowReader {
  constructor(readonly text: string, public at: number) {}

  mapping(): { [key: string]: FlowValue } | undefined {
    const t = this.text;
    if (t.charCodeAt(this.at) !== 123) return undefined; // {
    this.at++;
    this.#spaces();
    const out: { [key: string]: FlowValue } = {};
    if (t.charCodeAt(this.at) === 125) { // }
      this.at++;
      return this.#ends() ? out : undefined;
    }
    for (;;) {
      const key = this.#token();
      if (
        key === undefined || !isWordStart(key.charCodeAt(0)) || isReserved(key) ||
        key === "__proto__" || Object.hasOwn(out, key)
      ) return undefined;
      // `key: value`: a space after the colon
      if (t.charCodeAt(this.at) !== 58 || t.charCodeAt(this.at + 1) !== 32) return undefined;
      this.at += 2;
      this.#spaces();
      const value = this.#value();
      if (value === undefined) return undefined;
      out[key] = value;
      this.#spaces();
      const c = t.charCodeAt(this.at++);
      if (c === 125) return this.#ends() ? out : undefined; // }
      if (c !== 44) return undefined; // ,
      this.#spaces();
      // a trailing comma or an empty entry: left to the yaml package
      const next = t.charCodeAt(this.at);
      if (next === 125 || next === 44) return undefined;
    }
  }

  #sequence(): FlowValue[] | undefined {
    const t = this.text;
    // a long list of plain numbers (a const node's values) is the number lists' to read: the
    // same numbers as #value reads, in an array sized once, with no object per number
    const list = readList(t, this.at);
    if (list !== undefined) {
      this.at = list.end;
      return this.#ends() ? list.values : undefined;
    }
    this.at++; // [
    this.#spaces();
    const out: FlowValue[] = [];
    if (t.charCodeAt(this.at) === 93) { // ]
      this.at++;
      return this.#ends() ? out : undefined;
    }
    for (;;) {
      const value = this.#value();
      if (value === undefined) return undefined;
      out.push(value);
      this.#spaces();
      const c = t.charCodeAt(this.at++);
      if (c === 93) return this.#ends() ? out : undefined; // ]
      if (c !== 44) return undefined;
      this.#spaces();
      const next = t.charCodeAt(this.at);
      if (next === 93 || next === 44) return undefined;
    }
  }

  #value(): FlowValue | undefined {
    const c = this.text.charCodeAt(this.at);
    if (c === 123) return this.mapping();
    if (c === 91) return this.#sequence();
    if (c === 34) return this.#doubleQuoted();
    if (c === 39) return this.#singleQuoted();
    if ((c >= 48 && c <= 57) || c === 45) {
      // a number, read in place: it must end where a plain scalar ends here
      const number = readNumber(this.text, this.at);
      const next = number === undefined ? -1 : this.text.charCodeAt(number.end);
      if (next === 32 || next === 44 || next === 125 || next === 93) {
        this.at = number!.end;
        return number!.value;
      }
      // not a number: a word that starts with a digit (`1.0.0`) may still be plain text
      if (c === 45) return undefined;
    }
    return this.#plain();
  }

  // A plain scalar: words of token characters with spaces between them, the first starting
  // with a letter, `_` or a digit. One word is what the core schema makes of it (`plainWord`);
  // several are a string (no form of the core schema has a space), their spaces kept.
  #plain(): FlowValue | undefined {
    const t = this.text;
    const start = this.at;
    const first = this.#token();
    if (first === undefined) return undefined;
    let end = this.at;
    for (;;) {
      let k = end;
      while (t.charCodeAt(k) === 32) k++;
      if (k === end || !isTokenChar(t.charCodeAt(k))) break;
      this.at = k;
      if (this.#token() === undefined) return undefined;
      end = this.at;
    }
    this.at = end;
    if (end - start === first.length) return plainWord(first);
    const c = first.charCodeAt(0);
    return isWordStart(c) || isDigit(c) ? t.slice(start, end) : undefined;
  }

  // `"..."` without a backslash, a control character or the end of the line inside.
  #doubleQuoted(): string | undefined {
    const t = this.text;
    const start = this.at + 1;
    let k = start;
    for (;; k++) {
      const c = t.charCodeAt(k);
      if (c === 34) break;
      if (c !== c || c < 32 || c === 92 || c === 127) return undefined;
    }
    this.at = k + 1;
    return this.#ends() ? t.slice(start, k) : undefined;
  }

  // `'...'` (a quote written twice inside) without a control character or a line end inside.
  #singleQuoted(): string | undefined {
    const t = this.text;
    let out = "";
    let k = this.at + 1;
    let from = k;
    for (;; k++) {
      const c = t.charCodeAt(k);
      if (c === 39) {
        if (t.charCodeAt(k + 1) !== 39) break;
        out += t.slice(from, k + 1);
        k++;
        from = k + 1;
        continue;
      }
      if (c !== c || c < 32 || c === 127) return undefined;
    }
    out += t.slice(from, k);
    this.at = k + 1;
    return this.#ends() ? out : undefined;
  }

  // A run of `[A-Za-z0-9_.-]`, ended by a space, `,`, `:`, `}` or `]` (else undefined).
  #token(): string | undefined {
    const t = this.text;
    const start = this.at;
    let k = start;
    for (;; k++) {
      const c = t.charCodeAt(k);
      if (
        (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 ||
        c === 46 || c === 45
      ) continue;
      break;
    }
    if (k === start) return undefined;
    this.at = k;
    const next = t.charCodeAt(k);
    if (next !== 32 && next !== 44 && next !== 58 && next !== 125 && next !== 93) return undefined;
    return t.slice(start, k);
  }

  // Where a scalar or collection ends: a space, `,`, `}` or `]`, or (the outer mapping) the end
  // of the line, a comment, or whatever the yaml package makes of what follows.
  #ends(): boolean {
    const c = this.text.charCodeAt(this.at);
    return !(c === 34 || c === 39 || c === 123 || c === 91 || isTokenChar(c) || c === 58);
  }

  #spaces(): void {
    while (this.text.charCodeAt(this.at) === 32) this.at++;
  }
}

/**
 * A character of a plain word: a letter, a digit, `_`, `.` or `-`.
 * @param c a character code
 * @returns whether it is one
 */
export function isTokenChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 ||
    c === 46 || c === 45;
}

/**
 * A character a plain word of text starts with: a letter or `_`.
 * @param c a character code
 * @returns whether it is one
 */
export function isWordStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
}

function isReserved(word: string): boolean {
  return NULLS.has(word) || TRUES.has(word) || FALSES.has(word);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

// Every plain word of token characters that the core schema reads as a number (integers and
// floats with their exponents) or might (`0x`, `0o`): such words are numbers, never text.
const NUMBER_LIKE = /^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|0[xo].*)$/;

/**
 * One plain word as YAML 1.2's core schema reads it: a word starting with a letter or `_` is
 * null, a boolean or a string; one starting with a digit is a string when no number form fits
 * it (`1.0.0`, `5m`, `1_000`). Numbers are read in place by `readNumber`; anything else (`0x1F`,
 * `007`, `-x`, `.inf`) is left to the yaml package.
 * @param token the word (token characters only)
 * @returns its value, or undefined when it is not of the subset
 */
export function plainWord(token: string): FlowValue | undefined {
  const c = token.charCodeAt(0);
  if (isDigit(c)) return NUMBER_LIKE.test(token) ? undefined : token;
  if (!isWordStart(c)) return undefined;
  if (NULLS.has(token)) return null;
  if (TRUES.has(token)) return true;
  if (FALSES.has(token)) return false;
  return token;
}
