// Property tests of template parsing and generation: any template text is a template or a
// FlowTimeError naming the file (and line); generating a model and parsing it back keeps the
// template's structure and the parameter values.
import assert from "node:assert/strict";
import { fc } from "../_dev_deps.ts";
import { parse as parseYaml, stringify } from "../../lib/base/yaml.ts";
import { parseTemplate } from "../../lib/templates/parse.ts";
import { generateModel } from "../../lib/templates/generate.ts";
import { parseModel } from "../../lib/model/parse.ts";
import type { Template, TemplateParameter } from "../../lib/templates/types.ts";
import { MINI } from "../templates/_samples.ts";
import { assertOwnError, fuzzRuns, mutatedText, recordCases } from "./_fuzz.ts";

const ROOT = new URL("../../", import.meta.url);
const BUNDLED = ["order-system", "http-service", "microservices"];
const TEXTS: string[] = [
  MINI,
  ...await Promise.all(
    BUNDLED.map((id) => Deno.readTextFile(new URL(`templates/${id}.yaml`, ROOT))),
  ),
];
const FIXED = "2025-10-07T00:00:00Z";

Deno.test("property: any template text is a template or a FlowTimeError naming the file", () => {
  const runs = fuzzRuns();
  fc.assert(
    fc.property(
      fc.oneof(
        { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
        { weight: 4, arbitrary: fc.constantFrom(...TEXTS).chain((t) => mutatedText(t)) },
      ),
      (text) => {
        try {
          const template = parseTemplate(text, { file: "fuzz.yaml" });
          assert.equal(typeof template.document.metadata.id, "string");
          assert.ok(Array.isArray(template.document.nodes));
        } catch (err) {
          assertOwnError(err, /^fuzz\.yaml(:\d+)?: /);
          assert.equal((err as { code: string }).code, "template_invalid");
        }
      },
    ),
    { numRuns: runs },
  );
  recordCases("template parsing (text and mutations)", runs);
});

Deno.test("property: any template-like structure is a template or a FlowTimeError naming the file", () => {
  const runs = fuzzRuns();
  const scalar = fc.oneof(
    fc.integer({ min: -3, max: 20 }),
    fc.double(),
    fc.string({ maxLength: 8 }),
    fc.constantFrom("${bins}", "${rate}", "${nope}", "${", "$${x}", "${1a}", null, true),
  );
  const parameter = fc.record({
    name: fc.oneof(fc.constantFrom("bins", "rate", "pattern", "flag"), fc.string({ maxLength: 4 })),
    type: fc.oneof(
      fc.constantFrom("integer", "number", "boolean", "string", "array"),
      fc.string({ maxLength: 5 }),
    ),
    default: fc.oneof(scalar, fc.array(scalar, { maxLength: 4 })),
    min: scalar,
    max: scalar,
    required: fc.oneof(fc.boolean(), scalar),
    arrayOf: fc.constantFrom("integer", "number", "int", "double", "string"),
  }, { requiredKeys: ["name", "type"] });
  const node = fc.record({
    id: fc.oneof(fc.constantFrom("a", "b", "c"), fc.string({ maxLength: 4 })),
    kind: fc.oneof(fc.constantFrom("const", "pmf", "expr", "serviceWithBuffer"), scalar),
    values: fc.oneof(fc.array(scalar, { maxLength: 4 }), scalar),
    expr: fc.constantFrom("a + ${rate}", "MIN(a, b)", "SHIFT(c, 1) + a", "${", "c / 0"),
    source: fc.constantFrom("${dir}/A_arrivals.csv", "../x.csv", "/etc/passwd", ""),
    pmf: fc.record({ values: fc.array(scalar), probabilities: fc.array(scalar) }),
    inflow: fc.constantFrom("a", "b", "zz"),
    outflow: fc.constantFrom("a", "b"),
  }, { requiredKeys: ["id", "kind"] });
  const template = fc.record({
    schemaVersion: fc.oneof(fc.constant(1), scalar),
    generator: fc.constantFrom("flowtime-sim", "other"),
    mode: fc.constantFrom("simulation", "telemetry", "live"),
    metadata: fc.record({
      id: fc.oneof(fc.constant("t1"), fc.string({ maxLength: 6 })),
      title: fc.oneof(fc.constant("T"), scalar),
      version: fc.constantFrom("1.0.0", "1.0", "x", "${v}"),
      tags: fc.array(scalar, { maxLength: 2 }),
    }, { requiredKeys: [] }),
    window: fc.record({ start: fc.oneof(fc.constant(FIXED), scalar), timezone: scalar }, {
      requiredKeys: [],
    }),
    parameters: fc.oneof(fc.array(parameter, { maxLength: 4 }), scalar),
    grid: fc.record({
      bins: fc.oneof(fc.integer({ min: 1, max: 4 }), scalar),
      binSize: fc.oneof(fc.constant(5), scalar),
      binUnit: fc.constantFrom("minutes", "hours", "seconds", "${unit}"),
    }, { requiredKeys: [] }),
    nodes: fc.oneof(fc.array(node, { maxLength: 4 }), scalar),
    rng: fc.record({ kind: fc.constantFrom("pcg32", "mt"), seed: scalar }, { requiredKeys: [] }),
  }, { requiredKeys: [] });
  fc.assert(
    fc.property(template, (t) => {
      try {
        parseTemplate(stringify(t), { file: "fuzz.yaml" });
      } catch (err) {
        assertOwnError(err, /^fuzz\.yaml(:\d+)?: /);
      }
    }),
    { numRuns: runs },
  );
  recordCases("template parsing (structures)", runs);
});

// Values inside a declaration's range, of its type; arrays of one to six elements.
function valueFor(decl: TemplateParameter): fc.Arbitrary<unknown> {
  const min = decl.min ?? -1e6;
  const max = decl.max ?? 1e6;
  switch (decl.type) {
    case "integer":
      return fc.integer({ min: Math.ceil(min), max: Math.floor(Math.min(max, 400)) });
    case "number":
      return fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
    case "boolean":
      return fc.boolean();
    case "string":
      return decl.name === "start"
        ? fc.date({ min: new Date("2000-01-01"), max: new Date("2099-12-31") })
          .map((d) => `${d.toISOString().slice(0, 19)}Z`)
        : fc.string({ maxLength: 12 });
    case "array":
      return fc.array(
        decl.arrayOf === "integer"
          ? fc.integer({ min: Math.ceil(min), max: Math.floor(max) })
          : fc.double({ min, max, noNaN: true, noDefaultInfinity: true }),
        { minLength: 1, maxLength: 6 },
      );
  }
}

// String parameters without a default name the telemetry folder (`telemetryDir`, `dir`).
function folderParameters(template: Template): string[] {
  return (template.document.parameters ?? [])
    .filter((d) => d.type === "string" && d.default === undefined).map((d) => d.name);
}

function parametersFor(template: Template): fc.Arbitrary<Record<string, unknown>> {
  const folders = folderParameters(template);
  const decls = (template.document.parameters ?? []).filter((d) => !folders.includes(d.name));
  const shape: Record<string, fc.Arbitrary<unknown>> = {};
  for (const d of decls) shape[d.name] = valueFor(d);
  return fc.record(shape, { requiredKeys: [] });
}

Deno.test("property: a generated model parses back with the template's structure and the given values", () => {
  const runs = fuzzRuns();
  const templates = TEXTS.map((text, i) => parseTemplate(text, { file: `t${i}.yaml` }));
  const cases = fc.constantFrom(...templates).chain((template) =>
    fc.tuple(
      fc.constant(template),
      parametersFor(template),
      fc.constantFrom("simulation", "telemetry"),
    )
  );
  let generated = 0;
  fc.assert(
    fc.property(cases, ([template, params, mode]) => {
      const input: Record<string, unknown> = { ...params };
      if (mode === "telemetry") {
        for (const name of folderParameters(template)) input[name] = "captured";
      }
      let text: string;
      try {
        text = generateModel(template, { mode, generatedAt: FIXED, parameters: input }).model;
      } catch (err) {
        // Values that fit their declarations can still disagree with each other (an array
        // longer than the bins, probabilities that do not sum to 1): refused by parameter.
        assertOwnError(err);
        const code = (err as { code: string }).code;
        assert.ok(code === "invalid_parameters", `${code}: ${(err as Error).message}`);
        const details = (err as { details: Array<{ parameter: string }> }).details;
        const declared = (template.document.parameters ?? []).map((p) => p.name);
        for (const d of details) assert.ok(declared.includes(d.parameter), `blamed ${d.parameter}`);
        return;
      }
      generated++;
      const doc = template.document;
      const parsed = parseModel(text, { file: "generated.yaml" });
      const raw = parseYaml(text) as {
        provenance: { parameters: Record<string, unknown>; templateId: string };
      };
      assert.equal(parsed.model.mode, mode);
      assert.deepEqual(
        parsed.model.nodes.map((n) => n.id),
        doc.nodes.map((n) => n.id),
      );
      assert.deepEqual(
        (parsed.model.topology?.nodes ?? []).map((n) => n.id),
        (doc.topology?.nodes ?? []).map((n) => n.id),
      );
      if (typeof input.bins === "number") assert.equal(parsed.model.grid.bins, input.bins);
      if (typeof input.binSize === "number") assert.equal(parsed.model.grid.binSize, input.binSize);
      for (const [name, value] of Object.entries(input)) {
        assert.deepEqual(raw.provenance.parameters[name], value, `provenance of ${name}`);
      }
      assert.equal(raw.provenance.templateId, doc.metadata.id);
      // Generating again gives the same bytes.
      assert.equal(
        generateModel(template, { mode, generatedAt: FIXED, parameters: input }).model,
        text,
      );
    }),
    { numRuns: runs },
  );
  assert.ok(generated > runs / 4, `only ${generated} of ${runs} cases generated a model`);
  recordCases("template generate -> model parse (round trip)", runs);
});
