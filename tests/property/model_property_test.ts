import assert from "node:assert/strict";
import { fc } from "../_dev_deps.ts";
import { stringify } from "../../lib/base/yaml.ts";
import { parseModel } from "../../lib/model/parse.ts";
import { evaluateModel } from "../../lib/engine/evaluate.ts";
import { assertOwnError, fuzzRuns, mutatedText, recordCases } from "./_fuzz.ts";

const BASE = await Deno.readTextFile(
  new URL("../../fixtures/models/queue-buffer.yaml", import.meta.url),
);

Deno.test("property: any YAML text is a model or a FlowTimeError naming the file", () => {
  const runs = fuzzRuns();
  // Mutations of a real model reach deeper than random text.
  const mutated = mutatedText(BASE);
  fc.assert(
    fc.property(fc.oneof(fc.string({ maxLength: 200 }), mutated), (text) => {
      try {
        const parsed = parseModel(text, { file: "fuzz.yaml" });
        const ev = evaluateModel(parsed.model, { exprs: parsed.exprs });
        for (const s of ev.series.values()) assert.equal(s.length, parsed.model.grid.bins);
      } catch (err) {
        assertOwnError(err, /^fuzz\.yaml(:\d+)?: /);
      }
    }),
    { numRuns: runs },
  );
  recordCases("model parsing (text and mutations)", runs);
});

Deno.test("property: any JSON-like structure is a model or a FlowTimeError naming the file", () => {
  const runs = fuzzRuns();
  const value = fc.oneof(
    fc.integer({ min: -5, max: 20 }),
    fc.double(),
    fc.string({ maxLength: 8 }),
    fc.constant(null),
    fc.boolean(),
  );
  const node = fc.record({
    id: fc.oneof(fc.constantFrom("a", "b", "c"), fc.string({ maxLength: 4 })),
    kind: fc.oneof(
      fc.constantFrom("const", "pmf", "expr", "serviceWithBuffer"),
      fc.string({ maxLength: 5 }),
    ),
    values: fc.array(value, { maxLength: 4 }),
    expr: fc.constantFrom("a + 1", "MIN(a, b)", "SHIFT(c, 1) + a", "c", "CONV(a, [1, 2])", "a / 0"),
    pmf: fc.record({
      values: fc.array(value, { maxLength: 3 }),
      probabilities: fc.array(value, { maxLength: 3 }),
    }),
    inflow: fc.constantFrom("a", "b", "c", "zz"),
    outflow: fc.constantFrom("a", "b", "c"),
  }, { requiredKeys: ["id", "kind"] });
  const model = fc.record({
    grid: fc.record({
      bins: fc.oneof(fc.integer({ min: 1, max: 4 }), value),
      binSize: fc.oneof(fc.constant(5), value),
      binUnit: fc.constantFrom("minutes", "hours", "seconds"),
    }, { requiredKeys: [] }),
    nodes: fc.array(node, { maxLength: 4 }),
    mode: fc.constantFrom("simulation", "telemetry", "live"),
  }, { requiredKeys: [] });
  fc.assert(
    fc.property(model, (m) => {
      try {
        const parsed = parseModel(stringify(m), { file: "fuzz.yaml" });
        evaluateModel(parsed.model, { exprs: parsed.exprs, sources: new Map() });
      } catch (err) {
        assertOwnError(err, /^fuzz\.yaml(:\d+)?: /);
      }
    }),
    { numRuns: runs },
  );
  recordCases("model parsing (structures)", runs);
});
