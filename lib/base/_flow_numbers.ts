// A fast path for the one thing that makes model YAML slow: long flow sequences of plain
// numbers (`values: [100, 101, ...]`, thousands per node). The yaml package builds several
// objects per token and spends most of its time collecting them; such a sequence is read here
// with a simple scanner instead and stands in the text as `[0]` (its line breaks kept, so every
// line number stays the same). The caller substitutes the values back only where the parser
// itself reports a flow sequence at that very place, and parses the original text otherwise, so
// a `[` inside a quoted or block scalar or a comment can never be misread.

/** Sequences shorter than this (in characters) are left to the parser. */
const MIN_LENGTH = 256;
// Plain numbers read exactly as YAML 1.2's core schema reads them (parseInt/parseFloat give the
// same value as Number for these forms); anything else leaves the sequence to the parser.
const NUMBER = /^-?(?:0|[1-9][0-9]{0,14})(?:\.[0-9]+)?(?:[eE][-+]?[0-9]{1,3})?$/;

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
    let end = k;
    while (end < text.length && !",] \t\r\n".includes(text[end])) end++;
    const token = text.slice(k, end);
    if (!NUMBER.test(token)) return undefined;
    values.push(Number(token));
    k = end;
    if (!skipBlanks()) return undefined;
    if (text[k] === "]") return { values, end: k + 1, breaks };
    if (text[k] !== ",") return undefined;
    k++;
  }
}
