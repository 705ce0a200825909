// Reads model YAML into the normalised Model: checks every field (collecting all problems with
// their line), converts legacy FlowTime shapes, then runs the semantic checks in validate.ts.
import { fsError } from "../base/errors.ts";
import { type FieldPath, parseYamlLocated } from "../base/located_yaml.ts";
import {
  checkKeys,
  describeValue,
  isRawMap,
  IssueList,
  type RawMap,
  readNumber,
  readString,
} from "../base/issues.ts";
import type {
  BinUnit,
  Grid,
  Model,
  ModelNode,
  OutputSpec,
  RunMode,
  Semantics,
  TopologyEdge,
  TopologyNode,
  TopologyNodeKind,
} from "./types.ts";
import {
  BIN_UNITS,
  MODEL_NODE_KINDS,
  RUN_MODES,
  SEMANTIC_METRICS,
  TOPOLOGY_NODE_FIELDS,
  TOPOLOGY_NODE_KINDS,
} from "./types.ts";
import { validateModelSemantics } from "./validate.ts";
import type { Expr } from "../expr/parse.ts";

/** A model parsed from text, with everything later stages need to report problems. */
export interface ParsedModel {
  /** File name used in messages. */
  file: string;
  /** The source text (BOM removed), written byte-for-byte as `model/model.yaml`. */
  text: string;
  /** The normalised model. */
  model: Model;
  /** Parsed expressions of `expr` nodes, by node id. */
  exprs: ReadonlyMap<string, Expr>;
  /** 1-based line of a field path. */
  lineOf(path: FieldPath): number | undefined;
  /** Where each model node was declared (synthesized nodes point at their semantics entry). */
  nodePaths: ReadonlyMap<string, FieldPath>;
}

/** Options for {@link parseModel}. */
export interface ParseModelOptions {
  /** File name for messages (default `model.yaml`). */
  file?: string;
}

/** Node ids usable in expressions. */
export const NODE_ID_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?Z$/;
const ROOT_KEYS = [
  "schemaVersion",
  "mode",
  "metadata",
  "grid",
  "window",
  "nodes",
  "topology",
  "outputs",
  "rng",
  "provenance",
  "variables",
  "constraints",
];

/**
 * Parse and validate model YAML.
 * @param text the YAML text
 * @param options file name for messages
 * @returns the parsed model
 * @throws FlowTimeError `yaml_syntax`, `model_invalid`, `expr_invalid` or `cycle`, naming the
 *   file, line and field
 */
export function parseModel(text: string, options: ParseModelOptions = {}): ParsedModel {
  const file = options.file ?? "model.yaml";
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const located = parseYamlLocated(text, file);
  const issues = new IssueList(file, located.lineOf);
  const nodePaths = new Map<string, FieldPath>();
  const model = readModel(located.value, issues, nodePaths);
  issues.throwIfAny("model_invalid");
  const exprs = validateModelSemantics(model!, { file, lineOf: located.lineOf, nodePaths });
  return { file, text, model: model!, exprs, lineOf: located.lineOf, nodePaths };
}

/**
 * Read a model file and parse it.
 * @param path path of the YAML file
 * @returns the parsed model (its `file` is the path as given)
 */
export async function loadModel(path: string): Promise<ParsedModel> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (err) {
    throw fsError(err, "reading model", path);
  }
  return parseModel(text, { file: path });
}

function readModel(
  raw: unknown,
  issues: IssueList,
  nodePaths: Map<string, FieldPath>,
): Model | undefined {
  if (!isRawMap(raw)) {
    issues.add(
      [],
      `the model must be a YAML mapping with grid and nodes, got ${describeValue(raw)}`,
    );
    return undefined;
  }
  checkKeys(issues, raw, [], ROOT_KEYS);
  if (raw.schemaVersion !== undefined && raw.schemaVersion !== 1) {
    issues.add(["schemaVersion"], `must be 1, got ${describeValue(raw.schemaVersion)}`);
  }
  let mode: RunMode = "simulation";
  if (raw.mode !== undefined) {
    if (RUN_MODES.includes(raw.mode as RunMode)) mode = raw.mode as RunMode;
    else {issues.add(
        ["mode"],
        `must be one of ${RUN_MODES.join(", ")}, got ${describeValue(raw.mode)}`,
      );}
  }
  const grid = readGrid(raw, issues);
  const nodes = readNodes(raw.nodes, issues, grid, nodePaths);
  const topology = raw.topology === undefined || raw.topology === null
    ? undefined
    : readTopology(raw.topology, issues, nodes, nodePaths);
  if (nodes.length === 0 && raw.nodes === undefined && !topology) {
    issues.add(
      [],
      "the model has no nodes: add a 'nodes' list (or topology semantics with file: references)",
    );
  }
  const model: Model = {
    schemaVersion: 1,
    mode,
    grid: grid ?? { bins: 1, binSize: 1, binUnit: "minutes" },
    nodes,
  };
  if (raw.metadata !== undefined) model.metadata = readMetadata(raw.metadata, issues);
  if (topology) model.topology = topology;
  if (raw.outputs !== undefined && raw.outputs !== null) {
    const outputs = readOutputs(raw.outputs, issues);
    if (outputs) model.outputs = outputs;
  }
  if (raw.rng !== undefined && raw.rng !== null) model.rng = readRng(raw.rng, issues);
  if (raw.provenance !== undefined && raw.provenance !== null) {
    if (isRawMap(raw.provenance)) model.provenance = raw.provenance;
    else issues.add(["provenance"], `must be a mapping, got ${describeValue(raw.provenance)}`);
  }
  for (const key of ["variables", "constraints"]) {
    const v = raw[key];
    if (v !== undefined && v !== null && !(Array.isArray(v) && v.length === 0)) {
      issues.add(
        [key],
        `legacy '${key}' entries are not supported; remove them or leave the list empty`,
      );
    }
  }
  return model;
}

function readGrid(raw: RawMap, issues: IssueList): Grid | undefined {
  const hasGrid = raw.grid !== undefined;
  const hasWindow = raw.window !== undefined;
  if (hasGrid && hasWindow) {
    issues.add(["window"], "give either 'grid' or the legacy 'window', not both");
    return undefined;
  }
  if (!hasGrid && !hasWindow) {
    issues.add([], "missing 'grid' (bins, binSize, binUnit)");
    return undefined;
  }
  const key = hasGrid ? "grid" : "window";
  const g = raw[key];
  if (!isRawMap(g)) {
    issues.add([key], `must be a mapping with bins, binSize and binUnit, got ${describeValue(g)}`);
    return undefined;
  }
  const allowed = hasGrid
    ? ["bins", "binSize", "binUnit", "start", "binMinutes"]
    : ["bins", "binSize", "binUnit", "startTimeUtc", "start", "timezone"];
  checkKeys(issues, g, [key], allowed);
  const bins = readNumber(issues, g.bins, [key, "bins"], { integer: true, min: 1, max: 10000 });
  let binSize: number | undefined;
  let binUnit: BinUnit | undefined;
  if (g.binMinutes !== undefined && g.binSize === undefined) {
    binSize = readNumber(issues, g.binMinutes, [key, "binMinutes"], {
      integer: true,
      min: 1,
      max: 1000,
    });
    binUnit = "minutes";
  } else {
    binSize = readNumber(issues, g.binSize, [key, "binSize"], { integer: true, min: 1, max: 1000 });
    const unit = typeof g.binUnit === "string" ? g.binUnit.toLowerCase() : g.binUnit;
    if (unit === undefined) binUnit = "minutes";
    else if (BIN_UNITS.includes(unit as BinUnit)) binUnit = unit as BinUnit;
    else {issues.add(
        [key, "binUnit"],
        `must be one of ${BIN_UNITS.join(", ")}, got ${describeValue(g.binUnit)}`,
      );}
  }
  if (hasWindow && g.timezone !== undefined && g.timezone !== "UTC") {
    issues.add([key, "timezone"], "only UTC is supported");
  }
  const startKey = hasWindow && g.startTimeUtc !== undefined ? "startTimeUtc" : "start";
  let start: string | undefined;
  const rawStart = g[startKey];
  if (rawStart !== undefined && rawStart !== null) {
    const text = rawStart instanceof Date ? rawStart.toISOString() : rawStart;
    if (typeof text !== "string" || !ISO_UTC.test(text) || Number.isNaN(Date.parse(text))) {
      issues.add(
        [key, startKey],
        `must be an ISO 8601 UTC timestamp ending in Z (e.g. 2025-10-07T00:00:00Z), got ${
          describeValue(rawStart)
        }`,
      );
    } else start = text;
  }
  if (bins === undefined || binSize === undefined || binUnit === undefined) return undefined;
  return start ? { bins, binSize, binUnit, start } : { bins, binSize, binUnit };
}

function readNodes(
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
    const kind = n.kind;
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
      checkKeys(issues, n, path, ["id", "kind", "values", "source"]);
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
      checkKeys(issues, n, path, ["id", "kind", "pmf"]);
      const pmf = n.pmf;
      if (!isRawMap(pmf)) {
        issues.add(
          [...path, "pmf"],
          `must be a mapping with values and probabilities, got ${describeValue(pmf)}`,
        );
        return undefined;
      }
      checkKeys(issues, pmf, [...path, "pmf"], ["values", "probabilities"]);
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
      checkKeys(issues, n, path, ["id", "kind", "expr"]);
      let expr = n.expr;
      if (typeof expr === "number") expr = String(expr);
      const text = readString(issues, expr, [...path, "expr"]);
      return text === undefined ? undefined : { id, kind, expr: text };
    }
    case "serviceWithBuffer": {
      checkKeys(issues, n, path, ["id", "kind", "inflow", "outflow", "loss"]);
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

function readTopology(
  raw: unknown,
  issues: IssueList,
  nodes: ModelNode[],
  nodePaths: Map<string, FieldPath>,
): Model["topology"] | undefined {
  if (!isRawMap(raw)) {
    issues.add(["topology"], `must be a mapping with nodes and edges, got ${describeValue(raw)}`);
    return undefined;
  }
  checkKeys(issues, raw, ["topology"], ["nodes", "edges"]);
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
      checkKeys(issues, n, path, TOPOLOGY_NODE_FIELDS);
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
          checkKeys(issues, ic, [...path, "initialCondition"], ["queueDepth"]);
          if (ic.queueDepth !== undefined) {
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
      checkKeys(issues, e, path, ["id", "from", "to", "source", "target", "weight", "lag"]);
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
  checkKeys(issues, raw, path, [...SEMANTIC_METRICS, "slaMin"]);
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

function readOutputs(raw: unknown, issues: IssueList): OutputSpec[] | undefined {
  if (raw === "*") return [{ series: "*" }];
  if (!Array.isArray(raw)) {
    issues.add(["outputs"], `must be a list of {series, as} or "*", got ${describeValue(raw)}`);
    return undefined;
  }
  const out: OutputSpec[] = [];
  raw.forEach((o, i) => {
    const path = ["outputs", i];
    if (typeof o === "string") {
      out.push({ series: o });
      return;
    }
    if (!isRawMap(o)) {
      issues.add(path, `must be a mapping with 'series', got ${describeValue(o)}`);
      return;
    }
    checkKeys(issues, o, path, ["series", "as"]);
    const series = readString(issues, o.series, [...path, "series"]);
    if (series === undefined) return;
    if (o.as !== undefined) {
      const as = readString(issues, o.as, [...path, "as"]);
      if (as !== undefined) {
        out.push({ series, as });
        return;
      }
    }
    out.push({ series });
  });
  return out;
}

function readRng(raw: unknown, issues: IssueList): Model["rng"] {
  if (!isRawMap(raw)) {
    issues.add(["rng"], `must be a mapping {kind, seed}, got ${describeValue(raw)}`);
    return undefined;
  }
  checkKeys(issues, raw, ["rng"], ["kind", "seed"]);
  const kind = raw.kind === undefined ? "pcg32" : readString(issues, raw.kind, ["rng", "kind"]);
  let seed: number | undefined;
  if (raw.seed !== undefined && raw.seed !== null) {
    seed = readNumber(issues, raw.seed, ["rng", "seed"], {
      integer: true,
      min: 0,
      max: 2 ** 53 - 1,
    });
  }
  if (kind === undefined) return undefined;
  return seed === undefined ? { kind } : { kind, seed };
}

function readMetadata(raw: unknown, issues: IssueList): Model["metadata"] {
  if (!isRawMap(raw)) {
    issues.add(["metadata"], `must be a mapping, got ${describeValue(raw)}`);
    return undefined;
  }
  for (const key of ["id", "title", "version", "description"]) {
    const v = raw[key];
    if (v !== undefined && v !== null && typeof v !== "string") {
      issues.add(["metadata", key], `must be a string, got ${describeValue(v)}`);
    }
  }
  return raw;
}
