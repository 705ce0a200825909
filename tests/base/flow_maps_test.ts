// The fast path for one-line flow mappings in YAML (lib/base/_flow_maps.ts): whatever the
// mapping holds and wherever it sits (a sequence item, a string, a comment, an anchor, a
// complex key...), the parsed value, the line of every field and every error are exactly what
// the yaml package alone gives.
import assert from "node:assert/strict";
import { fc } from "../_dev_deps.ts";
import { assertReadAsThePackage, fieldPathsOf, OPTIONS, sameValue } from "./_yaml_oracle.ts";
import { parseYamlLocated } from "../../lib/base/located_yaml.ts";
import { findFlowItems } from "../../lib/base/_flow_maps.ts";
import { parse } from "../../lib/base/yaml.ts";

const RUNS = Number(Deno.env.get("FLOWTIME_FUZZ_RUNS") ?? "300") * 10;

const word = fc.constantFrom(
  "a",
  "id",
  "kind",
  "expr",
  "n0_in",
  "bench-state",
  "x.y",
  "_u",
  "yes",
  "no",
  "on",
  "null",
  "Null",
  "NULL",
  "true",
  "False",
  "TRUE",
  "nULL",
  "e5",
  "Infinity",
  "NaN",
  "__proto__",
  "a b",
  // plain scalars of several words
  "State benchmark",
  "a  b",
  "a - b",
  "1 x",
  "x 1.5",
  "a #b",
  "a b:c",
  "n0 -1",
  "true x",
);
const number = fc.oneof(
  fc.integer({ min: -1e6, max: 1e6 }).map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
  fc.constantFrom(
    "-0",
    "0",
    "1e3",
    "1E-3",
    "1e+5",
    "2.50",
    "123456789012345",
    "1234567890123456789",
    "+1",
    "1.",
    ".5",
    "0x1F",
    "0o17",
    "007",
    "1_000",
    "1e400",
    ".inf",
    "-.inf",
    ".nan",
    "1.0.0",
    "-x",
    "-",
    "5m",
    "1.0.0",
    "2025-10-07",
    "1_000.5",
    "0xZ",
    "1e",
    "12:30",
  ),
);
const quoted = fc.constantFrom(
  '"MIN(a, b)"',
  '"a # b"',
  '"x: y"',
  '"{ }"',
  '"[1, 2]"',
  '""',
  '"tab\there"',
  '"back\\\\slash"',
  '"esc\\"q"',
  '"é ✓"',
  "'single'",
  "'it''s'",
  "''",
  "'a # b'",
  "'{x}'",
  '"unterminated',
);
const scalar = fc.oneof(word, number, quoted, fc.constantFrom("~", "", "&a x", "*a", "!!str x"));

const flowValue: fc.Arbitrary<string> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    scalar,
    tie("map") as fc.Arbitrary<string>,
    tie("seq") as fc.Arbitrary<string>,
  ),
  map: fc.tuple(
    fc.array(fc.tuple(fc.oneof(word, fc.constantFrom('"q"', "1", "a:b")), tie("value")), {
      maxLength: 4,
    }),
    fc.constantFrom(", ", ",", " , ", ",  "),
    fc.constantFrom(": ", ":", " : ", ":  "),
    fc.constantFrom("", " ", "  "),
    fc.constantFrom("", "", "", ",", ", ,"),
  ).map(([pairs, sep, colon, pad, trail]) =>
    `{${pad}${pairs.map(([k, v]) => `${k}${colon}${v}`).join(sep)}${trail}${pad}}`
  ),
  seq: fc.tuple(fc.array(tie("value"), { maxLength: 5 }), fc.constantFrom(", ", ",", " , "))
    .map(([items, sep]) => `[${items.join(sep)}]`),
})).map as fc.Arbitrary<string>;
// mostly well-formed mappings, so that the fast path is taken often
const plainMap = fc.array(
  fc.tuple(
    fc.constantFrom("id", "kind", "expr", "values", "semantics", "slaMin"),
    fc.oneof(
      fc.constantFrom("a0", "const", "null", "true", '"MIN(a, b)"', "'x'", "[]", "{}"),
      number,
      fc.array(number, { maxLength: 20 }).map((xs) => `[${xs.join(", ")}]`),
      fc.constantFrom(
        "{ arrivals: a0, served: s0, errors: null }",
        "{ values: [1, 2], p: [0.5, 0.5] }",
      ),
    ),
  ),
  { maxLength: 5 },
).map((pairs) => {
  const seen = new Set<string>();
  const unique = pairs.filter(([k]) => !seen.has(k) && seen.add(k));
  return `{ ${unique.map(([k, v]) => `${k}: ${v}`).join(", ")} }`;
});
const mapping = fc.oneof(plainMap, plainMap, flowValue.filter((v) => v.startsWith("{")));

// Places a mapping can sit in a document, some of them not a value at all.
const documentOf = fc.tuple(mapping, mapping, fc.nat(13)).map(([a, b, where]) => {
  switch (where) {
    case 0:
      return `nodes:\n  - ${a}\n  - ${b}   # a comment\n  - id: c\n    semantics: ${a}\n`;
    case 1:
      return `grid: ${a}\nlists:\n  - [${a}, ${b}]\n`;
    case 2:
      return `text: "${a}"\nvalues: ${b}\n`;
    case 3:
      return `# values: ${a}\nvalues: ${b} # ${a}\n`;
    case 4:
      return `block: |\n  values: ${a}\nvalues: ${b}\n`;
    case 5:
      return `base: &b ${a}\ncopy: *b\nother: ${b}\n`;
    case 6:
      return `? ${a}\n: 1\nv: ${b}\n`;
    case 7:
      return `tagged: !!map ${a}\nv: ${b}\n`;
    case 8:
      return `v: ${a}\nv: ${b}\n`;
    case 9:
      return `v: ${a} x\nw: ${b}\n`;
    case 10:
      return `title: words ${a}\nw: ${b}\n`;
    case 11:
      return `- ${a}\n- ${b}\n`;
    case 12:
      return `v: ${a}\r\nw: ${b}\r\n`;
    default:
      return `values: ${a}\n  bad: indentation\n`;
  }
});

Deno.test("flow mappings read by the fast path equal the yaml package's values, lines and errors", () => {
  let taken = 0;
  fc.assert(
    fc.property(documentOf, (text) => {
      if (findFlowItems(text).some((item) => item.kind === "map")) taken++;
      assertReadAsThePackage(text, fieldPathsOf);
    }),
    { numRuns: RUNS },
  );
  assert.ok(taken > RUNS / 4, `the fast path was taken in ${taken} of ${RUNS} documents`);
});

Deno.test("the forms of model files are read by the fast path", () => {
  const text = [
    "metadata: { id: bench-state, title: State benchmark, version: 1.0.0 }",
    'grid: { bins: 3, binSize: 5, binUnit: minutes, start: "2025-10-07T00:00:00Z" }',
    "nodes:",
    "  - { id: a, kind: const, values: [1, 2.5, -0] }",
    '  - { id: s, kind: expr, expr: "MIN(a, 2)" }',
    "  - { id: p, kind: pmf, pmf: { values: [80, 100], probabilities: [0.25, 0.75] } }",
    "topology:",
    "  nodes:",
    "    - id: S",
    "      semantics: { arrivals: a, served: s, errors: null }",
    "",
  ].join("\n");
  assert.equal(findFlowItems(text).filter((i) => i.kind === "map").length, 6);
  assert.ok(sameValue(parseYamlLocated(text, "m.yaml").value, parse(text, OPTIONS)));
});
