// The block structure read without the yaml package (lib/base/_block_yaml.ts): whatever the
// blocks hold (mappings, sequences at the key's column or deeper, plain text, quoted strings,
// numbers, the fast paths' stand-ins) and whatever is off (a comment, an empty value, a tab, an
// indentation one space off, a repeated key, a value over two lines, an anchor), the parsed
// value, the line of every field (and of fields that are not there) and every error are
// exactly what the yaml package alone gives.
import assert from "node:assert/strict";
import { fc } from "../_dev_deps.ts";
import {
  assertReadAsThePackage,
  fieldPathsOf,
  OPTIONS,
  sameValue,
  takenByBlockReader,
} from "./_yaml_oracle.ts";
import { parseYamlLocated } from "../../lib/base/located_yaml.ts";
import { parse } from "../../lib/base/yaml.ts";

const RUNS = Number(Deno.env.get("FLOWTIME_FUZZ_RUNS") ?? "300") * 10;

// keys and values mostly of the block reader's subset, so that it is taken often
const key = fc.oneof(
  {
    arbitrary: fc.constantFrom(
      "id",
      "kind",
      "a",
      "b",
      "nodes",
      "semantics",
      "x.y",
      "n0_in",
      "_u",
      "e5",
      "values",
      "edges",
    ),
    weight: 12,
  },
  { arbitrary: fc.constantFrom("null", "True", "1", '"q"', "a b", "__proto__", "k:v"), weight: 1 },
);
const scalar = fc.oneof(
  {
    arbitrary: fc.constantFrom(
      "a",
      "Node1",
      "service",
      "null",
      "NULL",
      "true",
      "False",
      "yes",
      "State benchmark",
      "Order System (FlowTime fixture)",
      "order_served / order_arrivals",
      "MIN(a, b)",
      "1.0.0",
      "12:30",
      "2025-10-07",
      "1_000",
      "5m",
      "1 apple",
      "a#b",
      "a, b",
      "a {b}",
      "1",
      "-1",
      "-0",
      "2.50",
      "1e3",
      '"MIN(a, b)"',
      '"a # b"',
      '""',
      "'s'",
      "'it''s'",
      "''",
      "é ✓",
      "{}",
      "[]",
      "[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22]",
      "{ id: a, kind: const, values: [1, 2.5, -0] }",
      "{ arrivals: a0, served: s0, errors: null }",
    ),
    weight: 10,
  },
  {
    arbitrary: fc.constantFrom(
      "~",
      "a: b",
      "a #b",
      "a:",
      "0x1F",
      "007",
      ".5",
      "+1",
      ".inf",
      "-x",
      "-",
      '"esc\\"q"',
      '"a" b',
      "'open",
      "[1, 2]",
      "{ a: 1 } x",
      "{ a: [1, 2 }",
      "&a x",
      "*a",
      "!!str x",
      "|",
      ">",
      "? x",
      "%x",
      "@x",
    ),
    weight: 1,
  },
);

type Tree =
  | { kind: "scalar"; text: string }
  | { kind: "empty" }
  | { kind: "map"; entries: Array<[string, Tree]> }
  | { kind: "seq"; items: Tree[] };

const trees = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    { arbitrary: scalar.map((text): Tree => ({ kind: "scalar", text })), weight: 8 },
    { arbitrary: fc.constant<Tree>({ kind: "empty" }), weight: 1 },
    { arbitrary: tie("map") as fc.Arbitrary<Tree>, weight: 2 },
    { arbitrary: tie("seq") as fc.Arbitrary<Tree>, weight: 2 },
  ),
  // keys once each (a repeated key is one of the changes below)
  map: fc.uniqueArray(fc.tuple(key, tie("node") as fc.Arbitrary<Tree>), {
    minLength: 1,
    maxLength: 4,
    selector: ([k]) => k,
  }).map((entries): Tree => ({ kind: "map", entries })),
  seq: fc.array(tie("node") as fc.Arbitrary<Tree>, { minLength: 1, maxLength: 4 })
    .map((items): Tree => ({ kind: "seq", items })),
}));
const tree = fc.oneof(trees.map, trees.map, trees.seq);

interface Style {
  step: number;
  compact: boolean;
}

function render(t: Tree, indent: number, style: Style): string[] {
  const sp = " ".repeat(indent);
  if (t.kind === "map") {
    return t.entries.flatMap(([k, v]) => {
      if (v.kind === "scalar") return [`${sp}${k}: ${v.text}`];
      if (v.kind === "empty") return [`${sp}${k}:`];
      const deeper = v.kind === "seq" && style.compact ? indent : indent + style.step;
      return [`${sp}${k}:`, ...render(v, deeper, style)];
    });
  }
  if (t.kind === "seq") {
    return t.items.flatMap((v) => {
      if (v.kind === "scalar") return [`${sp}- ${v.text}`];
      if (v.kind === "empty") return [`${sp}-`];
      // the item's first line goes after the `- `
      const lines = render(v, indent + 2, style);
      lines[0] = `${sp}- ${lines[0].slice(indent + 2)}`;
      return lines;
    });
  }
  return [`${sp}${t.kind === "scalar" ? t.text : ""}`];
}

// A document: a mapping or a sequence (now and then behind a stand-in the fast paths read, so
// that they and the block reader are taken), then changes now and then to lines here and there.
const documentOf = fc.tuple(
  tree,
  fc.boolean(),
  fc.constantFrom(2, 4, 3),
  fc.boolean(),
  fc.array(fc.tuple(fc.nat(20), fc.nat(100), fc.nat(100)), { maxLength: 2 }),
).map(([root, standIn, step, compact, changes]) => {
  const lines = render(root, 0, { step, compact });
  if (standIn && root.kind === "map") lines.unshift("grid: { bins: 3, binSize: 5 }");
  if (standIn && root.kind === "seq") lines.unshift("- { bins: 3, binSize: 5 }");
  for (const [what, where, at] of changes) {
    const k = where % lines.length;
    const line = lines[k];
    const indent = line.length - line.trimStart().length;
    switch (what) {
      case 0:
        lines.splice(k, 0, `${" ".repeat(at % 6)}# a comment: x`);
        break;
      case 1:
        lines.splice(k, 0, "");
        break;
      case 2:
        lines[k] = `${line} # a comment`;
        break;
      case 3:
        lines[k] = `\t${line}`;
        break;
      case 4:
        lines[k] = ` ${line}`;
        break;
      case 5:
        if (indent > 0) lines[k] = line.slice(1);
        break;
      case 6:
        lines.splice(k, 0, line);
        break;
      case 7:
        lines.splice(k + 1, 0, `${" ".repeat(indent + 2)}more words`);
        break;
      case 8:
        lines[k] = `${line}  `;
        break;
      case 9:
        lines.unshift("---");
        break;
      case 10:
        lines[k] = line.replace(": ", ": &x ");
        break;
      case 11:
        lines[k] = `${line}\r`;
        break;
      case 12:
        lines.push(`${" ".repeat(at % 5)}tail: 1`);
        break;
      default: // most documents are left as they are
    }
  }
  return lines.join("\n") + (changes.length % 2 === 0 ? "\n" : "");
});

Deno.test("block documents read without the yaml package equal its values, lines and errors", () => {
  let taken = 0;
  fc.assert(
    fc.property(documentOf, (text) => {
      if (takenByBlockReader(text)) taken++;
      assertReadAsThePackage(text, fieldPathsOf);
    }),
    { numRuns: RUNS },
  );
  assert.ok(taken > RUNS / 8, `the block reader was taken in ${taken} of ${RUNS} documents`);
});

Deno.test("a model's block structure is read without the yaml package", () => {
  const text = [
    "# a model",
    "schemaVersion: 1",
    "metadata:",
    "  title: Order System (FlowTime fixture)",
    "  version: 1.0.0",
    "grid: { bins: 3, binSize: 5, binUnit: minutes }",
    "nodes:",
    "  - { id: a, kind: const, values: [1, 2, 3] }",
    "  - id: s",
    "    kind: expr",
    '    expr: "MIN(a, 2)"',
    "",
    "topology:",
    "  nodes:",
    "  - id: S",
    "    kind: service",
    "    semantics: { arrivals: a, served: s }",
    "  edges: []",
  ].join("\n");
  assert.ok(takenByBlockReader(text));
  const located = parseYamlLocated(text, "m.yaml");
  assert.ok(sameValue(located.value, parse(text, OPTIONS)));
  assert.equal(located.lineOf(["nodes", 1, "expr"]), 11);
  assert.equal(located.lineOf(["nodes", 0, "values", 2]), 8);
  assert.equal(located.lineOf(["topology", "nodes"]), 15);
  assert.equal(located.lineOf(["topology", "nodes", 0, "semantics", "errors"]), 17);
  assert.equal(located.lineOf(["metadata"]), 4);
});
