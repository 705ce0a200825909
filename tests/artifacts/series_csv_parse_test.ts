// parseSeriesCsv and the writers (made faster for captures) keep their contract: lenient about BOM, CRLF, the
// `t,value` header, row order and empty cells; strict about garbage, with file and line.
import assert from "node:assert/strict";
import { fc } from "../_dev_deps.ts";
import {
  encodeSeriesCsv,
  formatSeriesCsv,
  parseSeriesCsv,
} from "../../lib/artifacts/series_csv.ts";
import { assertThrowsCode } from "../_helpers.ts";

/** Check that a CSV text (file s.csv) is refused as telemetry_invalid with exactly this message. */
function fails(text: string, message: string, options = {}): void {
  const err = assertThrowsCode(
    () => parseSeriesCsv(text, { file: "s.csv", ...options }),
    "telemetry_invalid",
  );
  assert.equal(err.message, message);
}

Deno.test("rows in any order, BOM, CRLF, t,value header, blank lines and empty cells", () => {
  const parsed = parseSeriesCsv("\uFEFFt,value\r\n2,3.5\r\n\r\n0,1\r\n1,\r\n", { bins: 4 });
  assert.deepEqual(Array.from(parsed.values), [1, NaN, 3.5, NaN]);
  assert.deepEqual(parsed.missingBins, [3]);
  assert.deepEqual(parsed.emptyBins, [1]);
  assert.equal(parsed.rowCount, 3);
  assert.equal(parsed.observedLength, 3);
});

Deno.test("without a length the series ends at the highest bin", () => {
  const parsed = parseSeriesCsv("bin_index,value\n0,1\n3,4\n");
  assert.deepEqual(Array.from(parsed.values), [1, NaN, NaN, 4]);
  assert.deepEqual(parsed.missingBins, [1, 2]);
});

Deno.test("rows past the grid are counted but not kept when allowed", () => {
  const parsed = parseSeriesCsv("bin_index,value\n0,1\n1,2\n2,3\n", {
    bins: 2,
    allowExtraRows: true,
  });
  assert.deepEqual(Array.from(parsed.values), [1, 2]);
  assert.equal(parsed.rowCount, 3);
  assert.equal(parsed.observedLength, 3);
  fails("bin_index,value\n0,1\n2,3\n", "s.csv:3: bin_index 2 is outside the grid (0..1)", {
    bins: 2,
  });
});

Deno.test("special values: NaN, Infinity, inf, signs and exponents", () => {
  const parsed = parseSeriesCsv(
    "bin_index,value\n0,NaN\n1,-Infinity\n2,inf\n3,+1.5e2\n4,-.5\n5,5.\n6,007\n",
  );
  assert.deepEqual(Array.from(parsed.values), [NaN, -Infinity, Infinity, 150, -0.5, 5, 7]);
});

Deno.test("garbage is refused with the file and line", () => {
  fails(
    "bin_index,value\n0,1\n1,0x10\n",
    "s.csv:3: value '0x10' for bin 1 is not a number (write digits, NaN or leave the cell empty)",
  );
  fails(
    "bin_index,value\n0,1_0\n",
    "s.csv:2: value '1_0' for bin 0 is not a number (write digits, NaN or leave the cell empty)",
  );
  fails(
    "bin_index,value\n0,1e\n",
    "s.csv:2: value '1e' for bin 0 is not a number (write digits, NaN or leave the cell empty)",
  );
  fails("bin_index,value\n-1,2\n", "s.csv:2: bin_index '-1' is not a non-negative integer");
  fails(
    "bin_index,value\n1234567890,2\n",
    "s.csv:2: bin_index '1234567890' is not a non-negative integer",
  );
  fails("bin_index,value\n0,1\n0,2\n", "s.csv:3: bin_index 0 appears twice");
  fails(
    "bin_index,value\n0,1\n7\n",
    "s.csv:3: row '7' must have exactly two cells: bin_index,value",
  );
  fails(
    "bin_index,value\n0,1,2\n",
    "s.csv:2: row '0,1,2' must have exactly two cells: bin_index,value",
  );
  fails(
    "time,value\n",
    "s.csv:1: header is 'time,value'; expected 'bin_index,value' (or 't,value', or FlowTime's 'bin_index,classId,value')",
  );
  fails("", "s.csv:1: empty file; expected header 'bin_index,value'");
});

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

Deno.test("property: a cell of number-like characters is read exactly by the number grammar", () => {
  fc.assert(
    fc.property(fc.stringMatching(/^[0-9.eE+xXoObB-]{1,8}$/), (cell) => {
      let got: number | undefined;
      try {
        got = parseSeriesCsv(`bin_index,value\n0,${cell}\n`, { bins: 1 }).values[0];
      } catch {
        got = undefined;
      }
      if (NUMBER.test(cell)) assert.equal(got, Number(cell), cell);
      else assert.equal(got, undefined, cell);
    }),
    { numRuns: 3000 },
  );
});

Deno.test("property: formatting then parsing gives the same values", () => {
  fc.assert(
    fc.property(fc.array(fc.double(), { minLength: 1, maxLength: 50 }), (xs) => {
      const parsed = parseSeriesCsv(formatSeriesCsv(xs), { bins: xs.length });
      // String(-0) is "0": the sign of zero is the one thing the text form does not keep
      assert.deepEqual(Array.from(parsed.values), xs.map((x) => (Object.is(x, -0) ? 0 : x)));
      assert.deepEqual(parsed.missingBins, []);
    }),
    { numRuns: 500 },
  );
});

Deno.test("encodeSeriesCsv writes exactly the UTF-8 of formatSeriesCsv", () => {
  const values = [0, -0, 1.5, -2, 9007199254740991, 9007199254740992, 1e21, 1e-7, NaN, Infinity];
  assert.equal(
    new TextDecoder().decode(encodeSeriesCsv(values)),
    "bin_index,value\n0,0\n1,0\n2,1.5\n3,-2\n4,9007199254740991\n5,9007199254740992\n6,1e+21\n7,1e-7\n8,NaN\n9,Infinity\n",
  );
  fc.assert(
    fc.property(
      fc.array(fc.oneof(fc.double(), fc.integer(), fc.maxSafeInteger()), { maxLength: 40 }),
      fc.boolean(),
      fc.array(fc.nat(40)),
      fc.array(fc.nat(40)),
      (xs, nanAsEmpty, drop, empty) => {
        const options = { nanAsEmpty, dropBins: new Set(drop), emptyBins: new Set(empty) };
        const bytes = encodeSeriesCsv(xs, options, new Uint8Array(8));
        assert.equal(new TextDecoder().decode(bytes), formatSeriesCsv(xs, options));
      },
    ),
    { numRuns: 2000 },
  );
});
