// Shared settings for property tests: a few hundred cases in the normal run, many more under
// `deno task fuzz` (FLOWTIME_FUZZ_RUNS), and a check that a failure is one of ours.
import assert from "node:assert/strict";
import { fc } from "../_dev_deps.ts";
import { FlowTimeError } from "../../lib/base/errors.ts";

/**
 * Number of cases per property: `FLOWTIME_FUZZ_RUNS` if set, else `normal`.
 * @param normal cases in the normal test run
 * @returns the number of cases
 */
export function fuzzRuns(normal = 300): number {
  const env = Deno.env.get("FLOWTIME_FUZZ_RUNS");
  return env && /^\d+$/.test(env) ? Number(env) : normal;
}

/** Counts of cases run per target, printed by `deno task fuzz`. */
export const caseCounts: Map<string, number> = new Map();

/**
 * Record that a property ran `runs` cases (printed at the end of a fuzz run).
 * @param target name of the target
 * @param runs cases run
 */
export function recordCases(target: string, runs: number): void {
  caseCounts.set(target, (caseCounts.get(target) ?? 0) + runs);
  if (!Deno.env.get("FLOWTIME_FUZZ_RUNS")) return;
  console.log(`fuzz ${target}: ${runs} cases, 0 failures`);
  // Each test file runs in its own isolate: `deno task fuzz` (scripts/fuzz.ts) collects the
  // counts of all of them from this file and prints the summary.
  const report = Deno.env.get("FLOWTIME_FUZZ_REPORT");
  if (report) {
    Deno.writeTextFileSync(report, JSON.stringify({ target, runs }) + "\n", { append: true });
  }
}

/**
 * Mutations of a real document: a line dropped, duplicated, swapped with another, indented, or
 * a few characters replaced. They reach deeper into a parser than random text does.
 * @param text the document
 * @returns an arbitrary of mutated texts
 */
export function mutatedText(text: string): fc.Arbitrary<string> {
  const lines = text.split("\n");
  return fc.tuple(
    fc.nat(lines.length - 1),
    fc.nat(lines.length - 1),
    fc.constantFrom("drop", "dup", "swap", "char", "indent"),
    fc.string({ maxLength: 3 }),
  ).map(([i, j, op, s]) => {
    const l = [...lines];
    if (op === "drop") l.splice(i, 1);
    else if (op === "dup") l.splice(i, 0, l[j]);
    else if (op === "swap") [l[i], l[j]] = [l[j], l[i]];
    else if (op === "char") {
      const at = j % (l[i].length + 1);
      l[i] = l[i].slice(0, at) + s + l[i].slice(at + 1);
    } else l[i] = " " + l[i];
    return l.join("\n");
  });
}

/**
 * Assert a thrown value is a FlowTimeError with a code and a message naming a place.
 * @param err the thrown value
 * @param placePattern what the message must start with (e.g. the file name)
 */
export function assertOwnError(err: unknown, placePattern?: RegExp): void {
  assert.ok(
    err instanceof FlowTimeError,
    `expected a FlowTimeError, got ${
      err instanceof Error ? `${err.name}: ${err.message}` : String(err)
    }`,
  );
  assert.ok(err.code.length > 0);
  assert.ok(err.message.length > 0);
  if (placePattern) assert.match(err.message, placePattern);
}

/**
 * Arbitrary text: printable ASCII, any code point, or control characters and line breaks.
 * @param maxLength longest text, in code points
 * @returns the arbitrary
 */
export function anyText(maxLength: number): fc.Arbitrary<string> {
  return fc.oneof(
    fc.string({ maxLength }),
    fc.string({ unit: "binary", maxLength }),
    fc.string({ unit: "binary-ascii", maxLength }),
  );
}
