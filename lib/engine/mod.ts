// Public face of the engine: expression parsing, evaluation order and model evaluation.
export { type Expr, ExprError, parseExpr, referencesOf } from "../expr/parse.ts";
export { FUNCTIONS, type FunctionSpec } from "../expr/functions.ts";
export { type BinFn, type CompileContext, compileExpr } from "./compile.ts";
export { CycleError, evaluationOrder } from "../model/graph.ts";
export {
  evaluateModel,
  type EvaluateOptions,
  type Evaluation,
  initialConditions,
} from "./evaluate.ts";
