// The model's `topology`: the nodes operators know (services, queues) with the semantics that
// map their metrics to model nodes, and the edges between them. FlowTime's topology-only models
// (semantics that are `file:` references) and `source`/`target` edges are read here too.
import type { FieldPath } from "../base/located_yaml.ts";
import {
  describeValue,
  dropNullKeys,
  ignoreUnknownKeys,
  isRawMap,
  type IssueList,
  readNumber,
  readString,
} from "../base/issues.ts";
import {
  type Model,
  type ModelNode,
  SEMANTIC_METRICS,
  type Semantics,
  TOPOLOGY_NODE_FIELDS,
  TOPOLOGY_NODE_KINDS,
  type TopologyEdge,
  type TopologyNode,
  type TopologyNodeKind,
} from "./types.ts";
import { normaliseSemantics } from "./legacy.ts";

/**
 * Read `topology`: nodes with semantics (a `file:` semantic becomes a const node reading the
 * file) and edges (`from`/`to`, or FlowTime's `source`/`target`).
 * @param raw the `topology` value
 * @param issues where problems go
 * @param nodes model nodes; `file:` semantics add const nodes here
 * @param nodePaths node ids with their place
 * @returns the topology, or undefined when it is not a mapping
 */
export function readTopology(
  raw: unknown,
  issues: IssueList,
  nodes: ModelNode[],
  nodePaths: Map<string, FieldPath>,
): Model["topology"] | undefined {
  if (!isRawMap(raw)) {
    issues.add(["topology"], `must be a mapping with nodes and edges, got ${describeValue(raw)}`);
    return undefined;
  }
  ignoreUnknownKeys(issues, {
    raw: raw,
    path: ["topology"],
    known: ["nodes", "edges", "constraints"],
  });
  const tnodes: TopologyNode[] = [];
  const seen = new Set<string>();
  const fileNodes = new Map<string, string>(); // file reference -> synthesized node id
  const rawNodes = raw.nodes ?? [];
  if (!Array.isArray(rawNodes)) {
    issues.add(["topology", "nodes"], `must be a list, got ${describeValue(rawNodes)}`);
  } else {
    rawNodes.forEach((n, i) => {
      const path = ["topology", "nodes", i];
      if (!isRawMap(n)) {
        issues.add(path, `must be a mapping with id and semantics, got ${describeValue(n)}`);
        return;
      }
      dropNullKeys(n);
      ignoreUnknownKeys(issues, { raw: n, path, known: TOPOLOGY_NODE_FIELDS });
      const id = readString(issues, n.id, [...path, "id"]);
      if (id === undefined) return;
      if (seen.has(id)) {
        issues.add([...path, "id"], `duplicate topology node id '${id}'`);
        return;
      }
      seen.add(id);
      let kind: TopologyNodeKind = "service";
      if (n.kind !== undefined) {
        if (TOPOLOGY_NODE_KINDS.includes(n.kind as TopologyNodeKind)) {
          kind = n.kind as TopologyNodeKind;
        } else {issues.add(
            [...path, "kind"],
            `must be one of ${TOPOLOGY_NODE_KINDS.join(", ")}, got ${describeValue(n.kind)}`,
          );}
      }
      const semantics = readSemantics(
        n.semantics,
        [...path, "semantics"],
        issues,
        nodes,
        nodePaths,
        fileNodes,
      );
      const node: TopologyNode = { id, kind, semantics };
      if (n.initialCondition !== undefined && n.initialCondition !== null) {
        const ic = n.initialCondition;
        if (!isRawMap(ic)) {
          issues.add([...path, "initialCondition"], `must be a mapping, got ${describeValue(ic)}`);
        } else {
          ignoreUnknownKeys(issues, {
            raw: ic,
            path: [...path, "initialCondition"],
            known: ["queueDepth"],
          });
          if (ic.queueDepth !== undefined && ic.queueDepth !== null) {
            const q = readNumber(
              issues,
              ic.queueDepth,
              [...path, "initialCondition", "queueDepth"],
              { min: 0 },
            );
            if (q !== undefined) node.initialCondition = { queueDepth: q };
          }
        }
      }
      tnodes.push(node);
    });
  }
  const edges: TopologyEdge[] = [];
  const rawEdges = raw.edges ?? [];
  if (!Array.isArray(rawEdges)) {
    issues.add(["topology", "edges"], `must be a list, got ${describeValue(rawEdges)}`);
  } else {
    rawEdges.forEach((e, i) => {
      const path = ["topology", "edges", i];
      if (!isRawMap(e)) {
        issues.add(path, `must be a mapping with from and to, got ${describeValue(e)}`);
        return;
      }
      dropNullKeys(e);
      ignoreUnknownKeys(issues, {
        raw: e,
        path: path,
        known: ["id", "from", "to", "source", "target", "weight", "lag"],
      });
      const legacy = e.from === undefined && e.to === undefined;
      const from = readString(issues, legacy ? e.source : e.from, [
        ...path,
        legacy ? "source" : "from",
      ]);
      const to = readString(issues, legacy ? e.target : e.to, [...path, legacy ? "target" : "to"]);
      let weight: number | undefined;
      if (e.weight !== undefined && e.weight !== null) {
        weight = readNumber(issues, e.weight, [...path, "weight"], { min: 0 });
      }
      const id = e.id === undefined ? `e${i + 1}` : readString(issues, e.id, [...path, "id"]);
      if (from === undefined || to === undefined || id === undefined) return;
      edges.push(weight === undefined ? { id, from, to } : { id, from, to, weight });
    });
  }
  return { nodes: tnodes, edges };
}

function readSemantics(
  raw: unknown,
  path: FieldPath,
  issues: IssueList,
  nodes: ModelNode[],
  nodePaths: Map<string, FieldPath>,
  fileNodes: Map<string, string>,
): Semantics {
  const semantics: Semantics = {};
  if (raw === undefined || raw === null) return semantics;
  if (!isRawMap(raw)) {
    issues.add(path, `must be a mapping of metric to node id, got ${describeValue(raw)}`);
    return semantics;
  }
  normaliseSemantics(raw, { path: path, issues: issues });
  ignoreUnknownKeys(issues, { raw: raw, path, known: [...SEMANTIC_METRICS, "slaMin"] });
  for (const metric of SEMANTIC_METRICS) {
    const v = raw[metric];
    if (v === undefined) continue;
    if (v === null) {
      semantics[metric] = null;
      continue;
    }
    const ref = readString(issues, v, [...path, metric]);
    if (ref === undefined) continue;
    semantics[metric] = ref.startsWith("file:")
      ? fileNodeFor(ref, [...path, metric], nodes, nodePaths, fileNodes)
      : ref;
  }
  if (raw.slaMin !== undefined && raw.slaMin !== null) {
    const sla = readNumber(issues, raw.slaMin, [...path, "slaMin"], { min: 0 });
    if (sla !== undefined) semantics.slaMin = sla;
  }
  return semantics;
}

// A `file:` semantic (legacy topology-only models) becomes a const node reading that file, so
// the rest of the toolkit only ever deals with node references.
function fileNodeFor(
  ref: string,
  path: FieldPath,
  nodes: ModelNode[],
  nodePaths: Map<string, FieldPath>,
  fileNodes: Map<string, string>,
): string {
  const existing = fileNodes.get(ref);
  if (existing) return existing;
  const stem = ref.slice("file:".length).split("/").pop()!.replace(/\.csv$/i, "");
  let base = stem.replace(/[^A-Za-z0-9_]/g, "_");
  if (!/^[A-Za-z_]/.test(base)) base = `_${base}`;
  let id = base;
  for (let k = 2; nodePaths.has(id); k++) id = `${base}_${k}`;
  nodes.push({ id, kind: "const", source: ref });
  nodePaths.set(id, path);
  fileNodes.set(ref, id);
  return id;
}
