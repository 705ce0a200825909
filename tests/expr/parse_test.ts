import assert from "node:assert/strict";
import { type Expr, ExprError, parseExpr } from "../../lib/expr/parse.ts";
import { referencesOf } from "../../lib/expr/walk.ts";

function shape(e: Expr): unknown {
  switch (e.type) {
    case "num":
      return e.value;
    case "ref":
      return e.name;
    case "neg":
      return ["neg", shape(e.arg)];
    case "bin":
      return [e.op, shape(e.left), shape(e.right)];
    case "call":
      return [e.name, ...e.args.map(shape)];
    case "array":
      return e.values;
  }
}

function errorAt(src: string): { message: string; column: number } {
  try {
    parseExpr(src);
  } catch (err) {
    assert.ok(err instanceof ExprError, `expected ExprError for ${src}, got ${err}`);
    return { message: err.message, column: err.pos + 1 };
  }
  throw new Error(`expected '${src}' to be rejected`);
}

Deno.test("multiplication binds tighter than addition, left to right", () => {
  assert.deepEqual(shape(parseExpr("a + b * c - d / 2")), ["-", ["+", "a", ["*", "b", "c"]], [
    "/",
    "d",
    2,
  ]]);
});

Deno.test("parentheses override precedence", () => {
  assert.deepEqual(shape(parseExpr("(a + b) * c")), ["*", ["+", "a", "b"], "c"]);
});

Deno.test("unary minus applies to numbers, names and groups", () => {
  assert.deepEqual(shape(parseExpr("-5")), -5);
  assert.deepEqual(shape(parseExpr("-a * 2")), ["*", ["neg", "a"], 2]);
  assert.deepEqual(shape(parseExpr("--a")), ["neg", ["neg", "a"]]);
  assert.deepEqual(shape(parseExpr("3 - -(a)")), ["-", 3, ["neg", "a"]]);
});

Deno.test("numbers: integers, decimals, leading dot, exponents", () => {
  assert.deepEqual(shape(parseExpr("1 + 1.5 + .5 + 1e3 + 2.5E-1")), ["+", ["+", [
    "+",
    ["+", 1, 1.5],
    0.5,
  ], 1000], 0.25]);
});

Deno.test("function names are case-insensitive and CONV takes an array kernel", () => {
  assert.deepEqual(shape(parseExpr("min(a, Max(b, 1), c)")), ["MIN", "a", ["MAX", "b", 1], "c"]);
  assert.deepEqual(shape(parseExpr("CONV(x, [0.5, 0.3, -0.2])")), ["CONV", "x", [0.5, 0.3, -0.2]]);
});

Deno.test("unknown function is named with its column", () => {
  const e = errorAt("1 + SUMM(a)");
  assert.match(e.message, /unknown function 'SUMM'/);
  assert.equal(e.column, 5);
});

Deno.test("wrong arity names the function and its signature", () => {
  assert.match(
    errorAt("CLAMP(a, 1)").message,
    /CLAMP takes 3 arguments, got 2: CLAMP\(value, lo, hi\)/,
  );
  assert.match(errorAt("MIN(a)").message, /MIN takes at least 2 arguments, got 1/);
  assert.match(errorAt("PULSE(1, 2, 3, 4)").message, /PULSE takes 1 to 3 arguments, got 4/);
});

Deno.test("SHIFT lag must be a non-negative integer literal", () => {
  assert.match(errorAt("SHIFT(a, b)").message, /non-negative integer literal/);
  assert.match(errorAt("SHIFT(a, 1.5)").message, /non-negative integer literal/);
  assert.match(errorAt("SHIFT(a, -1)").message, /non-negative integer literal/);
});

Deno.test("syntax errors point at the offending token", () => {
  assert.deepEqual(errorAt("a + * b"), { message: "unexpected '*'", column: 5 });
  assert.deepEqual(errorAt("(a + b"), {
    message: "expected ')' but found end of expression",
    column: 7,
  });
  assert.deepEqual(errorAt("a $ b"), { message: "unexpected character '$'", column: 3 });
  assert.match(errorAt("").message, /empty/);
  assert.match(errorAt("[1, 2]").message, /only allowed as the kernel of CONV/);
  assert.match(errorAt("2x").message, /not a number or a name/);
});

Deno.test("deep nesting is refused instead of overflowing the stack", () => {
  assert.match(errorAt("(".repeat(5000) + "a" + ")".repeat(5000)).message, /nests deeper/);
});

Deno.test("references report the smallest SHIFT lag they are reached through", () => {
  const refs = referencesOf(parseExpr("MAX(0, SHIFT(q, 1) + SHIFT(SHIFT(a, 2), 1) + a - b)"));
  assert.deepEqual([...refs.entries()].sort(), [["a", 0], ["b", 0], ["q", 1]]);
});
