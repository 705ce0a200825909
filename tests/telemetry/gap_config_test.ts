// Gap configuration: YAML and JSON parse to the same rules and hash; every kind of mistake is
// refused with the file, line and rule named; checks against the run catch unknown nodes,
// rules that match nothing and bins outside the grid.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import {
  checkGapConfig,
  gapConfigFromValue,
  parseGapConfig,
} from "../../lib/telemetry/gap_config.ts";
import { checkSchema } from "../../lib/schema/validator.ts";
import { assertThrowsCode } from "../_helpers.ts";

const YAML = `seed: 42
rules:
  - node: OrderService
    metric: arrivals
    bins: [10, 11, "20-23"]
    action: drop
  - node: "*"
    metric: served
    fraction: 0.05
    action: nan
`;

const JSON_TEXT = JSON.stringify(
  {
    rules: [
      { action: "drop", bins: [10, 11, "20-23"], metric: "arrivals", node: "OrderService" },
      { node: "*", metric: "served", fraction: 0.05, action: "nan" },
    ],
    seed: 42,
  },
  null,
  "\t",
);

Deno.test("a YAML gap configuration parses into normalised rules", () => {
  const doc = parseGapConfig(YAML, "gaps.yaml");
  assert.deepEqual(doc.config, {
    seed: 42,
    rules: [
      {
        node: "OrderService",
        metric: "arrivals",
        ranges: [[10, 10], [11, 11], [20, 23]],
        action: "drop",
      },
      { node: "*", metric: "served", fraction: 0.05, action: "nan" },
    ],
  });
});

Deno.test("the same rules in JSON (any key order, tabs) give the same config and hash", () => {
  const yaml = parseGapConfig(YAML, "gaps.yaml");
  const json = parseGapConfig(JSON_TEXT, "gaps.json");
  assert.deepEqual(json.config, yaml.config);
  assert.equal(json.hash, yaml.hash);
});

Deno.test("the hash is sha256 of the canonical JSON (sorted keys, no spaces)", () => {
  const doc = gapConfigFromValue({ seed: 1, rules: [] });
  const expected = createHash("sha256").update('{"rules":[],"seed":1}').digest("hex");
  assert.equal(doc.hash, `sha256:${expected}`);
});

Deno.test("metric names are case-insensitive", () => {
  const doc = gapConfigFromValue({
    rules: [{ node: "Q", metric: "QueueDepth", bins: [0], action: "zero" }, {
      node: "Q",
      metric: "externaldemand",
      bins: [0],
      action: "zero",
    }],
  });
  assert.deepEqual(doc.config.rules.map((r) => r.metric), ["queueDepth", "externalDemand"]);
});

Deno.test("an unknown key in a rule is refused with file, line and rule", () => {
  const err = assertThrowsCode(() =>
    parseGapConfig(
      `rules:\n  - node: A\n    metric: arrivals\n    bins: [1]\n    action: drop\n    when: never\n`,
      "gaps.yaml",
    ), "gaps_invalid");
  assert.match(err.message, /^gaps\.yaml:6: rules\[0\]\.when: rule 1: unknown field 'when'/);
});

Deno.test("an unknown top-level key is refused with its line", () => {
  const err = assertThrowsCode(
    () => parseGapConfig(`seed: 1\nrule: []\n`, "g.yaml"),
    "gaps_invalid",
  );
  assert.match(err.message, /^g\.yaml:2: rule: unknown field 'rule'/);
});

Deno.test("a fraction above 1 is refused naming the rule", () => {
  const err = assertThrowsCode(() =>
    parseGapConfig(
      `seed: 1\nrules:\n  - node: A\n    metric: served\n    fraction: 1.5\n    action: nan\n`,
      "g.yaml",
    ), "gaps_invalid");
  assert.match(
    err.message,
    /^g\.yaml:5: rules\[0\]\.fraction: rule 1: fraction 1\.5 is outside \[0, 1\]/,
  );
});

Deno.test("a negative fraction is refused", () => {
  const err = assertThrowsCode(() =>
    gapConfigFromValue({
      seed: 1,
      rules: [{ node: "A", metric: "served", fraction: -0.1, action: "nan" }],
    }), "gaps_invalid");
  assert.match(err.message, /fraction -0\.1 is outside \[0, 1\]/);
});

Deno.test("a random rule without a seed is refused", () => {
  const err = assertThrowsCode(
    () =>
      gapConfigFromValue({
        rules: [{ node: "A", metric: "served", fraction: 0.1, action: "nan" }],
      }),
    "gaps_invalid",
  );
  assert.match(err.message, /rule 1 picks bins at random: add a top-level 'seed'/);
});

Deno.test("a rule with both bins and fraction, or neither, is refused", () => {
  assertThrowsCode(
    () =>
      gapConfigFromValue({
        seed: 1,
        rules: [{ node: "A", metric: "served", bins: [1], fraction: 0.1, action: "nan" }],
      }),
    "gaps_invalid",
    /rule 1 has both 'bins' and 'fraction'/,
  );
  assertThrowsCode(
    () => gapConfigFromValue({ rules: [{ node: "A", metric: "served", action: "nan" }] }),
    "gaps_invalid",
    /rule 1 needs 'bins'/,
  );
});

Deno.test("an unknown metric or action is refused listing the allowed values", () => {
  assertThrowsCode(
    () =>
      gapConfigFromValue({ rules: [{ node: "A", metric: "latency", bins: [1], action: "nan" }] }),
    "gaps_invalid",
    /rule 1: metric must be one of arrivals, served, errors, externalDemand, queueDepth, capacity or "\*", got "latency"/,
  );
  assertThrowsCode(
    () =>
      gapConfigFromValue({
        rules: [{ node: "A", metric: "served", bins: [1], action: "delete" }],
      }),
    "gaps_invalid",
    /rule 1: action must be one of drop, nan, zero, got "delete"/,
  );
});

Deno.test("bins that are not indexes or ranges are refused", () => {
  for (const bad of [-1, 1.5, "x", "5-2", "1-2-3"]) {
    const err = assertThrowsCode(() =>
      gapConfigFromValue({
        rules: [{ node: "A", metric: "served", bins: [0, bad], action: "drop" }],
      }), "gaps_invalid");
    assert.match(
      err.message,
      /gaps: rules\[0\]\.bins\[1\]: rule 1: /,
      `for ${JSON.stringify(bad)}`,
    );
  }
});

Deno.test("a configuration that is not a mapping, or YAML with a syntax error, is refused", () => {
  assertThrowsCode(
    () => parseGapConfig("- 1\n- 2\n", "g.yaml"),
    "gaps_invalid",
    /must be a mapping/,
  );
  assertThrowsCode(
    () => parseGapConfig("rules: [\n", "g.yaml"),
    "gaps_invalid",
    /^g\.yaml:\d+: not valid YAML/,
  );
});

const TARGETS = {
  bins: 12,
  nodes: ["OrderService", "SupportQueue"],
  files: [
    { nodeId: "OrderService", semantic: "arrivals" as const },
    { nodeId: "OrderService", semantic: "served" as const },
    { nodeId: "SupportQueue", semantic: "queueDepth" as const },
  ],
};

Deno.test("against the run: an unknown node is refused naming the rule and listing the nodes", () => {
  const doc = parseGapConfig(
    `rules:\n  - node: OrderService\n    metric: arrivals\n    bins: [1]\n    action: drop\n  - node: BillingService\n    metric: served\n    bins: [1]\n    action: drop\n`,
    "g.yaml",
  );
  const err = assertThrowsCode(() => checkGapConfig(doc, TARGETS), "gaps_invalid");
  assert.equal(
    err.message,
    "g.yaml:6: rules[1].node: rule 2: unknown node 'BillingService'; the run's topology nodes are OrderService, SupportQueue (or use \"*\")",
  );
});

Deno.test("against the run: bins outside the grid are refused with the rule and the grid's range", () => {
  const doc = parseGapConfig(
    `rules:\n  - node: OrderService\n    metric: arrivals\n    bins: [3, "10-12"]\n    action: drop\n`,
    "g.yaml",
  );
  const err = assertThrowsCode(() => checkGapConfig(doc, TARGETS), "gaps_invalid");
  assert.equal(
    err.message,
    "g.yaml:4: rules[0].bins[1]: rule 1: range 10-12 is past the end of the grid; bins run from 0 to 11",
  );
  const single = gapConfigFromValue({
    rules: [{ node: "*", metric: "*", bins: [12], action: "nan" }],
  });
  assertThrowsCode(
    () => checkGapConfig(single, TARGETS),
    "gaps_invalid",
    /bin 12 is outside the grid/,
  );
});

Deno.test("against the run: a rule that matches no captured file is refused", () => {
  const doc = gapConfigFromValue({
    rules: [{ node: "OrderService", metric: "queueDepth", bins: [1], action: "zero" }],
  });
  assertThrowsCode(
    () => checkGapConfig(doc, TARGETS),
    "gaps_invalid",
    /rule 1: node 'OrderService' has no queueDepth series in this run, so the rule would change nothing/,
  );
});

Deno.test("the published gaps schema accepts what the parser accepts and refuses its rejects", () => {
  const good = [
    { seed: 42, rules: [{ node: "A", metric: "arrivals", bins: [10, "20-23"], action: "drop" }] },
    { seed: 1, rules: [{ node: "*", metric: "*", fraction: 0.5, action: "nan" }] },
    { rules: [] },
  ];
  for (const value of good) {
    gapConfigFromValue(value);
    assert.ok(checkSchema("gaps", value).valid, JSON.stringify(checkSchema("gaps", value).errors));
  }
  const bad = [
    { rules: [{ node: "A", metric: "served", fraction: 0.1, action: "nan" }] },
    { seed: 1, rules: [{ node: "A", metric: "served", fraction: 1.5, action: "nan" }] },
    { rules: [{ node: "A", metric: "served", bins: [1], action: "nan", x: 1 }] },
    { rules: [{ node: "A", metric: "latency", bins: [1], action: "nan" }] },
    { rules: [{ node: "A", metric: "served", bins: [1], fraction: 0.1, action: "nan" }], seed: 1 },
    { rules: [], extra: true },
  ];
  for (const value of bad) {
    assertThrowsCode(
      () => gapConfigFromValue(value),
      "gaps_invalid",
      undefined,
      JSON.stringify(value),
    );
    assert.equal(checkSchema("gaps", value).valid, false, JSON.stringify(value));
  }
});
