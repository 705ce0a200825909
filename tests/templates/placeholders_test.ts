// Placeholders: splitting, whole-value typed substitution, text interpolation, escapes, and
// single-pass replacement (parameter text is never substituted again).
import assert from "node:assert/strict";
import {
  splitPlaceholders,
  substitutePlaceholders,
  wholePlaceholder,
} from "../../lib/templates/placeholders.ts";

Deno.test("splitPlaceholders separates literal text and placeholders", () => {
  assert.deepEqual(splitPlaceholders("${dir}/A_${metric}.csv").parts, [
    { parameter: "dir" },
    "/A_",
    { parameter: "metric" },
    ".csv",
  ]);
});

Deno.test("$${ writes a literal ${ and is not a placeholder", () => {
  assert.deepEqual(splitPlaceholders("cost $${x} each").parts, ["cost ${x} each"]);
  assert.equal(wholePlaceholder("$${x}"), undefined);
});

Deno.test("a ${ without a valid name is reported as malformed", () => {
  assert.equal(splitPlaceholders("a ${ bins } b").malformed, "${ bins }");
  assert.equal(splitPlaceholders("a ${bins").malformed, "${bins");
  assert.equal(splitPlaceholders("${1x}").malformed, "${1x}");
});

Deno.test("wholePlaceholder names the parameter only when the text is exactly one placeholder", () => {
  assert.equal(wholePlaceholder("${bins}"), "bins");
  assert.equal(wholePlaceholder(" ${bins}"), undefined);
  assert.equal(wholePlaceholder("${a}${b}"), undefined);
});

Deno.test("a whole-value placeholder takes the typed value: numbers stay numbers, arrays become lists", () => {
  const sub = substitutePlaceholders(
    { bins: "${bins}", values: "${pattern}", on: "${flag}", title: "${name}" },
    { bins: 3, pattern: [1, 2.5, 3], flag: true, name: "Orders" },
  );
  assert.deepEqual(sub.value, { bins: 3, values: [1, 2.5, 3], on: true, title: "Orders" });
  assert.deepEqual(sub.uses.map((u) => [u.path.join("."), u.parameter, u.whole]), [
    ["bins", "bins", true],
    ["values", "pattern", true],
    ["on", "flag", true],
    ["title", "name", true],
  ]);
});

Deno.test("a placeholder inside a longer string is interpolated as text", () => {
  const sub = substitutePlaceholders(
    { expr: "MIN(a, ${cap}) * ${share}", kernel: "CONV(a, ${k})", src: "${dir}/X.csv" },
    { cap: 150, share: 0.85, k: [0.5, 0.5], dir: "data/t" },
  );
  assert.deepEqual(sub.value, {
    expr: "MIN(a, 150) * 0.85",
    kernel: "CONV(a, [0.5, 0.5])",
    src: "data/t/X.csv",
  });
});

Deno.test("parameter text containing ${...} is inserted as data, not substituted again", () => {
  const sub = substitutePlaceholders({ a: "${x}", b: "see ${x}" }, { x: "${y}", y: 7 });
  assert.deepEqual(sub.value, { a: "${y}", b: "see ${y}" });
});

Deno.test("placeholders without a value are listed with their path and left unchanged", () => {
  const sub = substitutePlaceholders({ nodes: [{ source: "${dir}/A.csv" }] }, {});
  assert.deepEqual(sub.missing, [{ path: ["nodes", 0, "source"], parameter: "dir" }]);
  assert.deepEqual(sub.value, { nodes: [{ source: "${dir}/A.csv" }] });
});

Deno.test("mapping keys are never substituted", () => {
  const sub = substitutePlaceholders({ "${k}": "${v}" }, { k: "x", v: 1 });
  assert.deepEqual(sub.value, { "${k}": 1 });
});

Deno.test("substitution does not change the input tree", () => {
  const tree = { values: "${p}" };
  const p = [1, 2];
  const sub = substitutePlaceholders(tree, { p });
  (sub.value as { values: number[] }).values.push(3);
  assert.deepEqual(tree, { values: "${p}" });
  assert.deepEqual(p, [1, 2]);
});
