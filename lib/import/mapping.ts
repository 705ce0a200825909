// The Prometheus import mapping (schemas/prometheus-mapping.schema.json): which PromQL query
// fills which telemetry file. Read from YAML or JSON with lines for every problem, or from a
// value (an HTTP request body).
import { readUserText } from "../base/safe_read.ts";
import { FlowTimeError, fsError } from "../base/errors.ts";
import { hashOf } from "../base/hash.ts";
import { canonicalJson } from "../base/json.ts";
import { describeValue, isRawMap, IssueList } from "../base/issues.ts";
import { type FieldPath, MAX_YAML_BYTES, parseYamlLocated } from "../base/located_yaml.ts";
import { isSafeId, printable } from "../base/paths.ts";
import { SEMANTIC_METRICS, type SemanticMetric } from "../model/types.ts";
import { CAPTURE_METRICS, captureFileName } from "../telemetry/bindings.ts";
import type { CaptureMetric } from "../telemetry/types.ts";

const ROOT_KEYS = ["queries"];
const ENTRY_KEYS = ["node", "metric", "query"];
/** Longest query accepted (64 KiB): far more than any real PromQL expression. */
const MAX_QUERY_LENGTH = 64 * 1024;

/** One mapping entry: the query that fills one file. */
export interface MappingEntry {
  /** Topology node id. */
  nodeId: string;
  /** Semantic key of the metric. */
  semantic: SemanticMetric;
  /** Manifest metric name. */
  metric: CaptureMetric;
  /** The PromQL expression. */
  query: string;
  /** The file it fills, `<node>_<metric lower-cased>.csv`. */
  path: string;
  /** Index of the entry in `queries`. */
  index: number;
  /** Line of the entry in the mapping file, when read from text. */
  line?: number;
}

/** A checked mapping. */
export interface PrometheusMapping {
  /** Entries in the order written. */
  entries: MappingEntry[];
  /** File name (or the request field) for messages. */
  file: string;
  /** `sha256:` of the canonical JSON of the mapping. */
  hash: string;
}

/**
 * Parse a mapping from YAML or JSON text.
 * @param text the file content
 * @param file file name for messages
 * @returns the mapping
 * @throws FlowTimeError `mapping_invalid` naming the file, line and entry of the first problem
 */
export function parsePrometheusMapping(text: string, file = "mapping.yaml"): PrometheusMapping {
  const located = parseYamlLocated(text, file, "mapping_invalid");
  return readMapping(located.value, file, located.lineOf);
}

/**
 * Read and parse a mapping file.
 * @param path the file (`.yaml`, `.yml` or `.json`)
 * @returns the mapping
 */
export async function loadPrometheusMapping(path: string): Promise<PrometheusMapping> {
  let text: string;
  try {
    text = await readUserText(path, { maxBytes: MAX_YAML_BYTES, code: "mapping_invalid" });
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      throw new FlowTimeError("mapping_invalid", `mapping file ${path} does not exist`, {
        cause: err,
      });
    }
    throw fsError(err, "reading", path);
  }
  return parsePrometheusMapping(text, path);
}

/**
 * Check a mapping given as a value (e.g. inline in an HTTP request body).
 * @param value the parsed value
 * @param what name used in messages
 * @returns the mapping
 */
export function prometheusMappingFromValue(value: unknown, what = "mapping"): PrometheusMapping {
  return readMapping(value, what);
}

function readMapping(
  value: unknown,
  file: string,
  lineOf?: (path: FieldPath) => number | undefined,
): PrometheusMapping {
  const issues = new IssueList(file, lineOf);
  const entries: MappingEntry[] = [];
  if (!isRawMap(value)) {
    issues.add([], `a mapping must be a mapping with 'queries', got ${describeValue(value)}`);
    issues.throwIfAny("mapping_invalid");
  }
  const raw = value as Record<string, unknown>;
  for (const key of Object.keys(raw)) {
    if (!ROOT_KEYS.includes(key)) {
      issues.add([key], `unknown field '${key}' (a mapping has only 'queries')`);
    }
  }
  if (!Array.isArray(raw.queries) || raw.queries.length === 0) {
    issues.add(
      ["queries"],
      `must be a non-empty list of {node, metric, query}, got ${describeValue(raw.queries)}`,
    );
    issues.throwIfAny("mapping_invalid");
  }
  const byPath = new Map<string, MappingEntry>();
  (raw.queries as unknown[]).forEach((item, i) => {
    const entry = readEntry(item, i, issues, lineOf);
    if (!entry) return;
    const other = byPath.get(entry.path.toLowerCase());
    if (other) {
      issues.add(
        ["queries", i],
        other.path === entry.path
          ? `entry ${i + 1}: ${entry.nodeId} ${entry.semantic} is already filled by entry ${
            other.index + 1
          }; give each node and metric one query`
          : `entry ${i + 1}: file ${entry.path} differs from ${other.path} (entry ${
            other.index + 1
          }) only in letter case; the files would overwrite each other on some file systems`,
      );
      return;
    }
    byPath.set(entry.path.toLowerCase(), entry);
    entries.push(entry);
  });
  issues.throwIfAny("mapping_invalid");
  return { entries, file, hash: hashOf(canonicalJson(value)) };
}

function readEntry(
  item: unknown,
  i: number,
  issues: IssueList,
  lineOf?: (path: FieldPath) => number | undefined,
): MappingEntry | undefined {
  const path: FieldPath = ["queries", i];
  const label = `entry ${i + 1}`;
  if (!isRawMap(item)) {
    issues.add(
      path,
      `${label} must be a mapping {node, metric, query}, got ${describeValue(item)}`,
    );
    return undefined;
  }
  const before = issues.length;
  for (const key of Object.keys(item)) {
    if (!ENTRY_KEYS.includes(key)) {
      issues.add([...path, key], `${label}: unknown field '${key}' (allowed: node, metric, query)`);
    }
  }
  const node = item.node;
  if (typeof node !== "string" || !isSafeId(node)) {
    issues.add(
      [...path, "node"],
      typeof node === "string"
        ? `${label}: node '${
          printable(node)
        }' cannot name a telemetry file; use only letters, digits, '.', '_' and '-'`
        : `${label}: node must be a topology node id, got ${describeValue(node)}`,
    );
  }
  const semantic = typeof item.metric === "string"
    ? SEMANTIC_METRICS.find((m) => m.toLowerCase() === (item.metric as string).trim().toLowerCase())
    : undefined;
  if (!semantic) {
    issues.add(
      [...path, "metric"],
      `${label}: unknown metric ${
        describeValue(item.metric)
      }; a mapping fills one of the capture metrics ${SEMANTIC_METRICS.join(", ")}`,
    );
  }
  const query = item.query;
  if (typeof query !== "string" || query.trim() === "") {
    issues.add(
      [...path, "query"],
      `${label}: query must be a PromQL expression, got ${describeValue(query)}`,
    );
  } else if (query.length > MAX_QUERY_LENGTH) {
    issues.add([...path, "query"], `${label}: query is longer than ${MAX_QUERY_LENGTH} characters`);
  }
  if (issues.length > before || !semantic) return undefined;
  return {
    nodeId: node as string,
    semantic,
    metric: CAPTURE_METRICS[semantic],
    query: (query as string).trim(),
    path: captureFileName(node as string, semantic),
    index: i,
    ...(lineOf?.(path) !== undefined ? { line: lineOf(path) } : {}),
  };
}
