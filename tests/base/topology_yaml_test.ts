// Topology blocks as models write them, read through the toolkit's YAML reader (run_topology.ts
// reads a run's topology from its `topology:` block alone): random blocks, near misses included,
// read exactly as the yaml package reads them (value, the line of every field, the error and its
// line), and the forms generated models and FlowTime's templates use are read without it.
import assert from "node:assert/strict";
import { assertReadAsThePackage, fieldPathsOf, takenByBlockReader } from "./_yaml_oracle.ts";

// A small seeded generator (mulberry32).
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = [
  "a0",
  "s_1",
  "Node-7",
  "arrivals",
  "null",
  "Null",
  "NULL",
  "true",
  "False",
  "TRUE",
  "yes",
  "no",
  "on",
  "0",
  "15",
  "015",
  "1e3",
  "1.5",
  "-3",
  "0x1F",
  ".inf",
  ".nan",
  "~",
  "_x",
  "x-",
  "a b",
  "'q'",
  '"q #"',
  "a:b",
  "file:x.csv",
  "é",
  "1_000",
  "Infinity",
  "NaN",
  "&a x",
  "*a",
  "!!str x",
  "",
  "[]",
  "[a]",
  "{}",
  "<<",
];
const KEYS = [
  "id",
  "kind",
  "semantics",
  "arrivals",
  "served",
  "slaMin",
  "null",
  "true",
  "a b",
  "'id'",
  "1",
  "x-y",
];
const SPACES = ["", " ", "  ", "\t"];

function flow(rand: () => number, depth: number): string {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
  const n = Math.floor(rand() * 4);
  const pairs: string[] = [];
  for (let i = 0; i < n; i++) {
    const key = rand() < 0.9 ? pick(KEYS.slice(0, 6)) : pick(KEYS);
    const value = depth < 2 && rand() < 0.25 ? flow(rand, depth + 1) : pick(WORDS);
    const colon = rand() < 0.95 ? ": " : pick([":", " : ", ":  "]);
    pairs.push(`${key}${colon}${value}`);
  }
  const sep = rand() < 0.9 ? ", " : pick([",", " , ", ",  "]);
  const open = rand() < 0.8 ? "{ " : pick(["{", "{  "]);
  const close = rand() < 0.8 ? " }" : pick(["}", ",}", ", }"]);
  return `${open}${pairs.join(sep)}${close}`;
}

function block(rand: () => number): string[] {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
  const lines = [pick(["topology:", "topology:  # services", "topology:"])];
  const keyIndent = pick(["  ", "  ", " ", "    "]);
  const keys = rand() < 0.8 ? ["nodes", "edges"] : [pick(KEYS), pick(KEYS)];
  for (const key of keys) {
    const form = rand();
    if (form < 0.6) {
      lines.push(`${keyIndent}${key}:${pick(["", "", " # list", " "])}`);
      const itemIndent = rand() < 0.7 ? keyIndent + "  " : pick(["", " ", keyIndent]);
      const items = Math.floor(rand() * 5);
      for (let i = 0; i < items; i++) {
        if (rand() < 0.1) lines.push(pick(["", "# c", `${keyIndent}  # c`, "   "]));
        const indent = rand() < 0.95 ? itemIndent : itemIndent + " ";
        lines.push(
          `${indent}-${pick([" ", " ", "  "])}${flow(rand, 0)}${
            pick(["", "", " # x", "#x", pick(SPACES)])
          }`,
        );
      }
    } else if (form < 0.8) {
      lines.push(`${keyIndent}${key}: ${pick(["[]", "[] # none", "[]#x", "[ ]"])}`);
    } else lines.push(`${keyIndent}${key}: ${flow(rand, 0)}`);
  }
  if (rand() < 0.1) lines.push(pick(["", "  ", "# end"]));
  const crlf = rand() < 0.1;
  return crlf ? lines.map((l) => l + "\r") : lines;
}

Deno.test("topology blocks are read as the yaml package reads them (random blocks)", () => {
  // 12,000 blocks by default (the old reader's test ran 20,000 checking values only; each is now
  // checked for values, lines and errors)
  const runs = Number(Deno.env.get("FLOWTIME_FUZZ_RUNS") ?? "300") * 40;
  const rand = random(20261128);
  let taken = 0;
  for (let k = 0; k < runs; k++) {
    const text = block(rand).join("\n");
    if (takenByBlockReader(text)) taken++;
    assertReadAsThePackage(text, fieldPathsOf);
  }
  // the reader's subset is met often enough for the comparison to mean something
  assert.ok(taken > runs / 20, `${taken} of ${runs} read without the yaml package`);
});

Deno.test("the topology forms of generated models and FlowTime templates are read without the yaml package", () => {
  const cases: string[][] = [
    [
      "topology:",
      "  nodes:",
      ...Array.from(
        { length: 30 },
        (_, i) =>
          `    - { id: Node${i}, kind: queue, semantics: { arrivals: a${i}, served: s${i}, errors: e${i}, queueDepth: q${i}, capacity: c${i} }, slaMin: 15 }`,
      ),
      "  edges: []",
    ],
    [
      "topology:",
      "  nodes:",
      "  - { id: A, semantics: { arrivals: x, errors: null } }",
      "  edges: []",
    ],
    ["topology:", "  nodes: []", "  edges: []"],
    ["topology:", "  layout: { dir: LR }", "  nodes:", "    - { id: A }", "  edges: []"],
    // block style, as FlowTime's own templates write their topology
    [
      "topology:",
      "  nodes:",
      "    - id: OrderService",
      "      kind: service",
      "      semantics:",
      "        arrivals: order_arrivals",
      "        served: order_served",
      "        errors: null",
      "  edges:",
      "    - id: e1",
      "      from: OrderService:out",
      "      to: Billing:in",
    ],
    ["topology:", "  nodes:", '    - { id: "A", kind: service }', "  edges: []"],
  ];
  for (const lines of cases) {
    const text = lines.join("\n");
    assert.ok(takenByBlockReader(text), text);
    assertReadAsThePackage(text, fieldPathsOf);
  }
  // near misses read by the yaml package, as it reads them
  for (
    const lines of [
      ["topology:", "  nodes:", "    - { id: A, id: B }"],
      ["topology:", "  nodes:", "\t- { id: A }"],
      ["topology:", "  nodes: &n []"],
      ["topology:", "  nodes:", "    - { id: A } # first"],
    ]
  ) assertReadAsThePackage(lines.join("\n"), fieldPathsOf);
});
