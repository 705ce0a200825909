import assert from "node:assert/strict";
import { join } from "node:path";
import { parse } from "../../lib/base/yaml.ts";
import { loadModel, parseModel } from "../../lib/model/parse.ts";
import type { FlowTimeError, FlowTimeErrorCode } from "../../lib/base/errors.ts";
import { checkSchema } from "../../lib/schema/validator.ts";
import { assertThrowsCode, ROOT } from "../_helpers.ts";

/** The error a model text is refused with (model_invalid unless another code is given). */
function failure(text: string, code: FlowTimeErrorCode = "model_invalid"): FlowTimeError {
  return assertThrowsCode(() => parseModel(text, { file: "model.yaml" }), code);
}

const GRID = "grid: { bins: 3, binSize: 5, binUnit: minutes }\n";

Deno.test("example models parse and conform to schemas/model.schema.json", async () => {
  for (
    const rel of [
      "fixtures/models/queue-buffer.yaml",
      "fixtures/models/backlog-shift.yaml",
      "fixtures/models/order-system.yaml",
      "fixtures/reference/flowtime/order-system/api-model.yaml",
      "fixtures/reference/flowtime/order-system/model.yaml",
      "fixtures/reference/flowtime/microservices/model.yaml",
      "fixtures/reference/flowtime/http-service/model.yaml",
    ]
  ) {
    const path = join(ROOT, rel);
    await loadModel(path);
    const check = checkSchema("model", parse(await Deno.readTextFile(path)));
    assert.ok(check.valid, `${rel}: ${check.errors.join("; ")}`);
  }
});

Deno.test("legacy window grid is read as grid with start", () => {
  const m = parseModel(
    `window: { bins: 4, binSize: 15, binUnit: minutes, startTimeUtc: "2025-10-07T00:00:00Z" }
nodes:
  - { id: a, kind: const, values: [1, 2, 3, 4] }
`,
  ).model;
  assert.deepEqual(m.grid, {
    bins: 4,
    binSize: 15,
    binUnit: "minutes",
    start: "2025-10-07T00:00:00Z",
  });
});

Deno.test("legacy topology-only model: file: semantics become const nodes with a source", async () => {
  const parsed = await loadModel(join(ROOT, "fixtures/reference/flowtime/order-system/model.yaml"));
  const m = parsed.model;
  assert.equal(m.grid.bins, 288);
  assert.deepEqual(m.nodes.map((n) => n.id), [
    "OrderService_arrivals",
    "OrderService_served",
    "OrderService_errors",
    "PaymentService_arrivals",
    "PaymentService_served",
    "PaymentService_errors",
  ]);
  assert.deepEqual(m.nodes[0], {
    id: "OrderService_arrivals",
    kind: "const",
    source: "file:OrderService_arrivals.csv",
  });
  assert.deepEqual(m.topology!.nodes[0].semantics, {
    arrivals: "OrderService_arrivals",
    served: "OrderService_served",
    errors: "OrderService_errors",
    externalDemand: null,
    queueDepth: null,
  });
  // source/target edges become from/to with generated ids
  assert.deepEqual(m.topology!.edges, [{
    id: "e1",
    from: "OrderService",
    to: "PaymentService",
    weight: 0.85,
  }]);
});

Deno.test("malformed YAML names the file and line", () => {
  const err = failure(
    `${GRID}nodes:\n  - id: a\n    kind: const\n   values: [1, 2, 3]\n`,
    "yaml_syntax",
  );
  assert.match(err.message, /^model\.yaml:\d+: not valid YAML/);
});

Deno.test("unknown node kind names the field and lists the kinds", () => {
  const err = failure(`${GRID}nodes:\n  - id: a\n    kind: constant\n    values: [1, 2, 3]\n`);
  assert.equal(
    err.message,
    `model.yaml:4: nodes[0].kind: unknown node kind "constant" (use one of const, pmf, expr, serviceWithBuffer)`,
  );
});

Deno.test("const length different from bins is refused", () => {
  const err = failure(`${GRID}nodes:\n  - id: a\n    kind: const\n    values: [1, 2]\n`);
  assert.equal(
    err.message,
    "model.yaml:5: nodes[0].values: has 2 values but grid.bins is 3; give exactly one value per bin",
  );
});

Deno.test("bins out of range is refused", () => {
  assert.equal(
    failure("grid: { bins: 0, binSize: 5 }\nnodes: []\n").message,
    "model.yaml:1: grid.bins: 0 is out of range (1..10000)",
  );
  assert.match(
    failure("grid: { bins: 10001, binSize: 5 }\nnodes: []\n").message,
    /grid\.bins: 10001 is out of range/,
  );
  assert.match(
    failure("grid: { bins: 2.5, binSize: 5 }\nnodes: []\n").message,
    /grid\.bins: must be a whole number, got 2\.5/,
  );
  assert.match(
    failure("grid: { bins: 3, binSize: 5, binUnit: fortnights }\nnodes: []\n").message,
    /grid\.binUnit: must be one of minutes, hours, days, weeks/,
  );
});

Deno.test("unknown references name the node, the column and suggest a near match", () => {
  const err = failure(
    `${GRID}nodes:
  - { id: arrivals, kind: const, values: [1, 2, 3] }
  - id: served
    kind: expr
    expr: "MIN(arrivls, 5)"
`,
    "expr_invalid",
  );
  assert.equal(
    err.message,
    "model.yaml:6: nodes[1].expr: unknown reference 'arrivls' at column 5 (did you mean 'arrivals'?)",
  );
});

Deno.test("unknown references in queues, semantics, edges and outputs are refused", () => {
  assert.match(
    failure(`${GRID}nodes:\n  - { id: q, kind: serviceWithBuffer, inflow: nope, outflow: q2 }\n`)
      .message,
    /nodes\[0\]\.inflow: unknown reference 'nope'/,
  );
  assert.match(
    failure(
      `${GRID}nodes:\n  - { id: a, kind: const, values: [1, 2, 3] }\ntopology:\n  nodes:\n    - { id: S, semantics: { arrivals: b } }\n`,
    ).message,
    /^model\.yaml:6: topology\.nodes\[0\]\.semantics\.arrivals: unknown reference 'b'/,
  );
  assert.match(
    failure(
      `${GRID}nodes:\n  - { id: a, kind: const, values: [1, 2, 3] }\ntopology:\n  nodes:\n    - { id: S, semantics: { arrivals: a } }\n  edges:\n    - { from: "S:out", to: "T:in" }\n`,
    ).message,
    /topology\.edges\[0\]\.to: edge endpoint 'T:in' names no topology node/,
  );
  // An output naming no node is skipped, as FlowTime's engine does: a warning.
  const outputs = parseModel(
    `${GRID}nodes:\n  - { id: a, kind: const, values: [1, 2, 3] }\noutputs:\n  - { series: b }\n`,
  );
  assert.deepEqual(outputs.warnings.map((w) => [w.code, w.path, w.line]), [
    ["unknown_output", "outputs[0].series", 5],
  ]);
  assert.match(
    outputs.warnings[0].message,
    /^unknown series 'b' \(did you mean 'a'\?\); no series/,
  );
});

Deno.test("a cycle is refused with the nodes on it", () => {
  const err = failure(
    `${GRID}nodes:
  - { id: a, kind: expr, expr: "b + 1" }
  - { id: b, kind: expr, expr: "c * 2" }
  - { id: c, kind: expr, expr: "SHIFT(a, 1)" }
`,
    "cycle",
  );
  assert.match(
    err.message,
    /^model\.yaml:\d+: nodes\[\d\]: cycle: (a -> c -> b -> a|b -> a -> c -> b|c -> b -> a -> c)/,
  );
  assert.deepEqual((err.details as { cycle: string[] }).cycle.length, 4);
});

Deno.test("a self-reference outside SHIFT is a cycle", () => {
  const err = failure(`${GRID}nodes:\n  - { id: q, kind: expr, expr: "q + 1" }\n`, "expr_invalid");
  assert.match(
    err.message,
    /nodes\[0\]\.expr: node 'q' refers to itself outside SHIFT\(q, k\) with k >= 1 .*cycle: q -> q/,
  );
  assert.match(
    failure(`${GRID}nodes:\n  - { id: q, kind: expr, expr: "SHIFT(q, 0)" }\n`, "expr_invalid")
      .message,
    /refers to itself/,
  );
});

Deno.test("bad pmf is refused", () => {
  assert.match(
    failure(
      `${GRID}nodes:\n  - { id: p, kind: pmf, pmf: { values: [1, 2], probabilities: [1] } }\n`,
    ).message,
    /nodes\[0\]\.pmf\.probabilities: has 1 entries but values has 2/,
  );
  assert.match(
    failure(
      `${GRID}nodes:\n  - { id: p, kind: pmf, pmf: { values: [1, 2], probabilities: [1.5, -0.5] } }\n`,
    ).message,
    /probabilities\[1\]: probability -0\.5 is negative/,
  );
  assert.match(
    failure(`${GRID}nodes:\n  - { id: p, kind: pmf, pmf: { values: [1], probabilities: [0] } }\n`)
      .message,
    /probabilities sum to 0/,
  );
  assert.match(
    failure(`${GRID}nodes:\n  - { id: p, kind: pmf, pmf: { values: [], probabilities: [] } }\n`)
      .message,
    /needs at least one value/,
  );
  assert.match(
    failure(`${GRID}nodes:\n  - { id: p, kind: pmf }\n`).message,
    /nodes\[0\]\.pmf: must be a mapping with values and probabilities/,
  );
});

Deno.test("unknown functions are named with the place, as in model.yaml:N: nodes[i].expr", () => {
  const err = failure(
    `${GRID}nodes:
  - { id: a, kind: const, values: [1, 2, 3] }
  - { id: b, kind: const, values: [1, 2, 3] }
  - { id: c, kind: const, values: [1, 2, 3] }
  - id: total
    kind: expr
    expr: "SUMM(a, b, c)"
`,
    "expr_invalid",
  );
  assert.equal(
    err.message.split(" (known")[0],
    "model.yaml:8: nodes[3].expr: unknown function 'SUMM'",
  );
});

Deno.test("wrong arity is refused with the signature", () => {
  const err = failure(
    `${GRID}nodes:\n  - { id: a, kind: const, values: [1, 2, 3] }\n  - { id: b, kind: expr, expr: "SHIFT(a)" }\n`,
    "expr_invalid",
  );
  assert.match(
    err.message,
    /^model\.yaml:4: nodes\[1\]\.expr: SHIFT takes 2 arguments, got 1: SHIFT\(x, k\)/,
  );
});

Deno.test("duplicate ids and bad ids are refused; unknown fields are read past with a warning", () => {
  assert.match(
    failure(
      `${GRID}nodes:\n  - { id: a, kind: const, values: [1, 2, 3] }\n  - { id: a, kind: const, values: [1, 2, 3] }\n`,
    ).message,
    /nodes\[1\]\.id: duplicate node id 'a'/,
  );
  assert.match(
    failure(`${GRID}nodes:\n  - { id: "a-b", kind: const, values: [1, 2, 3] }\n`).message,
    /'a-b' is not a valid node id/,
  );
  // A misspelt field is ignored (as FlowTime does) and named in a warning; what it should
  // have given is still missing.
  const misspelt = `${GRID}nodes:\n  - { id: a, kind: const, valuez: [1, 2, 3] }\n`;
  assert.match(failure(misspelt).message, /nodes\[0\]\.values: a const node needs 'values'/);
  const parsed = parseModel(
    `${GRID}nodes:\n  - { id: a, kind: const, values: [1, 2, 3] }\nnodez: []\n`,
  );
  assert.deepEqual(parsed.warnings.map((w) => [w.code, w.path, w.line]), [
    ["unknown_field", "nodez", 4],
  ]);
  assert.match(parsed.warnings[0].message, /^unknown field 'nodez' ignored \(known here: /);
});

Deno.test("several problems: the first is named and the rest counted", () => {
  const err = failure("grid: { bins: 0, binSize: 0 }\nnodes: []\n");
  assert.match(err.message, /\(and 1 more problem\)$/);
  assert.equal((err.details as unknown[]).length, 2);
});

Deno.test("a model that is not a mapping is refused", () => {
  assert.match(failure("- 1\n- 2\n").message, /must be a YAML mapping/);
  assert.match(failure("").message, /must be a YAML mapping/);
});

Deno.test("grid start: an offset is converted to UTC (as FlowTime reads it); other text is refused", () => {
  const model = (start: string) =>
    `grid: { bins: 1, binSize: 1, start: "${start}" }\nnodes: [{ id: a, kind: const, values: [1] }]\n`;
  assert.equal(
    parseModel(model("2025-10-07T00:00:00+02:00")).model.grid.start,
    "2025-10-06T22:00:00Z",
  );
  assert.equal(
    parseModel(model("2025-01-01T00:00:00.0000000Z")).model.grid.start,
    "2025-01-01T00:00:00.0000000Z",
  );
  assert.match(
    failure(model("2025-10-07 00:00")).message,
    /grid\.start: must be an ISO 8601 UTC timestamp/,
  );
  assert.match(
    failure(model("yesterday")).message,
    /grid\.start: must be an ISO 8601 UTC timestamp/,
  );
});

Deno.test("every problem at once: structure, expressions and references together, none invented", () => {
  const text = [
    "grid: { bins: 3, binSize: 5, binUnit: minutes }",
    "nodes:",
    "  - { id: a, kind: const, values: [1, 2] }", // 3: too few values (a is not read)
    "  - { id: b, kind: expr, expr: 'a + zz' }", // 4: zz is unknown; a is declared, so no problem
    "  - { id: c, kind: bogus }", // 5: unknown kind
    "  - { id: d, kind: expr, expr: 'b +' }", // 6: does not parse
    "  - { id: q, kind: serviceWithBuffer, inflow: nope, outflow: c }", // 7: nope is unknown
  ].join("\n") + "\n";
  const err = assertThrowsCode(() => parseModel(text, { file: "m.yaml" }), "model_invalid");
  const problems = err.details as Array<{ line: number; path: string; message: string }>;
  assert.deepEqual(problems.map((p) => [p.line, p.path]), [
    [3, "nodes[0].values"],
    [5, "nodes[2].kind"],
    [4, "nodes[1].expr"],
    [6, "nodes[3].expr"],
    [7, "nodes[4].inflow"],
  ]);
  assert.match(problems[2].message, /unknown reference 'zz'/);
  assert.match(err.message, /^m\.yaml:3: nodes\[0\]\.values: .*\(and 4 more problems\)$/);
  // with the structure right, the expression and reference problems still come together
  const structured = text.replace("[1, 2]", "[1, 2, 3]").replace("kind: bogus", "kind: const");
  const semantic = assertThrowsCode(
    () => parseModel(structured.replace("{ id: c, kind: const }", "{ id: c, values: [1, 1, 1] }")),
    "expr_invalid",
  );
  assert.deepEqual(
    (semantic.details as Array<{ path: string }>).map((p) => p.path),
    ["nodes[1].expr", "nodes[3].expr", "nodes[4].inflow"],
  );
});
