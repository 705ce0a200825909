// Semantic checks on a structurally valid model: expressions parse, every reference names a
// node, self-references only appear under SHIFT, and the reference graph has no cycle.
import { FlowTimeError } from "../base/errors.ts";
import { type Expr, ExprError, parseExpr } from "../expr/parse.ts";
import { exprCost, referencePositions, referencesOf } from "../expr/walk.ts";
import { CycleError, evaluationOrder } from "./graph.ts";
import type { FieldPath } from "../base/located_yaml.ts";
import { type Issue, IssueList, type ParseWarning } from "../base/issues.ts";
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
 * @throws FlowTimeError `expr_invalid` (with every expression and reference problem in its
 *   details), `model_invalid` or `cycle`
 */
export function validateModelSemantics(model: Model, ctx: SemanticContext): Map<string, Expr> {
  const pathOf = (id: string): FieldPath => ctx.nodePaths?.get(id) ?? ["nodes"];
  const { exprIssues, exprs } = checkExpressions(model, ctx, new Set());
  if (exprIssues.length === 0) checkEvaluationWork(model, exprs, ctx, pathOf);
  const issues = checkReferences(model, ctx, new Set());
  if (exprIssues.length > 0) {
    exprIssues.items.push(...issues.items);
    exprIssues.throwIfAny("expr_invalid");
  }
  const ids = new Set(model.nodes.map((n) => n.id));
  const suggest = suggester(ids);
  // FlowTime's engine writes the outputs it finds and skips the others: a warning, not a refusal.
  const notes = new IssueList(ctx.file, ctx.lineOf);
  model.outputs?.forEach((o, i) => {
    if (o.series === "*" || o.series.endsWith("/*")) return;
    if (!ids.has(o.series)) {
      notes.warn(
        ["outputs", i, "series"],
        `unknown series '${o.series}'${suggest(o.series)}; no series is written for it`,
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
 * The expression and reference problems of a model whose structure has problems too, without
 * throwing, so that a refused model lists them all at once (`flowtime validate`). Only the
 * nodes that were read are checked; a name in `declared` (a node declared but not read because
 * of its own problem) is not an unknown reference.
 * @param model the nodes and topology that were read
 * @param ctx file and positions for messages
 * @param declared every node id the file declares
 * @returns the problems, in file order within each kind
 */
export function semanticIssues(
  model: Model,
  ctx: SemanticContext,
  declared: ReadonlySet<string>,
): Issue[] {
  const { exprIssues } = checkExpressions(model, ctx, declared);
  return [...exprIssues.items, ...checkReferences(model, ctx, declared).items];
}

// Every expression parses and names nodes that exist (itself only under SHIFT).
function checkExpressions(
  model: Model,
  ctx: SemanticContext,
  declared: ReadonlySet<string>,
): { exprIssues: IssueList; exprs: Map<string, Expr> } {
  const pathOf = (id: string): FieldPath => ctx.nodePaths?.get(id) ?? ["nodes"];
  const ids = new Set(model.nodes.map((n) => n.id));
  const known = new Set([...ids, ...declared]);
  const suggest = suggester(ids);
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
    let positions: Map<string, number> | undefined;
    for (const [name, lag] of referencesOf(ast)) {
      if (name !== node.id && known.has(name)) continue;
      positions ??= referencePositions(ast);
      const col = (positions.get(name) ?? 0) + 1;
      if (name === node.id) {
        if (lag < 1) {
          exprIssues.add(
            path,
            `node '${node.id}' refers to itself outside SHIFT(${node.id}, k) with k >= 1 (at column ${col}); that is a cycle: ${node.id} -> ${node.id}`,
          );
        }
      } else {
        exprIssues.add(path, `unknown reference '${name}' at column ${col}${suggest(name)}`);
      }
    }
    exprs.set(node.id, ast);
  }
  return { exprIssues, exprs };
}

// Node ids fit file names, pmfs can be normalised, queues, topology semantics and edges name
// nodes that exist.
function checkReferences(
  model: Model,
  ctx: SemanticContext,
  declared: ReadonlySet<string>,
): IssueList {
  const pathOf = (id: string): FieldPath => ctx.nodePaths?.get(id) ?? ["nodes"];
  const ids = new Set(model.nodes.map((n) => n.id));
  const known = new Set([...ids, ...declared]);
  const suggest = suggester(ids);
  const issues = new IssueList(ctx.file, ctx.lineOf);
  checkFileNames(model, issues, pathOf);
  for (const node of model.nodes) {
    if (node.kind !== "pmf") continue;
    // Each number is finite, but sums of them need not be: 1e308 + 1e308 is Infinity, and the
    // normalised probabilities and the expected value would be NaN.
    // The expected value is computed here exactly as the engine computes it.
    const { values, probabilities } = node.pmf;
    const total = probabilities.reduce((a, b) => a + b, 0);
    const scale = Math.abs(total - 1) > PMF_TOLERANCE ? 1 / total : 1;
    let expected = 0;
    for (let i = 0; i < values.length; i++) expected += values[i] * probabilities[i] * scale;
    if (!Number.isFinite(total) || !Number.isFinite(scale)) {
      issues.add(
        [...pathOf(node.id), "pmf", "probabilities"],
        `probabilities sum to ${total}, which cannot be normalised; give shares that sum to 1`,
      );
    } else if (!Number.isFinite(expected)) {
      issues.add(
        [...pathOf(node.id), "pmf", "values"],
        "the expected value of these values is past the largest number; use smaller values",
      );
    }
  }
  for (const node of model.nodes) {
    if (node.kind !== "serviceWithBuffer") continue;
    for (const key of ["inflow", "outflow", "loss"] as const) {
      const ref = node[key];
      if (ref === undefined) continue;
      if (ref === node.id) {
        issues.add([...pathOf(node.id), key], `a queue cannot use itself as its ${key}`);
      } else if (!known.has(ref)) {
        issues.add([...pathOf(node.id), key], `unknown reference '${ref}'${suggest(ref)}`);
      }
    }
  }
  const topoIds = new Set(model.topology?.nodes.map((n) => n.id) ?? []);
  const suggestTopo = suggester(topoIds);
  model.topology?.nodes.forEach((tn, i) => {
    for (const metric of SEMANTIC_METRICS) {
      const ref = tn.semantics[metric];
      if (typeof ref === "string" && !known.has(ref)) {
        issues.add(
          ["topology", "nodes", i, "semantics", metric],
          `unknown reference '${ref}'${suggest(ref)}`,
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
          `edge endpoint '${endpoint}' names no topology node${suggestTopo(nodeId)}`,
        );
      }
    }
  });
  return issues;
}

/** A pmf whose probabilities sum this close to 1 is used as it is, else normalised. */
export const PMF_TOLERANCE = 1e-6;

/** Longest node id: its series file (`<id>@<ID>@DEFAULT.csv`) must fit a 255-byte name. */
export const MAX_NODE_ID_LENGTH = 100;

// Node ids become file names: they must fit in one, and two of them may not differ only by
// case (they would be one file on a case-insensitive file system).
function checkFileNames(
  model: Model,
  issues: IssueList,
  pathOf: (id: string) => FieldPath,
): void {
  // (Topology node ids name capture files; the capture checks those itself.)
  const lists: Array<[string, Array<{ id: string; path: FieldPath }>]> = [
    ["node", model.nodes.map((n) => ({ id: n.id, path: [...pathOf(n.id), "id"] }))],
  ];
  for (const [what, ids] of lists) {
    const byFolded = new Map<string, string>();
    for (const { id, path } of ids) {
      if (id.length > MAX_NODE_ID_LENGTH) {
        issues.add(
          path,
          `${what} id '${
            id.slice(0, 40)
          }...' is ${id.length} characters; at most ${MAX_NODE_ID_LENGTH} (it names files)`,
        );
        continue;
      }
      const folded = id.toLowerCase();
      const other = byFolded.get(folded);
      if (other !== undefined && other !== id) {
        issues.add(
          path,
          `${what} id '${id}' differs from '${other}' only by case; their files would be one file on a case-insensitive file system, rename one`,
        );
      } else byFolded.set(folded, id);
    }
  }
}

/** Evaluation steps (bins x expression nodes) one run may take: a few seconds at most (the
 * bench-scale expression-only model, 1,000 services x 8,640 bins, is 241,920,000 steps and
 * evaluates in about 3 s on a loaded 2-core machine; a 20,000-term sum over 10,000 bins, 400
 * million steps, in about 1 s). */
export const MAX_EVALUATION_STEPS = 500_000_000;

// Refuse, before anything is evaluated, a model whose evaluation would take longer than a run
// may: the grid's bins times the work of every node for one bin.
function checkEvaluationWork(
  model: Model,
  exprs: ReadonlyMap<string, Expr>,
  ctx: SemanticContext,
  pathOf: (id: string) => FieldPath,
): void {
  let perBin = 0;
  let heaviest: { id: string; cost: number } | undefined;
  for (const node of model.nodes) {
    const ast = exprs.get(node.id);
    const cost = ast ? exprCost(ast) : 1;
    perBin += cost;
    if (ast && (!heaviest || cost > heaviest.cost)) heaviest = { id: node.id, cost };
  }
  const steps = perBin * model.grid.bins;
  if (steps <= MAX_EVALUATION_STEPS) return;
  const path = heaviest ? [...pathOf(heaviest.id), "expr"] : ["grid", "bins"];
  throw new FlowTimeError(
    "model_invalid",
    `evaluating this model takes ${
      steps.toLocaleString("en-US")
    } steps (${model.grid.bins} bins x ${perBin} expression nodes), more than the ${
      MAX_EVALUATION_STEPS.toLocaleString("en-US")
    } a run may take; use fewer bins or smaller expressions${
      heaviest ? ` (the largest is node '${heaviest.id}', ${heaviest.cost} per bin)` : ""
    }`,
    { file: ctx.file, line: ctx.lineOf?.(path), path: formatNodesPath(path) },
  );
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

/** Suggestions computed per validation at most; later unknown names get none. */
const MAX_SUGGESTIONS = 20;
/** Known names compared per suggestion at most. */
const MAX_CANDIDATES = 5000;

/**
 * A "did you mean" helper over a set of known names. Each suggestion compares the name with at
 * most 5,000 known names by an edit distance that stops past the largest distance worth
 * suggesting, and only the first 20 unknown names get one: a model with thousands of misspelt
 * references costs milliseconds, not seconds.
 * @param known the names a reference may use
 * @returns a function giving ` (did you mean 'x'?)` or an empty string
 */
export function suggester(known: ReadonlySet<string>): (name: string) => string {
  let left = MAX_SUGGESTIONS;
  let candidates: Array<[string, string]> | undefined;
  return (name) => {
    if (left <= 0 || name.length > 200) return "";
    left--;
    candidates ??= [...known].slice(0, MAX_CANDIDATES).map((k) => [k, k.toLowerCase()]);
    const lower = name.toLowerCase();
    const limit = Math.max(2, Math.floor(name.length / 3));
    let best: string | undefined;
    let bestDistance = limit + 1;
    for (const [k, kl] of candidates) {
      const d = distanceWithin(lower, kl, Math.min(limit, bestDistance - 1));
      if (d < bestDistance) {
        bestDistance = d;
        best = k;
      }
    }
    return best !== undefined ? ` (did you mean '${best}'?)` : "";
  };
}

// Levenshtein distance, or Infinity as soon as it must exceed `max`.
function distanceWithin(a: string, b: string, max: number): number {
  if (max < 0 || Math.abs(a.length - b.length) > max) return Infinity;
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    let rowMin = prev[0];
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
      if (prev[j] < rowMin) rowMin = prev[j];
    }
    if (rowMin > max) return Infinity;
  }
  return prev[b.length] <= max ? prev[b.length] : Infinity;
}
