// FlowTime's spellings that the toolkit reads as its own: semantics keys of FlowTime M-03.02
// and FlowTime-Sim (`queue`, `external_demand`, fixtures' `slaMinutes`) and the M-03.02
// engine's dictionary pmf. Shared by the model and template readers.
import type { FieldPath } from "../base/located_yaml.ts";
import { describeValue, type IssueList, type RawMap } from "../base/issues.ts";

/**
 * FlowTime's spellings of semantics, renamed in place to the toolkit's: `queue` (FlowTime
 * M-03.02's key for queue depth), `external_demand` (FlowTime-Sim), `slaMinutes` (FlowTime's
 * fixtures). When both spellings are given, a null one gives way to the other; two different
 * references are refused.
 * @param raw the semantics mapping (edited in place)
 * @param at its path, and where problems go
 */
export function normaliseSemantics(
  raw: Record<string, unknown>,
  at: { path: FieldPath; issues: IssueList },
): void {
  const { path, issues } = at;
  for (const [legacy, key] of SEMANTIC_ALIASES) {
    if (!Object.hasOwn(raw, legacy)) continue;
    const old = raw[legacy];
    delete raw[legacy];
    const current = raw[key];
    if (current === undefined || current === null) {
      if (old !== null || current === undefined) raw[key] = old;
    } else if (old !== null && old !== undefined && old !== current) {
      issues.add(
        [...path, legacy],
        `'${legacy}' (${describeValue(old)}) and '${key}' (${
          describeValue(current)
        }) name different series; keep one of them`,
      );
    }
  }
}

const SEMANTIC_ALIASES: ReadonlyArray<[string, string]> = [
  ["queue", "queueDepth"],
  ["external_demand", "externalDemand"],
  ["slaMinutes", "slaMin"],
];

/**
 * Whether a pmf mapping is the M-03.02 engine's dictionary form `{"<value>": <probability>}`
 * rather than `{values, probabilities}`.
 * @param pmf the pmf mapping
 * @returns true for the dictionary form
 */
export function isDictionaryPmf(pmf: RawMap): boolean {
  const keys = Object.keys(pmf);
  return keys.length > 0 && !keys.includes("values") && !keys.includes("probabilities");
}

/**
 * Convert the dictionary pmf `{"10": 0.2, "20": 0.8}` to `{values, probabilities}` (keys in
 * the order written), as FlowTime's M-03.02 engine reads it: keys are numbers, two keys may
 * not name the same value, probabilities are non-negative finite numbers.
 * @param pmf the dictionary
 * @param at its path for messages, and where problems go
 * @returns the two lists, or undefined when something is wrong
 */
export function pmfFromDictionary(
  pmf: RawMap,
  at: { path: FieldPath; issues: IssueList },
): { values: number[]; probabilities: number[] } | undefined {
  const { path, issues } = at;
  const values: number[] = [];
  const probabilities: number[] = [];
  const before = issues.length;
  for (const [key, p] of Object.entries(pmf)) {
    const value = key.trim() === "" ? NaN : Number(key);
    if (!Number.isFinite(value)) {
      issues.add([...path, key], `pmf value '${key}' is not a number`);
      continue;
    }
    if (values.includes(value)) {
      issues.add([...path, key], `pmf value ${value} is given twice`);
      continue;
    }
    if (typeof p !== "number" || !Number.isFinite(p) || p < 0) {
      issues.add(
        [...path, key],
        `probability of ${value} must be a non-negative number, got ${describeValue(p)}`,
      );
      continue;
    }
    values.push(value);
    probabilities.push(p);
  }
  return issues.length === before ? { values, probabilities } : undefined;
}
