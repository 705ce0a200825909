// The fast path for long lists of plain numbers in YAML: the same values as the yaml package
// (property-tested over number spellings and surroundings), the same error lines, huge lists
// read in bounded memory, and texts over the memory budget refused by name.
import assert from "node:assert/strict";
import { fc } from "../_dev_deps.ts";
import { sameValue } from "./_yaml_oracle.ts";
import { parseYamlLocated, YAML_MEMORY_BUDGET } from "../../lib/base/located_yaml.ts";
import { findNumberLists } from "../../lib/base/_number_lists.ts";
import { LineCounter, parse, parseDocument } from "../../lib/base/yaml.ts";
import { parseModel } from "../../lib/model/parse.ts";
import { assertThrowsCode } from "../_helpers.ts";

const RUNS = Number(Deno.env.get("FLOWTIME_FUZZ_RUNS") ?? "300");

// Number spellings, plain and odd: the fast path must take the plain ones and leave the rest.
const token = fc.oneof(
  fc.integer({ min: -1e6, max: 1e6 }).map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
  fc.constantFrom(
    "-0",
    "0",
    "1e3",
    "1E-3",
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
    "x3",
    "1.2.3",
    "'7'",
    "null",
    "~",
  ),
);
const plainToken = fc.oneof(
  fc.integer({ min: -1e6, max: 1e6 }).map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
  fc.constantFrom("-0", "0", "1e3", "1E-3", "2.50", "123456789012345", "0.1", "-7.25e-5"),
);
const list = fc.tuple(
  fc.oneof(
    fc.array(plainToken, { minLength: 14, maxLength: 40 }),
    fc.array(token, { minLength: 14, maxLength: 40 }),
  ),
  fc.constantFrom(", ", ",", " , ", ",  "),
  fc.constantFrom("", " "),
).map(([items, sep, pad]) => `[${pad}${items.join(sep)}${pad}]`);

// Places a list can sit in a document, some of them not a sequence at all.
const documentOf = fc.tuple(list, list, fc.nat(9)).map(([a, b, where]) => {
  switch (where) {
    case 0:
      return `nodes:\n  - { id: a, kind: const, values: ${a} }\n  - id: b\n    values: ${b}\n`;
    case 1:
      return `grid: { bins: 3 }\nlists:\n  - ${a}\n  - [${b}, ${a}]\n`;
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
      return `tagged: !!seq ${a}\nv: ${b}\n`;
    case 8:
      return `v: ${a}\nv: ${b}\n`;
    default:
      return `values: ${a}\n  bad: indentation\n`;
  }
});

function packageLine(text: string): number | undefined {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter,
    prettyErrors: false,
    uniqueKeys: true,
    strict: true,
    logLevel: "error",
  });
  const e = doc.errors[0];
  return e === undefined ? undefined : lineCounter.linePos(e.pos[0]).line;
}

Deno.test("lists read by the fast path equal the yaml package's values, errors the same lines", () => {
  fc.assert(
    fc.property(documentOf, (text) => {
      const line = packageLine(text);
      if (line !== undefined) {
        const err = assertThrowsCode(() => parseYamlLocated(text, "f.yaml"), "yaml_syntax");
        assert.equal(err.line, line, `${err.message}\n${text}`);
        return;
      }
      const expected = parse(text, { uniqueKeys: true, strict: true, logLevel: "error" });
      const actual = parseYamlLocated(text, "f.yaml").value;
      assert.ok(sameValue(actual, expected), text);
    }),
    { numRuns: RUNS },
  );
});

Deno.test("the fast path takes plain decimal lists only", () => {
  const plain = `[${Array.from({ length: 20 }, (_, i) => i * 1.5 - 3).join(", ")}]`;
  assert.equal(findNumberLists(`v: ${plain}`).length, 1);
  for (const odd of ["+1", "1.", ".5", "0x1F", "007", "1e400", "1234567890123456", ".nan"]) {
    const text = `v: [${Array(20).fill("1").join(", ")}, ${odd}]`;
    assert.equal(findNumberLists(text).length, 0, odd);
  }
  assert.equal(findNumberLists(`v: [${Array(20).fill("1").join(",\n ")}]`).length, 0);
  assert.equal(findNumberLists(`v: [${Array(20).fill("1").join(", ")},]`).length, 0);
  assert.equal(findNumberLists(`v: [${Array(20).fill("1").join("\t, ")}]`).length, 0);
});

Deno.test("a malformed number in a long list is reported at its line, as without the fast path", () => {
  const good = Array.from({ length: 300 }, (_, i) => i).join(", ");
  const text = `schemaVersion: 1
grid: { bins: 300, binSize: 5, binUnit: minutes }
nodes:
  - { id: a, kind: const, values: [${good}] }
  - id: b
    kind: const
    values: [${good.replace("17, ", "1.7.0, ")}]
`;
  const bad = assertThrowsCode(
    () => parseModel(text, { file: "m.yaml" }),
    "model_invalid",
    /values\[17\]: must be a finite number, got "1\.7\.0"/,
  );
  assert.equal(bad.line, 7);
  const short = text.replace(
    `values: [${good}]`,
    `values: [${good.split(", ").slice(1).join(", ")}]`,
  );
  const shortErr = assertThrowsCode(
    () => parseModel(short, { file: "m.yaml" }),
    "model_invalid",
    /has 299 values but grid.bins is 300/,
  );
  assert.equal(shortErr.line, 4);
});

Deno.test("a list of a million numbers is read exactly and without the yaml package's tree", () => {
  const values = Array.from({ length: 1_000_000 }, (_, i) => (i % 1000) * 0.25 - 7);
  const text = `a: 1\nvalues: [${values.join(", ")}]\nb: [1, 2]\n`;
  const before = Deno.memoryUsage().heapUsed;
  const located = parseYamlLocated(text, "big.yaml");
  const grown = Deno.memoryUsage().heapUsed - before;
  const value = located.value as { values: number[]; b: number[] };
  assert.equal(value.values.length, values.length);
  assert.ok(values.every((v, i) => Object.is(value.values[i], v)));
  assert.deepEqual(value.b, [1, 2]);
  assert.equal(located.lineOf(["b"]), 3);
  assert.equal(located.lineOf(["values", 999_999]), 2);
  // the yaml package's tree would take over 2 GB here; the numbers take some 8 MB
  assert.ok(grown < 200 * 1024 * 1024, `heap grew ${grown} bytes`);
});

Deno.test("YAML over the memory budget is refused with the file and the budget", () => {
  const text = "a: 1\nb: " + "x".repeat(Math.ceil(YAML_MEMORY_BUDGET / 300) + 10) + "\n";
  assertThrowsCode(
    () => parseYamlLocated(text, "huge.yaml"),
    "yaml_syntax",
    /^huge\.yaml: too large to read: .* over the budget of 1024 MB/,
  );
});
