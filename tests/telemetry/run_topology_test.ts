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
