// One run series becomes one capture file: gap actions change exactly the bins they name,
// values the source lacks are reported, and each code yields one warning with all its bins.
import assert from "node:assert/strict";
import {
  encodeSeriesCsv,
  formatSeriesCsv,
  parseSeriesCsv,
} from "../../lib/artifacts/series_csv.ts";
import { type CapturedSeries, captureSeries } from "../../lib/telemetry/capture_series.ts";
import { GAP_DROP, GAP_NAN, GAP_ZERO } from "../../lib/telemetry/gaps.ts";

const target = {
  nodeId: "OrderService",
  metric: "Arrivals" as const,
  sourceSeries: "order_arrivals@ORDER_ARRIVALS@DEFAULT",
  bins: 6,
};

/** The file text a captured series is written as (text and byte writers agree). */
function textOf(out: CapturedSeries): string {
  const text = formatSeriesCsv(out.values, out.format);
  assert.equal(new TextDecoder().decode(encodeSeriesCsv(out.values, out.format)), text);
  return text;
}

function source(text: string, bins = 6) {
  return parseSeriesCsv(text, { bins, allowExtraRows: true });
}

const CLEAN = "bin_index,value\n0,10\n1,12.5\n2,11\n3,13\n4,20\n5,0.1\n";

Deno.test("without gaps the file repeats the source values in shortest round-trip form", () => {
  const out = captureSeries(
    source("t,value\r\n0,10.0\r\n1,12.50\r\n2,11\r\n3,1.3e1\r\n4,20\r\n5,.1\r\n"),
    undefined,
    target,
  );
  assert.equal(textOf(out), CLEAN);
  assert.equal(out.points, 6);
  assert.deepEqual(out.warnings, []);
});

Deno.test("drop removes rows, nan leaves the value cell empty, zero writes 0", () => {
  const plan = Uint8Array.from([0, GAP_DROP, GAP_NAN, GAP_ZERO, GAP_DROP, 0]);
  const out = captureSeries(source(CLEAN), plan, target);
  assert.equal(textOf(out), "bin_index,value\n0,10\n2,\n3,0\n5,0.1\n");
  assert.equal(out.points, 4);
  assert.deepEqual(out.warnings.map((w) => [w.code, w.bins]), [
    ["data_gap", [1, 4]],
    ["nan_fill", [2]],
    ["zero_fill", [3]],
  ]);
  assert.equal(
    out.warnings[0].message,
    "OrderService Arrivals: rows removed for bins 1, 4 (gap rule)",
  );
  assert.ok(out.warnings.every((w) => w.nodeId === "OrderService" && w.metric === "Arrivals"));
});

Deno.test("NaN and Infinity already in the source are kept and reported once as nan_detected", () => {
  const out = captureSeries(
    source("bin_index,value\n0,1\n1,NaN\n2,\n3,Infinity\n4,-Infinity\n5,2\n"),
    undefined,
    target,
  );
  assert.equal(textOf(out), "bin_index,value\n0,1\n1,NaN\n2,NaN\n3,Infinity\n4,-Infinity\n5,2\n");
  assert.equal(out.warnings.length, 1);
  assert.equal(out.warnings[0].code, "nan_detected");
  assert.deepEqual(out.warnings[0].bins, [1, 2, 3, 4]);
  assert.equal(
    out.warnings[0].message,
    "OrderService Arrivals: source series order_arrivals@ORDER_ARRIVALS@DEFAULT is not finite at bins 1-4; written as in the source",
  );
});

Deno.test("a source shorter than the grid gives length_mismatch with the bins it lacks", () => {
  const out = captureSeries(source("bin_index,value\n0,1\n1,2\n2,3\n3,4\n"), undefined, target);
  assert.equal(textOf(out), "bin_index,value\n0,1\n1,2\n2,3\n3,4\n");
  assert.equal(out.points, 4);
  assert.deepEqual(out.warnings.map((w) => [w.code, w.bins]), [["length_mismatch", [4, 5]]]);
  assert.equal(
    out.warnings[0].message,
    "OrderService Arrivals: source series order_arrivals@ORDER_ARRIVALS@DEFAULT has 4 rows for a 6-bin grid: no row for bins 4-5",
  );
});

Deno.test("a source longer than the grid gives length_mismatch and its extra rows are left out", () => {
  const out = captureSeries(source(CLEAN + "6,7\n7,8\n"), undefined, target);
  assert.equal(textOf(out), CLEAN);
  assert.deepEqual(out.warnings.map((w) => [w.code, w.bins]), [["length_mismatch", []]]);
  assert.match(
    out.warnings[0].message,
    /has 8 rows for a 6-bin grid: 2 row\(s\) past the grid \(up to bin 7\) left out/,
  );
});

Deno.test("gap rules on bins the source has no row for change nothing there", () => {
  const plan = Uint8Array.from([0, 0, 0, 0, GAP_ZERO, GAP_DROP]);
  const out = captureSeries(source("bin_index,value\n0,1\n1,2\n2,3\n3,4\n"), plan, target);
  assert.equal(textOf(out), "bin_index,value\n0,1\n1,2\n2,3\n3,4\n");
  assert.deepEqual(out.warnings.map((w) => w.code), ["length_mismatch"]);
});
