import assert from "node:assert/strict";
import { formatSeriesCsv, parseSeriesCsv } from "../../lib/artifacts/series_csv.ts";
import { assertThrowsCode } from "../_helpers.ts";

Deno.test("writer: header, one row per bin, LF, shortest round-trip numbers, non-finite words", () => {
  const csv = formatSeriesCsv(new Float64Array([1, 0.1 + 0.2, 1e21, -0, NaN, Infinity, -Infinity]));
  assert.equal(
    csv,
    "bin_index,value\n0,1\n1,0.30000000000000004\n2,1e+21\n3,0\n4,NaN\n5,Infinity\n6,-Infinity\n",
  );
});

Deno.test("writer: dropped bins are left out and NaN may be written as an empty cell", () => {
  assert.equal(
    formatSeriesCsv([1, NaN, 3], { dropBins: new Set([0]), nanAsEmpty: true }),
    "bin_index,value\n1,\n2,3\n",
  );
});

Deno.test("round trip keeps every value exactly, NaN and infinities included", () => {
  const values = new Float64Array([
    0.1,
    1 / 3,
    -2.5e-300,
    123456789.123,
    NaN,
    Infinity,
    -Infinity,
    5e-324,
  ]);
  const back = parseSeriesCsv(formatSeriesCsv(values)).values;
  assert.deepEqual(Array.from(back), Array.from(values));
});

Deno.test("reader: BOM, CRLF, t,value header, rows out of order, empty cell = NaN", () => {
  const parsed = parseSeriesCsv("\uFEFFt,value\r\n2,7\r\n0,5\r\n1,\r\n", { bins: 4 });
  assert.deepEqual(Array.from(parsed.values), [5, NaN, 7, NaN]);
  assert.deepEqual(parsed.missingBins, [3]);
  assert.deepEqual(parsed.emptyBins, [1]);
  assert.equal(parsed.rowCount, 3);
});

/** The message a CSV text (file x.csv) is refused with, as telemetry_invalid. */
function refused(text: string, bins?: number): string {
  return assertThrowsCode(() => parseSeriesCsv(text, { file: "x.csv", bins }), "telemetry_invalid")
    .message;
}

Deno.test("reader refuses garbage with file and line", () => {
  assert.equal(
    refused("bin_index,value\n0,1\n1,abc\n"),
    "x.csv:3: value 'abc' for bin 1 is not a number (write digits, NaN or leave the cell empty)",
  );
  assert.equal(
    refused("index,val\n"),
    "x.csv:1: header is 'index,val'; expected 'bin_index,value' (or 't,value', or FlowTime's 'bin_index,classId,value')",
  );
  assert.equal(
    refused("bin_index,value\n-1,3\n"),
    "x.csv:2: bin_index '-1' is not a non-negative integer",
  );
  assert.equal(refused("bin_index,value\n0,3\n0,4\n"), "x.csv:3: bin_index 0 appears twice");
  assert.equal(
    refused("bin_index,value\n0,3,4\n"),
    "x.csv:2: row '0,3,4' must have exactly two cells: bin_index,value",
  );
  assert.equal(
    refused("bin_index,value\n0\n"),
    "x.csv:2: row '0' must have exactly two cells: bin_index,value",
  );
  assert.equal(
    refused("bin_index,value\n5,1\n", 3),
    "x.csv:2: bin_index 5 is outside the grid (0..2)",
  );
  assert.equal(refused(""), "x.csv:1: empty file; expected header 'bin_index,value'");
});
