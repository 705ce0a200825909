// The capture reads a run's topology from the `topology:` block alone when it can; whatever path
// it takes, the nodes and references equal those of the full model parse.
import assert from "node:assert/strict";
import { join } from "node:path";
import { readRunBundle, type RunBundle } from "../../lib/artifacts/reader.ts";
import { SEMANTIC_METRICS } from "../../lib/model/types.ts";
import { runTopology } from "../../lib/telemetry/run_topology.ts";
import { ROOT } from "../_helpers.ts";
import { runText } from "./_capture_helpers.ts";

function fromFullParse(bundle: RunBundle) {
  return (bundle.parsedModel().model.topology?.nodes ?? []).map((n) => ({
    id: n.id,
    semantics: Object.fromEntries(
      SEMANTIC_METRICS.filter((m) => n.semantics[m] !== undefined).map((m) => [m, n.semantics[m]]),
    ),
  }));
}

for (
  const run of [
    "run_deterministic_e673448a",
    "run_deterministic_9c941bf5",
    "run_deterministic_d9dfa8a0",
    "run_deterministic_3844869f",
  ]
) {
  Deno.test(`topology of ${run} equals the full model parse`, async () => {
    const bundle = await readRunBundle(join(ROOT, "fixtures/runs", run));
    assert.deepEqual(runTopology(bundle), fromFullParse(bundle));
  });
}

Deno.test("order-system topology: ids and references in order, nulls kept", async () => {
  const bundle = await readRunBundle(join(ROOT, "fixtures/runs/run_deterministic_d9dfa8a0"));
  assert.deepEqual(runTopology(bundle), [
    {
      id: "OrderService",
      semantics: {
        arrivals: "order_arrivals",
        served: "order_served",
        errors: "order_errors",
        externalDemand: null,
        queueDepth: null,
      },
    },
    {
      id: "PaymentService",
      semantics: {
        arrivals: "payment_arrivals",
        served: "payment_served",
        errors: "payment_errors",
        externalDemand: null,
        queueDepth: null,
      },
    },
  ]);
});

const BODY = `schemaVersion: 1
grid: { bins: 2, binSize: 5, binUnit: minutes }
nodes:
  - { id: a, kind: const, values: [1, 2] }
  - { id: b, kind: const, values: [3, 4] }
`;

for (
  const [name, topology] of [
    [
      "flow style",
      `topology: { nodes: [ { id: S, semantics: { arrivals: a, served: b } } ], edges: [] }\n`,
    ],
    [
      "comments and blank lines inside the block",
      `topology:   # the services\n  nodes:\n\n# a column-0 comment\n    - id: S\n      semantics:\n        arrivals: a   # demand\n        served: b\n  edges: []\n`,
    ],
    [
      "block before the nodes",
      `topology:\n  nodes:\n    - id: S\n      semantics: { arrivals: a, served: b }\n`,
    ],
    [
      "a string mentioning topology in a description",
      `metadata:\n  description: |\n    topology:\n      nodes: []\ntopology:\n  nodes:\n    - { id: S, semantics: { arrivals: a, served: b } }\n`,
    ],
  ]
) {
  Deno.test(`topology written in ${name} reads the same as the full parse`, async () => {
    const text = name === "block before the nodes"
      ? `schemaVersion: 1\ngrid: { bins: 2, binSize: 5, binUnit: minutes }\n${topology}nodes:\n  - { id: a, kind: const, values: [1, 2] }\n  - { id: b, kind: const, values: [3, 4] }\n`
      : BODY + topology;
    await using run = await runText(text);
    const bundle = await readRunBundle(run.runDir);
    assert.deepEqual(runTopology(bundle), [{ id: "S", semantics: { arrivals: "a", served: "b" } }]);
    assert.deepEqual(runTopology(bundle), fromFullParse(bundle));
  });
}

// A model of `services` services whose topology nodes are one-line flow mappings (the shape of
// generated models); `pad` long values lists make it larger than the 1 MiB a bundle keeps.
function servicesText(
  services: number,
  options: { pad?: boolean; nodesAt?: string; itemsAt?: string; between?: string } = {},
): string {
  const bins = options.pad ? 2000 : 2;
  const lines = [
    "schemaVersion: 1",
    `grid: { bins: ${bins}, binSize: 5, binUnit: minutes }`,
    "nodes:",
  ];
  for (let i = 0; i < services; i++) {
    const values = Array.from({ length: bins }, (_, t) => 100 + ((i + t) % 7)).join(", ");
    lines.push(`  - { id: a${i}, kind: const, values: [${values}] }`);
    lines.push(`  - { id: s${i}, kind: expr, expr: "a${i} * 0.5" }`);
  }
  const nodesAt = options.nodesAt ?? "  ";
  const itemsAt = options.itemsAt ?? "    ";
  lines.push("topology:", `${nodesAt}nodes:`);
  for (let i = 0; i < services; i++) {
    if (i === 7 && options.between !== undefined) lines.push(options.between);
    lines.push(
      `${itemsAt}- { id: "Service #${i}", kind: service, semantics: { arrivals: a${i}, served: s${i}${
        i % 3 === 0 ? ", errors: null" : ""
      } } }   # service ${i}`,
    );
  }
  lines.push(`${nodesAt}edges: []`, "");
  return lines.join("\n");
}

for (
  const [name, text] of [
    ["40 one-line services", servicesText(40)],
    ["40 one-line services, items at the indent of nodes:", servicesText(40, { itemsAt: "  " })],
    [
      "40 one-line services with a comment line among them",
      servicesText(40, { between: "    # x" }),
    ],
    ["40 one-line services with a blank line among them", servicesText(40, { between: "" })],
    [
      "40 one-line services with a block item among them",
      servicesText(40, {
        between: "    - id: Extra\n      semantics: { arrivals: a1 }",
      }),
    ],
    ["40 one-line services, CRLF line ends", servicesText(40).replaceAll("\n", "\r\n")],
    ["40 one-line services after a BOM", "\uFEFF" + servicesText(40)],
    ["300 one-line services, over 1 MiB (read in pieces)", servicesText(300, { pad: true })],
  ] as const
) {
  Deno.test(`topology of ${name} reads the same as the full parse`, async () => {
    await using run = await runText(text);
    const bundle = await readRunBundle(run.runDir);
    const quick = runTopology(bundle);
    assert.ok(quick.length >= 40);
    assert.deepEqual(quick, fromFullParse(bundle));
  });
}
