// Expression language (CONTRACTS section 2): a small recursive-descent parser producing an AST
// with source positions, so errors can name the column of the offending token.
import { FUNCTIONS } from "./functions.ts";
import { leftChain } from "./walk.ts";

/** A parsed expression. `pos` is the 0-based offset of the node's first character. */
export type Expr =
  | { type: "num"; value: number; pos: number }
  | { type: "ref"; name: string; pos: number }
  | { type: "neg"; arg: Expr; pos: number }
  | { type: "bin"; op: "+" | "-" | "*" | "/"; left: Expr; right: Expr; pos: number }
  | { type: "call"; name: string; args: Expr[]; pos: number }
  | { type: "array"; values: number[]; pos: number };

/** A syntax or semantic problem in an expression, with its 0-based position. */
export class ExprError extends Error {
  /** 0-based character offset in the expression. */
  readonly pos: number;
  /**
   * Create an expression error.
   * @param message what is wrong
   * @param pos 0-based offset
   */
  constructor(message: string, pos: number) {
    super(message);
    this.name = "ExprError";
    this.pos = pos;
  }
}

type Token =
  | { kind: "num"; value: number; pos: number; text: string }
  | { kind: "ident"; name: string; pos: number }
  | { kind: "op"; op: string; pos: number }
  | { kind: "end"; pos: number };

const MAX_EXPR_LENGTH = 100_000;
const MAX_DEPTH = 200;

function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === " " || c === "\t" || c === "\n" || c === "\r") {
      i++;
      continue;
    }
    const numMatch = /^(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?/.exec(src.slice(i, i + 400));
    if (numMatch) {
      const text = numMatch[0];
      const after = src[i + text.length];
      if (after !== undefined && /[A-Za-z_]/.test(after)) {
        throw new ExprError(`'${text}${after}' is not a number or a name`, i);
      }
      tokens.push({ kind: "num", value: Number(text), pos: i, text });
      i += text.length;
      continue;
    }
    const identMatch = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i, i + 400));
    if (identMatch) {
      tokens.push({ kind: "ident", name: identMatch[0], pos: i });
      i += identMatch[0].length;
      continue;
    }
    if ("+-*/(),[]".includes(c)) {
      tokens.push({ kind: "op", op: c, pos: i });
      i++;
      continue;
    }
    throw new ExprError(`unexpected character '${c}'`, i);
  }
  tokens.push({ kind: "end", pos: src.length });
  return tokens;
}

class Parser {
  #tokens: Token[];
  #i = 0;
  #depth = 0;

  constructor(tokens: Token[]) {
    this.#tokens = tokens;
  }

  parse(): Expr {
    const expr = this.#additive();
    const t = this.#peek();
    if (t.kind !== "end") throw new ExprError(`unexpected ${describe(t)}`, t.pos);
    return expr;
  }

  #peek(): Token {
    return this.#tokens[this.#i];
  }

  #next(): Token {
    return this.#tokens[this.#i++];
  }

  #isOp(op: string): boolean {
    const t = this.#peek();
    return t.kind === "op" && t.op === op;
  }

  #expect(op: string): Token {
    const t = this.#next();
    if (t.kind !== "op" || t.op !== op) {
      throw new ExprError(`expected '${op}' but found ${describe(t)}`, t.pos);
    }
    return t;
  }

  #enter(pos: number): void {
    if (++this.#depth > MAX_DEPTH) {
      throw new ExprError(`expression nests deeper than ${MAX_DEPTH} levels`, pos);
    }
  }

  #additive(): Expr {
    let left = this.#multiplicative();
    while (this.#isOp("+") || this.#isOp("-")) {
      const op = this.#next() as { op: "+" | "-"; pos: number };
      const right = this.#multiplicative();
      left = { type: "bin", op: op.op, left, right, pos: left.pos };
    }
    return left;
  }

  #multiplicative(): Expr {
    let left = this.#unary();
    while (this.#isOp("*") || this.#isOp("/")) {
      const op = this.#next() as { op: "*" | "/"; pos: number };
      const right = this.#unary();
      left = { type: "bin", op: op.op, left, right, pos: left.pos };
    }
    return left;
  }

  #unary(): Expr {
    const t = this.#peek();
    if (t.kind === "op" && (t.op === "-" || t.op === "+")) {
      this.#next();
      this.#enter(t.pos);
      const arg = this.#unary();
      this.#depth--;
      if (t.op === "+") return arg;
      if (arg.type === "num") return { type: "num", value: -arg.value, pos: t.pos };
      return { type: "neg", arg, pos: t.pos };
    }
    return this.#primary();
  }

  #primary(): Expr {
    const t = this.#next();
    if (t.kind === "num") return { type: "num", value: t.value, pos: t.pos };
    if (t.kind === "ident") {
      if (this.#isOp("(")) return this.#call(t.name, t.pos);
      return { type: "ref", name: t.name, pos: t.pos };
    }
    if (t.kind === "op" && t.op === "(") {
      this.#enter(t.pos);
      const inner = this.#additive();
      this.#depth--;
      this.#expect(")");
      return inner;
    }
    if (t.kind === "op" && t.op === "[") return this.#array(t.pos);
    throw new ExprError(`unexpected ${describe(t)}`, t.pos);
  }

  #call(name: string, pos: number): Expr {
    this.#expect("(");
    this.#enter(pos);
    const args: Expr[] = [];
    if (!this.#isOp(")")) {
      args.push(this.#additive());
      while (this.#isOp(",")) {
        this.#next();
        args.push(this.#additive());
      }
    }
    this.#expect(")");
    this.#depth--;
    return { type: "call", name: name.toUpperCase(), args, pos };
  }

  #array(pos: number): Expr {
    const values: number[] = [];
    if (!this.#isOp("]")) {
      values.push(this.#signedNumber());
      while (this.#isOp(",")) {
        this.#next();
        values.push(this.#signedNumber());
      }
    }
    this.#expect("]");
    return { type: "array", values, pos };
  }

  #signedNumber(): number {
    let sign = 1;
    while (this.#isOp("-") || this.#isOp("+")) {
      if ((this.#next() as { op: string }).op === "-") sign = -sign;
    }
    const t = this.#next();
    if (t.kind !== "num") {
      throw new ExprError(`array elements must be numbers, found ${describe(t)}`, t.pos);
    }
    return sign * t.value;
  }
}

function describe(t: Token): string {
  switch (t.kind) {
    case "end":
      return "end of expression";
    case "num":
      return `number ${t.text}`;
    case "ident":
      return `name '${t.name}'`;
    case "op":
      return `'${t.op}'`;
  }
}

/**
 * Parse an expression and check function names and arities.
 * @param src expression text, e.g. `MAX(0, SHIFT(q, 1) + arrivals - served)`
 * @returns the AST
 * @throws ExprError with the 0-based position of the problem
 */
export function parseExpr(src: string): Expr {
  if (typeof src !== "string" || src.trim() === "") throw new ExprError("expression is empty", 0);
  if (src.length > MAX_EXPR_LENGTH) {
    throw new ExprError(`expression is longer than ${MAX_EXPR_LENGTH} characters`, 0);
  }
  const ast = new Parser(tokenize(src)).parse();
  checkCalls(ast, false);
  return ast;
}

function checkCalls(e: Expr, arrayAllowed: boolean): void {
  if (e.type === "bin") {
    const { first, steps } = leftChain(e);
    checkCalls(first, false);
    for (const step of steps) checkCalls(step.right, false);
    return;
  }
  switch (e.type) {
    case "num":
    case "ref":
      return;
    case "array":
      if (!arrayAllowed) {
        throw new ExprError("an array literal is only allowed as the kernel of CONV", e.pos);
      }
      return;
    case "neg":
      return checkCalls(e.arg, false);
    case "call": {
      const spec = FUNCTIONS[e.name];
      if (!spec) {
        throw new ExprError(
          `unknown function '${e.name}' (known: ${Object.keys(FUNCTIONS).join(", ")})`,
          e.pos,
        );
      }
      if (e.args.length < spec.minArgs || e.args.length > spec.maxArgs) {
        throw new ExprError(
          `${e.name} takes ${
            arityText(spec.minArgs, spec.maxArgs)
          }, got ${e.args.length}: ${spec.signature}`,
          e.pos,
        );
      }
      e.args.forEach((a, i) => checkCalls(a, e.name === "CONV" && i === 1));
      if (e.name === "SHIFT") {
        const k = e.args[1];
        if (k.type !== "num" || !Number.isInteger(k.value) || k.value < 0) {
          throw new ExprError(
            "SHIFT lag must be a non-negative integer literal, e.g. SHIFT(x, 1)",
            k.pos,
          );
        }
      }
      if (e.name === "CONV") {
        const kernel = e.args[1];
        if (kernel.type !== "array" && kernel.type !== "num") {
          throw new ExprError(
            "CONV kernel must be an array literal, e.g. [0.5, 0.3, 0.2]",
            kernel.pos,
          );
        }
      }
      return;
    }
  }
}

function arityText(min: number, max: number): string {
  if (min === max) return `${min} argument${min === 1 ? "" : "s"}`;
  if (max === Infinity) return `at least ${min} arguments`;
  return `${min} to ${max} arguments`;
}
