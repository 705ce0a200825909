// Walking expression trees without deep recursion: a long sum or product is a left-deep chain
// of binary operations, walked with a loop; everything else nests at most as deep as the parser
// allows (parentheses, calls and unary signs count against its depth limit).
import type { Expr } from "./parse.ts";

/** A binary operation node. */
export type BinExpr = Extract<Expr, { type: "bin" }>;

/**
 * A left-deep chain of binary operations, `((a op1 b) op2 c) ...`, as its first operand and
 * the steps after it, in evaluation order. Sums and products of many terms parse into such
 * chains; walking them with a loop instead of recursion keeps the stack flat however long the
 * expression is (its right operands nest at most as deep as the parser allows).
 * @param e a binary operation
 * @returns the leftmost operand (not itself a binary operation) and the steps
 */
export function leftChain(e: BinExpr): { first: Expr; steps: BinExpr[] } {
  const steps: BinExpr[] = [];
  let node: Expr = e;
  while (node.type === "bin") {
    steps.push(node);
    node = node.left;
  }
  return { first: node, steps: steps.reverse() };
}

/**
 * Names an expression refers to, with the smallest SHIFT lag each is reached through.
 * @param e the AST
 * @returns map from referenced name to its minimum total SHIFT lag
 */
export function referencesOf(e: Expr): Map<string, number> {
  const refs = new Map<string, number>();
  const walk = (node: Expr, lag: number): void => {
    switch (node.type) {
      case "ref": {
        const prev = refs.get(node.name);
        if (prev === undefined || lag < prev) refs.set(node.name, lag);
        return;
      }
      case "neg":
        return walk(node.arg, lag);
      case "bin": {
        const { first, steps } = leftChain(node);
        walk(first, lag);
        for (const step of steps) walk(step.right, lag);
        return;
      }
      case "call":
        if (node.name === "SHIFT") {
          const k = node.args[1];
          return walk(node.args[0], lag + (k.type === "num" ? k.value : 0));
        }
        for (const a of node.args) walk(a, lag);
        return;
      default:
        return;
    }
  };
  walk(e, 0);
  return refs;
}

/**
 * Where each name is first referred to, for error messages.
 * @param e the AST
 * @returns map from referenced name to the 0-based offset of its first reference
 */
export function referencePositions(e: Expr): Map<string, number> {
  const found = new Map<string, number>();
  const walk = (node: Expr): void => {
    switch (node.type) {
      case "ref": {
        const prev = found.get(node.name);
        if (prev === undefined || node.pos < prev) found.set(node.name, node.pos);
        return;
      }
      case "neg":
        return walk(node.arg);
      case "bin": {
        const { first, steps } = leftChain(node);
        walk(first);
        for (const step of steps) walk(step.right);
        return;
      }
      case "call":
        for (const a of node.args) walk(a);
        return;
      default:
        return;
    }
  };
  walk(e);
  return found;
}

/**
 * Position of the first reference to `name` in the AST, for error messages.
 * @param e the AST
 * @param name referenced name
 * @returns 0-based offset, or 0 when absent
 */
export function positionOf(e: Expr, name: string): number {
  return referencePositions(e).get(name) ?? 0;
}

/**
 * The work of evaluating an expression for one bin: one unit per tree node, with the operand
 * of CONV counted once per kernel element (it is read that many times).
 * @param e the AST
 * @returns the cost (may be large for nested CONV; compare it with a limit)
 */
export function exprCost(e: Expr): number {
  switch (e.type) {
    case "num":
    case "ref":
    case "array":
      return 1;
    case "neg":
      return 1 + exprCost(e.arg);
    case "bin": {
      const { first, steps } = leftChain(e);
      let n = exprCost(first);
      for (const step of steps) n += 1 + exprCost(step.right);
      return n;
    }
    case "call": {
      if (e.name === "CONV") {
        const kernel = e.args[1];
        const taps = kernel.type === "array" ? Math.max(1, kernel.values.length) : 1;
        return 1 + taps * exprCost(e.args[0]);
      }
      let n = 1;
      for (const a of e.args) n += exprCost(a);
      return n;
    }
  }
}
