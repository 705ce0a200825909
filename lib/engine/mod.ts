/**
 * The engine: model files (`model.yaml`) parsed and checked with every problem's place, and
 * evaluated deterministically on their time grid: const, pmf (expected value), expression and
 * serviceWithBuffer nodes, with self-`SHIFT` backlogs.
 *
 * @example Evaluate a small model in memory
 * ```ts
 * import { evaluateModel, parseModel } from "@flowtime/toolkit/engine";
 *
 * const parsed = parseModel(`
 * grid: { bins: 4, binSize: 5, binUnit: minutes }
 * nodes:
 *   - { id: arrivals, kind: const, values: [10, 12, 8, 10] }
 *   - { id: capacity, kind: const, values: [9, 9, 9, 9] }
 *   - { id: served, kind: expr, expr: "MIN(arrivals, capacity)" }
 * `);
 * const { series } = evaluateModel(parsed.model, { exprs: parsed.exprs });
 * console.log(Array.from(series.get("served")!)); // [9, 9, 8, 9]
 * ```
 *
 * @module
 */
export type {
  BinUnit,
  ConstNode,
  ExprNode,
  Grid,
  Model,
  ModelMetadata,
  ModelNode,
  ModelNodeKind,
  OutputSpec,
  PmfNode,
  RunMode,
  SemanticMetric,
  Semantics,
  ServiceWithBufferNode,
  TopologyEdge,
  TopologyNode,
  TopologyNodeKind,
} from "../model/types.ts";
export { binMinutes, SEMANTIC_METRICS } from "../model/types.ts";
export { loadModel, type ParsedModel, parseModel, type ParseModelOptions } from "../model/parse.ts";
export type { FieldPath } from "../base/located_yaml.ts";
export type { Expr } from "../expr/parse.ts";
export type { Issue, ParseWarning } from "../base/issues.ts";
export { type UnsupportedFeature, unsupportedFeatures } from "../model/features.ts";
export { evaluateModel, type EvaluateOptions, type Evaluation } from "./evaluate.ts";
