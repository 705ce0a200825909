// What the yaml package alone gives, for the property tests of the YAML fast paths
// (flow_maps_test, block_yaml_test, number_lists_test, topology_yaml_test): values compared as
// the package builds them, and the line of a field in the package's own document of the whole
// text.
import assert from "node:assert/strict";
import { documentLineOf, type FieldPath, parseYamlLocated } from "../../lib/base/located_yaml.ts";
import { LineCounter, parse, parseDocument } from "../../lib/base/yaml.ts";
import { blankFlowItems, findFlowItems } from "../../lib/base/_flow_maps.ts";
import { readBlockDocument } from "../../lib/base/_block_yaml.ts";
import { FlowTimeError } from "../../lib/base/errors.ts";

/** The options every YAML text of the toolkit is parsed with. */
export const OPTIONS = { uniqueKeys: true, strict: true, logLevel: "error" } as const;

/**
 * Whether two parsed values are the same: numbers by `Object.is` (so -0 and NaN count), arrays
 * item by item, objects with the same prototype and the same keys in the same order.
 */
export function sameValue(actual: unknown, expected: unknown): boolean {
  if (typeof expected === "number") return Object.is(actual, expected);
  if (Array.isArray(expected)) {
    return Array.isArray(actual) && actual.length === expected.length &&
      expected.every((e, i) => sameValue(actual[i], e));
  }
  if (expected !== null && typeof expected === "object") {
    if (actual === null || typeof actual !== "object" || Array.isArray(actual)) return false;
    if (Object.getPrototypeOf(actual) !== Object.getPrototypeOf(expected)) return false;
    const keys = Object.keys(expected);
    const actualKeys = Object.keys(actual);
    return keys.length === actualKeys.length &&
      keys.every((k, i) =>
        actualKeys[i] === k &&
        sameValue((actual as Record<string, unknown>)[k], (expected as Record<string, unknown>)[k])
      );
  }
  return Object.is(actual, expected);
}

/**
 * The line of a path as the yaml package's own document of the whole text gives it (the lines
 * the fast paths must give).
 */
export function packageLineOf(text: string): (path: FieldPath) => number | undefined {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, ...OPTIONS });
  return documentLineOf(doc, lineCounter);
}

/**
 * Assert that parseYamlLocated reads `text` as the yaml package alone does: the same error on
 * the same line, or the same value with the same line for each of `pathsOf(value)`.
 */
export function assertReadAsThePackage(
  text: string,
  pathsOf: (value: unknown) => FieldPath[],
): void {
  const line = packageError(text);
  if (line !== undefined) {
    assert.throws(() => parseYamlLocated(text, "f.yaml"), (err: unknown) => {
      assert.ok(err instanceof FlowTimeError);
      assert.equal(err.line, line, `${err.message}\n${text}`);
      return true;
    });
    return;
  }
  let expected: unknown;
  try {
    expected = parse(text, OPTIONS);
  } catch (err) {
    // an error only toJS finds (an alias count): the fast paths must fail the same way
    assert.throws(() => parseYamlLocated(text, "f.yaml"), FlowTimeError, String(err));
    return;
  }
  const located = parseYamlLocated(text, "f.yaml");
  assert.ok(sameValue(located.value, expected), text);
  const lineOf = packageLineOf(text);
  for (const path of pathsOf(expected)) {
    assert.equal(located.lineOf(path), lineOf(path), `${JSON.stringify(path)}\n${text}`);
  }
}

// The line of the yaml package's first error in the text, if it finds one.
function packageError(text: string): number | undefined {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, ...OPTIONS });
  const e = doc.errors[0];
  return e === undefined ? undefined : lineCounter.linePos(e.pos[0]).line;
}

/**
 * Every path of a value, and beside each one paths that are not there: a missing key, an index
 * past the end, and indexes written as text.
 */
export function fieldPathsOf(value: unknown, at: Array<string | number> = []): FieldPath[] {
  const out: FieldPath[] = [at, [...at, "missing"], [...at, 99], [...at, "0"], [...at, -1]];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...fieldPathsOf(v, [...at, i])));
  else if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) out.push(...fieldPathsOf(v, [...at, k]));
  }
  return out;
}

/** Whether the block reader reads the text (after the fast paths' stand-ins), without the
 * yaml package. */
export function takenByBlockReader(text: string): boolean {
  const items = findFlowItems(text);
  const starts: number[] = [];
  const reduced = blankFlowItems(text, items, starts);
  return readBlockDocument(reduced, new Map(items.map((item, k) => [starts[k], item.value]))) !==
    undefined;
}
