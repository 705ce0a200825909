// Template parsing: the bundled templates load and match the published schema; every kind of
// authoring mistake is refused with the file, the line and the field.
import assert from "node:assert/strict";
import { join } from "node:path";
import { parseYamlLocated } from "../../lib/base/located_yaml.ts";
import { loadTemplateFile, parseTemplate } from "../../lib/templates/parse.ts";
import type { FlowTimeError } from "../../lib/base/errors.ts";
import { checkSchema } from "../../lib/schema/validator.ts";
import { assertMatchesSchema, assertThrowsCode, ROOT } from "../_helpers.ts";
import { BASE, baseWith, MINI } from "./_samples.ts";

const BUNDLED = ["order-system", "microservices", "http-service"];

/** The template_invalid error a template text (file t.yaml) is refused with. */
function refused(text: string, expectedId?: string): FlowTimeError {
  return assertThrowsCode(
    () => parseTemplate(text, { file: "t.yaml", expectedId }),
    "template_invalid",
  );
}

for (const id of BUNDLED) {
  Deno.test(`bundled template ${id} loads and matches schemas/template.schema.json`, async () => {
    const path = join(ROOT, "templates", `${id}.yaml`);
    const template = await loadTemplateFile(path, { expectedId: id });
    assert.equal(template.document.metadata.id, id);
    assert.equal(template.document.metadata.version, "1.0.0");
    assertMatchesSchema(
      "template",
      parseYamlLocated(await Deno.readTextFile(path), path).value,
      path,
    );
  });
}

Deno.test("the shortest valid template loads", () => {
  const t = parseTemplate(BASE, { file: "t.yaml", expectedId: "t" });
  assert.deepEqual(t.document.parameters, [{ name: "n", type: "integer", default: 2 }]);
  assert.equal(t.lineOf(["nodes", 1, "expr"]), 19);
});

Deno.test("FlowTime-Sim spellings minimum/maximum and arrayOf double are normalised", () => {
  const t = parseTemplate(
    baseWith(
      9,
      "    default: 2\n  - name: p\n    type: array\n    arrayOf: double\n    minimum: 0\n    maximum: 9",
    ),
  );
  assert.deepEqual(t.document.parameters?.[1], {
    name: "p",
    type: "array",
    arrayOf: "number",
    min: 0,
    max: 9,
  });
});

Deno.test("YAML syntax errors name the file and line", () => {
  const err = refused(baseWith(16, "    values: [1, 2"));
  assert.match(err.message, /^t\.yaml:\d+: not valid YAML/);
});

Deno.test("duplicate node ids are refused at the second declaration", () => {
  const err = refused(baseWith(17, "  - id: a"));
  assert.equal(err.line, 17);
  assert.equal(err.path, "nodes[1].id");
  assert.match(err.message, /^t\.yaml:17: nodes\[1\]\.id: duplicate node id 'a'/);
});

Deno.test("an expression naming an unknown node is refused", () => {
  const err = refused(baseWith(19, '    expr: "c * 2"'));
  assert.equal(err.line, 19);
  assert.match(err.message, /unknown reference 'c'/);
});

Deno.test("topology semantics naming an unknown node are refused", () => {
  const err = refused(baseWith(23, "      semantics: { arrivals: a, served: z }"));
  assert.equal(err.line, 23);
  assert.equal(err.path, "topology.nodes[0].semantics.served");
  assert.match(err.message, /unknown node 'z'/);
});

Deno.test("a queue whose inflow names an unknown node is refused", () => {
  const err = refused(
    baseWith(
      19,
      '    expr: "a * 2"\n  - id: q\n    kind: serviceWithBuffer\n    inflow: a\n    outflow: missing',
    ),
  );
  assert.equal(err.line, 23);
  assert.equal(err.path, "nodes[2].outflow");
});

Deno.test("an edge to an unknown topology node is refused", () => {
  const err = refused(baseWith(24, "  edges: [{ from: A, to: 'B:in' }]"));
  assert.equal(err.line, 24);
  assert.equal(err.path, "topology.edges[0].to");
  assert.match(err.message, /edge endpoint 'B:in' names no topology node/);
});

Deno.test("outputs naming an unknown series are refused", () => {
  const err = refused(BASE + "outputs:\n  - series: q\n");
  assert.equal(err.line, 26);
  assert.equal(err.path, "outputs[0].series");
});

Deno.test("a version that is not semver is refused", () => {
  const err = refused(baseWith(5, "  version: '1.0'"));
  assert.equal(err.line, 5);
  assert.match(err.message, /must be a semantic version like 1\.0\.0, got "1\.0"/);
});

Deno.test("a window start that is not UTC is refused", () => {
  const err = refused(BASE + "window:\n  start: '2025-10-07T00:00:00+02:00'\n");
  assert.equal(err.line, 26);
  assert.equal(err.path, "window.start");
  assert.match(err.message, /ISO 8601 UTC timestamp ending in Z/);
});

Deno.test("metadata.id must equal the file name", () => {
  const err = refused(BASE, "other");
  assert.equal(err.line, 3);
  assert.match(err.message, /metadata\.id 't' differs from the file name 'other\.yaml'/);
});

Deno.test("a placeholder naming an undeclared parameter is refused", () => {
  const err = refused(baseWith(11, "  bins: ${m}"));
  assert.equal(err.line, 11);
  assert.match(err.message, /placeholder \$\{m\} names no declared parameter \(declared: n\)/);
});

Deno.test("a malformed placeholder is refused", () => {
  const err = refused(baseWith(19, '    expr: "a * ${ n }"'));
  assert.equal(err.line, 19);
  assert.match(err.message, /malformed placeholder '\$\{ n \}'/);
});

Deno.test("a default outside the declared range is refused", () => {
  const err = refused(baseWith(9, "    default: 0\n    min: 1"));
  assert.equal(err.line, 9);
  assert.match(err.message, /default of 'n' 0 is below the minimum 1/);
});

Deno.test("a default of the wrong type is refused", () => {
  const err = refused(baseWith(9, "    default: 2.5"));
  assert.match(err.message, /default of 'n' must be a whole number, got 2\.5/);
});

Deno.test("a required parameter cannot also have a default", () => {
  const err = refused(baseWith(9, "    default: 2\n    required: true"));
  assert.equal(err.line, 9);
  assert.match(err.message, /is required, so it cannot have a default/);
});

Deno.test("duplicate parameter names are refused", () => {
  const err = refused(baseWith(9, "    default: 2\n  - name: n\n    type: number"));
  assert.equal(err.line, 10);
  assert.match(err.message, /duplicate parameter name 'n'/);
});

Deno.test("slaMin on a service (not a queue) is refused", () => {
  const err = refused(baseWith(23, "      semantics: { arrivals: a, served: b, slaMin: 5 }"));
  assert.equal(err.path, "topology.nodes[0].semantics.slaMin");
  assert.match(err.message, /slaMin applies to queues only/);
});

Deno.test("node ids cannot be placeholders", () => {
  const err = refused(baseWith(14, "  - id: ${n}"));
  assert.equal(err.path, "nodes[0].id");
});

Deno.test("unknown root fields are refused", () => {
  const err = refused(BASE + "extras: 1\n");
  assert.equal(err.line, 25);
  assert.match(err.message, /unknown field 'extras'/);
});

Deno.test("every problem is listed in details, the first in the message", () => {
  const err = refused(baseWith(5, "  version: x").replace('expr: "a * 2"', 'expr: "c"'));
  const details = err.details as Array<{ path: string; line: number }>;
  assert.deepEqual(details.map((d) => [d.path, d.line]), [
    ["metadata.version", 5],
    ["nodes[1].expr", 19],
  ]);
  assert.match(err.message, /\(and 1 more problem\)$/);
});

Deno.test("the sample with every parameter type loads", () => {
  const t = parseTemplate(MINI, { file: "mini.yaml", expectedId: "mini" });
  assert.deepEqual(t.document.parameters?.map((p) => p.type), [
    "integer",
    "string",
    "number",
    "array",
    "string",
    "string",
    "boolean",
  ]);
});

Deno.test("the published schema accepts the samples and refuses what the loader refuses", () => {
  const value = (text: string) => parseYamlLocated(text, "t.yaml").value;
  assert.equal(checkSchema("template", value(BASE)).valid, true);
  assert.equal(checkSchema("template", value(MINI)).valid, true);
  const broken: Record<string, string> = {
    "unknown root key": BASE + "extras: 1\n",
    "version not semver": baseWith(5, "  version: '1.0'"),
    "unknown parameter type": baseWith(8, "    type: date"),
    "default of the wrong type": baseWith(9, "    default: two"),
    "min and minimum together": baseWith(9, "    default: 2\n    min: 0\n    minimum: 0"),
    "unknown node kind": baseWith(15, "    kind: lookup"),
    "bins that is neither a whole number nor a placeholder": baseWith(11, "  bins: many"),
    "window start not UTC": BASE + "window:\n  start: '2025-10-07T00:00:00+02:00'\n",
  };
  for (const [what, text] of Object.entries(broken)) {
    assert.equal(checkSchema("template", value(text)).valid, false, `schema accepts: ${what}`);
    assertThrowsCode(
      () => parseTemplate(text),
      "template_invalid",
      undefined,
      `loader accepts: ${what}`,
    );
  }
});
