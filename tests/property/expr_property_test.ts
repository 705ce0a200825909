import assert from "node:assert/strict";
import { fc } from "../_dev_deps.ts";
import { type Expr, ExprError, parseExpr } from "../../lib/expr/parse.ts";
import { fuzzRuns, recordCases } from "./_fuzz.ts";

const NAMES = ["a", "b", "queue_depth", "X1"];
const FUNCS: Array<[string, number, number]> = [
  ["MIN", 2, 4],
  ["MAX", 2, 3],
  ["CLAMP", 3, 3],
  ["ABS", 1, 1],
  ["FLOOR", 1, 1],
  ["CEIL", 1, 1],
  ["ROUND", 1, 1],
  ["MOD", 2, 2],
  ["STEP", 2, 2],
  ["PULSE", 1, 3],
];

const exprArb: fc.Arbitrary<Expr> = fc.letrec<{ e: Expr }>((tie) => ({
  e: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.double({ min: 0, max: 1e6, noNaN: true }).map((value) => ({
      type: "num" as const,
      value,
      pos: 0,
    })),
    fc.constantFrom(...NAMES).map((name) => ({ type: "ref" as const, name, pos: 0 })),
    tie("e").map((arg) => ({ type: "neg" as const, arg, pos: 0 })),
    fc.tuple(
      fc.constantFrom("+", "-", "*", "/") as fc.Arbitrary<"+" | "-" | "*" | "/">,
      tie("e"),
      tie("e"),
    ).map(([op, left, right]) => ({ type: "bin" as const, op, left, right, pos: 0 })),
    fc.constantFrom(...FUNCS).chain(([name, min, max]) =>
      fc.array(tie("e"), { minLength: min, maxLength: max }).map((args) => ({
        type: "call" as const,
        name,
        args,
        pos: 0,
      }))
    ),
    fc.tuple(tie("e"), fc.nat(5)).map(([x, k]) => ({
      type: "call" as const,
      name: "SHIFT",
      args: [x, { type: "num" as const, value: k, pos: 0 }],
      pos: 0,
    })),
  ),
})).e;

function print(e: Expr): string {
  switch (e.type) {
    case "num":
      return String(e.value);
    case "ref":
      return e.name;
    case "neg":
      return `-(${print(e.arg)})`;
    case "bin":
      return `(${print(e.left)} ${e.op} ${print(e.right)})`;
    case "call":
      return `${e.name}(${e.args.map(print).join(", ")})`;
    case "array":
      return `[${e.values.join(", ")}]`;
  }
}

function strip(e: Expr): unknown {
  switch (e.type) {
    case "num":
      return e.value;
    case "ref":
      return e.name;
    case "neg": {
      // The parser folds minus signs into number literals.
      const inner = strip(e.arg);
      return typeof inner === "number" ? -inner : ["neg", inner];
    }
    case "bin":
      return [e.op, strip(e.left), strip(e.right)];
    case "call":
      return [e.name, ...e.args.map(strip)];
    case "array":
      return e.values;
  }
}

Deno.test("property: printing an expression and parsing it back gives the same tree", () => {
  const runs = fuzzRuns();
  fc.assert(
    fc.property(exprArb, (e) => {
      assert.deepEqual(strip(parseExpr(print(e))), strip(e));
    }),
    { numRuns: runs },
  );
  recordCases("expression parser (round trip)", runs);
});

Deno.test("property: any text either parses or fails with an ExprError at a position inside it", () => {
  const runs = fuzzRuns();
  const alphabet = fc.constantFrom(..."ab_1. +-*/(),[]eE\t\n$SHIFTMINmax".split(""));
  fc.assert(
    fc.property(
      fc.oneof(fc.string({ maxLength: 60 }), fc.stringOf(alphabet, { maxLength: 60 })),
      (src) => {
        try {
          parseExpr(src);
        } catch (err) {
          assert.ok(err instanceof ExprError, `unexpected ${err}`);
          assert.ok(err.pos >= 0 && err.pos <= src.length, `position ${err.pos} inside '${src}'`);
        }
      },
    ),
    { numRuns: runs },
  );
  recordCases("expression parser (arbitrary text)", runs);
});
