// The model's `nodes` list: const (values or a source), pmf, expr and serviceWithBuffer nodes,
// each field checked with its place. FlowTime's spellings are read too: empty fields written by
// FlowTime-Sim (`expr: `, `source: ''`), `expression` for `expr`, the dictionary pmf of the
// M-03.02 engine (`pmf: {"10": 0.2, "20": 0.8}`); other fields it ignores are warnings here.
import type { FieldPath } from "../base/located_yaml.ts";
import {
  describeValue,
  dropNullKeys,
  ignoreUnknownKeys,
  isRawMap,
  type IssueList,
  type RawMap,
  readString,
} from "../base/issues.ts";
import { type Grid, MODEL_NODE_KINDS, type ModelNode } from "./types.ts";
import { isDictionaryPmf, pmfFromDictionary } from "./legacy.ts";

/** Node ids usable in expressions. */
export const NODE_ID_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Read the `nodes` list.
 * @param raw the `nodes` value
 * @param issues where problems go
 * @param grid the grid (const arrays must have `bins` values)
 * @param nodePaths receives each node id with its place
 * @returns the nodes read
 */
export function readNodes(
  raw: unknown,
  issues: IssueList,
  grid: Grid | undefined,
  nodePaths: Map<string, FieldPath>,
): ModelNode[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) {
    issues.add(["nodes"], `must be a list of nodes, got ${describeValue(raw)}`);
    return [];
  }
  const nodes: ModelNode[] = [];
  raw.forEach((n, i) => {
    const path = ["nodes", i];
    if (!isRawMap(n)) {
      issues.add(path, `each node must be a mapping with id and kind, got ${describeValue(n)}`);
      return;
    }
    dropNullKeys(n, ["source"]);
    if (n.expr === undefined && n.expression !== undefined) {
      n.expr = n.expression;
      delete n.expression;
    }
    const id = readString(issues, n.id, [...path, "id"]);
    if (id !== undefined && !NODE_ID_PATTERN.test(id)) {
      issues.add(
        [...path, "id"],
        `'${id}' is not a valid node id: start with a letter or '_', then letters, digits or '_'`,
      );
      return;
    }
    if (id !== undefined && nodePaths.has(id)) {
      issues.add([...path, "id"], `duplicate node id '${id}'`);
      return;
    }
    const kind = n.kind ?? "const";
    if (!MODEL_NODE_KINDS.includes(kind as typeof MODEL_NODE_KINDS[number])) {
      issues.add(
        [...path, "kind"],
        `unknown node kind ${describeValue(kind)} (use one of ${MODEL_NODE_KINDS.join(", ")})`,
      );
      return;
    }
    if (id === undefined) return;
    const node = readNodeBody(id, kind as ModelNode["kind"], n, path, issues, grid);
    if (node) {
      nodes.push(node);
      nodePaths.set(id, path);
    }
  });
  return nodes;
}

function readNodeBody(
  id: string,
  kind: ModelNode["kind"],
  n: RawMap,
  path: FieldPath,
  issues: IssueList,
  grid: Grid | undefined,
): ModelNode | undefined {
  switch (kind) {
    case "const": {
      ignoreUnknownKeys(issues, {
        raw: n,
        path: path,
        known: ["id", "kind", "values", "source", ...IGNORED],
      });
      const node: ModelNode = { id, kind };
      if (n.source !== undefined && n.source !== null) {
        const source = readString(issues, n.source, [...path, "source"]);
        if (source !== undefined) node.source = source;
      }
      if (n.values !== undefined && n.values !== null) {
        const values = readNumberList(issues, n.values, [...path, "values"]);
        if (values && grid && values.length !== grid.bins) {
          issues.add(
            [...path, "values"],
            `has ${values.length} values but grid.bins is ${grid.bins}; give exactly one value per bin`,
          );
        }
        if (values) node.values = values;
      } else if (node.source === undefined) {
        issues.add(
          [...path, "values"],
          "a const node needs 'values' (one number per bin) or a telemetry 'source'",
        );
      }
      return node;
    }
    case "pmf": {
      ignoreUnknownKeys(issues, { raw: n, path, known: ["id", "kind", "pmf", ...IGNORED] });
      const pmf = n.pmf;
      if (!isRawMap(pmf)) {
        issues.add(
          [...path, "pmf"],
          `must be a mapping with values and probabilities, got ${describeValue(pmf)}`,
        );
        return undefined;
      }
      if (isDictionaryPmf(pmf)) return dictionaryPmf(id, pmf, [...path, "pmf"], issues);
      ignoreUnknownKeys(issues, {
        raw: pmf,
        path: [...path, "pmf"],
        known: ["values", "probabilities"],
      });
      const values = readNumberList(issues, pmf.values, [...path, "pmf", "values"]);
      const probabilities = readNumberList(issues, pmf.probabilities, [
        ...path,
        "pmf",
        "probabilities",
      ]);
      if (!values || !probabilities) return undefined;
      if (values.length === 0) {
        issues.add([...path, "pmf", "values"], "needs at least one value");
        return undefined;
      }
      if (values.length !== probabilities.length) {
        issues.add(
          [...path, "pmf", "probabilities"],
          `has ${probabilities.length} entries but values has ${values.length}; give one probability per value`,
        );
        return undefined;
      }
      const negative = probabilities.findIndex((p) => p < 0);
      if (negative >= 0) {
        issues.add(
          [...path, "pmf", "probabilities", negative],
          `probability ${probabilities[negative]} is negative`,
        );
        return undefined;
      }
      if (probabilities.reduce((a, b) => a + b, 0) <= 0) {
        issues.add([...path, "pmf", "probabilities"], "probabilities sum to 0; they must sum to 1");
        return undefined;
      }
      return { id, kind, pmf: { values, probabilities } };
    }
    case "expr": {
      ignoreUnknownKeys(issues, { raw: n, path, known: ["id", "kind", "expr", ...IGNORED] });
      let expr = n.expr;
      if (typeof expr === "number") expr = String(expr);
      const text = readString(issues, expr, [...path, "expr"]);
      return text === undefined ? undefined : { id, kind, expr: text };
    }
    case "serviceWithBuffer": {
      ignoreUnknownKeys(issues, {
        raw: n,
        path: path,
        known: [
          "id",
          "kind",
          "inflow",
          "outflow",
          "loss",
          ...IGNORED,
        ],
      });
      const inflow = readString(issues, n.inflow, [...path, "inflow"]);
      const outflow = readString(issues, n.outflow, [...path, "outflow"]);
      let loss: string | undefined;
      if (n.loss !== undefined && n.loss !== null) {
        loss = readString(issues, n.loss, [...path, "loss"]);
      }
      if (inflow === undefined || outflow === undefined) return undefined;
      return loss ? { id, kind, inflow, outflow, loss } : { id, kind, inflow, outflow };
    }
  }
}

// Fields FlowTime writes on nodes that mean nothing to the engine: `initial` and `dependencies`
// (FlowTime-Sim), `metadata` (display hints of FlowTime HEAD).
const IGNORED = ["initial", "dependencies", "metadata"];

function dictionaryPmf(
  id: string,
  pmf: RawMap,
  path: FieldPath,
  issues: IssueList,
): ModelNode | undefined {
  const read = pmfFromDictionary(pmf, { path: path, issues: issues });
  if (!read) return undefined;
  if (read.probabilities.reduce((a, b) => a + b, 0) <= 0) {
    issues.add(path, "probabilities sum to 0; they must sum to 1");
    return undefined;
  }
  return { id, kind: "pmf", pmf: read };
}

function readNumberList(issues: IssueList, raw: unknown, path: FieldPath): number[] | undefined {
  if (!Array.isArray(raw)) {
    issues.add(path, `must be a list of numbers, got ${describeValue(raw)}`);
    return undefined;
  }
  for (let i = 0; i < raw.length; i++) {
    if (typeof raw[i] !== "number" || !Number.isFinite(raw[i])) {
      issues.add([...path, i], `must be a finite number, got ${describeValue(raw[i])}`);
      return undefined;
    }
  }
  return raw as number[];
}
