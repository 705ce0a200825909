// Public face of the engine: expression parsing, evaluation order and model evaluation.
export { type Expr, ExprError, parseExpr, referencesOf } from "./expr.ts";
export { FUNCTIONS, type FunctionSpec } from "./functions.ts";
export { type BinFn, compileExpr, type CompileContext } from "./compile.ts";
export { CycleError, evaluationOrder } from "./graph.ts";
export { type Evaluation, evaluateModel, type EvaluateOptions, initialConditions } from "./evaluate.ts";
