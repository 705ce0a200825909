// The block structure of a YAML text whose one-line flow collections were read by the fast
// paths (_flow_maps.ts, _number_lists.ts) and stand in it as `{}` and `[]`: what is left of a
// model is mostly that structure (`nodes:`, `- {}` lines, topology entries of `key: word`), and
// the yaml package spent some 5 ms of a 50-node model's parse on it, a few microseconds a line.
// A text made only of block mappings and sequences whose keys are plain words and whose values
// are plain text, numbers, quoted strings without escapes, the stand-ins, nested blocks or
// nothing (null), with comments on lines of their own or after the content, is read here, with
// the line of every node as the yaml package's document gives it. Anything else (a comment on a
// line with a quote before it, an empty item, an anchor, a tag, a block scalar, a flow
// collection the fast paths left, a repeated key, a tab, a document marker, an indentation the
// structure does not expect) returns undefined, and the yaml package reads the text, so values,
// lines and errors are always its own.
import { type FlowValue, isTokenChar, isWordStart, plainWord } from "./_flow_maps.ts";
import { readNumber } from "./_number_lists.ts";

/** A block document read here: its value and the line of every field path. */
export interface BlockDocument {
  /** Plain JavaScript value, the stand-ins replaced by their values. */
  value: unknown;
  /** 1-based line of the node at `path`, or of its closest existing parent, as
   * parseYamlLocated's lineOf gives it from the yaml package's document. */
  lineOf(path: ReadonlyArray<string | number>): number;
}

/**
 * Read a block document of the subset above.
 * @param text the reduced YAML text (no BOM)
 * @param standIns the value of each stand-in, by its offset in `text`; every one must be a
 *   value of the document
 * @returns the document, or undefined when the text is not of the subset
 */
export function readBlockDocument(
  text: string,
  standIns: ReadonlyMap<number, FlowValue>,
): BlockDocument | undefined {
  // Characters the yaml package treats apart or refuses (tabs, CR, controls, C1 and other line
  // breaks, a BOM inside the text) are not of the subset.
  if (UNUSUAL.test(text)) return undefined;
  const reader = new BlockReader(text, standIns);
  let root: Read | undefined;
  try {
    root = reader.document();
  } catch (err) {
    // nested deeper than the stack allows: the yaml package says what it makes of it
    if (err instanceof RangeError) return undefined;
    throw err;
  }
  if (root === undefined) return undefined;
  const top = root.place;
  return {
    value: root.value,
    lineOf(path) {
      let place = top;
      for (const key of path) {
        const next = place.keys !== undefined
          ? (typeof key === "string" ? place.keys.get(key) : undefined)
          : place.items?.[itemIndex(key)];
        if (next === undefined) break;
        place = next;
      }
      return place.line;
    },
  };
}

const WORD = /^[A-Za-z0-9_.-]+$/;

// deno-lint-ignore no-control-regex
const UNUSUAL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/;

// Where a node is: its line (of its first key, its first `-`, or its value's first character)
// and its children.
interface Place {
  line: number;
  keys?: Map<string, Place>;
  items?: Place[];
}

interface Read {
  value: unknown;
  place: Place;
}

// One line with content (blank and comment lines are left out).
interface Line {
  /** 1-based line number. */
  number: number;
  /** Offset of the line's start. */
  from: number;
  /** Offset of its first character that is not a space. */
  start: number;
  /** Offset after its last character that is not a space. */
  end: number;
}

class BlockReader {
  readonly #text: string;
  readonly #standIns: ReadonlyMap<number, FlowValue>;
  readonly #lines: Line[] = [];
  #k = 0;
  #used = 0;
  #quotedComment = false;

  constructor(text: string, standIns: ReadonlyMap<number, FlowValue>) {
    this.#text = text;
    this.#standIns = standIns;
    let from = 0;
    let nextComment = -1;
    for (let number = 1; from <= text.length; number++) {
      let to = text.indexOf("\n", from);
      if (to < 0) to = text.length;
      let start = from;
      while (text.charCodeAt(start) === 32) start++;
      let end = to;
      // A comment after the content (` #`) ends it; after a quote, the `#` might be inside the
      // quoted string, which is left to the yaml package.
      // (the next ` #` of the text is looked for once, not from every line to the end)
      if (nextComment < start) nextComment = text.indexOf(" #", start) >>> 0;
      const comment = nextComment;
      if (comment < to) {
        for (let k = start; k < comment; k++) {
          const c = text.charCodeAt(k);
          if (c === 34 || c === 39) this.#quotedComment = true;
        }
        end = comment;
      }
      while (end > start && text.charCodeAt(end - 1) === 32) end--;
      if (start < end && text.charCodeAt(start) !== 35) { // not blank, not a # comment
        this.#lines.push({ number, from, start, end });
      }
      from = to + 1;
    }
  }

  // The whole text as one node; every stand-in must have been one of its values.
  document(): Read | undefined {
    if (this.#lines.length === 0 || this.#quotedComment) return undefined;
    const root = this.#node(this.#lines[0].start - this.#lines[0].from);
    if (root === undefined || this.#k < this.#lines.length) return undefined;
    return this.#used === this.#standIns.size ? root : undefined;
  }

  // The block node whose first line is the current one, at `indent`.
  #node(indent: number): Read | undefined {
    const line = this.#lines[this.#k];
    return this.#isItem(line.start, line.end)
      ? this.#sequence(indent)
      : this.#mapping(indent, line.start);
  }

  // `- ` items at `indent`, as long as they last (what follows is the parent's to judge).
  #sequence(indent: number): Read | undefined {
    const t = this.#text;
    const value: unknown[] = [];
    const items: Place[] = [];
    const line = this.#lines[this.#k].number;
    for (;;) {
      const at = this.#lines[this.#k];
      let start = at.start + 1;
      while (t.charCodeAt(start) === 32) start++;
      let item: Read | undefined;
      if (this.#isKey(start, at.end)) item = this.#mapping(start - at.from, start);
      else if (this.#isItem(start, at.end)) return undefined; // `- - x`
      else {
        const v = this.#scalar(start, at.end);
        if (v === undefined) return undefined;
        item = { value: v, place: { line: at.number } };
        this.#k++;
      }
      if (item === undefined) return undefined;
      value.push(item.value);
      items.push(item.place);
      const next = this.#lines[this.#k];
      if (
        next === undefined || next.start - next.from !== indent ||
        !this.#isItem(next.start, next.end)
      ) break;
    }
    return { value, place: { line, items } };
  }

  // `key: value` entries at column `column`, the first starting at `start` (after a `- ` when
  // the mapping is a sequence item), the others at the start of their lines.
  #mapping(column: number, start: number): Read | undefined {
    const t = this.#text;
    const value: Record<string, unknown> = {};
    const keys = new Map<string, Place>();
    const line = this.#lines[this.#k].number;
    for (;;) {
      const at = this.#lines[this.#k];
      const colon = this.#keyEnd(start, at.end);
      if (colon < 0) return undefined;
      const key = t.slice(start, colon);
      if (keys.has(key)) return undefined; // a repeated key is the yaml package's error
      let entry: Read | undefined;
      if (colon + 1 === at.end) {
        // nothing after the colon: a nested block, more indented, or a sequence at the key's
        // column; anything else (another key, a line less indented, the end) leaves the value
        // empty, null, whose line is the key's
        this.#k++;
        const next = this.#lines[this.#k];
        const indent = next === undefined ? -1 : next.start - next.from;
        if (indent > column || (indent === column && this.#isItem(next.start, next.end))) {
          entry = this.#node(indent);
        } else entry = { value: null, place: { line: at.number } };
      } else {
        let v = colon + 2;
        while (t.charCodeAt(v) === 32) v++;
        const scalar = this.#scalar(v, at.end);
        if (scalar !== undefined) entry = { value: scalar, place: { line: at.number } };
        this.#k++;
      }
      if (entry === undefined) return undefined;
      value[key] = entry.value;
      keys.set(key, entry.place);
      const next = this.#lines[this.#k];
      if (next === undefined) break;
      const indent = next.start - next.from;
      if (indent < column) break;
      // deeper than the entries (a value going on over lines), or a `- ` among them
      if (indent > column || this.#isItem(next.start, next.end)) return undefined;
      start = next.start;
    }
    return { value, place: { line, keys } };
  }

  // `-` then a space: a sequence item (a `-` alone, an empty item, is not of the subset, nor a
  // `-` then anything else, which is a plain scalar or a number).
  #isItem(at: number, end: number): boolean {
    return this.#text.charCodeAt(at) === 45 && at + 1 < end &&
      this.#text.charCodeAt(at + 1) === 32;
  }

  // Whether a `key:` entry starts at `at`.
  #isKey(at: number, end: number): boolean {
    return this.#keyEnd(at, end) >= 0;
  }

  // The offset of the colon after a plain-word key at `at` (then a space or the line's end),
  // or -1. The key is a word starting with a letter or `_`, not null or a boolean (whose key
  // would not be that text), and short (the yaml package limits implicit keys to 1024
  // characters).
  #keyEnd(at: number, end: number): number {
    const t = this.#text;
    let k = at;
    while (k < end && isTokenChar(t.charCodeAt(k))) k++;
    if (k === at || k >= end || t.charCodeAt(k) !== 58 || k - at > 1000) return -1;
    if (k + 1 < end && t.charCodeAt(k + 1) !== 32) return -1;
    const key = t.slice(at, k);
    const word = plainWord(key);
    return typeof word === "string" && word === key && isWordStart(key.charCodeAt(0)) &&
        key !== "__proto__"
      ? k
      : -1;
  }

  // A value that fills the rest of its line, from `at` to `end`: a stand-in, `{}` or `[]`, a
  // quoted string without escapes, a number, or plain words.
  #scalar(at: number, end: number): unknown {
    const t = this.#text;
    const c = t.charCodeAt(at);
    if (c === 123 || c === 91) { // { [
      if (at + 2 !== end || t.charCodeAt(at + 1) !== c + 2) return undefined; // } ]
      const standIn = this.#standIns.get(at);
      if (standIn === undefined) return c === 123 ? {} : [];
      this.#used++;
      return standIn;
    }
    if (c === 34) { // "
      for (let k = at + 1; k < end - 1; k++) {
        const d = t.charCodeAt(k);
        if (d === 34 || d === 92) return undefined; // an end before the line's, an escape
      }
      return end - at >= 2 && t.charCodeAt(end - 1) === 34 ? t.slice(at + 1, end - 1) : undefined;
    }
    if (c === 39) { // '
      let out = "";
      let from = at + 1;
      for (let k = from; k < end; k++) {
        if (t.charCodeAt(k) !== 39) continue;
        if (k === end - 1) return out + t.slice(from, k);
        if (t.charCodeAt(k + 1) !== 39) return undefined; // an end before the line's
        out += t.slice(from, k + 1);
        from = k + 2;
        k++;
      }
      return undefined;
    }
    if ((c >= 48 && c <= 57) || c === 45) {
      const number = readNumber(t, at);
      if (number !== undefined && number.end === end) return number.value;
      if (c === 45) return undefined;
    }
    // Plain text to the end of the line (a comment after it is already cut off), starting with a
    // letter, `_` or a digit (no indicator), with no `: ` or `:` at its end (a mapping). One word
    // of token characters is what the core schema makes of it; anything longer, or with another
    // character, is a string (every other form of the core schema is one such word).
    if (!isWordStart(c) && !(c >= 48 && c <= 57)) return undefined;
    const plain = t.slice(at, end);
    if (plain.includes(": ") || plain.endsWith(":")) return undefined;
    return WORD.test(plain) ? plainWord(plain) : plain;
  }
}

// A path element as the yaml package's sequences take it (asItemIndex): a whole number, or
// text that Number() makes one; -1 for anything else.
function itemIndex(key: string | number): number {
  const index = typeof key === "string" && key !== "" ? Number(key) : key;
  return typeof index === "number" && Number.isInteger(index) && index >= 0 ? index : -1;
}
