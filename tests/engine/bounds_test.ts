// Work bounded by input size: long sums and products evaluate without deep recursion (8,000
// and 33,000 terms) or are refused cleanly (100,000 terms, nesting past the limit), a model
// whose evaluation would take too long is refused before it starts, "did you mean" costs
// little however many names are misspelt, and the yielding evaluator gives the event loop
// turns without changing any value.
import assert from "node:assert/strict";
import { ExprError, parseExpr } from "../../lib/expr/parse.ts";
import { parseModel } from "../../lib/model/parse.ts";
import { MAX_EVALUATION_STEPS } from "../../lib/model/validate.ts";
import { evaluateModel, evaluateModelYielding } from "../../lib/engine/evaluate.ts";
import { syntheticModel } from "../../scripts/synthetic_model.ts";
import { main } from "../../cli/main.ts";
import { join } from "node:path";
import { assertThrowsCode, tempDir } from "../_helpers.ts";

const INPUTS = [1.5, -2.25, 3, 0.1, 1e-3, 7];

function inputsYaml(bins: number): string {
  return INPUTS.map((v, i) =>
    `  - { id: a${i}, kind: const, values: [${Array(bins).fill(v * (i + 1)).join(", ")}] }`
  ).join("\n");
}

// The expression `a0 op a1 op a2 ...` with ops cycling through the list, and its value computed
// left to right as the parser groups it (operators of one precedence level only).
function chain(terms: number, ops: string[]): { text: string; value: number } {
  let text = "a0";
  let value = INPUTS[0];
  for (let k = 1; k < terms; k++) {
    const op = ops[k % ops.length];
    const i = k % INPUTS.length;
    const v = INPUTS[i] * (i + 1);
    text += `${op}a${i}`;
    value = op === "+"
      ? value + v
      : op === "-"
      ? value - v
      : op === "*"
      ? value * v
      : v === 0
      ? 0
      : value / v;
  }
  return { text, value };
}

function model(expr: string, bins = 4): string {
  return `grid: { bins: ${bins}, binSize: 5, binUnit: minutes }\nnodes:\n${
    inputsYaml(bins)
  }\n  - id: out\n    kind: expr\n    expr: "${expr}"\n`;
}

for (const terms of [8_000, 33_000]) {
  Deno.test(`a sum of ${terms} terms parses, validates and evaluates left to right`, () => {
    const sum = chain(terms, ["+", "-"]);
    const parsed = parseModel(model(sum.text));
    const out = evaluateModel(parsed.model, { exprs: parsed.exprs }).series.get("out")!;
    assert.deepEqual(Array.from(out), [sum.value, sum.value, sum.value, sum.value]);
    const product = chain(terms, ["*", "/"]);
    const p = parseModel(model(product.text));
    assert.equal(evaluateModel(p.model, { exprs: p.exprs }).series.get("out")![0], product.value);
  });
}

Deno.test("a MAX of 20,000 arguments evaluates (no spread of arguments)", () => {
  const args = Array.from({ length: 20_000 }, (_, k) => `a${k % 6}`).join(", ");
  const parsed = parseModel(model(`MAX(${args})`));
  const out = evaluateModel(parsed.model, { exprs: parsed.exprs }).series.get("out")!;
  assert.equal(out[0], Math.max(...INPUTS.map((v, i) => v * (i + 1))));
});

Deno.test("a 100,000-term sum and nesting past the limit are refused with a position, never a RangeError", () => {
  const long = chain(100_000, ["+"]).text;
  assert.throws(
    () => parseExpr(long),
    (e) => e instanceof ExprError && /longer than/.test(e.message),
  );
  assertThrowsCode(
    () => parseModel(model(long)),
    "expr_invalid",
    /^model\.yaml:\d+: nodes\[6\]\.expr: expression is longer than/,
  );
  for (const deep of ["(".repeat(5000) + "a0" + ")".repeat(5000), "-".repeat(5000) + "a0"]) {
    assert.throws(
      () => parseExpr(deep),
      (e) => e instanceof ExprError && /nests deeper/.test(e.message),
    );
  }
});

Deno.test("the CLI evaluates a model with an 8,000-term sum (no internal error)", async () => {
  const dir = (await tempDir("long-sum")).path;
  try {
    await Deno.writeTextFile(join(dir, "m.yaml"), model(chain(8000, ["+"]).text));
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(
      ["run", "--model", join(dir, "m.yaml"), "--out", join(dir, "runs"), "--run-id", "r"],
      { out: (t) => out.push(t), err: (t) => err.push(t), interactive: false },
    );
    assert.equal(code, 0, err.join("\n"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a model that would take too long to evaluate is refused before evaluation, naming its largest node", () => {
  // 10,000 bins (the most a grid may have) x (6 inputs + about 60,000 nodes of one expression)
  // > 500,000,000 steps.
  assert.ok(60_005 * 10_000 > MAX_EVALUATION_STEPS);
  const text = model(chain(30_000, ["+"]).text, 10_000);
  const err = assertThrowsCode(
    () => parseModel(text),
    "model_invalid",
    /nodes\[6\]\.expr: evaluating this model takes [\d,]+ steps/,
  );
  assert.match(err.message, /the largest is node 'out'/);
  // A grid of 4,000 bins is within the limit.
  assert.ok(60_005 * 4_000 < MAX_EVALUATION_STEPS);
  parseModel(model(chain(30_000, ["+"]).text, 4_000));
});

Deno.test("the bench-scale expression-only model (1,000 services x 8,640 bins) is within the bound", () => {
  // the shape of bench/capture.ts's model: 28 steps a bin per service
  const lines = ["grid: { bins: 8640, binSize: 5, binUnit: minutes }", "nodes:"];
  for (let i = 0; i < 1000; i++) {
    lines.push(
      `  - { id: a${i}, kind: expr, expr: "100 + 15 * PULSE(24, ${i % 24}) + 7 * PULSE(7, ${
        i % 7
      }) + 0.5 * PULSE(3, ${i % 3})" }`,
      `  - { id: c${i}, kind: pmf, pmf: { values: [100, 130], probabilities: [0.25, 0.75] } }`,
      `  - { id: s${i}, kind: expr, expr: "MIN(a${i}, c${i})" }`,
      `  - { id: e${i}, kind: expr, expr: "ROUND(s${i} * 0.02)" }`,
      `  - { id: q${i}, kind: serviceWithBuffer, inflow: a${i}, outflow: s${i}, loss: e${i} }`,
    );
  }
  // parsing validates the work bound (nothing is evaluated here)
  assert.equal(parseModel(lines.join("\n") + "\n").model.nodes.length, 5000);
});

Deno.test("thousands of misspelt references are all reported, and only the first 20 get a suggestion", () => {
  const names = Array.from({ length: 3000 }, (_, k) => `queue_${k}`);
  const consts = names.map((n) => `  - { id: ${n}, kind: const, values: [1] }`).join("\n");
  const expr = names.map((n) => n.replace("queue", "qeueu")).join("+");
  const text =
    `grid: { bins: 1, binSize: 1, binUnit: minutes }\nnodes:\n${consts}\n  - id: out\n    kind: expr\n    expr: "${expr}"\n`;
  const details = assertThrowsCode(() => parseModel(text), "expr_invalid").details as Array<
    { message: string }
  >;
  assert.equal(details.length, 3000);
  assert.match(details[0].message, /unknown reference 'qeueu_0' .*did you mean 'queue_0'/);
  assert.equal(details.filter((d) => /did you mean/.test(d.message)).length, 20);
});

Deno.test("the yielding evaluator gives the event loop turns and computes the same values", async () => {
  const parsed = parseModel(syntheticModel(400, 8640));
  let turns = 0;
  let ticking = true;
  const tick = async () => {
    while (ticking) {
      await new Promise((r) => setTimeout(r, 0));
      turns++;
    }
  };
  const ticker = tick();
  const yielding = await evaluateModelYielding(parsed.model, { exprs: parsed.exprs });
  ticking = false;
  await ticker;
  const plain = evaluateModel(parsed.model, { exprs: parsed.exprs });
  assert.deepEqual(yielding.order, plain.order);
  for (const [id, values] of plain.series) {
    assert.deepEqual(yielding.series.get(id), values, id);
  }
  assert.ok(turns > 0, "other work ran while the model was evaluated");
});
