// Generate: provenance (modelId, inputHash), determinism, modes, injection safety, and which
// side (parameters or template) an invalid generated model is blamed on.
import assert from "node:assert/strict";
import { parse } from "../../lib/base/yaml.ts";
import { generateModel } from "../../lib/templates/generate.ts";
import { parseTemplate } from "../../lib/templates/parse.ts";
import { parseModel } from "../../lib/model/parse.ts";
import { sha256Hex } from "../../lib/base/hash.ts";
import { assertMatchesSchema, assertThrowsCode, FIXED_TIME } from "../_helpers.ts";
import { MINI } from "./_samples.ts";

const mini = parseTemplate(MINI, { file: "mini.yaml", expectedId: "mini" });

Deno.test("the generated model of the sample, byte for byte", () => {
  const g = generateModel(mini, { generatedAt: FIXED_TIME, parameters: {} });
  const expectedBody = `schemaVersion: 1
mode: simulation
metadata:
  id: mini
  title: Mini
  version: 1.2.3
grid:
  bins: 3
  binSize: 5
  binUnit: minutes
  start: "2025-10-07T00:00:00Z"
nodes:
  - id: arrivals
    kind: const
    values: [1, 20, 3]
  - id: served
    kind: expr
    expr: MIN(arrivals, 10)
  - id: backlog
    kind: expr
    expr: arrivals - served
topology:
  nodes:
    - id: Svc
      kind: service
      description: mini service
      semantics:
        arrivals: arrivals
        served: served
  edges: []
`;
  assert.equal(g.model.slice(0, expectedBody.length), expectedBody);
  assert.equal(g.provenance.modelId, sha256Hex(expectedBody));
  assert.equal(
    g.model.slice(expectedBody.length),
    `provenance:
  generator: flowtime-sim/0.1.0
  generatedAt: "2025-10-07T00:00:00Z"
  templateId: mini
  templateVersion: 1.2.3
  mode: simulation
  modelId: ${sha256Hex(expectedBody)}
  parameters:
    bins: 3
    start: "2025-10-07T00:00:00Z"
    rate: 10
    pattern: [1, 20, 3]
    label: mini service
    enabled: true
  inputHash: ${g.provenance.inputHash}
`,
  );
});

Deno.test("inputHash is the sha256 of canonical JSON {templateId, templateVersion, mode, parameters}", () => {
  const g = generateModel(mini, { generatedAt: FIXED_TIME, parameters: { rate: 5, bins: 3 } });
  const canonical =
    '{"mode":"simulation","parameters":{"bins":3,"enabled":true,"label":"mini service","pattern":[1,20,3],"rate":5,"start":"2025-10-07T00:00:00Z"},"templateId":"mini","templateVersion":"1.2.3"}';
  assert.equal(g.provenance.inputHash, `sha256:${sha256Hex(canonical)}`);
});

Deno.test("provenance is the model's last root key and matches the provenance schema", () => {
  const g = generateModel(mini, { generatedAt: FIXED_TIME, parameters: {} });
  const doc = parse(g.model) as Record<string, unknown>;
  assert.equal(Object.keys(doc).at(-1), "provenance");
  assert.deepEqual(doc.provenance, g.provenance);
  assertMatchesSchema("provenance", g.provenance, "provenance");
  assert.deepEqual(g.metadata, {
    templateId: "mini",
    templateTitle: "Mini",
    templateVersion: "1.2.3",
    mode: "simulation",
    modelHash: `sha256:${sha256Hex(g.model)}`,
    hasTelemetrySources: false,
  });
});

Deno.test("the same template, parameters and generation time give the same bytes", () => {
  const a = generateModel(mini, { generatedAt: FIXED_TIME, parameters: { rate: 7 } });
  const b = generateModel(mini, { generatedAt: FIXED_TIME, parameters: { rate: 7 } });
  assert.equal(a.model, b.model);
});

Deno.test("another generation time changes only generatedAt (modelId and inputHash stay)", () => {
  const a = generateModel(mini, { generatedAt: FIXED_TIME, parameters: {} });
  const b = generateModel(mini, { generatedAt: "2026-01-01T00:00:00Z", parameters: {} });
  assert.equal(a.provenance.modelId, b.provenance.modelId);
  assert.equal(a.provenance.inputHash, b.provenance.inputHash);
  assert.equal(
    a.model.replace(`generatedAt: "${FIXED_TIME}"`, 'generatedAt: "2026-01-01T00:00:00Z"'),
    b.model,
  );
});

Deno.test("without a fixed time, generatedAt is the clock's time in whole seconds", () => {
  const before = Date.now();
  const at = Date.parse(generateModel(mini, { parameters: {} }).provenance.generatedAt as string);
  assert.ok(at >= Math.floor(before / 1000) * 1000 && at <= Date.now(), String(at));
});

Deno.test("a string parameter holding a newline and YAML cannot change the model's structure", () => {
  const injected = "x\nnodes: []";
  const g = generateModel(mini, { generatedAt: FIXED_TIME, parameters: { label: injected } });
  const parsed = parseModel(g.model);
  assert.deepEqual(parsed.model.nodes.map((n) => n.id), ["arrivals", "served", "backlog"]);
  const doc = parse(g.model) as { topology: { nodes: Array<{ description: string }> } };
  assert.equal(doc.topology.nodes[0].description, injected);
  assert.equal(g.provenance.parameters.label, injected);
});

Deno.test("text interpolated into a longer string cannot change the structure either", () => {
  const g = generateModel(mini, {
    mode: "telemetry",
    generatedAt: FIXED_TIME,
    parameters: { dir: "d\nnodes: []\n#" },
  });
  const parsed = parseModel(g.model);
  assert.equal(parsed.model.nodes.length, 3);
  assert.deepEqual(parsed.model.nodes[0], {
    id: "arrivals",
    kind: "const",
    source: "d\nnodes: []\n#/Svc_arrivals.csv",
  });
});

Deno.test("simulation mode drops source fields", () => {
  const g = generateModel(mini, { generatedAt: FIXED_TIME, parameters: { dir: "capture" } });
  assert.doesNotMatch(g.model, /source:/);
  assert.equal(parseModel(g.model).model.mode, "simulation");
});

Deno.test("telemetry mode turns every node with a source into {id, kind: const, source}", () => {
  const g = generateModel(mini, {
    mode: "telemetry",
    generatedAt: FIXED_TIME,
    parameters: { dir: "capture" },
  });
  const model = parseModel(g.model).model;
  assert.equal(model.mode, "telemetry");
  assert.deepEqual(model.nodes, [
    { id: "arrivals", kind: "const", source: "capture/Svc_arrivals.csv" },
    { id: "served", kind: "const", source: "capture/Svc_served.csv" },
    { id: "backlog", kind: "expr", expr: "arrivals - served" },
  ]);
  assert.equal(g.metadata.hasTelemetrySources, true);
  assert.equal(g.provenance.mode, "telemetry");
});

Deno.test("telemetry mode without telemetryDir names the missing parameter", () => {
  const err = assertThrowsCode(
    () => generateModel(mini, { mode: "telemetry", parameters: {} }),
    "invalid_parameters",
  );
  assert.deepEqual(err.details, [{
    parameter: "dir",
    message:
      "has no value: nodes[0].source uses it in telemetry mode, it was not given and it has no default",
  }]);
});

Deno.test("an unknown mode is refused", () => {
  const err = assertThrowsCode(
    () => generateModel(mini, { mode: "replay", parameters: {} }),
    "invalid_mode",
  );
  assert.equal(err.message, "mode must be simulation or telemetry, got 'replay'");
});

Deno.test("parameters that are not a mapping are refused", () => {
  assertThrowsCode(() => generateModel(mini, { parameters: [1, 2] }), "invalid_body");
  assertThrowsCode(() => generateModel(mini, { parameters: "bins=3" }), "invalid_body");
});

Deno.test("every invalid parameter is listed in details", () => {
  const err = assertThrowsCode(
    () =>
      generateModel(mini, {
        parameters: { bins: "three", rate: 101, pattern: [1, -1, 3], colour: "red" },
      }),
    "invalid_parameters",
  );
  assert.deepEqual(err.details, [
    {
      parameter: "colour",
      message:
        "is not a parameter of this template (parameters: bins, start, rate, pattern, label, dir, enabled)",
    },
    { parameter: "bins", message: 'must be a whole number, got "three"' },
    { parameter: "rate", message: "101 is above the maximum 100 (allowed: 0..100)" },
    { parameter: "pattern", message: "element [1] = -1 is below the minimum 0 (allowed: 0..50)" },
  ]);
  assert.match(err.message, /^template mini: parameter 'colour' is not a parameter/);
});

Deno.test("an array whose length differs from bins names the array parameter", () => {
  const err = assertThrowsCode(
    () => generateModel(mini, { parameters: { bins: 4 } }),
    "invalid_parameters",
  );
  assert.deepEqual(err.details, [{
    parameter: "pattern",
    message:
      "has 3 values but grid.bins is 4 (parameter 'bins'); const node 'arrivals' needs exactly one value per bin",
  }]);
});

Deno.test("a start that is not a UTC timestamp is blamed on the start parameter", () => {
  const err = assertThrowsCode(
    () => generateModel(mini, { parameters: { start: "yesterday" } }),
    "invalid_parameters",
  );
  const details = err.details as Array<{ parameter: string; message: string }>;
  assert.equal(details.length, 1);
  assert.equal(details[0].parameter, "start");
  assert.match(
    details[0].message,
    /^gives grid\.start a value the model refuses: must be an ISO 8601 UTC timestamp/,
  );
});

Deno.test("a problem in the template itself is a template_invalid error at the template's line", () => {
  const broken = parseTemplate(MINI.replace('expr: "arrivals - served"', 'expr: "backlog + 1"'), {
    file: "mini.yaml",
  });
  const err = assertThrowsCode(() => generateModel(broken, { parameters: {} }), "template_invalid");
  assert.equal(err.file, "mini.yaml");
  assert.equal(err.line, 53);
  assert.equal(err.path, "nodes[2].expr");
  assert.match(
    err.message,
    /^mini\.yaml:53: nodes\[2\]\.expr: the model this template generates is not valid: .*refers to itself/,
  );
});

Deno.test("a reference cycle in the template is template_invalid naming the cycle once", () => {
  const cyclic = parseTemplate(
    MINI.replace('expr: "arrivals - served"', 'expr: "served2 + 1"')
      .replace("topology:", '  - id: served2\n    kind: expr\n    expr: "backlog * 2"\ntopology:'),
    { file: "mini.yaml" },
  );
  const err = assertThrowsCode(() => generateModel(cyclic, { parameters: {} }), "template_invalid");
  assert.equal(err.line, 54);
  assert.equal(err.path, "nodes[3]");
  assert.equal(
    err.message,
    "mini.yaml:54: nodes[3]: the model this template generates is not valid: cycle: served2 -> backlog -> served2; break it with SHIFT(x, 1) on a self-reference or remove one reference",
  );
});
