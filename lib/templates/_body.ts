// Checks the model part of a template (nodes, topology, outputs) while placeholders are still
// in place: literal ids, unique ids, known references, edges between known topology nodes.
import type { FieldPath } from "../base/located_yaml.ts";
import {
  describeValue,
  dropNullKeys,
  ignoreUnknownKeys,
  isRawMap,
  type IssueList,
  type RawMap,
  readNumber,
  readString,
} from "../base/issues.ts";
import { isDictionaryPmf, normaliseSemantics, pmfFromDictionary } from "../model/legacy.ts";
import { NODE_ID_PATTERN } from "../model/parse.ts";
import {
  MODEL_NODE_KINDS,
  SEMANTIC_METRICS,
  TOPOLOGY_NODE_FIELDS,
  TOPOLOGY_NODE_KINDS,
  type TopologyNodeKind,
} from "../model/types.ts";
import { isSafeId } from "../base/paths.ts";
import { ExprError, parseExpr } from "../expr/parse.ts";
import { referencesOf } from "../expr/walk.ts";
import { splitPlaceholders, wholePlaceholder } from "./placeholders.ts";

// FlowTime-Sim fields with no effect on the model: `dependencies` (checked against the
// expression by FlowTime), `initial`, and FlowTime HEAD's display `metadata`.
const IGNORED = ["dependencies", "initial", "metadata"];
const KIND_KEYS: Record<typeof MODEL_NODE_KINDS[number], string[]> = {
  const: ["id", "kind", "source", "values", ...IGNORED],
  pmf: ["id", "kind", "source", "pmf", ...IGNORED],
  expr: ["id", "kind", "source", "expr", ...IGNORED],
  serviceWithBuffer: ["id", "kind", "source", "inflow", "outflow", "loss", ...IGNORED],
};

/** Rules for {@link readTemplatedNumber}. */
export interface TemplatedNumberRule {
  /** Must be an integer. */
  integer?: boolean;
  /** Smallest allowed value. */
  min?: number;
  /** Largest allowed value. */
  max?: number;
}

/**
 * Accept a number, or a string that is exactly one placeholder (checked after substitution).
 * @param issues where problems are recorded
 * @param value the raw value
 * @param path its path
 * @param rule integer and bounds for literal numbers
 */
export function readTemplatedNumber(
  issues: IssueList,
  value: unknown,
  path: FieldPath,
  rule: TemplatedNumberRule = {},
): void {
  if (typeof value === "string" && wholePlaceholder(value) !== undefined) return;
  readNumber(issues, value, path, rule);
}

/**
 * Check the nodes list and return the declared node ids.
 * @param raw the `nodes` value
 * @param issues where problems are recorded
 * @returns node ids in declaration order
 */
export function checkNodes(raw: unknown, issues: IssueList): string[] {
  if (!Array.isArray(raw) || raw.length === 0) {
    issues.add(["nodes"], `must be a non-empty list of nodes, got ${describeValue(raw)}`);
    return [];
  }
  const ids: string[] = [];
  raw.forEach((n, i) => {
    const path = ["nodes", i];
    if (!isRawMap(n)) {
      issues.add(path, `each node must be a mapping with id and kind, got ${describeValue(n)}`);
      return;
    }
    dropNullKeys(n);
    if (n.expr === undefined && n.expression !== undefined) {
      n.expr = n.expression; // FlowTime-Sim's alias
      delete n.expression;
    }
    const id = n.id;
    if (typeof id !== "string" || !NODE_ID_PATTERN.test(id)) {
      issues.add(
        [...path, "id"],
        `node id must be literal text starting with a letter or '_' followed by letters, digits or '_', got ${
          describeValue(id)
        }`,
      );
    } else if (ids.includes(id)) issues.add([...path, "id"], `duplicate node id '${id}'`);
    else ids.push(id);
    if (!MODEL_NODE_KINDS.includes(n.kind as typeof MODEL_NODE_KINDS[number])) {
      issues.add(
        [...path, "kind"],
        `unknown node kind ${describeValue(n.kind)} (use one of ${MODEL_NODE_KINDS.join(", ")})`,
      );
      return;
    }
    const kind = n.kind as typeof MODEL_NODE_KINDS[number];
    ignoreUnknownKeys(issues, { raw: n, path, known: KIND_KEYS[kind] });
    for (const key of IGNORED) delete n[key];
    if (n.source !== undefined && !(typeof n.source === "string" && n.source.trim() === "")) {
      readString(issues, n.source, [...path, "source"]);
    }
    checkNodeBody(kind, n, path, issues);
  });
  return ids;
}

function checkNodeBody(
  kind: typeof MODEL_NODE_KINDS[number],
  n: RawMap,
  path: FieldPath,
  issues: IssueList,
): void {
  switch (kind) {
    case "const":
      if (n.values === undefined && n.source === undefined) {
        issues.add(
          [...path, "values"],
          "a const node needs 'values' (one number per bin, or an array parameter) or a 'source'",
        );
      } else if (n.values !== undefined) checkNumbers(n.values, [...path, "values"], issues);
      return;
    case "pmf": {
      if (!isRawMap(n.pmf)) {
        issues.add(
          [...path, "pmf"],
          `must be a mapping with values and probabilities, got ${describeValue(n.pmf)}`,
        );
        return;
      }
      if (isDictionaryPmf(n.pmf)) {
        // the M-03.02 engine's form {"<value>": <probability>}
        const read = pmfFromDictionary(n.pmf, { path: [...path, "pmf"], issues: issues });
        if (read) n.pmf = read;
        return;
      }
      ignoreUnknownKeys(issues, {
        raw: n.pmf,
        path: [...path, "pmf"],
        known: ["values", "probabilities"],
      });
      checkNumbers(n.pmf.values, [...path, "pmf", "values"], issues);
      checkNumbers(n.pmf.probabilities, [...path, "pmf", "probabilities"], issues);
      return;
    }
    case "expr":
      if (typeof n.expr === "number" && Number.isFinite(n.expr)) return;
      readString(issues, n.expr, [...path, "expr"]);
      return;
    case "serviceWithBuffer":
      for (const key of ["inflow", "outflow", "loss"] as const) {
        if (key === "loss" && n.loss === undefined) continue;
        const v = n[key];
        if (typeof v !== "string" || !NODE_ID_PATTERN.test(v)) {
          issues.add([...path, key], `must be a literal node id, got ${describeValue(v)}`);
        }
      }
      return;
  }
}

function checkNumbers(raw: unknown, path: FieldPath, issues: IssueList): void {
  if (typeof raw === "string" && wholePlaceholder(raw) !== undefined) return;
  if (!Array.isArray(raw) || raw.length === 0) {
    issues.add(
      path,
      `must be a non-empty list of numbers or a placeholder like \${pattern}, got ${
        describeValue(raw)
      }`,
    );
    return;
  }
  raw.forEach((v, i) => readTemplatedNumber(issues, v, [...path, i]));
}

/**
 * Check that expressions, queues, topology semantics and outputs name declared nodes, and that
 * edges join declared topology nodes.
 * @param doc the template document
 * @param nodeIds declared node ids
 * @param issues where problems are recorded
 */
export function checkReferences(doc: RawMap, nodeIds: readonly string[], issues: IssueList): void {
  const known = new Set(nodeIds);
  const nodes = Array.isArray(doc.nodes) ? doc.nodes : [];
  nodes.forEach((n, i) => {
    if (!isRawMap(n)) return;
    if (n.kind === "expr" && typeof n.expr === "string") {
      checkExprRefs(n.expr, ["nodes", i], known, issues);
    }
    if (n.kind === "serviceWithBuffer") {
      for (const key of ["inflow", "outflow", "loss"] as const) {
        const ref = n[key];
        if (typeof ref === "string" && NODE_ID_PATTERN.test(ref) && !known.has(ref)) {
          issues.add(["nodes", i, key], `unknown node '${ref}'`);
        }
      }
    }
  });
  const topoIds = checkTopology(doc.topology, known, issues);
  checkOutputs(doc.outputs, known, issues);
  if (isRawMap(doc.topology) && Array.isArray(doc.topology.edges)) {
    doc.topology.edges.forEach((e, i) => {
      const path = ["topology", "edges", i];
      if (!isRawMap(e)) {
        issues.add(path, `each edge must be a mapping with from and to, got ${describeValue(e)}`);
        return;
      }
      dropNullKeys(e);
      ignoreUnknownKeys(issues, { raw: e, path, known: ["id", "from", "to", "weight"] });
      if (e.id !== undefined) readString(issues, e.id, [...path, "id"]);
      for (const key of ["from", "to"] as const) {
        const endpoint = readString(issues, e[key], [...path, key]);
        if (endpoint === undefined) continue;
        const node = endpoint.split(":")[0];
        if (!topoIds.has(node)) {
          issues.add([...path, key], `edge endpoint '${endpoint}' names no topology node`);
        }
      }
      if (e.weight !== undefined) {
        readTemplatedNumber(issues, e.weight, [...path, "weight"], { min: 0 });
      }
    });
  }
}

function checkExprRefs(text: string, path: FieldPath, known: Set<string>, issues: IssueList): void {
  const { parts, malformed } = splitPlaceholders(text);
  if (malformed !== undefined) return; // reported by the placeholder scan
  if (parts.length === 1 && typeof parts[0] !== "string") return; // a whole value: a number
  // Placeholders in an expression stand for numbers; check the references around them.
  const probe = parts.map((p) => (typeof p === "string" ? p : "0")).join("");
  let refs: Map<string, number>;
  try {
    refs = referencesOf(parseExpr(probe));
  } catch (err) {
    if (!(err instanceof ExprError)) throw err;
    if (parts.length === 1) {
      issues.add([...path, "expr"], `${err.message} (at column ${err.pos + 1} of '${text}')`);
    }
    return;
  }
  for (const name of refs.keys()) {
    if (!known.has(name)) issues.add([...path, "expr"], `unknown reference '${name}' in '${text}'`);
  }
}

function checkTopology(raw: unknown, known: Set<string>, issues: IssueList): Set<string> {
  const ids = new Set<string>();
  if (raw === undefined || raw === null) return ids;
  if (!isRawMap(raw)) {
    issues.add(["topology"], `must be a mapping with nodes and edges, got ${describeValue(raw)}`);
    return ids;
  }
  ignoreUnknownKeys(issues, { raw: raw, path: ["topology"], known: ["nodes", "edges"] });
  if (raw.edges !== undefined && !Array.isArray(raw.edges)) {
    issues.add(["topology", "edges"], `must be a list, got ${describeValue(raw.edges)}`);
  }
  if (raw.nodes === undefined) return ids;
  if (!Array.isArray(raw.nodes)) {
    issues.add(["topology", "nodes"], `must be a list, got ${describeValue(raw.nodes)}`);
    return ids;
  }
  raw.nodes.forEach((n, i) => {
    const path = ["topology", "nodes", i];
    if (!isRawMap(n)) {
      issues.add(path, `must be a mapping with id and semantics, got ${describeValue(n)}`);
      return;
    }
    dropNullKeys(n);
    ignoreUnknownKeys(issues, { raw: n, path, known: TOPOLOGY_NODE_FIELDS });
    delete n.group; // FlowTime's display grouping
    if (typeof n.id !== "string" || !isSafeId(n.id)) {
      issues.add(
        [...path, "id"],
        `topology node id must be literal letters, digits, '.', '_' or '-' (it names capture files), got ${
          describeValue(n.id)
        }`,
      );
    } else if (ids.has(n.id)) issues.add([...path, "id"], `duplicate topology node id '${n.id}'`);
    else ids.add(n.id);
    const kind = n.kind ?? "service";
    if (!TOPOLOGY_NODE_KINDS.includes(kind as TopologyNodeKind)) {
      issues.add(
        [...path, "kind"],
        `must be one of ${TOPOLOGY_NODE_KINDS.join(", ")}, got ${describeValue(n.kind)}`,
      );
    }
    checkSemantics(n.semantics, [...path, "semantics"], kind, known, issues);
    if (n.initialCondition !== undefined) {
      if (!isRawMap(n.initialCondition)) {
        issues.add(
          [...path, "initialCondition"],
          `must be a mapping, got ${describeValue(n.initialCondition)}`,
        );
      } else {
        ignoreUnknownKeys(issues, {
          raw: n.initialCondition,
          path: [...path, "initialCondition"],
          known: [
            "queueDepth",
          ],
        });
        if (n.initialCondition.queueDepth !== undefined) {
          readTemplatedNumber(issues, n.initialCondition.queueDepth, [
            ...path,
            "initialCondition",
            "queueDepth",
          ], { min: 0 });
        }
      }
    }
  });
  return ids;
}

function checkSemantics(
  raw: unknown,
  path: FieldPath,
  kind: unknown,
  known: Set<string>,
  issues: IssueList,
): void {
  if (raw === undefined || raw === null) return;
  if (!isRawMap(raw)) {
    issues.add(path, `must be a mapping of metric to node id, got ${describeValue(raw)}`);
    return;
  }
  normaliseSemantics(raw, { path: path, issues: issues });
  ignoreUnknownKeys(issues, { raw: raw, path, known: [...SEMANTIC_METRICS, "slaMin"] });
  for (const metric of SEMANTIC_METRICS) {
    const ref = raw[metric];
    if (ref === undefined || ref === null) continue;
    if (typeof ref !== "string") {
      issues.add(
        [...path, metric],
        `must be a node id, a file: reference or null, got ${describeValue(ref)}`,
      );
    } else if (!ref.startsWith("file:") && !known.has(ref)) {
      issues.add([...path, metric], `unknown node '${ref}'`);
    }
  }
  if (raw.slaMin !== undefined && raw.slaMin !== null) {
    if (kind !== "queue" && kind !== "dlq") {
      issues.add(
        [...path, "slaMin"],
        "slaMin applies to queues only; set kind: queue or remove it",
      );
    }
    readTemplatedNumber(issues, raw.slaMin, [...path, "slaMin"], { min: 0 });
  }
}

function checkOutputs(raw: unknown, known: Set<string>, issues: IssueList): void {
  if (raw === undefined || raw === null || raw === "*") return;
  if (!Array.isArray(raw)) {
    issues.add(["outputs"], `must be a list of {series, as} or "*", got ${describeValue(raw)}`);
    return;
  }
  raw.forEach((o, i) => {
    const path = ["outputs", i];
    if (!isRawMap(o)) {
      issues.add(path, `must be a mapping with 'series', got ${describeValue(o)}`);
      return;
    }
    dropNullKeys(o);
    // FlowTime-Sim's spellings: `source` for `series`, `filename` for `as`; `id`, `description`
    // and an empty `exclude` are informational.
    if (o.series === undefined && o.source !== undefined) o.series = o.source;
    if (o.as === undefined && o.filename !== undefined) o.as = o.filename;
    for (const key of ["source", "filename", "id", "description"]) delete o[key];
    if (Array.isArray(o.exclude) && o.exclude.length === 0) delete o.exclude;
    ignoreUnknownKeys(issues, { raw: o, path, known: ["series", "as"] });
    const series = readString(issues, o.series, [...path, "series"]);
    if (o.as !== undefined) readString(issues, o.as, [...path, "as"]);
    if (series === undefined || series === "*" || series.endsWith("/*")) return;
    if (!known.has(series)) issues.add([...path, "series"], `unknown series '${series}'`);
  });
}
