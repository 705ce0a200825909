// Semantic checks on a structurally valid model: expressions parse, every reference names a
// node, self-references only appear under SHIFT, and the reference graph has no cycle.
import { FlowTimeError } from "../base/errors.ts";
import { type Expr, ExprError, parseExpr, positionOf, referencesOf } from "../expr/parse.ts";
import { CycleError, evaluationOrder } from "./graph.ts";
import type { FieldPath } from "../base/located_yaml.ts";
import { IssueList, type ParseWarning } from "../base/issues.ts";
import type { Model, ModelNode } from "./types.ts";
import { SEMANTIC_METRICS } from "./types.ts";

/** Context for {@link validateModelSemantics}. */
export interface SemanticContext {
  /** File name for messages. */
  file: string;
  /** Line lookup. */
  lineOf?: (path: FieldPath) => number | undefined;
  /** Where each node was declared. */
  nodePaths?: ReadonlyMap<string, FieldPath>;
  /** Receives warnings (outputs naming no node, which FlowTime's engine skips). */
  warnings?: ParseWarning[];
}

/**
 * Check references, expressions and cycles.
 * @param model a structurally valid model
 * @param ctx file and positions for messages
 * @returns parsed expressions by node id
 * @throws FlowTimeError `expr_invalid`, `model_invalid` or `cycle`
 */
export function validateModelSemantics(model: Model, ctx: SemanticContext): Map<string, Expr> {
  const pathOf = (id: string): FieldPath => ctx.nodePaths?.get(id) ?? ["nodes"];
  const ids = new Set(model.nodes.map((n) => n.id));
  const exprs = new Map<string, Expr>();

  const exprIssues = new IssueList(ctx.file, ctx.lineOf);
  for (const node of model.nodes) {
    if (node.kind !== "expr") continue;
    const path = [...pathOf(node.id), "expr"];
    let ast: Expr;
    try {
      ast = parseExpr(node.expr);
    } catch (err) {
      if (err instanceof ExprError) {
        exprIssues.add(path, `${err.message} (at column ${err.pos + 1} of '${clip(node.expr)}')`);
        continue;
      }
      throw err;
    }
    for (const [name, lag] of referencesOf(ast)) {
      const col = positionOf(ast, name) + 1;
      if (name === node.id) {
        if (lag < 1) {
          exprIssues.add(
            path,
            `node '${node.id}' refers to itself outside SHIFT(${node.id}, k) with k >= 1 (at column ${col}); that is a cycle: ${node.id} -> ${node.id}`,
          );
        }
      } else if (!ids.has(name)) {
        exprIssues.add(path, `unknown reference '${name}' at column ${col}${suggest(name, ids)}`);
      }
    }
    exprs.set(node.id, ast);
  }
  exprIssues.throwIfAny("expr_invalid");

  const issues = new IssueList(ctx.file, ctx.lineOf);
  for (const node of model.nodes) {
    if (node.kind !== "serviceWithBuffer") continue;
    for (const key of ["inflow", "outflow", "loss"] as const) {
      const ref = node[key];
      if (ref === undefined) continue;
      if (ref === node.id) {
        issues.add([...pathOf(node.id), key], `a queue cannot use itself as its ${key}`);
      } else if (!ids.has(ref)) {
        issues.add([...pathOf(node.id), key], `unknown reference '${ref}'${suggest(ref, ids)}`);
      }
    }
  }
  const topoIds = new Set(model.topology?.nodes.map((n) => n.id) ?? []);
  model.topology?.nodes.forEach((tn, i) => {
    for (const metric of SEMANTIC_METRICS) {
      const ref = tn.semantics[metric];
      if (typeof ref === "string" && !ids.has(ref)) {
        issues.add(
          ["topology", "nodes", i, "semantics", metric],
          `unknown reference '${ref}'${suggest(ref, ids)}`,
        );
      }
    }
    if (tn.semantics.slaMin !== undefined && tn.kind !== "queue" && tn.kind !== "dlq") {
      issues.add(
        ["topology", "nodes", i, "semantics", "slaMin"],
        "slaMin applies to queues only; set kind: queue or remove it",
      );
    }
  });
  model.topology?.edges.forEach((e, i) => {
    for (const [key, endpoint] of [["from", e.from], ["to", e.to]] as const) {
      const nodeId = endpoint.split(":")[0];
      if (!topoIds.has(nodeId)) {
        issues.add(
          ["topology", "edges", i, key],
          `edge endpoint '${endpoint}' names no topology node${suggest(nodeId, topoIds)}`,
        );
      }
    }
  });
  // FlowTime's engine writes the outputs it finds and skips the others: a warning, not a refusal.
  const notes = new IssueList(ctx.file, ctx.lineOf);
  model.outputs?.forEach((o, i) => {
    if (o.series === "*" || o.series.endsWith("/*")) return;
    if (!ids.has(o.series)) {
      notes.warn(
        ["outputs", i, "series"],
        `unknown series '${o.series}'${suggest(o.series, ids)}; no series is written for it`,
        "unknown_output",
      );
    }
  });
  ctx.warnings?.push(...notes.warnings);
  issues.throwIfAny("model_invalid");

  try {
    evaluationOrder(model.nodes.map((n) => n.id), dependencyMap(model.nodes, exprs));
  } catch (err) {
    if (err instanceof CycleError) {
      const first = err.cycle[0];
      const path = pathOf(first);
      throw new FlowTimeError(
        "cycle",
        `${err.message}; break it with SHIFT(x, 1) on a self-reference or remove one reference`,
        {
          file: ctx.file,
          line: ctx.lineOf?.(path),
          path: formatNodesPath(path),
          details: { cycle: err.cycle },
        },
      );
    }
    throw err;
  }
  return exprs;
}

/**
 * What each node reads (self-references under SHIFT excluded: they do not order evaluation).
 * @param nodes model nodes
 * @param exprs parsed expressions
 * @returns dependencies by node id
 */
export function dependencyMap(
  nodes: readonly ModelNode[],
  exprs: ReadonlyMap<string, Expr>,
): Map<string, string[]> {
  const deps = new Map<string, string[]>();
  for (const node of nodes) {
    switch (node.kind) {
      case "expr": {
        const ast = exprs.get(node.id);
        deps.set(node.id, ast ? [...referencesOf(ast).keys()].filter((r) => r !== node.id) : []);
        break;
      }
      case "serviceWithBuffer":
        deps.set(node.id, [node.inflow, node.outflow, ...(node.loss ? [node.loss] : [])]);
        break;
      default:
        deps.set(node.id, []);
    }
  }
  return deps;
}

function formatNodesPath(path: FieldPath): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? p : `.${p}`)).join("");
}

function clip(text: string): string {
  return text.length > 80 ? text.slice(0, 77) + "..." : text;
}

function suggest(name: string, known: Set<string>): string {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const k of known) {
    const d = distance(name.toLowerCase(), k.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = k;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(name.length / 3))
    ? ` (did you mean '${best}'?)`
    : "";
}

function distance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 3) return Infinity;
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length];
}
