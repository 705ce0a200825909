// Models as FlowTime writes and reads them: FlowTime-Sim's generated YAML (every empty field
// written), the M-03.02 engine's dictionary pmf, HEAD's mode in provenance; fields FlowTime
// ignores are warnings; features the engine does not implement are refused by name.
import assert from "node:assert/strict";
import { join } from "node:path";
import { parseModel } from "../../lib/model/parse.ts";
import { evaluateModel } from "../../lib/engine/evaluate.ts";
import { FlowTimeError } from "../../lib/base/errors.ts";
import { cli, tempDir } from "../_helpers.ts";
import { FLOWTIME_RUNS, FLOWTIME_SIM_RUN } from "./_flowtime.ts";

function refusal(text: string): FlowTimeError {
  try {
    parseModel(text, { file: "model.yaml" });
  } catch (err) {
    assert.ok(err instanceof FlowTimeError, String(err));
    return err;
  }
  throw new Error("expected the model to be refused");
}

Deno.test("FlowTime-Sim's generated model (M-03.02) parses with no warning and evaluates", async () => {
  const text = await Deno.readTextFile(
    join(FLOWTIME_RUNS, FLOWTIME_SIM_RUN, "model", "model.yaml"),
  );
  assert.equal(text.charCodeAt(0), 0xfeff, "written with a BOM, as RunArtifactWriter does");
  const parsed = parseModel(text);
  assert.deepEqual(parsed.warnings, []);
  assert.equal(parsed.model.mode, "simulation");
  assert.equal(parsed.model.grid.start, "2025-01-01T00:00:00Z");
  assert.deepEqual(parsed.model.nodes.map((n) => [n.id, n.kind]), [
    ["passenger_demand", "const"],
    ["vehicle_capacity", "const"],
    ["passengers_served", "expr"],
    ["unmet_demand", "expr"],
    ["utilization", "expr"],
  ]);
  // `source: ''` means no source.
  assert.equal((parsed.model.nodes[0] as { source?: string }).source, undefined);
  const evaluation = evaluateModel(parsed.model, { exprs: parsed.exprs });
  assert.deepEqual([...evaluation.series.get("utilization")!], [
    10 / 15,
    15 / 18,
    20 / 25,
    25 / 30,
    18 / 22,
    12 / 16,
  ]);
});

Deno.test("the start: grid.startTimeUtc ?? grid.start ?? window.startTimeUtc ?? window.start", () => {
  const model = (grid: string, window = "") =>
    `grid: { bins: 1, binSize: 1${grid} }\n${window}nodes: [{ id: a, kind: const, values: [1] }]\n`;
  const start = (text: string) => parseModel(text).model.grid.start;
  assert.equal(
    start(model(`, startTimeUtc: "2025-01-01T00:00:00.0000000Z", start: "2030-01-01T00:00:00Z"`)),
    "2025-01-01T00:00:00.0000000Z",
  );
  assert.equal(
    start(model(`, start: "2030-01-01T00:00:00Z"`, `window: { start: "2020-01-01T00:00:00Z" }\n`)),
    "2030-01-01T00:00:00Z",
  );
  assert.equal(
    start(model(`, start: null`, `window: { start: "2020-01-01T00:00:00Z", timezone: UTC }\n`)),
    "2020-01-01T00:00:00Z",
  );
  assert.equal(start(model(``)), undefined);
  assert.match(
    refusal(model(``, `window: { start: "soon" }\n`)).message,
    /window\.start: must be an ISO 8601 UTC timestamp/,
  );
});

Deno.test("the M-03.02 engine's dictionary pmf is read (keys are the values)", () => {
  const text = `grid: { bins: 2, binSize: 5 }
nodes:
  - id: capacity
    kind: pmf
    pmf: { "10": 0.2, "20": 0.8 }
  - id: levels
    kind: pmf
    pmf:
      1.5: 1
      2.5: 3
`;
  const parsed = parseModel(text);
  const evaluation = evaluateModel(parsed.model, { exprs: parsed.exprs });
  assert.deepEqual([...evaluation.series.get("capacity")!], [18, 18]);
  // Probabilities that do not sum to 1 are normalised, as FlowTime does (with a warning here).
  assert.deepEqual([...evaluation.series.get("levels")!], [2.25, 2.25]);
  assert.deepEqual(evaluation.warnings.map((w) => [w.code, w.nodeId]), [[
    "pmf_normalized",
    "levels",
  ]]);
  assert.match(
    refusal(
      `grid: { bins: 1, binSize: 1 }\nnodes: [{ id: p, kind: pmf, pmf: { "10": 0.5, "10.0": 0.5 } }]\n`,
    )
      .message,
    /nodes\[0\]\.pmf\.10\.0: pmf value 10 is given twice/,
  );
  assert.match(
    refusal(`grid: { bins: 1, binSize: 1 }\nnodes: [{ id: p, kind: pmf, pmf: { "x": 1 } }]\n`)
      .message,
    /pmf value 'x' is not a number/,
  );
  assert.match(
    refusal(`grid: { bins: 1, binSize: 1 }\nnodes: [{ id: p, kind: pmf, pmf: { "1": -1 } }]\n`)
      .message,
    /probability of 1 must be a non-negative number/,
  );
});

Deno.test("semantics: queue (M-03.02), external_demand (FlowTime-Sim), slaMinutes (fixtures)", () => {
  const base = (semantics: string) =>
    `grid: { bins: 1, binSize: 1 }
nodes: [{ id: a, kind: const, values: [1] }, { id: q, kind: const, values: [2] }]
topology:
  nodes:
    - id: Q
      kind: queue
      group: backoffice
      semantics: { arrivals: a, served: a, ${semantics} }
`;
  const semantics = (text: string) => parseModel(base(text)).model.topology!.nodes[0].semantics;
  assert.deepEqual(semantics("queue: q, external_demand: a, slaMinutes: 5"), {
    arrivals: "a",
    served: "a",
    queueDepth: "q",
    externalDemand: "a",
    slaMin: 5,
  });
  // FlowTime's test model: queueDepth null beside queue.
  assert.equal(semantics("queueDepth: null, queue: q").queueDepth, "q");
  assert.match(
    refusal(base("queueDepth: a, queue: q")).message,
    /semantics\.queue: 'queue' \("q"\) and 'queueDepth' \("a"\) name different series; keep one of them/,
  );
});

Deno.test("HEAD's models: mode from provenance, grid.start, display fields as warnings", () => {
  const parsed = parseModel(`schemaVersion: 1
grid: { bins: 2, binSize: 5, binUnit: minutes, start: "2025-01-01T00:00:00Z" }
nodes:
  - id: demand
    kind: const
    values: [4, 5]
    metadata: { origin.kind: pmf, profile.name: weekday-office }
  - id: served
    kind: expr
    expr: 0
topology:
  nodes:
    - id: Svc
      kind: service
      semantics:
        arrivals: demand
        served: served
        processingTimeMsSum: demand
        aliases: { arrivals: "Requests" }
  edges:
    - { id: e1, from: "Svc:out", to: "Svc:in", type: throughput, measure: served }
provenance:
  generator: flowtime-sim/2.0
  templateId: demo
  mode: telemetry
`);
  assert.equal(parsed.model.mode, "telemetry");
  assert.deepEqual(parsed.warnings.map((w) => [w.code, w.path]), [
    ["unknown_field", "topology.nodes[0].semantics.processingTimeMsSum"],
    ["unknown_field", "topology.nodes[0].semantics.aliases"],
    ["unknown_field", "topology.edges[0].type"],
    ["unknown_field", "topology.edges[0].measure"],
  ]);
  // A number written where an expression goes (YamlDotNet's plain `expr: 0`).
  assert.equal((parsed.model.nodes[1] as { expr: string }).expr, "0");
});

Deno.test("features the engine does not implement are refused, naming the feature and the node", () => {
  const model = (
    extra: { root?: string; topo?: string; semantics?: string; node?: string; kind?: string },
  ) =>
    `grid: { bins: 1, binSize: 1 }
${extra.root ?? ""}nodes:
  - id: a
    kind: const
    values: [1]
${extra.node ?? ""}topology:
  nodes:
    - id: Dispatch
      kind: ${extra.kind ?? "service"}
${extra.topo ?? ""}      semantics:
        arrivals: a
        served: a
${extra.semantics ?? ""}`;
  const cases: Array<[string, Parameters<typeof model>[0], RegExp]> = [
    [
      "router kind",
      { kind: "router" },
      /^model\.yaml:9: topology\.nodes\[0\]\.kind: topology node 'Dispatch': kind 'router' is not supported$/,
    ],
    [
      "dependency kind",
      { kind: "dependency" },
      /topology node 'Dispatch': kind 'dependency' is not supported/,
    ],
    [
      "classes",
      { root: "classes: [{ id: Gold }, { id: Silver }]\n" },
      /classes are not supported \(declared: Gold, Silver\)/,
    ],
    [
      "retries",
      { semantics: "        attempts: a\n        retryEcho: a\n" },
      /topology node 'Dispatch': retries \(semantics attempts, retryEcho\) are not supported/,
    ],
    [
      "parallelism",
      { semantics: "        parallelism: 3\n" },
      /topology node 'Dispatch': parallelism \(semantics\.parallelism\) is not supported/,
    ],
    [
      "queueDepth self",
      { semantics: "        queueDepth: self\n" },
      /topology node 'Dispatch': semantics\.queueDepth 'self' \(a queue FlowTime synthesizes\) is not supported/,
    ],
    [
      "dispatch schedule",
      { topo: "      dispatchSchedule: { kind: time-based, periodBins: 4 }\n" },
      /topology node 'Dispatch': dispatch schedules \(dispatchSchedule\) are not supported/,
    ],
    [
      "profile",
      {
        node:
          "  - id: b\n    kind: pmf\n    pmf: { values: [1], probabilities: [1] }\n    profile: { kind: builtin, name: three-shift }\n",
      },
      /node 'b': time-of-day profile 'three-shift' \(profile\) is not supported/,
    ],
    [
      "router node",
      {
        node:
          "  - id: r\n    kind: router\n    inputs: { queue: a }\n    routes: [{ target: a }]\n",
      },
      /node 'r': kind 'router' is not supported/,
    ],
    [
      "constraints",
      { topo: "      constraints: [db]\n" },
      /topology node 'Dispatch': constraints are not supported/,
    ],
  ];
  for (const [what, extra, pattern] of cases) {
    const err = refusal(model(extra));
    assert.equal(err.code, "unsupported_feature", what);
    assert.match(err.message, pattern, what);
  }
  // Several at once: the first is named, the rest counted by feature.
  const err = refusal(model({ kind: "router", semantics: "        parallelism: 2\n" }));
  assert.match(err.message, /\(and 1 more use\(s\) of unsupported features: parallelism\)$/);
  assert.equal((err.details as unknown[]).length, 2);
});

Deno.test("flowtime validate lists the fields it read past; flowtime run records them", async () => {
  await using dirTmp = await tempDir("ft-validate");
  const dir = dirTmp.path;
  const path = join(dir, "model.yaml");
  await Deno.writeTextFile(
    path,
    `schemaVersion: 1\ngenerator: flowtime-sim\nowner: ops\ngrid: { bins: 2, binSize: 5 }\nnodes:\n  - { id: a, kind: const, values: [1, 2], colour: blue }\n`,
  );
  const r = await cli(["validate", "--model", path]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^ok: /);
  assert.match(r.stderr, /warning: .*model\.yaml:3: owner: unknown field 'owner' ignored/);
  assert.match(
    r.stderr,
    /warning: .*model\.yaml:6: nodes\[0\]\.colour: unknown field 'colour' ignored/,
  );
  const json = await cli(["validate", "--model", path, "--json"]);
  assert.deepEqual(JSON.parse(json.stdout).warnings.map((w: { path: string }) => w.path), [
    "owner",
    "nodes[0].colour",
  ]);
  const run = await cli(["run", "--model", path, "--out", join(dir, "runs"), "--json"]);
  assert.equal(run.code, 0, run.stderr);
  const warnings = JSON.parse(run.stdout).warnings;
  assert.deepEqual(warnings.map((w: { code: string; severity: string }) => [w.code, w.severity]), [
    ["unknown_field", "info"],
    ["unknown_field", "info"],
  ]);
});

Deno.test("FlowTime's models conform to schemas/model.schema.json", async () => {
  const { checkSchema } = await import("../../lib/schema/validator.ts");
  const { parse } = await import("../../lib/base/yaml.ts");
  for (const run of ["run_state_fixture", FLOWTIME_SIM_RUN, "run_deterministic_e2a72db6"]) {
    const text = await Deno.readTextFile(join(FLOWTIME_RUNS, run, "model", "model.yaml"));
    const check = checkSchema("model", parse(text.replace(/^\uFEFF/, "")));
    assert.ok(check.valid, `${run}: ${check.errors.join("; ")}`);
  }
});
