// Property tests of the gap configuration: any text or value is a configuration or a
// FlowTimeError naming the file (and line) or the inline value; a configuration written as YAML,
// JSON or an inline value reads back the same, with the same hash; checked rules plan exactly
// the bins they name.
import assert from "node:assert/strict";
import { fc } from "../_dev_deps.ts";
import { stringify } from "../../lib/base/yaml.ts";
import {
  checkGapConfig,
  gapConfigFromValue,
  parseGapConfig,
} from "../../lib/telemetry/gap_config.ts";
import { GAP_DROP, GAP_NAN, GAP_NONE, GAP_ZERO, gapPlanFor } from "../../lib/telemetry/gaps.ts";
import { SEMANTIC_METRICS, type SemanticMetric } from "../../lib/model/types.ts";
import { anyText, assertOwnError, fuzzRuns, mutatedText, recordCases } from "./_fuzz.ts";

const SAMPLE = await Deno.readTextFile(
  new URL("../../fixtures/gaps/microservices-gaps.yaml", import.meta.url),
);
const NODES = ["API_Gateway", "OrderService", "PaymentService"];
const CODE = { drop: GAP_DROP, nan: GAP_NAN, zero: GAP_ZERO } as const;

Deno.test("property: any gap configuration text is a configuration or a FlowTimeError naming the file", () => {
  const runs = fuzzRuns();
  fc.assert(
    fc.property(fc.oneof(anyText(200), mutatedText(SAMPLE), mutatedText(SAMPLE)), (text) => {
      try {
        const doc = parseGapConfig(text, "fuzz.yaml");
        assert.match(doc.hash, /^sha256:[0-9a-f]{64}$/);
        assert.ok(Array.isArray(doc.config.rules));
      } catch (err) {
        assertOwnError(err, /^fuzz\.yaml(:\d+)?: /);
        assert.equal((err as { code: string }).code, "gaps_invalid");
      }
    }),
    { numRuns: runs },
  );
  recordCases("gap configuration (text and mutations)", runs);
});

const loose = fc.oneof(
  fc.integer({ min: -3, max: 40 }),
  fc.double(),
  fc.string({ maxLength: 6 }),
  fc.constantFrom("3-5", "5-3", " 7 ", "1-", "-1", "0-99999999999", null, true),
);

const looseRule = fc.record({
  node: fc.oneof(fc.constantFrom(...NODES, "*", "Nope"), loose),
  metric: fc.oneof(fc.constantFrom(...SEMANTIC_METRICS, "*", "QUEUEDEPTH", " served "), loose),
  bins: fc.oneof(fc.array(loose, { maxLength: 5 }), loose),
  fraction: fc.oneof(fc.double({ min: -0.5, max: 1.5 }), loose),
  action: fc.oneof(fc.constantFrom("drop", "nan", "zero"), loose),
  extra: loose,
}, { requiredKeys: [] });

const looseConfig = fc.oneof(
  fc.record({
    seed: fc.oneof(fc.nat(), loose),
    rules: fc.oneof(fc.array(looseRule, { maxLength: 4 }), loose),
  }, { requiredKeys: [] }),
  loose,
  fc.array(looseRule, { maxLength: 2 }),
);

const targetsArb = fc.record({
  bins: fc.integer({ min: 1, max: 60 }),
  files: fc.uniqueArray(
    fc.tuple(fc.constantFrom(...NODES), fc.constantFrom(...SEMANTIC_METRICS)),
    { selector: ([n, m]) => `${n}/${m}`, minLength: 1, maxLength: 8 },
  ).map((pairs) => pairs.map(([nodeId, semantic]) => ({ nodeId, semantic }))),
});

Deno.test("property: any inline gap value is a configuration or a FlowTimeError; checked ones plan every bin", () => {
  const runs = fuzzRuns();
  fc.assert(
    fc.property(looseConfig, targetsArb, (value, targets) => {
      let doc;
      try {
        doc = gapConfigFromValue(value, "gaps");
        // The same value sent as JSON text reads the same.
        assert.deepEqual(parseGapConfig(JSON.stringify(value), "g.json").config, doc.config);
      } catch (err) {
        assertOwnError(err, /^gaps: /);
        assert.equal((err as { code: string }).code, "gaps_invalid");
        return;
      }
      try {
        checkGapConfig(doc, { ...targets, nodes: NODES });
      } catch (err) {
        assertOwnError(err, /^gaps: rules\[\d+\]/);
        assert.equal((err as { code: string }).code, "gaps_invalid");
        return;
      }
      for (const f of targets.files) {
        const plan = gapPlanFor(doc.config, { ...f, bins: targets.bins });
        if (plan === undefined) continue;
        assert.equal(plan.length, targets.bins);
        for (const code of plan) assert.ok(code >= GAP_NONE && code <= GAP_ZERO);
      }
    }),
    { numRuns: runs },
  );
  recordCases("gap configuration (inline values, check and plan)", runs);
});

// A valid rule as written by a user, with the bins it must select computed by hand.
const validRule = fc.record({
  node: fc.constantFrom(...NODES, "*"),
  metric: fc.constantFrom(...SEMANTIC_METRICS, "*") as fc.Arbitrary<SemanticMetric | "*">,
  action: fc.constantFrom("drop", "nan", "zero") as fc.Arbitrary<"drop" | "nan" | "zero">,
  bins: fc.array(
    fc.oneof(
      fc.nat(49),
      fc.tuple(fc.nat(49), fc.nat(10)).map(([a, w]) => `${a}-${Math.min(49, a + w)}`),
      fc.nat(49).map((b) => String(b)),
    ),
    { minLength: 1, maxLength: 5 },
  ),
});

function binsOf(written: Array<number | string>): number[] {
  const out = new Set<number>();
  for (const item of written) {
    if (typeof item === "number") out.add(item);
    else {
      const [a, b = a] = item.split("-").map(Number);
      for (let x = a; x <= b; x++) out.add(x);
    }
  }
  return [...out].sort((x, y) => x - y);
}

Deno.test("property: a gap configuration written as YAML, JSON or a value reads back the same and plans the bins it names", () => {
  const runs = fuzzRuns();
  fc.assert(
    fc.property(
      fc.record({
        seed: fc.maxSafeNat(),
        rules: fc.array(validRule, { minLength: 1, maxLength: 4 }),
      }),
      (config) => {
        const fromYaml = parseGapConfig(stringify(config), "gaps.yaml");
        const fromJson = parseGapConfig(JSON.stringify(config, null, 2), "gaps.json");
        const fromValue = gapConfigFromValue(structuredClone(config));
        assert.deepEqual(fromJson.config, fromYaml.config);
        assert.deepEqual(fromValue.config, fromYaml.config);
        assert.equal(fromJson.hash, fromYaml.hash);
        assert.equal(fromValue.hash, fromYaml.hash);
        assert.equal(fromYaml.config.seed, config.seed);
        assert.deepEqual(
          fromYaml.config.rules.map((r) => [r.node, r.metric, r.action]),
          config.rules.map((r) => [r.node, r.metric, r.action]),
        );
        // Each rule alone selects exactly the bins written, with its action.
        for (const rule of fromYaml.config.rules) {
          const series = {
            nodeId: rule.node === "*" ? NODES[0] : rule.node,
            semantic: rule.metric === "*" ? SEMANTIC_METRICS[0] : rule.metric,
            bins: 50,
          };
          const written = config.rules[fromYaml.config.rules.indexOf(rule)].bins;
          const plan = gapPlanFor({ rules: [rule] }, series)!;
          const hit = [...plan.keys()].filter((b) => plan[b] !== GAP_NONE);
          assert.deepEqual(hit, binsOf(written));
          for (const b of hit) assert.equal(plan[b], CODE[rule.action]);
        }
      },
    ),
    { numRuns: runs },
  );
  recordCases("gap configuration (round trip and plan)", runs);
});
