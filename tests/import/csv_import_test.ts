// Long-format CSV import: binning, the four aggregations, gaps, column names, quoting, time
// formats, a capture turned into an export and back, and every refusal with its line.
import assert from "node:assert/strict";
import { join } from "node:path";
import type { FlowTimeErrorCode } from "../../lib/base/errors.ts";
import { type CsvImportOptions, importCsv } from "../../lib/import/csv.ts";
import { captureRun } from "../../lib/telemetry/capture.ts";
import { parseSeriesCsv } from "../../lib/artifacts/series_csv.ts";
import {
  assertMatchesSchema,
  assertRejectsCode,
  cli,
  FIXED_TIME,
  readJsonFile,
  readTree,
  ROOT,
  tempDir,
} from "../_helpers.ts";

const GRID = { start: FIXED_TIME, bins: 6, binSize: 5, binUnit: "minutes" as const };
const EXAMPLE = join(ROOT, "fixtures/imports/orders-export.csv");
const T0 = Date.parse(FIXED_TIME);

function iso(minutes: number, seconds = 0): string {
  return new Date(T0 + minutes * 60_000 + seconds * 1000).toISOString();
}

async function values(dir: string, file: string, bins: number): Promise<Array<number | null>> {
  const parsed = parseSeriesCsv(await Deno.readTextFile(join(dir, file)), { bins });
  return Array.from(parsed.values, (v, i) => parsed.missingBins.includes(i) ? null : v);
}

function refused(options: CsvImportOptions, code: FlowTimeErrorCode, pattern: RegExp) {
  return assertRejectsCode(importCsv({ ...options, dryRun: true }), code, pattern);
}

Deno.test("the example export: sums, maxima, gaps and an empty cell, a capture-like folder", async () => {
  await using tmp = await tempDir("csv-example");
  const dir = tmp.path;
  const out = join(dir, "telemetry", "orders");
  const options: CsvImportOptions = {
    file: EXAMPLE,
    grid: GRID,
    aggregations: { arrivals: "sum", Served: "sum", queue_depth: "max" },
    outputDir: out,
    importedAt: FIXED_TIME,
  };
  const result = await importCsv(options);
  assert.equal(result.rows, 13);
  assert.equal(result.rowsOutsideGrid, 0);
  assert.deepEqual(result.manifest.files.map((f) => [f.path, f.points]), [
    ["OrderService_arrivals.csv", 5],
    ["OrderService_served.csv", 3],
    ["SupportQueue_queuedepth.csv", 3],
  ]);
  assert.deepEqual(await values(out, "OrderService_arrivals.csv", 6), [22, 7, null, 9, 11, 8]);
  assert.deepEqual(await values(out, "OrderService_served.csv", 6), [20, 7, null, null, null, 8]);
  const depth = await Deno.readTextFile(join(out, "SupportQueue_queuedepth.csv"));
  assert.equal(depth, "bin_index,value\n0,5\n1,4\n2,\n");
  assert.deepEqual(result.manifest.warnings.map((w) => [w.nodeId, w.metric, w.code, w.bins]), [
    ["OrderService", "Arrivals", "data_gap", [2]],
    ["OrderService", "Served", "data_gap", [2, 3, 4]],
    ["SupportQueue", "QueueDepth", "data_gap", [3, 4, 5]],
    ["SupportQueue", "QueueDepth", "nan_fill", [2]],
  ]);
  const manifest = await readJsonFile(join(out, "manifest.json"));
  assertMatchesSchema("telemetry-manifest", manifest, "csv import manifest");
  const source = result.manifest.provenance.source!;
  assert.equal(source.kind, "csv");
  assert.equal(source.file, "orders-export.csv");
  assert.match(source.fileHash!, /^sha256:[0-9a-f]{64}$/);
  assert.deepEqual(source.aggregations, { Arrivals: "sum", Served: "sum", QueueDepth: "max" });
  assert.match(result.importId, /^import_csv_[0-9a-f]{16}$/);
  assert.equal(result.manifest.provenance.runId, result.importId);
  // the same file and import time give the same bytes
  const again = await importCsv({ ...options, outputDir: join(dir, "again") });
  assert.deepEqual(await readTree(join(dir, "again")), await readTree(out));
  assert.equal(again.importId, result.importId);
});

Deno.test("sum, mean, last and max over the rows of each bin; rows outside the grid are counted", async () => {
  await using tmp = await tempDir("csv-agg");
  const dir = tmp.path;
  const file = join(dir, "rows.csv");
  const rows = [
    [iso(-1), "A", "arrivals", 100], // before the grid
    [iso(0), "A", "arrivals", 1],
    [iso(4, 59), "A", "arrivals", 2],
    [iso(5), "A", "arrivals", 4], // bin 1 starts at 00:05:00
    [iso(30), "A", "arrivals", 100], // the grid ends at 00:30:00
    [iso(1), "A", "served", 3],
    [iso(2), "A", "served", 5],
    [iso(3), "A", "served", "NaN"], // skipped
    [iso(4), "A", "queueDepth", 7],
    [iso(1), "A", "queueDepth", 9], // earlier time, later row: "last" goes by time
    [iso(6), "A", "queueDepth", 2],
    [iso(6), "A", "queueDepth", 3], // the same time: the later row wins
    [iso(2), "A", "capacity", -5],
    [iso(3), "A", "capacity", -2],
  ];
  await Deno.writeTextFile(
    file,
    "timestamp,node,metric,value\n" + rows.map((r) => r.join(",")).join("\n") + "\n",
  );
  const out = join(dir, "out");
  const result = await importCsv({
    file,
    grid: GRID,
    aggregations: { arrivals: "sum", served: "mean", queueDepth: "last", capacity: "max" },
    outputDir: out,
  });
  assert.equal(result.rows, 14);
  assert.equal(result.rowsOutsideGrid, 2);
  assert.deepEqual((await values(out, "A_arrivals.csv", 6)).slice(0, 2), [3, 4]);
  assert.deepEqual((await values(out, "A_served.csv", 6))[0], 4);
  assert.deepEqual((await values(out, "A_queuedepth.csv", 6)).slice(0, 2), [7, 3]);
  assert.deepEqual((await values(out, "A_capacity.csv", 6))[0], -2);
});

Deno.test("column names, quoting, semicolons, CRLF, a BOM, offsets and epoch times", async () => {
  await using tmp = await tempDir("csv-format");
  const dir = tmp.path;
  const file = join(dir, "grafana.csv");
  await Deno.writeTextFile(
    file,
    "\uFEFF" + [
      `"Time";"Service";"Series";"Value"`,
      `"2025-10-07 02:01:00+02:00";"OrderService";"arrivals";"1,5"`.replace('"1,5"', "1.5"),
      `${(T0 + 120_000) / 1000};OrderService;arrivals;2`,
      `${T0 + 360_000};OrderService;arrivals;4`,
      `"2025-10-07T00:11:00.1234567Z";"OrderService";"arrivals";"8"`,
      `"2025-10-07T00:16:00+0000";"Order""Service";"arrivals";1`,
    ].join("\r\n") + "\r\n",
  );
  const options: CsvImportOptions = {
    file,
    grid: GRID,
    aggregations: { arrivals: "sum" },
    columns: { timestamp: "time", node: "service", metric: "series", value: "value" },
    delimiter: ";",
  };
  await refused(
    options,
    "import_invalid",
    /^.*grafana\.csv:6: node 'Order"Service' cannot name a telemetry file/,
  );
  const lines = (await Deno.readTextFile(file)).split("\r\n");
  await Deno.writeTextFile(file, lines.slice(0, 5).concat("").join("\r\n"));
  const out = join(dir, "out");
  await importCsv({ ...options, outputDir: out });
  assert.deepEqual(await values(out, "OrderService_arrivals.csv", 6), [
    3.5,
    4,
    8,
    null,
    null,
    null,
  ]);
});

Deno.test("a capture turned into a long export (as from ADX) imports back to the same checksum", async () => {
  await using tmp = await tempDir("csv-roundtrip");
  const dir = tmp.path;
  const capture = await captureRun({
    runDir: join(ROOT, "fixtures/loop/order-system/run_order-system_33f57b3c93dd62e1"),
    outputDir: join(dir, "capture"),
    capturedAt: FIXED_TIME,
  });
  const g = capture.manifest.grid;
  const start = Date.parse(capture.manifest.window.startTimeUtc!);
  const lines = ["Timestamp,ServiceName,Metric,Value"];
  for (const f of capture.manifest.files) {
    const series = parseSeriesCsv(await Deno.readTextFile(join(capture.outputDir, f.path)));
    series.values.forEach((v, i) => {
      // one row per bin, time somewhere inside the bin, as `summarize ... by bin(...)` writes
      lines.push(
        `${new Date(start + i * 300_000 + 17_000).toISOString()},${f.nodeId},${f.metric},${v}`,
      );
    });
  }
  // rows in any order (an export is not sorted), header first
  const [header, ...data] = lines;
  data.sort((a, b) => (a.length - b.length) || (a < b ? 1 : a > b ? -1 : 0));
  await Deno.writeTextFile(join(dir, "export.csv"), [header, ...data].join("\n") + "\n");
  const result = await importCsv({
    file: join(dir, "export.csv"),
    grid: {
      start: capture.manifest.window.startTimeUtc!,
      bins: g.bins,
      binSize: g.binSize,
      binUnit: g.binUnit,
    },
    aggregations: { arrivals: "sum", served: "sum", errors: "sum", capacity: "last" },
    columns: { timestamp: "Timestamp", node: "ServiceName", metric: "Metric", value: "Value" },
    dryRun: true,
  });
  assert.deepEqual(result.manifest.warnings, []);
  assert.deepEqual(
    result.manifest.files.map((f) => [f.path, f.hash]),
    capture.manifest.files.map((f) => [f.path, f.hash]),
  );
  assert.equal(result.manifest.checksum, capture.manifest.checksum);
});

Deno.test("refusals name the file, line and what to change", async () => {
  await using tmp = await tempDir("csv-bad");
  const dir = tmp.path;
  const file = join(dir, "bad.csv");
  const base: CsvImportOptions = { file, grid: GRID, aggregations: { arrivals: "sum" } };
  const write = (text: string) => Deno.writeTextFile(file, text);
  await write("time,node,metric,value\n");
  const missing = await refused(
    base,
    "import_invalid",
    /bad\.csv:1: no column 'timestamp' for the timestamp; the header has 'time', 'node', 'metric', 'value'/,
  );
  assert.equal(missing.fix?.option, "columns");
  await write(`timestamp,node,metric,value\n${iso(1)},A,latency,3\n`);
  await refused(
    base,
    "import_invalid",
    /bad\.csv:2: unknown metric 'latency'; the metric column holds capture metrics/,
  );
  await write(`timestamp,node,metric,value\n${iso(1)},A,arrivals,3\n${iso(2)},A,served,3\n`);
  const agg = await refused(
    base,
    "import_invalid",
    /bad\.csv:3: metric 'served' has no aggregation/,
  );
  assert.deepEqual(agg.fix, { option: "aggregations", effect: "include served=<aggregation>" });
  await write(`timestamp,node,metric,value\n2025-10-07T00:01:00,A,arrivals,3\n`);
  await refused(
    base,
    "import_invalid",
    /bad\.csv:2: '2025-10-07T00:01:00' is not a time; write ISO 8601 with a zone/,
  );
  await write(`timestamp,node,metric,value\n${iso(1)},A,arrivals,12abc\n`);
  await refused(base, "import_invalid", /bad\.csv:2: value '12abc' is not a number/);
  await write(`timestamp,node,metric,value\n${iso(1)},A,arrivals,"3\n`);
  await refused(base, "import_invalid", /bad\.csv:2: a quoted field is never closed/);
  await write("");
  await refused(base, "import_invalid", /bad\.csv: the file is empty/);
  await write(`timestamp,node,metric,value\n${iso(-10)},A,arrivals,3\n`);
  await refused(base, "import_invalid", /no row of the file lies on the grid/);
  await refused(
    { ...base, aggregations: { arrivals: "median" as "sum" } },
    "usage",
    /'median' is not an aggregation/,
  );
  await refused({ ...base, file: join(dir, "none.csv") }, "not_found", /none\.csv/);
});

Deno.test("flowtime telemetry import csv: the flags, the result and its notes", async () => {
  await using tmp = await tempDir("csv-cli");
  const dir = tmp.path;
  const args = [
    "telemetry",
    "import",
    "csv",
    "--file",
    EXAMPLE,
    "--aggregations",
    "arrivals=sum,served=sum,queueDepth=max",
    "--start",
    FIXED_TIME,
    "--bins",
    "4",
    "--bin-size",
    "5",
  ];
  const env = { FLOWTIME_DATA_DIR: dir, SOURCE_DATE_EPOCH: String(T0 / 1000) };
  const run = await cli([...args, "--json"], { env });
  assert.equal(run.code, 0, run.stderr);
  const result = JSON.parse(run.stdout);
  assert.equal(result.rows, 13);
  assert.equal(result.rowsOutsideGrid, 3);
  assert.match(result.outputDir, /telemetry\/import_csv_[0-9a-f]{16}$/);
  assertMatchesSchema(
    "telemetry-manifest",
    await readJsonFile(join(result.outputDir, "manifest.json")),
    "manifest",
  );
  const text = await cli([...args, "--output", join(dir, "text")], { env });
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /^imported 3 file\(s\) from .*orders-export\.csv into /);
  assert.match(text.stderr, /^warning: data_gap: OrderService Arrivals: no data for bins 2/m);
  assert.match(text.stderr, /^note: 3 of 13 row\(s\) lie outside the grid and were left out$/m);
  const badColumns = await cli([...args, "--columns", "time=Time"], { env });
  assert.equal(badColumns.code, 2);
  assert.match(badColumns.stderr, /--columns: 'time' is not a column role/);
  const noAgg = await cli([...args.slice(0, 5), ...args.slice(7)], { env });
  assert.equal(noAgg.code, 2);
  assert.match(noAgg.stderr, /missing --aggregations/);
  const missingAgg = await cli(
    [...args.slice(0, 6), "arrivals=sum", ...args.slice(7)],
    { env },
  );
  assert.equal(missingAgg.code, 1);
  assert.match(
    missingAgg.stderr,
    /orders-export\.csv:4: metric 'served' has no aggregation; declare how its rows in a bin combine \(sum, mean, last, max\); pass --aggregations to include served=<aggregation>/,
  );
});
