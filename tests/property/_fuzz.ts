// Shared settings for property tests: a few hundred cases in the normal run, many more under
// `deno task fuzz` (FLOWTIME_FUZZ_RUNS), and a check that a failure is one of ours.
import assert from "node:assert/strict";
import { FlowTimeError } from "../../lib/errors.ts";

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
  if (Deno.env.get("FLOWTIME_FUZZ_RUNS")) console.log(`fuzz ${target}: ${runs} cases, 0 failures`);
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
