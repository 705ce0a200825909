// Property tests of the parameter binder and of parameter text (`--param k=v`): the binder never
// throws and keeps only values that fit their declarations; text written from a typed value
// parses back to the same value; any `--param` text is a value or a FlowTimeError naming it.
import assert from "node:assert/strict";
import { fc } from "../_dev_deps.ts";
import { bindParameters } from "../../lib/templates/binder.ts";
import { parseParameterAssignments, parseParameterText } from "../../lib/templates/param_text.ts";
import type { TemplateParameter } from "../../lib/templates/types.ts";
import { assertOwnError, fuzzRuns, recordCases } from "./_fuzz.ts";

const NAMES = ["bins", "rate", "pattern", "flag", "label"];

const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.string({ maxLength: 6 }),
  fc.constant(null),
  fc.constant(undefined),
  fc.array(fc.oneof(fc.integer({ min: -5, max: 60 }), fc.double(), fc.string({ maxLength: 2 })), {
    maxLength: 5,
  }),
  fc.dictionary(fc.string({ maxLength: 3 }), fc.integer(), { maxKeys: 2 }),
);

const bound = fc.option(fc.integer({ min: -10, max: 60 }), { nil: undefined });

const declaration: fc.Arbitrary<TemplateParameter> = fc.record({
  name: fc.constantFrom(...NAMES),
  type: fc.constantFrom("integer", "number", "boolean", "string", "array") as fc.Arbitrary<
    TemplateParameter["type"]
  >,
  required: fc.option(fc.boolean(), { nil: undefined }),
  min: bound,
  max: bound,
  arrayOf: fc.option(fc.constantFrom("integer", "number"), { nil: undefined }) as fc.Arbitrary<
    TemplateParameter["arrayOf"]
  >,
  default: fc.option(fc.oneof(fc.integer({ min: 0, max: 9 }), fc.constant([1, 2])), {
    nil: undefined,
  }),
}, { requiredKeys: ["name", "type"] }).map((d) => {
  const out: TemplateParameter = { name: d.name, type: d.type };
  if (d.required !== undefined) out.required = d.required;
  if (d.min !== undefined) out.min = d.min;
  if (d.max !== undefined) out.max = d.max;
  if (d.type === "array" && d.arrayOf !== undefined) out.arrayOf = d.arrayOf;
  if (d.default !== undefined && !d.required) out.default = d.default as number | number[];
  return out;
});

const declarations = fc.uniqueArray(declaration, { selector: (d) => d.name, maxLength: 5 });

// What a bound value must be, written out independently of the binder's own checks.
function fits(decl: TemplateParameter, v: unknown): boolean {
  const inRange = (n: number) =>
    (decl.min === undefined || n >= decl.min) && (decl.max === undefined || n <= decl.max);
  switch (decl.type) {
    case "integer":
      return typeof v === "number" && Number.isSafeInteger(v) && inRange(v);
    case "number":
      return typeof v === "number" && Number.isFinite(v) && inRange(v);
    case "boolean":
      return typeof v === "boolean";
    case "string":
      return typeof v === "string";
    case "array":
      return Array.isArray(v) &&
        v.every((x) =>
          typeof x === "number" &&
          (decl.arrayOf === "integer" ? Number.isSafeInteger(x) : Number.isFinite(x)) && inRange(x)
        );
  }
}

Deno.test("property: the binder never throws, names every problem and keeps only fitting values", () => {
  const runs = fuzzRuns();
  const input = fc.dictionary(
    fc.oneof(fc.constantFrom(...NAMES), fc.string({ maxLength: 4 })),
    anyValue,
    {
      maxKeys: 6,
    },
  );
  fc.assert(
    fc.property(declarations, input, (decls, given) => {
      const result = bindParameters(decls, given);
      const declared = new Map(decls.map((d) => [d.name, d]));
      for (const issue of result.issues) {
        assert.ok(
          declared.has(issue.parameter) || Object.hasOwn(given, issue.parameter),
          `issue names '${issue.parameter}'`,
        );
        assert.ok(issue.message.length > 0);
      }
      for (const [name, value] of Object.entries(result.values)) {
        const decl = declared.get(name);
        assert.ok(decl, `value for undeclared '${name}'`);
        if (given[name] !== undefined && given[name] !== null) {
          assert.deepEqual(value, given[name], `given value of ${name} kept as is`);
        }
        if (decl.default === undefined || (given[name] !== undefined && given[name] !== null)) {
          assert.ok(fits(decl, value), `${name} = ${JSON.stringify(value)} fits its declaration`);
        }
      }
      for (const decl of decls) {
        const has = given[decl.name] !== undefined && given[decl.name] !== null;
        const problem = result.issues.some((i) => i.parameter === decl.name);
        if (has) assert.equal(problem, !fits(decl, given[decl.name]), decl.name);
        if (!has && decl.required) assert.ok(problem, `${decl.name} is required`);
      }
      for (const name of Object.keys(given)) {
        if (!declared.has(name)) assert.ok(result.issues.some((i) => i.parameter === name));
      }
    }),
    { numRuns: runs },
  );
  recordCases("parameter binder (declarations x values)", runs);
});

const noNegZero = (x: number) => (Object.is(x, -0) ? 0 : x);
const finite = fc.double({ noNaN: true, noDefaultInfinity: true }).map(noNegZero);

Deno.test("property: a typed value written as --param text parses back to the same value", () => {
  const runs = fuzzRuns();
  const typed = fc.oneof(
    fc.maxSafeInteger().map((v) => ({ type: "integer" as const, value: v, texts: [String(v)] })),
    finite.map((v) => ({ type: "number" as const, value: v, texts: [String(v), ` ${v} `] })),
    fc.boolean().map((v) => ({ type: "boolean" as const, value: v, texts: [String(v)] })),
    fc.string({ maxLength: 20 }).map((v) => ({ type: "string" as const, value: v, texts: [v] })),
    fc.array(finite, { maxLength: 8 }).map((v) => ({
      type: "array" as const,
      value: v,
      texts: [JSON.stringify(v), v.join(","), v.join(", ")],
    })),
  );
  fc.assert(
    fc.property(typed, ({ type, value, texts }) => {
      for (const text of texts) {
        assert.deepEqual(parseParameterText(type, text), value, `${type} '${text}'`);
        const decl: TemplateParameter = { name: "p", type };
        assert.deepEqual(parseParameterAssignments([decl], [`p=${text}`]), { p: value });
      }
    }),
    { numRuns: runs },
  );
  recordCases("--param text (round trip)", runs);
});

Deno.test("property: any --param text is a value or a FlowTimeError naming the parameter", () => {
  const runs = fuzzRuns();
  const decls: TemplateParameter[] = [
    { name: "bins", type: "integer" },
    { name: "rate", type: "number" },
    { name: "flag", type: "boolean" },
    { name: "label", type: "string" },
    { name: "pattern", type: "array" },
  ];
  const text = fc.oneof(
    fc.string({ maxLength: 30 }),
    fc.tuple(
      fc.constantFrom(...NAMES, "", " bins ", "x"),
      fc.constantFrom("=", "==", " = ", ""),
      fc.oneof(
        fc.string({ maxLength: 12 }),
        fc.constantFrom("1e309", "-0", "0x10", "[1,", '[1, "a"]', "1,,2", "NaN", "1e-400", ""),
      ),
    ).map(([n, eq, v]) => n + eq + v),
  );
  fc.assert(
    fc.property(fc.array(text, { maxLength: 4 }), (assignments) => {
      try {
        const values = parseParameterAssignments(decls, assignments);
        for (const [name, value] of Object.entries(values)) {
          const decl = decls.find((d) => d.name === name);
          if (decl) assert.ok(fits(decl, value), `${name} = ${JSON.stringify(value)}`);
          else assert.equal(typeof value, "string", "undeclared names keep their text");
        }
      } catch (err) {
        assertOwnError(err, /^parameter /);
        assert.ok(["usage", "invalid_parameters"].includes((err as { code: string }).code));
      }
    }),
    { numRuns: runs },
  );
  recordCases("--param text (arbitrary)", runs);
});
