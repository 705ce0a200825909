import assert from "node:assert/strict";
import { parseModel } from "../../lib/model/parse.ts";
import { evaluateModel } from "../../lib/engine/evaluate.ts";

/** Evaluate a model given as YAML lines and return its series as plain arrays. */
function run(nodesYaml: string, bins = 6, extra = ""): Record<string, number[]> {
  const text =
    `grid: { bins: ${bins}, binSize: 5, binUnit: minutes }\nnodes:\n${nodesYaml}\n${extra}`;
  const parsed = parseModel(text);
  const ev = evaluateModel(parsed.model, { exprs: parsed.exprs });
  return Object.fromEntries([...ev.series].map(([k, v]) => [k, Array.from(v)]));
}

function expr(
  expression: string,
  bins = 6,
  inputs = "  - { id: x, kind: const, values: [1, -2.5, 3, 0, 4.5, -6] }",
): number[] {
  return run(`${inputs}\n  - id: out\n    kind: expr\n    expr: "${expression}"`, bins).out;
}

Deno.test("const copies its values", () => {
  assert.deepEqual(run("  - { id: a, kind: const, values: [1, 2, 3, 4, 5, 6] }").a, [
    1,
    2,
    3,
    4,
    5,
    6,
  ]);
});

Deno.test("pmf is the expected value in every bin", () => {
  // 10*0.2 + 20*0.5 + 40*0.3 = 2 + 10 + 12 = 24
  const s = run(
    "  - { id: p, kind: pmf, pmf: { values: [10, 20, 40], probabilities: [0.2, 0.5, 0.3] } }",
  );
  assert.deepEqual(s.p, [24, 24, 24, 24, 24, 24]);
});

Deno.test("pmf probabilities not summing to 1 are normalised with a warning", () => {
  const parsed = parseModel(
    "grid: { bins: 2, binSize: 1 }\nnodes:\n  - { id: p, kind: pmf, pmf: { values: [10, 30], probabilities: [1, 3] } }\n",
  );
  const ev = evaluateModel(parsed.model);
  // (10*1 + 30*3) / 4 = 25
  assert.deepEqual(Array.from(ev.series.get("p")!), [25, 25]);
  assert.equal(ev.warnings.length, 1);
  assert.equal(ev.warnings[0].code, "pmf_normalized");
  assert.equal(ev.warnings[0].nodeId, "p");
});

Deno.test("arithmetic, unary minus and division by zero (0)", () => {
  assert.deepEqual(expr("x * 2 + 1"), [3, -4, 7, 1, 10, -11]);
  assert.deepEqual(expr("-x"), [-1, 2.5, -3, -0, -4.5, 6]);
  assert.deepEqual(expr("10 / x"), [10, -4, 10 / 3, 0, 10 / 4.5, 10 / -6]);
  assert.deepEqual(expr("(x - 1) / 0"), [0, 0, 0, 0, 0, 0]);
});

Deno.test("SHIFT delays by k bins with zeros before", () => {
  assert.deepEqual(expr("SHIFT(x, 2)"), [0, 0, 1, -2.5, 3, 0]);
  assert.deepEqual(expr("SHIFT(x, 0)"), [1, -2.5, 3, 0, 4.5, -6]);
  assert.deepEqual(expr("SHIFT(x, 9)"), [0, 0, 0, 0, 0, 0]);
});

Deno.test("MIN and MAX take two or more arguments", () => {
  assert.deepEqual(expr("MIN(x, 0)"), [0, -2.5, 0, 0, 0, -6]);
  assert.deepEqual(expr("MAX(x, 0, 2)"), [2, 2, 3, 2, 4.5, 2]);
});

Deno.test("CLAMP, ABS, FLOOR, CEIL", () => {
  assert.deepEqual(expr("CLAMP(x, -1, 3.5)"), [1, -1, 3, 0, 3.5, -1]);
  assert.deepEqual(expr("ABS(x)"), [1, 2.5, 3, 0, 4.5, 6]);
  assert.deepEqual(expr("FLOOR(x)"), [1, -3, 3, 0, 4, -6]);
  assert.deepEqual(expr("CEIL(x)"), [1, -2, 3, 0, 5, -6]);
});

Deno.test("ROUND rounds half away from zero", () => {
  assert.deepEqual(expr("ROUND(x)"), [1, -3, 3, 0, 5, -6]);
  assert.deepEqual(expr("ROUND(x / 2)"), [1, -1, 2, 0, 2, -3]);
});

Deno.test("MOD is floored with the sign of the divisor, 0 for divisor 0", () => {
  assert.deepEqual(expr("MOD(x, 2)"), [1, 1.5, 1, 0, 0.5, 0]);
  assert.deepEqual(expr("MOD(x, -4)"), [-3, -2.5, -1, 0, -3.5, -2]);
  assert.deepEqual(expr("MOD(x, 0)"), [0, 0, 0, 0, 0, 0]);
});

Deno.test("STEP is 1 at or above the threshold", () => {
  assert.deepEqual(expr("STEP(x, 3)"), [0, 0, 1, 0, 1, 0]);
});

Deno.test("PULSE fires every period from the phase with the amplitude", () => {
  assert.deepEqual(expr("PULSE(2)"), [1, 0, 1, 0, 1, 0]);
  assert.deepEqual(expr("PULSE(3, 1)"), [0, 1, 0, 0, 1, 0]);
  assert.deepEqual(expr("PULSE(2, 1, 7.5)"), [0, 7.5, 0, 7.5, 0, 7.5]);
  assert.deepEqual(expr("PULSE(0)"), [0, 0, 0, 0, 0, 0]);
});

Deno.test("CONV sums past values weighted by the kernel", () => {
  // out[t] = x[t]*1 + x[t-1]*0.5 + x[t-2]*0.25
  assert.deepEqual(expr("CONV(x, [1, 0.5, 0.25])"), [1, -2, 2, 0.875, 5.25, -3.75]);
});

Deno.test("expressions may reference nodes declared after them", () => {
  const s = run(
    "  - { id: b, kind: expr, expr: 'a * 10' }\n  - { id: a, kind: const, values: [1, 2, 3] }",
    3,
  );
  assert.deepEqual(s.b, [10, 20, 30]);
});

Deno.test("serviceWithBuffer: Q[t] = max(0, Q[t-1] + in - out - loss) from the initial condition", () => {
  const nodes = `  - { id: inflow, kind: const, values: [5, 5, 0, 10, 0, 2] }
  - { id: outflow, kind: const, values: [2, 3, 4, 4, 20, 1] }
  - { id: loss, kind: const, values: [0, 1, 0, 0, 0, 0] }
  - { id: q, kind: serviceWithBuffer, inflow: inflow, outflow: outflow, loss: loss }`;
  const topo =
    "topology:\n  nodes:\n    - id: Q\n      kind: queue\n      semantics: { arrivals: inflow, served: outflow, queueDepth: q }\n      initialCondition: { queueDepth: 4 }\n";
  // 4+5-2-0=7, 7+5-3-1=8, 8+0-4=4, 4+10-4=10, max(0,10+0-20)=0, 0+2-1=1
  assert.deepEqual(run(nodes, 6, topo).q, [7, 8, 4, 10, 0, 1]);
  // without an initial condition the queue starts empty: 3, 4, 0, 6, 0, 1
  assert.deepEqual(run(nodes, 6).q, [3, 4, 0, 6, 0, 1]);
});

Deno.test("serviceWithBuffer counts non-finite inputs as 0", () => {
  const parsed = parseModel(`mode: telemetry
grid: { bins: 3, binSize: 1 }
nodes:
  - { id: i, kind: const, source: "file:i.csv" }
  - { id: o, kind: const, values: [1, 1, 1] }
  - { id: q, kind: serviceWithBuffer, inflow: i, outflow: o }
`);
  const sources = new Map([["i", new Float64Array([3, NaN, 2])]]);
  const ev = evaluateModel(parsed.model, { sources, exprs: parsed.exprs });
  assert.deepEqual(Array.from(ev.series.get("q")!), [2, 1, 2]);
});

Deno.test("self-SHIFT backlog is evaluated bin by bin from its initial condition", () => {
  const nodes = `  - { id: arrivals, kind: const, values: [5, 8, 12, 9, 4, 3] }
  - { id: capacity, kind: const, values: [6, 6, 6, 6, 6, 6] }
  - { id: served, kind: expr, expr: "MIN(capacity, arrivals + SHIFT(backlog, 1))" }
  - { id: backlog, kind: expr, expr: "MAX(0, SHIFT(backlog, 1) + arrivals - capacity)" }`;
  const topo =
    "topology:\n  nodes:\n    - id: Desk\n      kind: queue\n      semantics: { arrivals: arrivals, served: served, queueDepth: backlog }\n      initialCondition: { queueDepth: 2 }\n";
  const s = run(nodes, 6, topo);
  // backlog: 2+5-6=1, 1+8-6=3, 3+12-6=9, 9+9-6=12, 12+4-6=10, 10+3-6=7
  assert.deepEqual(s.backlog, [1, 3, 9, 12, 10, 7]);
  // served reads the backlog before bin 0 as the initial condition 2: min(6, 5+2)=6, ...
  assert.deepEqual(s.served, [6, 6, 6, 6, 6, 6]);
  // without an initial condition the backlog starts at 0
  assert.deepEqual(run(nodes, 6).backlog, [0, 2, 8, 11, 9, 6]);
});

Deno.test("self-SHIFT with k = 2 reads two bins back", () => {
  const s = run(
    "  - { id: a, kind: const, values: [1, 1, 1, 1, 1] }\n  - { id: c, kind: expr, expr: 'SHIFT(c, 2) + a' }",
    5,
  );
  assert.deepEqual(s.c, [1, 1, 2, 2, 3]);
});
