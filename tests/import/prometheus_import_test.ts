// Import from a real Prometheus (Debian's package): a run exported as OpenMetrics and backfilled
// with promtool comes back through /api/v1/query_range as exactly its capture, replays through
// its template to the same /state, and the counter recipe, split requests, gaps, NaN and every
// refusal behave as documented.
import assert from "node:assert/strict";
import { join } from "node:path";
import type { FlowTimeError, FlowTimeErrorCode } from "../../lib/base/errors.ts";
import { readRunBundle } from "../../lib/artifacts/reader.ts";
import { parseSeriesCsv } from "../../lib/artifacts/series_csv.ts";
import { parsePrometheusMapping, prometheusMappingFromValue } from "../../lib/import/mapping.ts";
import { importPrometheus, type PrometheusImportOptions } from "../../lib/import/prometheus.ts";
import { loadStateRun } from "../../lib/state/load.ts";
import { windowOf } from "../../lib/state/window.ts";
import { compareRuns } from "../../lib/workflow/parity.ts";
import { replayCapture } from "../../lib/workflow/replay.ts";
import {
  assertMatchesSchema,
  assertRejectsCode,
  FIXED_TIME,
  readJsonFile,
  readTree,
} from "../_helpers.ts";
import {
  buildFixture,
  counterRate,
  type ImportFixture,
  selectorMapping,
  SIM,
  SPECIALS,
} from "./_fixture.ts";
import { PROMETHEUS_MISSING, type RunningPrometheus, startPrometheus } from "./_prometheus.ts";

const dec = new TextDecoder();

function csvFiles(tree: Map<string, Uint8Array>): Map<string, string> {
  return new Map(
    [...tree].filter(([p]) => p.endsWith(".csv")).map(([p, b]) => [p, dec.decode(b)]),
  );
}

// The error's code and message, and more patterns its message must match.
async function rejects(
  promise: Promise<unknown>,
  code: FlowTimeErrorCode,
  first: RegExp,
  ...more: RegExp[]
): Promise<FlowTimeError> {
  const err = await assertRejectsCode(promise, code, first);
  for (const p of more) assert.match(err.message, p);
  return err;
}

Deno.test({
  name: "import from a real Prometheus",
  ignore: PROMETHEUS_MISSING !== undefined,
  async fn(t) {
    await using fx: ImportFixture = await buildFixture("prom-import");
    await using prom: RunningPrometheus = await startPrometheus({ backfill: fx.backfill });
    const base = (over: Partial<PrometheusImportOptions>): PrometheusImportOptions => ({
      url: prom.url,
      mapping: prometheusMappingFromValue(selectorMapping(fx.capture, fx.source.runId)),
      grid: fx.grid,
      importedAt: FIXED_TIME,
      ...over,
    });
    const imported = join(fx.data, "telemetry", "imported");
    let importId = "";

    await t.step(
      "round trip: run -> OpenMetrics -> promtool -> import equals the capture",
      async () => {
        const result = await importPrometheus(base({ outputDir: imported }));
        importId = result.importId;
        assert.equal(result.requests, fx.capture.manifest.files.length);
        assert.deepEqual(result.manifest.warnings, []);
        const got = await readTree(imported);
        const want = await readTree(fx.capture.outputDir);
        assert.deepEqual(
          csvFiles(got),
          csvFiles(want),
          "imported CSVs differ from the capture's",
        );
        assert.equal(result.manifest.checksum, fx.capture.manifest.checksum);
        assert.deepEqual(
          result.manifest.files.map((f) => [f.path, f.hash, f.points]),
          fx.capture.manifest.files.map((f) => [f.path, f.hash, f.points]),
        );
        const manifest = await readJsonFile(join(imported, "manifest.json"));
        assertMatchesSchema("telemetry-manifest", manifest, "imported manifest.json");
        const prov = result.manifest.provenance;
        assert.match(prov.runId, /^import_prometheus_[0-9a-f]{16}$/);
        assert.equal(prov.runId, result.importId);
        assert.equal(prov.capturedAtUtc, FIXED_TIME);
        assert.deepEqual(prov.source, {
          kind: "prometheus",
          url: prom.url,
          queries: selectorMapping(fx.capture, fx.source.runId).queries.map((q) => ({
            nodeId: q.node,
            metric: q.metric,
            query: q.query,
          })),
          importedAtUtc: FIXED_TIME,
        });
        assert.deepEqual(manifest.window, fx.capture.manifest.window);
        assert.deepEqual(manifest.grid, fx.capture.manifest.grid);
      },
    );

    await t.step("the same answers and import time give a byte-identical folder", async () => {
      const again = join(fx.data, "telemetry", "again");
      await importPrometheus(base({ outputDir: again }));
      assert.deepEqual(await readTree(again), await readTree(imported));
    });

    await t.step(
      "the replay through the run's template and /state equal the source run's",
      async () => {
        const replay = await replayCapture(SIM, {
          templateId: "order-system",
          captureDir: imported,
          runsDir: join(fx.data, "runs"),
          deterministic: true,
          createdAt: FIXED_TIME,
        });
        const written = replay.written!;
        assert.deepEqual(written.runJson.warnings, []);
        assert.equal(written.metadata.capture?.runId, importId);
        const parity = await compareRuns([
          await readRunBundle(fx.source.runDir),
          await readRunBundle(written.runDir),
        ]);
        assert.equal(parity.passed, true);
        assert.equal(parity.maxAbsDiff, 0);
        const bins = fx.grid.bins;
        // /state of the replay equals the source's, except the envelope and the telemetry
        // sources the replay names
        const nodesOf = async (dir: string) =>
          windowOf(await loadStateRun(dir), { startBin: 0, endBin: bins - 1 }).nodes.map((
            n,
          ) => [n.id, n.kind, n.series, n.telemetry.warnings]);
        assert.deepEqual(await nodesOf(written.runDir), await nodesOf(fx.source.runDir));
      },
    );

    await t.step(
      "counter recipe: increase(...[5m]) at each bin's end gives the bin's count",
      async () => {
        const result = await importPrometheus(base({
          mapping: prometheusMappingFromValue({
            queries: [{
              node: "OrderService",
              metric: "arrivals",
              query: 'sum(increase(flowtime_test_requests_total{job="orders"}[5m]))',
            }],
          }),
          outputDir: join(fx.data, "telemetry", "counter"),
        }));
        assert.deepEqual(result.manifest.warnings, []);
        const csv = parseSeriesCsv(
          await Deno.readTextFile(
            join(fx.data, "telemetry", "counter", "OrderService_arrivals.csv"),
          ),
          { bins: fx.grid.bins },
        ).values;
        for (let i = 0; i < fx.grid.bins; i++) {
          // scrapes 30 s into each minute with a steady rate inside the bin: the extrapolated
          // increase is exactly the bin's count (docs/operations/telemetry-import.md)
          assert.ok(Math.abs(csv[i] - 5 * counterRate(i)) < 1e-9, `bin ${i}: ${csv[i]}`);
        }
      },
    );

    await t.step("grids over the points limit are split into several requests", async () => {
      const split = await importPrometheus(base({ maxPointsPerRequest: 100, dryRun: true }));
      const files = fx.capture.manifest.files.length;
      assert.equal(split.requests, files * 3); // 100 + 100 + 88 points
      assert.equal(split.manifest.checksum, fx.capture.manifest.checksum);
      const odd = await importPrometheus(
        base({ maxPointsPerRequest: 7, concurrency: 8, dryRun: true }),
      );
      assert.equal(odd.requests, files * Math.ceil(288 / 7));
      assert.equal(odd.manifest.checksum, fx.capture.manifest.checksum);
    });

    await t.step(
      "the real limit: 11,000 points answered, more refused; a 10,000-bin grid whole or split, aligned",
      async () => {
        const bins = 10_000; // the grid's cap
        const grid = { start: "2025-10-07T00:00:00Z", bins, binSize: 1, binUnit: "minutes" };
        const t0 = Date.parse(grid.start) / 1000;
        // The real server answers 11,000 points (the importer's default per request) and
        // refuses a range of more than 11,000 steps.
        const ask = (points: number) => {
          const url = new URL("/api/v1/query_range", prom.url);
          url.search = new URLSearchParams({
            query: "time()",
            start: String(t0 + 60),
            end: String(t0 + points * 60),
            step: "60",
          }).toString();
          return fetch(url);
        };
        const answered = await ask(11_000);
        assert.equal(answered.status, 200);
        const [series] = (await answered.json()).data.result;
        assert.equal(series.values.length, 11_000);
        const refused = await ask(11_002);
        assert.equal(refused.status, 400);
        assert.match(await refused.text(), /exceeded maximum resolution of 11,000 points/);
        // time() is each bin's end: one request at the default limit, three at 4,000 points,
        // the same bytes either way.
        const mapping = prometheusMappingFromValue({
          queries: [{ node: "Clock", metric: "arrivals", query: "time()" }],
        });
        const one = join(fx.data, "telemetry", "long");
        const three = join(fx.data, "telemetry", "long-split");
        const long = (outputDir: string, over: Partial<PrometheusImportOptions> = {}) =>
          importPrometheus(base({
            grid: grid as PrometheusImportOptions["grid"],
            mapping,
            outputDir,
            ...over,
          }));
        const single = await long(one);
        assert.equal(single.requests, 1);
        const split = await long(three, { maxPointsPerRequest: 4_000 });
        assert.equal(split.requests, 3);
        assert.deepEqual(split.manifest.warnings, []);
        const { values } = parseSeriesCsv(
          await Deno.readTextFile(join(three, "Clock_arrivals.csv")),
          { file: "Clock_arrivals.csv" },
        );
        assert.equal(values.length, bins);
        for (let i = 0; i < bins; i++) {
          if (values[i] !== t0 + (i + 1) * 60) {
            assert.fail(`bin ${i}: ${values[i]}, expected its end ${t0 + (i + 1) * 60}`);
          }
        }
        assert.deepEqual(csvFiles(await readTree(three)), csvFiles(await readTree(one)));
        assert.equal(split.manifest.checksum, single.manifest.checksum);
      },
    );

    await t.step(
      "missing samples are data_gap, NaN nan_fill, +Inf written as it is",
      async () => {
        const out = join(fx.data, "telemetry", "specials");
        const result = await importPrometheus(base({
          mapping: prometheusMappingFromValue({
            queries: [
              {
                node: "Q",
                metric: "queueDepth",
                query: 'last_over_time(flowtime_test_specials{job="orders"}[1m])',
              },
              { node: "Q", metric: "capacity", query: 'flowtime_test_specials{job="nobody"}' },
            ],
          }),
          grid: { ...fx.grid, bins: SPECIALS.bins },
          outputDir: out,
        }));
        const w = result.manifest.warnings;
        assert.deepEqual(w.map((x) => [x.nodeId, x.metric, x.code, x.bins]), [
          ["Q", "QueueDepth", "data_gap", SPECIALS.missing],
          ["Q", "QueueDepth", "nan_fill", SPECIALS.nan],
          ["Q", "QueueDepth", "nan_detected", SPECIALS.inf],
          ["Q", "Capacity", "data_gap", Array.from({ length: SPECIALS.bins }, (_, i) => i)],
        ]);
        assert.match(w[3].message, /no series/);
        const text = await Deno.readTextFile(join(out, "Q_queuedepth.csv"));
        const rows = text.trimEnd().split("\n");
        assert.equal(rows[0], "bin_index,value");
        assert.equal(rows.length, 1 + SPECIALS.bins - SPECIALS.missing.length);
        assert.ok(rows.includes("3,") && rows.includes("4,") && rows.includes("7,Infinity"));
        assert.ok(rows.includes("9,9") && !rows.some((r) => r.startsWith("10,")));
        assert.equal(await Deno.readTextFile(join(out, "Q_capacity.csv")), "bin_index,value\n");
        assert.deepEqual(result.manifest.files.map((f) => f.points), [21, 0]);
        assertMatchesSchema(
          "telemetry-manifest",
          await readJsonFile(join(out, "manifest.json")),
          "manifest",
        );
      },
    );

    await t.step(
      "a query returning several series names the query and the label sets",
      async () => {
        const out = join(fx.data, "telemetry", "several");
        const mapping = parsePrometheusMapping(
          `queries:\n  - node: OrderService\n    metric: arrivals\n    query: flowtime_arrivals{node="OrderService"}\n`,
          "several.yaml",
        );
        const err = await rejects(
          importPrometheus(base({ mapping, outputDir: out })),
          "import_invalid",
          /^several\.yaml:2: queries\[0\]\.query: OrderService Arrivals: the query 'flowtime_arrivals\{node="OrderService"\}' returned 2 series/,
          new RegExp(`run_id="${fx.source.runId}"`),
          new RegExp(`run_id="${fx.other.runId}"`),
          /sum\(/,
        );
        assert.equal(err.line, 2);
        await assert.rejects(Deno.stat(out), Deno.errors.NotFound);
      },
    );

    await t.step(
      "a bad query is Prometheus' HTTP 400 bad_data, with its message and the entry",
      async () => {
        const mapping = parsePrometheusMapping(
          `queries:\n  - { node: A, metric: served, query: "rate(x[5m])" }\n  - { node: B, metric: served, query: "sum(flowtime_served" }\n`,
          "bad.yaml",
        );
        await rejects(
          importPrometheus(base({ mapping, dryRun: true })),
          "query_failed",
          /^bad\.yaml:3: queries\[1\]\.query: B Served: Prometheus at http:\/\/127\.0\.0\.1:\d+ rejected the query 'sum\(flowtime_served' \(HTTP 400, bad_data: .*unclosed left parenthesis/,
        );
      },
    );

    await t.step("a query returning strings is refused with Prometheus' message", async () => {
      await rejects(
        importPrometheus(base({
          mapping: prometheusMappingFromValue({
            queries: [{ node: "A", metric: "arrivals", query: '"orders"' }],
          }),
          dryRun: true,
        })),
        "query_failed",
        /A Arrivals: .*rejected the query '"orders"' \(HTTP 400, bad_data: invalid expression type "string" for range query/,
      );
    });

    await t.step(
      "a grid whose bin ends miss every sample sees gaps, never shifted values",
      async () => {
        // bins end at 00:07:30, 00:12:30, ...: last_over_time over 1m finds no sample there
        const result = await importPrometheus(base({
          grid: { ...fx.grid, start: "2025-10-07T00:02:30Z", bins: 12 },
          mapping: prometheusMappingFromValue({
            queries: [{
              node: "Q",
              metric: "queueDepth",
              query: 'last_over_time(flowtime_test_specials{job="orders"}[1m])',
            }],
          }),
          dryRun: true,
        }));
        assert.deepEqual(
          result.manifest.warnings[0].bins,
          Array.from({ length: 12 }, (_, i) => i),
        );
      },
    );
  },
});
