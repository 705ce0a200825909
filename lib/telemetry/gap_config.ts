// Gap configuration (CONTRACTS section 7): parse YAML or JSON, check its shape with lines, then
// check it against the run being captured (known nodes and metrics, bins inside the grid).
import { FlowTimeError, fsError } from "../base/errors.ts";
import { hashOf } from "../base/hash.ts";
import { canonicalJson } from "../base/json.ts";
import {
  checkKeys,
  describeValue,
  isRawMap,
  IssueList,
  readNumber,
  readString,
} from "../base/issues.ts";
import { type FieldPath, MAX_YAML_BYTES, parseYamlLocated } from "../base/located_yaml.ts";
import { readUserText } from "../base/safe_read.ts";
import { SEMANTIC_METRICS, type SemanticMetric } from "../model/types.ts";
import type { GapAction, GapConfig, GapConfigDocument, GapRule } from "./types.ts";

const ROOT_KEYS = ["seed", "rules"] as const;
const RULE_KEYS = ["node", "metric", "bins", "fraction", "action"] as const;
const ACTIONS: readonly GapAction[] = ["drop", "nan", "zero"];
const RANGE = /^\s*(\d{1,9})\s*-\s*(\d{1,9})\s*$/;
const SINGLE = /^\s*(\d{1,9})\s*$/;

/**
 * Parse a gap configuration from YAML or JSON text and check its shape.
 * @param text the file content
 * @param file file name for messages
 * @returns the normalised configuration, its hash and a line lookup
 * @throws FlowTimeError `gaps_invalid` naming the file, line and rule of the first problem
 */
export function parseGapConfig(text: string, file = "gaps.yaml"): GapConfigDocument {
  const located = parseYamlLocated(text, file, "gaps_invalid");
  const config = readGapConfig(located.value, new IssueList(file, located.lineOf));
  return { config, hash: gapConfigHash(located.value), file, lineOf: located.lineOf };
}

/**
 * Read and parse a gap configuration file.
 * @param path the file (`.yaml`, `.yml` or `.json`)
 * @returns the parsed configuration
 */
export async function loadGapConfig(path: string): Promise<GapConfigDocument> {
  let text: string;
  try {
    text = await readUserText(path, { maxBytes: MAX_YAML_BYTES, code: "gaps_invalid" });
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      throw new FlowTimeError("gaps_invalid", `gap configuration ${path} does not exist`, {
        cause: err,
      });
    }
    throw fsError(err, "reading", path);
  }
  return parseGapConfig(text, path);
}

/**
 * Check a gap configuration given as a value (e.g. inline in an HTTP request body).
 * @param value the parsed JSON value
 * @param what name used in messages (default `gaps`)
 * @returns the normalised configuration and its hash
 */
export function gapConfigFromValue(value: unknown, what = "gaps"): GapConfigDocument {
  const config = readGapConfig(value, new IssueList(what));
  return { config, hash: gapConfigHash(value), file: what };
}

/**
 * The hash recorded for a gap configuration: sha256 of its canonical JSON (keys sorted, no
 * whitespace), so the same rules written as YAML, JSON or an inline object hash the same.
 * @param value the configuration as parsed
 * @returns `sha256:<hex>`
 */
export function gapConfigHash(value: unknown): string {
  return hashOf(canonicalJson(value));
}

/** What a gap configuration is checked against: the files of one capture. */
export interface GapTargets {
  /** Number of bins of the run's grid. */
  bins: number;
  /** Topology node ids of the run, in order. */
  nodes: readonly string[];
  /** Node and semantic key of every file the capture writes. */
  files: ReadonlyArray<{ nodeId: string; semantic: SemanticMetric }>;
}

/**
 * Check a configuration against the run being captured: nodes must exist, every rule must
 * match at least one captured file, and explicit bins must lie on the grid.
 * @param doc the parsed configuration
 * @param targets the run's grid, nodes and capture files
 * @throws FlowTimeError `gaps_invalid` naming the rule (and line) of the first problem
 */
export function checkGapConfig(doc: GapConfigDocument, targets: GapTargets): void {
  const issues = new IssueList(doc.file, doc.lineOf);
  const nodes = new Set(targets.nodes);
  const metricsOf = new Map<string, Map<string, number>>();
  const allMetrics = new Map<string, number>();
  for (const f of targets.files) {
    const m = metricsOf.get(f.nodeId) ?? new Map<string, number>();
    metricsOf.set(f.nodeId, m);
    m.set(f.semantic, (m.get(f.semantic) ?? 0) + 1);
    allMetrics.set(f.semantic, (allMetrics.get(f.semantic) ?? 0) + 1);
  }
  // Files a rule applies to, without scanning every file for every rule.
  const filesMatching = (rule: GapRule): number => {
    const counts = rule.node === "*" ? allMetrics : metricsOf.get(rule.node);
    if (!counts) return 0;
    if (rule.metric !== "*") return counts.get(rule.metric) ?? 0;
    let n = 0;
    for (const c of counts.values()) n += c;
    return n;
  };
  let work = 0;
  doc.config.rules.forEach((rule, r) => {
    const path: FieldPath = ["rules", r];
    if (rule.node !== "*" && !nodes.has(rule.node)) {
      issues.add(
        [...path, "node"],
        `rule ${r + 1}: unknown node '${rule.node}'; the run's topology nodes are ${
          listOf(targets.nodes)
        } (or use "*")`,
      );
      return;
    }
    const matching = filesMatching(rule);
    work += matching * binsChanged(rule, targets.bins);
    if (matching === 0) {
      const series = rule.metric === "*" ? "captured series" : `${rule.metric} series`;
      issues.add(
        [...path, "metric"],
        `rule ${r + 1}: ${
          rule.node === "*" ? `no node has a ${series}` : `node '${rule.node}' has no ${series}`
        } in this run, so the rule would change nothing; fix the node or metric`,
      );
      return;
    }
    (rule.ranges ?? []).forEach(([first, last], i) => {
      if (last >= targets.bins) {
        issues.add(
          [...path, "bins", i],
          `rule ${r + 1}: ${first === last ? `bin ${first}` : `range ${first}-${last}`} is ${
            first >= targets.bins ? "outside" : "past the end of"
          } the grid; bins run from 0 to ${targets.bins - 1}`,
        );
      }
    });
  });
  if (work > MAX_GAP_WORK && issues.length === 0) {
    issues.add(
      ["rules"],
      `the ${doc.config.rules.length} rules change ${
        work.toLocaleString("en-US")
      } bins over the files they match (rules x files x bins), more than the ${
        MAX_GAP_WORK.toLocaleString("en-US")
      } a capture may plan; use fewer rules, narrower bins or a smaller fraction`,
    );
  }
  issues.throwIfAny("gaps_invalid");
}

/**
 * Bins a capture's rules may change in all, summed over every rule and every file it matches:
 * planning costs this much, so it is checked before any file is read.
 */
export const MAX_GAP_WORK = 10_000_000;

// Bins one rule changes in one file of `bins` bins.
function binsChanged(rule: GapRule, bins: number): number {
  if (rule.fraction !== undefined) return Math.min(bins, Math.round(rule.fraction * bins));
  let n = 0;
  for (const [first, last] of rule.ranges ?? []) {
    if (first < bins) n += Math.min(last, bins - 1) - first + 1;
  }
  return n;
}

function readGapConfig(value: unknown, issues: IssueList): GapConfig {
  const config: GapConfig = { rules: [] };
  if (!isRawMap(value)) {
    issues.add(
      [],
      `a gap configuration must be a mapping with 'rules' (and 'seed'), got ${
        describeValue(value)
      }`,
    );
    issues.throwIfAny("gaps_invalid");
    return config;
  }
  checkKeys(issues, value, [], ROOT_KEYS);
  if (value.seed !== undefined) {
    const seed = readNumber(issues, value.seed, ["seed"], {
      integer: true,
      min: 0,
      max: Number.MAX_SAFE_INTEGER,
    });
    if (seed !== undefined) config.seed = seed;
  }
  if (!Array.isArray(value.rules)) {
    issues.add(["rules"], `must be a list of rules, got ${describeValue(value.rules)}`);
  } else {
    value.rules.forEach((raw, r) => {
      const rule = readRule(raw, r, issues);
      if (rule) config.rules.push(rule);
    });
    const firstRandom = value.rules.findIndex((raw) => isRawMap(raw) && raw.fraction !== undefined);
    if (firstRandom >= 0 && value.seed === undefined) {
      issues.add(
        ["rules", firstRandom, "fraction"],
        `rule ${
          firstRandom + 1
        } picks bins at random: add a top-level 'seed' (a whole number) so the choice is reproducible`,
      );
    }
  }
  issues.throwIfAny("gaps_invalid");
  return config;
}

function readRule(raw: unknown, r: number, issues: IssueList): GapRule | undefined {
  const path: FieldPath = ["rules", r];
  const label = `rule ${r + 1}`;
  if (!isRawMap(raw)) {
    issues.add(
      path,
      `${label} must be a mapping with node, metric, bins or fraction, and action; got ${
        describeValue(raw)
      }`,
    );
    return undefined;
  }
  const before = issues.length;
  for (const key of Object.keys(raw)) {
    if (!(RULE_KEYS as readonly string[]).includes(key)) {
      issues.add(
        [...path, key],
        `${label}: unknown field '${key}' (allowed: ${RULE_KEYS.join(", ")})`,
      );
    }
  }
  const node = readString(issues, raw.node, [...path, "node"]);
  const metric = readMetric(raw.metric, [...path, "metric"], label, issues);
  let action: GapAction | undefined;
  if (typeof raw.action === "string" && ACTIONS.includes(raw.action as GapAction)) {
    action = raw.action as GapAction;
  } else {
    issues.add(
      [...path, "action"],
      `${label}: action must be one of ${ACTIONS.join(", ")}, got ${describeValue(raw.action)}`,
    );
  }
  const hasBins = raw.bins !== undefined;
  const hasFraction = raw.fraction !== undefined;
  if (hasBins === hasFraction) {
    issues.add(
      path,
      hasBins
        ? `${label} has both 'bins' and 'fraction'; give one of them`
        : `${label} needs 'bins' (explicit bins or ranges like "20-23") or 'fraction' (0..1)`,
    );
  }
  let ranges: Array<[number, number]> | undefined;
  let fraction: number | undefined;
  if (hasBins) ranges = readBins(raw.bins, [...path, "bins"], label, issues);
  if (hasFraction) {
    if (typeof raw.fraction !== "number" || !Number.isFinite(raw.fraction)) {
      issues.add(
        [...path, "fraction"],
        `${label}: fraction must be a number from 0 to 1, got ${describeValue(raw.fraction)}`,
      );
    } else if (raw.fraction < 0 || raw.fraction > 1) {
      issues.add(
        [...path, "fraction"],
        `${label}: fraction ${raw.fraction} is outside [0, 1]; give the share of bins to change, e.g. 0.05`,
      );
    } else fraction = raw.fraction;
  }
  if (issues.length > before || node === undefined || metric === undefined || !action) {
    return undefined;
  }
  return {
    node,
    metric,
    ...(ranges ? { ranges } : {}),
    ...(fraction !== undefined ? { fraction } : {}),
    action,
  };
}

function readMetric(
  raw: unknown,
  path: FieldPath,
  label: string,
  issues: IssueList,
): SemanticMetric | "*" | undefined {
  if (raw === "*") return "*";
  if (typeof raw === "string") {
    const found = SEMANTIC_METRICS.find((m) => m.toLowerCase() === raw.trim().toLowerCase());
    if (found) return found;
  }
  issues.add(
    path,
    `${label}: metric must be one of ${SEMANTIC_METRICS.join(", ")} or "*", got ${
      describeValue(raw)
    }`,
  );
  return undefined;
}

function readBins(
  raw: unknown,
  path: FieldPath,
  label: string,
  issues: IssueList,
): Array<[number, number]> | undefined {
  if (!Array.isArray(raw) || raw.length === 0) {
    issues.add(
      path,
      `${label}: bins must be a non-empty list of bin indexes or ranges like "20-23", got ${
        describeValue(raw)
      }`,
    );
    return undefined;
  }
  const ranges: Array<[number, number]> = [];
  raw.forEach((item, i) => {
    if (typeof item === "number" && Number.isInteger(item) && item >= 0) {
      ranges.push([item, item]);
      return;
    }
    if (typeof item === "string") {
      const range = RANGE.exec(item);
      const single = SINGLE.exec(item);
      if (range && Number(range[1]) <= Number(range[2])) {
        ranges.push([Number(range[1]), Number(range[2])]);
        return;
      }
      if (single) {
        ranges.push([Number(single[1]), Number(single[1])]);
        return;
      }
      if (range) {
        issues.add(
          [...path, i],
          `${label}: range "${item}" ends before it starts; write the lower bin first`,
        );
        return;
      }
    }
    issues.add(
      [...path, i],
      `${label}: ${
        describeValue(item)
      } is not a bin; write a whole number >= 0 or an inclusive range like "20-23"`,
    );
  });
  return ranges;
}

function listOf(ids: readonly string[]): string {
  const shown = ids.slice(0, 10).join(", ");
  return ids.length > 10 ? `${shown}, ... (${ids.length} in all)` : shown;
}
