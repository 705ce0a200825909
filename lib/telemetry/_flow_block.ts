// A reader for the plainest form of a model's `topology:` block, without the yaml package (whose
// first parse in a process costs tens of milliseconds of compiling, more than a small capture's
// whole work): keys at one indent, each holding `[]`, a one-line flow mapping, or a list of
// one-line flow mappings, whose keys and values are plain words, whole numbers or flow mappings
// again. Anything else (quotes, anchors, aliases, tags, block mappings, decimals, a repeated
// key, a tab...) is not read here: the caller gives the block to the yaml package, so what is
// read here is always what the yaml package reads (property-tested against it).

/** A value of the subset: a word, `null`, a boolean, a whole number, a list or a mapping. */
export type FlowValue = string | number | boolean | null | FlowValue[] | {
  [key: string]: FlowValue;
};

const WORD = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const NULLS = new Set(["null", "Null", "NULL"]);
const TRUES = new Set(["true", "True", "TRUE"]);
const FALSES = new Set(["false", "False", "FALSE"]);
const COMMENT = /^[ ]*(#.*)?$/;
const KEY_LINE = /^( +)([A-Za-z_][A-Za-z0-9_-]*):(?:[ ]+(.*?))?[ ]*$/;
const ITEM_LINE = /^( +)- (.*?)[ ]*$/;

/**
 * The value of a `topology:` block (its first line `topology:`, possibly with a comment) in the
 * subset above, as `{ topology: {...} }`; undefined for anything outside it.
 * @param lines the block's lines (without line breaks; a `\r` at the end is a CRLF line end)
 * @returns the value, or undefined
 */
export function readFlowBlock(lines: readonly string[]): { topology: FlowValue } | undefined {
  // a CR ending the text is not a line end to the yaml package
  if (lines.length === 0 || lines[lines.length - 1].endsWith("\r")) return undefined;
  const topology: Record<string, FlowValue> = {};
  let indent: string | undefined;
  let listKey: string | undefined;
  let itemIndent: string | undefined;
  for (let k = 1; k < lines.length; k++) {
    const line = lines[k].endsWith("\r") ? lines[k].slice(0, -1) : lines[k];
    if (line.includes("\t") || line.includes("\r")) return undefined;
    if (COMMENT.test(line)) continue;
    const item = ITEM_LINE.exec(line);
    if (item) {
      // an item of the list opened by the last key, at one indent no less than the keys'
      if (listKey === undefined || item[1].length < indent!.length) return undefined;
      if ((itemIndent ??= item[1]) !== item[1]) return undefined;
      const value = flowValue(item[2]);
      if (value === undefined || !isMapping(value)) return undefined;
      (topology[listKey] as FlowValue[]).push(value);
      continue;
    }
    const key = KEY_LINE.exec(line);
    if (
      !key || (indent ??= key[1]) !== key[1] || isReserved(key[2]) ||
      Object.hasOwn(topology, key[2])
    ) return undefined;
    if (listKey !== undefined && (topology[listKey] as FlowValue[]).length === 0) {
      topology[listKey] = null; // `key:` with nothing under it
    }
    listKey = undefined;
    itemIndent = undefined;
    const text = key[3];
    if (text === undefined || text === "" || text.startsWith("#")) {
      topology[key[2]] = [];
      listKey = key[2];
      continue;
    }
    const value = flowValue(text);
    if (
      value === undefined || !(isMapping(value) || (Array.isArray(value) && value.length === 0))
    ) {
      return undefined;
    }
    topology[key[2]] = value;
  }
  if (listKey !== undefined && (topology[listKey] as FlowValue[]).length === 0) {
    topology[listKey] = null;
  }
  if (indent === undefined) return undefined;
  return { topology };
}

function isMapping(value: FlowValue): value is { [key: string]: FlowValue } {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

// A one-line flow mapping or `[]`, with an optional comment after it; undefined outside the
// subset.
function flowValue(text: string): FlowValue | undefined {
  if (text === "[]") return [];
  if (text.startsWith("[]")) return COMMENT.test(text.slice(2)) && text[2] === " " ? [] : undefined;
  if (text[0] !== "{") return undefined;
  const reader = new Reader(text);
  const value = reader.mapping();
  if (value === undefined) return undefined;
  const rest = text.slice(reader.at);
  // a comment needs a space before it
  if (rest !== "" && !(rest[0] === " " && COMMENT.test(rest))) return undefined;
  return value;
}

class Reader {
  at = 0;
  readonly #text: string;

  constructor(text: string) {
    this.#text = text;
  }

  mapping(): { [key: string]: FlowValue } | undefined {
    const t = this.#text;
    if (t[this.at] !== "{") return undefined;
    this.at++;
    this.#spaces();
    const out: { [key: string]: FlowValue } = {};
    if (t[this.at] === "}") {
      this.at++;
      return out;
    }
    for (;;) {
      const key = this.#word();
      if (key === undefined || !WORD.test(key) || isReserved(key) || Object.hasOwn(out, key)) {
        return undefined;
      }
      if (t[this.at] !== ":" || t[this.at + 1] !== " ") return undefined;
      this.at += 2;
      this.#spaces();
      let value: FlowValue | undefined;
      if (t[this.at] === "{") value = this.mapping();
      else {
        const word = this.#word();
        value = word === undefined ? undefined : scalar(word);
      }
      if (value === undefined) return undefined;
      out[key] = value;
      this.#spaces();
      const c = t[this.at++];
      if (c === "}") return out;
      if (c !== ",") return undefined;
      this.#spaces();
      if (t[this.at] === "}") return undefined; // a trailing comma: left to the yaml package
    }
  }

  // A run of word characters, ended by a space, `,`, `}` or `:` (anything else: undefined).
  #word(): string | undefined {
    const t = this.#text;
    const start = this.at;
    while (this.at < t.length && isWordChar(t.charCodeAt(this.at))) this.at++;
    if (this.at === start) return undefined;
    const next = t[this.at];
    if (next !== undefined && next !== " " && next !== "," && next !== "}" && next !== ":") {
      return undefined;
    }
    return t.slice(start, this.at);
  }

  #spaces(): void {
    while (this.#text[this.at] === " ") this.at++;
  }
}

// [A-Za-z0-9_-] by character code: a regular expression tested on each character of a thousand
// lines costs milliseconds before it is compiled for good.
function isWordChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 ||
    c === 45;
}

function isReserved(word: string): boolean {
  return NULLS.has(word) || TRUES.has(word) || FALSES.has(word) || word === "__proto__";
}

// A plain word as YAML 1.2's core schema reads it: null, a boolean, a whole number of at most
// 15 digits without a leading zero, or a string starting with a letter or `_`; undefined for
// anything else (other numbers, words starting with a digit or `-`).
function scalar(word: string): FlowValue | undefined {
  if (NULLS.has(word)) return null;
  if (TRUES.has(word)) return true;
  if (FALSES.has(word)) return false;
  if (/^(0|[1-9][0-9]{0,14})$/.test(word)) return Number(word);
  return WORD.test(word) ? word : undefined;
}
