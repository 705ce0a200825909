// The Prometheus mapping file: what it accepts (and its schema agrees), and how each mistake is
// reported with the file, line and entry.
import assert from "node:assert/strict";
import { join } from "node:path";
import type { FlowTimeError } from "../../lib/base/errors.ts";
import {
  loadPrometheusMapping,
  parsePrometheusMapping,
  prometheusMappingFromValue,
} from "../../lib/import/mapping.ts";
import { parse } from "../../lib/base/yaml.ts";
import { checkSchema } from "../../lib/schema/validator.ts";
import { assertMatchesSchema, assertRejectsCode, assertThrowsCode, ROOT } from "../_helpers.ts";

function refused(text: string, ...patterns: RegExp[]): FlowTimeError {
  return refusedBy(true, text, ...patterns);
}

// `schema`: whether the JSON Schema can see the mistake (it cannot see duplicate entries).
function refusedBy(schema: boolean, text: string, ...patterns: RegExp[]): FlowTimeError {
  const err = assertThrowsCode(
    () => parsePrometheusMapping(text, "m.yaml"),
    "mapping_invalid",
    patterns[0],
  );
  for (const p of patterns.slice(1)) assert.match(err.message, p);
  if (schema) {
    let value: unknown;
    try {
      value = parse(text);
    } catch {
      return err; // not YAML at all
    }
    assert.equal(checkSchema("prometheus-mapping", value).valid, false, text);
  }
  return err;
}

Deno.test("the example mapping loads and matches its schema", async () => {
  const file = join(ROOT, "fixtures/imports/order-system.mapping.yaml");
  const mapping = await loadPrometheusMapping(file);
  assert.equal(mapping.entries.length, 8);
  assert.deepEqual(mapping.entries[0], {
    nodeId: "OrderService",
    semantic: "arrivals",
    metric: "Arrivals",
    query: 'sum(increase(http_requests_total{service="orders"}[5m]))',
    path: "OrderService_arrivals.csv",
    index: 0,
    line: 6,
  });
  assertMatchesSchema("prometheus-mapping", parse(await Deno.readTextFile(file)), file);
});

Deno.test("metric names are case-insensitive; YAML, JSON and a value hash the same", () => {
  const yaml = parsePrometheusMapping(
    "queries:\n  - { node: Q, metric: QueueDepth, query: 'max_over_time(q[5m])' }\n",
  );
  const json = parsePrometheusMapping(
    '{"queries": [{"node": "Q", "metric": "QueueDepth", "query": "max_over_time(q[5m])"}]}',
  );
  const value = prometheusMappingFromValue({
    queries: [{ query: "max_over_time(q[5m])", metric: "QueueDepth", node: "Q" }],
  });
  assert.equal(yaml.entries[0].semantic, "queueDepth");
  assert.equal(yaml.entries[0].path, "Q_queuedepth.csv");
  assert.equal(yaml.hash, json.hash);
  assert.equal(yaml.hash, value.hash);
  for (const m of ["queuedepth", "QUEUEDEPTH", "queueDepth"]) {
    assert.equal(
      parsePrometheusMapping(`queries:\n  - { node: Q, metric: ${m}, query: q }\n`).entries[0]
        .semantic,
      "queueDepth",
    );
    assert.ok(
      checkSchema("prometheus-mapping", { queries: [{ node: "Q", metric: m, query: "q" }] }).valid,
    );
  }
});

Deno.test("an unknown metric names the file, line and entry, and lists the metrics", () => {
  const err = refused(
    "queries:\n  - node: A\n    metric: arrivals\n    query: a\n  - node: B\n    metric: latency\n    query: b\n",
    /^m\.yaml:6: queries\[1\]\.metric: entry 2: unknown metric "latency"; a mapping fills one of the capture metrics arrivals, served, errors, externalDemand, queueDepth, capacity$/,
  );
  assert.equal(err.line, 6);
});

Deno.test("every other mistake is refused with its place", () => {
  refused("queries: []\n", /^m\.yaml:1: queries: must be a non-empty list/);
  refused("- a\n", /must be a mapping with 'queries'/);
  refused(
    "queries:\n  - { node: A, metric: served, query: q }\nextra: 1\n",
    /^m\.yaml:3: extra: unknown field 'extra'/,
  );
  refused(
    "queries:\n  - { node: A, metric: served }\n",
    /queries\[0\]\.query: entry 1: query must be a PromQL expression, got nothing/,
  );
  refused(
    "queries:\n  - { node: A, metric: served, query: '  ' }\n",
    /query must be a PromQL expression/,
  );
  refused(
    "queries:\n  - { node: 'A/B', metric: served, query: q }\n",
    /node 'A\/B' cannot name a telemetry file/,
  );
  refused(
    "queries:\n  - { node: A, metric: served, query: q, step: 5m }\n",
    /unknown field 'step' \(allowed: node, metric, query\)/,
  );
  refusedBy(
    false,
    "queries:\n  - { node: A, metric: served, query: q }\n  - { node: A, metric: Served, query: r }\n",
    /^m\.yaml:3: queries\[1\]: entry 2: A served is already filled by entry 1/,
  );
  refusedBy(
    false,
    "queries:\n  - { node: a, metric: served, query: q }\n  - { node: A, metric: served, query: r }\n",
    /differs from a_served\.csv \(entry 1\) only in letter case/,
  );
  refused("queries: [\n", /^m\.yaml:\d+: not valid YAML/);
});

Deno.test("a missing mapping file says so", async () => {
  await assertRejectsCode(
    loadPrometheusMapping(join(ROOT, "fixtures/imports/nope.yaml")),
    "mapping_invalid",
    /mapping file .*nope\.yaml does not exist/,
  );
});
