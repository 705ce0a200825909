// YAML loading with positions: parse once into a document, keep a line counter, and answer
// "which line is this field on" for error messages.
import {
  type Document,
  isMap,
  isNode,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  Scalar,
  visit,
  type YAMLMap,
  type YAMLSeq,
} from "./yaml.ts";

import { FlowTimeError, type FlowTimeErrorCode } from "./errors.ts";
import { findNumberLists, shrinkNumberSequences } from "./_number_lists.ts";
import { blankFlowItems, findFlowItems, type FlowItem } from "./_flow_maps.ts";
import { readBlockDocument } from "./_block_yaml.ts";

/** A field path inside a document, e.g. `["nodes", 3, "expr"]`. */
export type FieldPath = ReadonlyArray<string | number>;

/** A parsed YAML text plus position lookups. */
export interface LocatedYaml {
  /** Plain JavaScript value of the document. */
  value: unknown;
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

/** Largest YAML text accepted (256 MiB): bigger inputs are refused rather than exhausting
 * memory. Below it, {@link YAML_MEMORY_BUDGET} decides (a month of 5-minute bins for 1,000
 * services as number lists is 71 MB of YAML and fits). */
export const MAX_YAML_BYTES = 256 * 1024 * 1024;

/** Heap the yaml package's tree may take (1 GiB): texts whose tree would be larger are refused
 * with an error rather than exhausting memory. Long lists of plain numbers do not count. */
export const YAML_MEMORY_BUDGET = 1024 * 1024 * 1024;
// Measured: the located tree takes 90 to 290 bytes of heap per character of YAML.
const TREE_BYTES_PER_CHAR = 300;

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
  // One-line lists of plain numbers are read here and emptied in the text; failing that, the
  // multi-line way of _number_lists.ts (lists over several lines too) shrinks them; failing
  // that, the yaml package reads the whole text, within the memory budget.
  // First, when the whole text is within the memory budget, one-line flow mappings too
  // (_flow_maps.ts); anything unexpected there and the number lists alone are tried, as before.
  // What is left once they are emptied is read without the yaml package too when it is plain
  // block structure (_block_yaml.ts), as a model's usually is.
  let parsed: Parsed | undefined;
  if (text.length * TREE_BYTES_PER_CHAR <= YAML_MEMORY_BUDGET) {
    const items = findFlowItems(text);
    if (items.some((item) => item.kind === "map")) {
      parsed = parseReduced(text, items, { file, code });
    }
  }
  if (parsed === undefined) {
    const lists: FlowItem[] = findNumberLists(text).map((l) => ({
      start: l.start,
      end: l.end,
      kind: "seq",
      value: l.values,
    }));
    parsed = lists.length > 0 ? parseReduced(text, lists, { file, code }) : undefined;
  }
  parsed ??= parseShrunk(text, { file, code });
  if (parsed === undefined) {
    if (text.length * TREE_BYTES_PER_CHAR > YAML_MEMORY_BUDGET) {
      throw overBudget(text, { file, code });
    }
    parsed = parseText(text, { file, code });
  }
  return { value: parsed.value, lineOf: parsed.lineOf };
}

interface Parsed {
  value: unknown;
  lineOf(path: FieldPath): number | undefined;
}

/**
 * The line of a path in the yaml package's document: of the node there, or of its closest
 * existing parent (a key with a null value, which has no node, gives the key's line).
 * @param doc the document
 * @param lineCounter the line counter it was parsed with
 * @returns the path's line, or undefined when neither it nor a parent is in the document
 */
export function documentLineOf(
  doc: Document.Parsed,
  lineCounter: LineCounter,
): (path: FieldPath) => number | undefined {
  return (path) => {
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
}

// A document of the yaml package, with what parseReduced needs to put values back into it.
interface ParsedDocument extends Parsed {
  doc: Document.Parsed;
}

function parseText(
  text: string,
  where: { file: string; code: FlowTimeErrorCode },
): ParsedDocument {
  const lineCounter = new LineCounter();
  return finish(parseWith(text, lineCounter, where), lineCounter, where);
}

function parseWith(
  text: string,
  lineCounter: LineCounter,
  where: { file: string; code: FlowTimeErrorCode },
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
    throw yamlFailure(err, where.code, where.file);
  }
}

// Errors of a parsed document, then its value.
function finish(
  doc: Document.Parsed,
  lineCounter: LineCounter,
  where: { file: string; code: FlowTimeErrorCode },
): ParsedDocument {
  const { file, code } = where;
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
  return { doc, value, lineOf: documentLineOf(doc, lineCounter) };
}

// The shrunk text of _number_lists.ts (its multi-line way) parsed, its sequences put back into
// the document where the parser confirms them; undefined (parse the text as it is) when there is
// nothing to shrink or anything is unexpected.
function parseShrunk(
  text: string,
  where: { file: string; code: FlowTimeErrorCode },
): Parsed | undefined {
  const shrunk = shrinkNumberSequences(text);
  if (!shrunk) return undefined;
  if (shrunk.text.length * TREE_BYTES_PER_CHAR > YAML_MEMORY_BUDGET) {
    throw overBudget(text, where, text.length - shrunk.text.length);
  }
  const lineCounter = new LineCounter();
  const doc = parseWith(shrunk.text, lineCounter, where);
  if (doc.errors.length > 0 || !restoreSequences(doc, shrunk.sequences)) return undefined;
  return finish(doc, lineCounter, where);
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

// Parse with the number lists emptied, then put them back into the value. Undefined when the
// shortcut does not hold exactly (a `[` that was text in a string or a comment, a list with an
// anchor or a tag, any alias, any error): the caller then parses the whole text, so values and
// error places are always the yaml package's own. When the whole text would not fit the memory
// budget, an error of the reduced text is reported as it is (its lines are the text's), and a
// shortcut that does not hold is the budget error.
function parseReduced(
  text: string,
  lists: FlowItem[],
  where: { file: string; code: FlowTimeErrorCode },
): Parsed | undefined {
  const starts: number[] = [];
  const reduced = blankFlowItems(text, lists, starts);
  const blanked = text.length - reduced.length;
  if (reduced.length * TREE_BYTES_PER_CHAR > YAML_MEMORY_BUDGET) {
    throw overBudget(text, where, blanked);
  }
  const byStart = new Map(lists.map((l, k) => [starts[k], l]));
  // What is left is often block structure only (`nodes:`, `- {}`, `key: word` lines): read
  // without the yaml package when it is of _block_yaml.ts's subset.
  const block = readBlockDocument(
    reduced,
    new Map(lists.map((l, k) => [starts[k], l.value])),
  );
  if (block !== undefined) return block;
  const fullFits = text.length * TREE_BYTES_PER_CHAR <= YAML_MEMORY_BUDGET;
  let parsed: ParsedDocument;
  try {
    parsed = parseText(reduced, where);
  } catch (err) {
    if (fullFits) return undefined;
    throw err;
  }
  const places: Array<{ path: Array<string | number>; list: FlowItem }> = [];
  let exact = true;
  // an emptied item found in the document: a flow collection of its kind, empty, with no
  // anchor or tag, where a plain value has a path
  const place = (
    kind: FlowItem["kind"],
    node: YAMLMap | YAMLSeq,
    ancestors: readonly unknown[],
  ) => {
    const list = node.range ? byStart.get(node.range[0]) : undefined;
    if (list === undefined) return undefined;
    const path = valuePath(ancestors, node);
    if (
      list.kind !== kind || !node.flow || node.items.length > 0 || node.anchor || node.tag || !path
    ) {
      exact = false;
      return visit.BREAK;
    }
    places.push({ path, list });
    return undefined;
  };
  visit(parsed.doc, {
    Alias() {
      exact = false;
      return visit.BREAK;
    },
    Seq(_key, node, ancestors) {
      return place("seq", node, ancestors);
    },
    Map(_key, node, ancestors) {
      return place("map", node, ancestors);
    },
  });
  if (!exact || places.length !== lists.length) {
    if (fullFits) return undefined;
    throw overBudget(text, where);
  }
  for (const { path, list } of places) {
    const parent = path.slice(0, -1).reduce<unknown>(
      (at, key) => (at as Record<string | number, unknown>)[key],
      parsed.value,
    ) as Record<string | number, unknown>;
    parent[path[path.length - 1]] = list.value;
  }
  return parsed;
}

// The path of a node in the plain value (map keys as text, sequence indexes), or undefined
// when it sits somewhere a plain value has no path for (a mapping key).
function valuePath(
  ancestors: readonly unknown[],
  node: unknown,
): Array<string | number> | undefined {
  const path: Array<string | number> = [];
  for (let k = 0; k < ancestors.length; k++) {
    const at = ancestors[k];
    const child = k + 1 < ancestors.length ? ancestors[k + 1] : node;
    if (isPair(at)) {
      // a key the plain value spells otherwise (null, a number, a boolean): no path
      if (at.value !== child || !isScalar(at.key) || typeof at.key.value !== "string") {
        return undefined;
      }
      path.push(at.key.value);
    } else if (isSeq(at)) path.push(at.items.indexOf(child as never));
  }
  return path;
}

function overBudget(
  text: string,
  where: { file: string; code: FlowTimeErrorCode },
  blanked = 0,
): FlowTimeError {
  const mb = (bytes: number) => Math.ceil(bytes / (1024 * 1024));
  return new FlowTimeError(
    where.code,
    `too large to read: its ${mb(text.length)} MB of YAML would take about ${
      mb((text.length - blanked) * TREE_BYTES_PER_CHAR)
    } MB of memory, over the budget of ${
      mb(YAML_MEMORY_BUDGET)
    } MB; write long series as one-line lists of plain numbers (values: [1, 2.5, ...]), which are read without that cost, or split the file`,
    { file: where.file },
  );
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
