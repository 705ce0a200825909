// Evaluates a validated model on its grid: every node becomes a Float64Array, computed in
// topological order. Pure: telemetry series are loaded beforehand and passed in.
import { FlowTimeError } from "../base/errors.ts";
import type { Model, ModelNode } from "../model/types.ts";
import { dependencyMap, PMF_TOLERANCE } from "../model/validate.ts";
import type { RunWarning } from "../base/warnings.ts";
import { compileExpr } from "./compile.ts";
import { type Expr, parseExpr } from "../expr/parse.ts";
import { evaluationOrder } from "../model/graph.ts";
import { eventLoopTurn } from "../base/turn.ts";

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

/**
 * Evaluate every node of a model.
 * @param model a validated model
 * @param options pre-loaded telemetry sources and parsed expressions
 * @returns the series of every node and any warnings
 */
export function evaluateModel(model: Model, options: EvaluateOptions = {}): Evaluation {
  const evaluation = new Evaluator(model, options);
  while (!evaluation.step(Infinity)) {
    // runs to the end in one step
  }
  return evaluation.result();
}

/** Longest stretch {@link evaluateModelYielding} computes without letting others run. */
const SLICE_MS = 20;

/**
 * Evaluate every node of a model, giving the event loop a turn every 20 ms, so a server
 * evaluating a large model keeps answering other requests meanwhile. Same result as
 * {@link evaluateModel}.
 * @param model a validated model
 * @param options pre-loaded telemetry sources and parsed expressions
 * @returns the series of every node and any warnings
 */
export async function evaluateModelYielding(
  model: Model,
  options: EvaluateOptions = {},
): Promise<Evaluation> {
  const evaluation = new Evaluator(model, options);
  while (!evaluation.step(performance.now() + SLICE_MS)) {
    await eventLoopTurn();
  }
  return evaluation.result();
}

/** Bins computed between two looks at the clock. */
const CHUNK = 256;

// An evaluation in progress: nodes in topological order, an expression node bin by bin (a
// node's SHIFT of itself reads its own earlier bins, so bins go in order).
class Evaluator {
  readonly #bins: number;
  readonly #exprs: ReadonlyMap<string, Expr>;
  readonly #byId: Map<string, ModelNode>;
  readonly #order: string[];
  readonly #initial: Map<string, number>;
  readonly #sources?: ReadonlyMap<string, Float64Array>;
  readonly #series = new Map<string, Float64Array>();
  readonly #warnings: RunWarning[] = [];
  #next = 0;
  #current?: { id: string; out: Float64Array; fn: (t: number) => number; t: number };

  constructor(model: Model, options: EvaluateOptions) {
    this.#bins = model.grid.bins;
    this.#exprs = options.exprs ?? parseAll(model.nodes);
    this.#byId = new Map(model.nodes.map((n) => [n.id, n]));
    this.#order = evaluationOrder(
      model.nodes.map((n) => n.id),
      dependencyMap(model.nodes, this.#exprs),
    );
    this.#initial = initialConditions(model);
    this.#sources = options.sources;
  }

  /** Work until done (true) or past the deadline (false). */
  step(deadline: number): boolean {
    for (;;) {
      const current = this.#current;
      if (current) {
        const { out, fn } = current;
        while (current.t < this.#bins) {
          const end = Math.min(this.#bins, current.t + CHUNK);
          for (let t = current.t; t < end; t++) out[t] = fn(t);
          current.t = end;
          if (end < this.#bins && performance.now() >= deadline) return false;
        }
        this.#series.set(current.id, out);
        this.#current = undefined;
      }
      if (this.#next >= this.#order.length) return true;
      const node = this.#byId.get(this.#order[this.#next++])!;
      if (node.kind === "expr") this.#current = this.#startExpr(node);
      else this.#series.set(node.id, this.#evaluateWhole(node));
      if (performance.now() >= deadline) return this.#next >= this.#order.length && !this.#current;
    }
  }

  result(): Evaluation {
    return { order: this.#order, series: this.#series, warnings: this.#warnings };
  }

  #lookup = (name: string): Float64Array => {
    const s = this.#series.get(name);
    if (!s) {
      throw new FlowTimeError("model_invalid", `node '${name}' was used before it was evaluated`);
    }
    return s;
  };

  #startExpr(node: Extract<ModelNode, { kind: "expr" }>) {
    const out = new Float64Array(this.#bins);
    const ast = this.#exprs.get(node.id) ?? parseExpr(node.expr);
    const fn = compileExpr(ast, {
      series: this.#lookup,
      self: { id: node.id, out, initial: this.#initial.get(node.id) ?? 0 },
      initial: (name) => this.#initial.get(name),
    });
    return { id: node.id, out, fn, t: 0 };
  }

  #evaluateWhole(node: Exclude<ModelNode, { kind: "expr" }>): Float64Array {
    const bins = this.#bins;
    const out = new Float64Array(bins);
    switch (node.kind) {
      case "const": {
        const loaded = this.#sources?.get(node.id);
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
          this.#warnings.push({
            code: "pmf_normalized",
            message:
              `pmf probabilities of '${node.id}' sum to ${total}, not 1; they were normalised`,
            nodeId: node.id,
            severity: "warning",
          });
        }
        let expected = 0;
        for (let i = 0; i < values.length; i++) expected += values[i] * probabilities[i] * scale;
        return out.fill(expected);
      }
      case "serviceWithBuffer": {
        const inflow = this.#lookup(node.inflow);
        const outflow = this.#lookup(node.outflow);
        const loss = node.loss ? this.#lookup(node.loss) : undefined;
        let q = this.#initial.get(node.id) ?? 0;
        for (let t = 0; t < bins; t++) {
          q = Math.max(
            0,
            q + finite(inflow[t]) - finite(outflow[t]) - (loss ? finite(loss[t]) : 0),
          );
          out[t] = q;
        }
        return out;
      }
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
