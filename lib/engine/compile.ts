// Turns an expression AST into a per-bin function. Series references read already evaluated
// inputs; a node's reference to itself (only legal under SHIFT) reads its own earlier bins,
// with the initial condition standing in for bins before 0.
import type { Expr } from "../expr/parse.ts";
import { leftChain } from "../expr/walk.ts";
import { flooredMod, pulseAt, roundHalfAway } from "../expr/functions.ts";

/** A compiled expression: value at bin t. */
export type BinFn = (t: number) => number;

/** What a compiled expression can read. */
export interface CompileContext {
  /** The evaluated series of another node. */
  series(name: string): Float64Array;
  /** The node being evaluated, for self-references under SHIFT. */
  self?: { id: string; out: Float64Array; initial: number };
  /** Value of a node before bin 0 (its initial condition), if it has one. */
  initial?(name: string): number | undefined;
}

/**
 * Compile an AST to a function of the bin index.
 * @param e the AST (validated by `parseExpr`)
 * @param ctx series lookup and the node's own state
 * @returns the per-bin function
 */
export function compileExpr(e: Expr, ctx: CompileContext): BinFn {
  switch (e.type) {
    case "num": {
      const v = e.value;
      return () => v;
    }
    case "ref": {
      const self = ctx.self;
      if (self && e.name === self.id) {
        const out = self.out;
        const initial = self.initial;
        return (t) => (t < 0 ? initial : out[t]);
      }
      const arr = ctx.series(e.name);
      const before = ctx.initial?.(e.name) ?? 0;
      return (t) => (t < 0 ? before : arr[t]);
    }
    case "neg": {
      const a = compileExpr(e.arg, ctx);
      return (t) => -a(t);
    }
    case "bin": {
      const { first, steps } = leftChain(e);
      if (steps.length > 1) return compileChain(compileExpr(first, ctx), steps, ctx);
      const l = compileExpr(e.left, ctx);
      const r = compileExpr(e.right, ctx);
      switch (e.op) {
        case "+":
          return (t) => l(t) + r(t);
        case "-":
          return (t) => l(t) - r(t);
        case "*":
          return (t) => l(t) * r(t);
        case "/":
          return (t) => {
            const d = r(t);
            return d === 0 ? 0 : l(t) / d;
          };
      }
      break;
    }
    case "array":
      return () => NaN; // only reachable as CONV's kernel, which is read directly
    case "call":
      return compileCall(e, ctx);
  }
  throw new Error("unreachable expression node");
}

const OP_CODES = { "+": 0, "-": 1, "*": 2, "/": 3 } as const;

// A chain `((a op b) op c) ...` evaluated with a loop, left to right as the tree says, so a
// sum of thousands of terms neither nests thousands of closures nor overflows the stack.
function compileChain(
  first: BinFn,
  steps: ReadonlyArray<Extract<Expr, { type: "bin" }>>,
  ctx: CompileContext,
): BinFn {
  const operands = steps.map((s) => compileExpr(s.right, ctx));
  const ops = Uint8Array.from(steps, (s) => OP_CODES[s.op]);
  const n = operands.length;
  return (t) => {
    let acc = first(t);
    for (let k = 0; k < n; k++) {
      const r = operands[k](t);
      switch (ops[k]) {
        case 0:
          acc = acc + r;
          break;
        case 1:
          acc = acc - r;
          break;
        case 2:
          acc = acc * r;
          break;
        default:
          acc = r === 0 ? 0 : acc / r;
      }
    }
    return acc;
  };
}

function compileCall(e: Extract<Expr, { type: "call" }>, ctx: CompileContext): BinFn {
  const args = e.args;
  const fn = (i: number) => compileExpr(args[i], ctx);
  switch (e.name) {
    case "SHIFT": {
      const k = (args[1] as { value: number }).value;
      const x = fn(0);
      // A series with an initial condition (a backlog) has a value before bin 0, so shifting
      // it reads that value; any other shifted series is 0 before bin 0.
      if (mentionsStateful(args[0], ctx)) return (t) => x(t - k);
      return (t) => (t < k ? 0 : x(t - k));
    }
    case "MIN":
    case "MAX": {
      const fs = args.map((_, i) => fn(i));
      const pick = e.name === "MIN" ? Math.min : Math.max;
      if (fs.length === 2) {
        const [a, b] = fs;
        return (t) => pick(a(t), b(t));
      }
      // A loop, not a spread: MIN and MAX may have tens of thousands of arguments.
      return (t) => {
        let acc = fs[0](t);
        for (let k = 1; k < fs.length; k++) acc = pick(acc, fs[k](t));
        return acc;
      };
    }
    case "CLAMP": {
      const [v, lo, hi] = [fn(0), fn(1), fn(2)];
      return (t) => Math.max(lo(t), Math.min(hi(t), v(t)));
    }
    case "ABS": {
      const a = fn(0);
      return (t) => Math.abs(a(t));
    }
    case "FLOOR": {
      const a = fn(0);
      return (t) => Math.floor(a(t));
    }
    case "CEIL": {
      const a = fn(0);
      return (t) => Math.ceil(a(t));
    }
    case "ROUND": {
      const a = fn(0);
      return (t) => roundHalfAway(a(t));
    }
    case "MOD": {
      const [v, d] = [fn(0), fn(1)];
      return (t) => flooredMod(v(t), d(t));
    }
    case "STEP": {
      const [v, th] = [fn(0), fn(1)];
      return (t) => (v(t) >= th(t) ? 1 : 0);
    }
    case "PULSE": {
      const period = fn(0);
      const phase = args.length > 1 ? fn(1) : () => 0;
      const amp = args.length > 2 ? fn(2) : () => 1;
      return (t) => pulseAt(t, period(t), phase(t), amp(t));
    }
    case "CONV": {
      const x = fn(0);
      const k = args[1];
      const kernel = k.type === "array" ? k.values : [(k as { value: number }).value];
      return (t) => {
        let sum = 0;
        for (let j = 0; j < kernel.length && t - j >= 0; j++) {
          const sample = x(t - j);
          if (Number.isFinite(sample)) sum += sample * kernel[j];
        }
        return sum;
      };
    }
  }
  throw new Error(`unreachable function ${e.name}`);
}

function mentionsStateful(e: Expr, ctx: CompileContext): boolean {
  switch (e.type) {
    case "ref":
      return e.name === ctx.self?.id || ctx.initial?.(e.name) !== undefined;
    case "neg":
      return mentionsStateful(e.arg, ctx);
    case "bin": {
      const { first, steps } = leftChain(e);
      return mentionsStateful(first, ctx) || steps.some((s) => mentionsStateful(s.right, ctx));
    }
    case "call":
      return e.args.some((a) => mentionsStateful(a, ctx));
    default:
      return false;
  }
}
