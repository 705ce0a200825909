// Evaluates a validated model on its grid: every node becomes a Float64Array, computed in
// topological order. Pure: telemetry series are loaded beforehand and passed in.
import { FlowTimeError } from "../base/errors.ts";
import type { Model, ModelNode } from "../model/types.ts";
import { dependencyMap } from "../model/validate.ts";
import type { RunWarning } from "../base/warnings.ts";
import { compileExpr } from "./compile.ts";
import { type Expr, parseExpr } from "../expr/parse.ts";
import { evaluationOrder } from "../model/graph.ts";

/** Options for {@link evaluateModel}. */
export interface EvaluateOptions {
  /** Series loaded from telemetry for const nodes with a `source`, by node id. */
  sources?: ReadonlyMap<string, Float64Array>;
  /** Parsed expressions by node id (parsed here when absent). */
  exprs?: ReadonlyMap<string, Expr>;
}

/** The outcome of evaluating a model. */
export interface Evaluation {
  /** Node ids in evaluation order. */
  order: string[];
  /** Every node's series, by node id. */
  series: Map<string, Float64Array>;
  /** Warnings raised while evaluating (e.g. a normalised pmf). */
  warnings: RunWarning[];
}

const PMF_TOLERANCE = 1e-6;

/**
 * Evaluate every node of a model.
 * @param model a validated model
 * @param options pre-loaded telemetry sources and parsed expressions
 * @returns the series of every node and any warnings
 */
export function evaluateModel(model: Model, options: EvaluateOptions = {}): Evaluation {
  const bins = model.grid.bins;
  const exprs = options.exprs ?? parseAll(model.nodes);
  const byId = new Map(model.nodes.map((n) => [n.id, n]));
  const order = evaluationOrder(model.nodes.map((n) => n.id), dependencyMap(model.nodes, exprs));
  const initial = initialConditions(model);
  const series = new Map<string, Float64Array>();
  const warnings: RunWarning[] = [];
  const lookup = (name: string): Float64Array => {
    const s = series.get(name);
    if (!s) {
      throw new FlowTimeError("model_invalid", `node '${name}' was used before it was evaluated`);
    }
    return s;
  };
  for (const id of order) {
    const node = byId.get(id)!;
    series.set(id, evaluateNode(node, bins, exprs, lookup, initial, options.sources, warnings));
  }
  return { order, series, warnings };
}

function evaluateNode(
  node: ModelNode,
  bins: number,
  exprs: ReadonlyMap<string, Expr>,
  lookup: (name: string) => Float64Array,
  initials: ReadonlyMap<string, number>,
  sources: ReadonlyMap<string, Float64Array> | undefined,
  warnings: RunWarning[],
): Float64Array {
  const out = new Float64Array(bins);
  switch (node.kind) {
    case "const": {
      const loaded = sources?.get(node.id);
      if (loaded) {
        out.set(loaded.subarray(0, bins));
        if (loaded.length < bins) out.fill(NaN, loaded.length);
      } else if (node.values) out.set(node.values);
      else {
        throw new FlowTimeError(
          "model_invalid",
          `const node '${node.id}' has no values and its source '${node.source}' was not loaded`,
        );
      }
      return out;
    }
    case "pmf": {
      const { values, probabilities } = node.pmf;
      const total = probabilities.reduce((a, b) => a + b, 0);
      let scale = 1;
      if (Math.abs(total - 1) > PMF_TOLERANCE) {
        scale = 1 / total;
        warnings.push({
          code: "pmf_normalized",
          message: `pmf probabilities of '${node.id}' sum to ${total}, not 1; they were normalised`,
          nodeId: node.id,
          severity: "warning",
        });
      }
      let expected = 0;
      for (let i = 0; i < values.length; i++) expected += values[i] * probabilities[i] * scale;
      return out.fill(expected);
    }
    case "expr": {
      const ast = exprs.get(node.id) ?? parseExpr(node.expr);
      const fn = compileExpr(ast, {
        series: lookup,
        self: { id: node.id, out, initial: initials.get(node.id) ?? 0 },
        initial: (name) => initials.get(name),
      });
      for (let t = 0; t < bins; t++) out[t] = fn(t);
      return out;
    }
    case "serviceWithBuffer": {
      const inflow = lookup(node.inflow);
      const outflow = lookup(node.outflow);
      const loss = node.loss ? lookup(node.loss) : undefined;
      let q = initials.get(node.id) ?? 0;
      for (let t = 0; t < bins; t++) {
        q = Math.max(0, q + finite(inflow[t]) - finite(outflow[t]) - (loss ? finite(loss[t]) : 0));
        out[t] = q;
      }
      return out;
    }
  }
}

function finite(v: number): number {
  return Number.isFinite(v) ? v : 0;
}

function parseAll(nodes: readonly ModelNode[]): Map<string, Expr> {
  const exprs = new Map<string, Expr>();
  for (const n of nodes) if (n.kind === "expr") exprs.set(n.id, parseExpr(n.expr));
  return exprs;
}

/**
 * Initial queue depth of each node named by a topology node's `semantics.queueDepth`.
 * @param model the model
 * @returns node id -> initial value (nodes without one are absent: 0 applies)
 */
export function initialConditions(model: Model): Map<string, number> {
  const map = new Map<string, number>();
  for (const tn of model.topology?.nodes ?? []) {
    const ref = tn.semantics.queueDepth;
    const q0 = tn.initialCondition?.queueDepth;
    if (typeof ref === "string" && q0 !== undefined) map.set(ref, q0);
  }
  return map;
}
