// YAML loading with positions: parse once into a document, keep a line counter, and answer
// "which line is this field on" for error messages.
import {
  type Document,
  isMap,
  isNode,
  isSeq,
  LineCounter,
  parseDocument,
  Scalar,
  visit,
} from "./yaml.ts";
import { shrinkNumberSequences } from "./_flow_numbers.ts";
import { FlowTimeError, type FlowTimeErrorCode } from "./errors.ts";

/** A field path inside a document, e.g. `["nodes", 3, "expr"]`. */
export type FieldPath = ReadonlyArray<string | number>;

/** A parsed YAML text plus position lookups. */
export interface LocatedYaml {
  /** Plain JavaScript value of the document. */
  value: unknown;
  /** The YAML document (for edits that keep formatting). */
  doc: Document.Parsed;
  /** 1-based line of the field at `path`, or of its closest existing parent. */
  lineOf(path: FieldPath): number | undefined;
}

/**
 * Render a field path the way messages show it: `nodes[3].expr`.
 * @param path the path
 * @returns the dotted form
 */
export function formatPath(path: FieldPath): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out === "" ? part : `.${part}`;
  }
  return out;
}

/** Largest YAML text accepted (64 MiB): bigger inputs are refused rather than exhausting memory. */
export const MAX_YAML_BYTES = 64 * 1024 * 1024;

/**
 * Parse YAML text, turning syntax errors into a FlowTimeError with the file and line.
 * @param text the YAML (a leading BOM is ignored)
 * @param file file name for messages
 * @param code error code for syntax errors (default `yaml_syntax`)
 * @returns the value and a line lookup
 */
export function parseYamlLocated(
  text: string,
  file: string,
  code: FlowTimeErrorCode = "yaml_syntax",
): LocatedYaml {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.length > MAX_YAML_BYTES) {
    throw new FlowTimeError(code, `file is larger than ${MAX_YAML_BYTES} bytes`, { file });
  }
  // Long number sequences are read by a fast scanner and put back into the document where the
  // parser confirms them; anything unexpected falls back to parsing the text as it is.
  const shrunk = shrinkNumberSequences(text);
  let lineCounter = new LineCounter();
  let doc = parseWith(shrunk?.text ?? text, lineCounter, code, file);
  if (shrunk && (doc.errors.length > 0 || !restoreSequences(doc, shrunk.sequences))) {
    lineCounter = new LineCounter();
    doc = parseWith(text, lineCounter, code, file);
  }
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const line = e.linePos?.[0]?.line ?? lineCounter.linePos(e.pos[0]).line;
    throw new FlowTimeError(code, `not valid YAML: ${firstLine(e.message)}`, { file, line });
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    throw yamlFailure(err, code, file);
  }
  const lineOf = (path: FieldPath): number | undefined => {
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n) as unknown[], true);
      if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
      // A key that exists with a null value has no node: point at the key instead.
      if (n > 0) {
        const parent = doc.getIn(path.slice(0, n - 1) as unknown[], true);
        if (isMap(parent)) {
          const pair = parent.items.find((p) =>
            isNode(p.key) && (p.key as { value?: unknown }).value === path[n - 1]
          );
          if (pair && isNode(pair.key) && pair.key.range) {
            return lineCounter.linePos(pair.key.range[0]).line;
          }
        } else if (isSeq(parent) && typeof path[n - 1] === "number") {
          continue;
        }
      }
    }
    return undefined;
  };
  return { value, doc, lineOf };
}

function parseWith(
  text: string,
  lineCounter: LineCounter,
  code: FlowTimeErrorCode,
  file: string,
): Document.Parsed {
  try {
    return parseDocument(text, {
      lineCounter,
      prettyErrors: false,
      uniqueKeys: true,
      strict: true,
      // The library would print its warnings (e.g. a list used as a mapping key) to stderr;
      // lib/ never prints, and such keys are reported as unknown fields by the checks instead.
      logLevel: "error",
    });
  } catch (err) {
    throw yamlFailure(err, code, file);
  }
}

// Put the values of shrunk sequences back: each must be a one-item flow sequence starting at
// the recorded offset. Returns false (nothing usable) when any is not found as such.
function restoreSequences(doc: Document.Parsed, sequences: Map<number, number[]>): boolean {
  let restored = 0;
  visit(doc, {
    Seq(_key, node) {
      const start = node.range?.[0];
      const values = start === undefined ? undefined : sequences.get(start);
      if (!values || !node.flow || node.items.length !== 1) return undefined;
      restored++;
      const scalar = new Scalar(values);
      scalar.range = node.range;
      return scalar;
    },
  });
  return restored === sequences.size;
}

function yamlFailure(err: unknown, code: FlowTimeErrorCode, file: string): FlowTimeError {
  if (err instanceof RangeError) {
    return new FlowTimeError(code, "not valid YAML: nested too deeply", { file, cause: err });
  }
  return new FlowTimeError(code, `not valid YAML: ${(err as Error).message}`, { file, cause: err });
}

function firstLine(message: string): string {
  if (/Maximum call stack size exceeded/.test(message)) return "nested too deeply";
  return message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
}
