// The parameter binder: merging with defaults, type, required, min/max on scalars and array
// elements, arrayOf, undeclared names, series length vs bins, and values written as text.
import assert from "node:assert/strict";
import { join } from "node:path";
import { bindParameters, seriesLengthIssues } from "../../lib/templates/binder.ts";
import {
  parseParameterAssignments,
  parseParameterText,
  readParameterFile,
} from "../../lib/templates/param_text.ts";
import type { TemplateParameter } from "../../lib/templates/types.ts";
import { assertRejectsCode, assertThrowsCode, tempDir } from "../_helpers.ts";

const DECLS: TemplateParameter[] = [
  { name: "bins", type: "integer", default: 3, min: 1, max: 10 },
  { name: "rate", type: "number", default: 10, min: 0, max: 100 },
  { name: "pattern", type: "array", arrayOf: "integer", default: [1, 2, 3], min: 0, max: 50 },
  { name: "weights", type: "array", arrayOf: "number" },
  { name: "label", type: "string", default: "svc" },
  { name: "enabled", type: "boolean", default: true },
  { name: "dir", type: "string" },
  { name: "seed", type: "integer", required: true },
];

Deno.test("defaults fill what the caller does not give, in declaration order", () => {
  const bound = bindParameters(DECLS, { seed: 7, rate: 12.5 });
  assert.deepEqual(bound.issues, []);
  assert.deepEqual(bound.values, {
    bins: 3,
    rate: 12.5,
    pattern: [1, 2, 3],
    label: "svc",
    enabled: true,
    seed: 7,
  });
  assert.deepEqual(Object.keys(bound.values), [
    "bins",
    "rate",
    "pattern",
    "label",
    "enabled",
    "seed",
  ]);
});

Deno.test("null counts as not given", () => {
  assert.equal(bindParameters(DECLS, { seed: 1, bins: null }).values.bins, 3);
});

Deno.test("a missing required parameter is named", () => {
  assert.deepEqual(bindParameters(DECLS, {}).issues, [
    { parameter: "seed", message: "is required: give a value" },
  ]);
});

Deno.test("values of the wrong type are refused, naming the parameter", () => {
  const bound = bindParameters(DECLS, {
    seed: 1,
    bins: 2.5,
    rate: "fast",
    label: 5,
    enabled: "yes",
    pattern: 4,
  });
  assert.deepEqual(bound.issues, [
    { parameter: "bins", message: "must be a whole number, got 2.5" },
    { parameter: "rate", message: 'must be a number, got "fast"' },
    { parameter: "pattern", message: "must be an array of whole numbers, got 4" },
    { parameter: "label", message: "must be a string, got 5" },
    { parameter: "enabled", message: 'must be true or false, got "yes"' },
  ]);
});

Deno.test("scalars outside min/max are refused with the allowed range", () => {
  const bound = bindParameters(DECLS, { seed: 1, bins: 11, rate: -1 });
  assert.deepEqual(bound.issues, [
    { parameter: "bins", message: "11 is above the maximum 10 (allowed: 1..10)" },
    { parameter: "rate", message: "-1 is below the minimum 0 (allowed: 0..100)" },
  ]);
});

Deno.test("each array element is checked against min/max and arrayOf", () => {
  assert.deepEqual(bindParameters(DECLS, { seed: 1, pattern: [1, 51, 2] }).issues, [
    { parameter: "pattern", message: "element [1] = 51 is above the maximum 50 (allowed: 0..50)" },
  ]);
  assert.deepEqual(bindParameters(DECLS, { seed: 1, pattern: [1, 2.5] }).issues, [
    { parameter: "pattern", message: "element [1] must be a whole number, got 2.5" },
  ]);
  assert.deepEqual(bindParameters(DECLS, { seed: 1, weights: [0.5, "x"] }).issues, [
    { parameter: "weights", message: 'element [1] must be a number, got "x"' },
  ]);
});

Deno.test("undeclared names are refused and the declared ones listed", () => {
  const bound = bindParameters(DECLS, { seed: 1, bogus: 3 });
  assert.equal(bound.issues.length, 1);
  assert.equal(bound.issues[0].parameter, "bogus");
  assert.match(
    bound.issues[0].message,
    /is not a parameter of this template \(parameters: bins, rate, pattern/,
  );
});

Deno.test("changing a bound array does not change the declaration's default", () => {
  const bound = bindParameters(DECLS, { seed: 1 });
  (bound.values.pattern as number[]).push(9);
  assert.deepEqual(DECLS[2].default, [1, 2, 3]);
});

Deno.test("an array parameter whose length differs from grid.bins names the array parameter", () => {
  const issues = seriesLengthIssues(
    { grid: { bins: 4 }, nodes: [{ id: "arrivals", kind: "const", values: [1, 2, 3] }] },
    [{ path: ["grid", "bins"], parameter: "bins", whole: true }, {
      path: ["nodes", 0, "values"],
      parameter: "pattern",
      whole: true,
    }],
  );
  assert.deepEqual(issues, [{
    parameter: "pattern",
    message:
      "has 3 values but grid.bins is 4 (parameter 'bins'); const node 'arrivals' needs exactly one value per bin",
  }]);
});

Deno.test("fixed const values that no longer fit a bins parameter name the bins parameter", () => {
  const issues = seriesLengthIssues(
    { grid: { bins: 4 }, nodes: [{ id: "cap", kind: "const", values: [5, 5] }] },
    [{ path: ["grid", "bins"], parameter: "bins", whole: true }],
  );
  assert.deepEqual(issues, [{
    parameter: "bins",
    message: "is 4 but const node 'cap' has 2 fixed values; set it to 2",
  }]);
});

Deno.test("--param text is parsed by the declared type", () => {
  assert.equal(parseParameterText("integer", "288"), 288);
  assert.equal(parseParameterText("integer", "2.5"), undefined);
  assert.equal(parseParameterText("number", "0.85"), 0.85);
  assert.equal(parseParameterText("number", "1e3"), 1000);
  assert.equal(parseParameterText("number", "abc"), undefined);
  assert.equal(parseParameterText("boolean", "true"), true);
  assert.equal(parseParameterText("boolean", "false"), false);
  assert.equal(parseParameterText("boolean", "yes"), undefined);
  assert.deepEqual(parseParameterText("array", "[1, 2.5, 3]"), [1, 2.5, 3]);
  assert.deepEqual(parseParameterText("array", "1,2,3"), [1, 2, 3]);
  assert.equal(parseParameterText("array", "[1, 'a']"), undefined);
  assert.equal(parseParameterText("string", "12"), "12");
});

Deno.test("--param assignments give typed values; later ones win; undeclared stay text", () => {
  assert.deepEqual(
    parseParameterAssignments(DECLS, [
      "bins=4",
      "bins=5",
      "rate=2.5",
      "pattern=[1,2,3,4,5]",
      "label=a=b",
      "enabled=false",
      "other=1",
    ]),
    { bins: 5, rate: 2.5, pattern: [1, 2, 3, 4, 5], label: "a=b", enabled: false, other: "1" },
  );
});

Deno.test("--param text that does not fit the declared type is an invalid_parameters error", () => {
  const err = assertThrowsCode(
    () => parseParameterAssignments(DECLS, ["bins=abc"]),
    "invalid_parameters",
  );
  assert.equal(err.message, "parameter bins: 'abc' is not a whole number");
  assert.deepEqual(err.details, [{
    parameter: "bins",
    message: "'abc' is not a whole number",
  }]);
});

Deno.test("--param without '=' is a usage error", () => {
  assertThrowsCode(
    () => parseParameterAssignments(DECLS, ["bins"]),
    "usage",
    /must be written name=value/,
  );
});

Deno.test("parameter files may be JSON or YAML mappings", async () => {
  await using dirTmp = await tempDir("params");
  const dir = dirTmp.path;
  await Deno.writeTextFile(join(dir, "p.json"), '{"bins": 4, "pattern": [1, 2]}');
  await Deno.writeTextFile(join(dir, "p.yaml"), "bins: 4\npattern: [1, 2]\nlabel: x\n");
  assert.deepEqual(await readParameterFile(join(dir, "p.json")), { bins: 4, pattern: [1, 2] });
  assert.deepEqual(await readParameterFile(join(dir, "p.yaml")), {
    bins: 4,
    pattern: [1, 2],
    label: "x",
  });
});

Deno.test("a parameter file that is not a mapping names the file", async () => {
  await using dirTmp = await tempDir("params");
  const dir = dirTmp.path;
  const path = join(dir, "p.json");
  await Deno.writeTextFile(path, "[1, 2]");
  const err = await assertRejectsCode(() => readParameterFile(path), "invalid_parameters");
  assert.ok(
    err.message.startsWith(`${path}: the parameter file must be a JSON object`),
    err.message,
  );
});
