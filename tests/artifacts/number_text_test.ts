// The digit-by-digit number writer of series CSVs: exactly String(value) for every double,
// property-tested on the forms the fast paths take (integers, decimals of up to 6 places) and
// on arbitrary doubles; a whole series encodes to the UTF-8 of its text form.
import assert from "node:assert/strict";
import fc from "fast-check";
import { encodeSeriesCsv, formatSeriesCsv, writeNumber } from "../../lib/artifacts/series_csv.ts";

const RUNS = Number(Deno.env.get("FLOWTIME_FUZZ_RUNS") ?? "300") * 30;
const out = new Uint8Array(64);
const text = (v: number) => new TextDecoder().decode(out.subarray(0, writeNumber(out, 0, v)));

const decimal = fc.tuple(
  fc.integer({ min: -(10 ** 15), max: 10 ** 15 }),
  fc.integer({ min: 0, max: 8 }),
).map(([m, d]) => m / 10 ** d);

Deno.test("numbers are written exactly as String() writes them", () => {
  for (
    const v of [
      0,
      -0,
      1,
      -1,
      0.1,
      0.30000000000000004,
      1e-6,
      1e-7,
      123456.789,
      999999999999999.9,
      1e15,
      1e21,
      2 ** 53,
      2 ** 53 + 2,
      -(2 ** 31),
      2 ** 31,
      5e-324,
      Number.MAX_VALUE,
      NaN,
      Infinity,
      -Infinity,
      0.05,
      -0.000001,
      100.10,
    ]
  ) assert.equal(text(v), String(v), String(v));
  fc.assert(
    fc.property(fc.oneof(decimal, fc.double(), fc.integer()), (v) => text(v) === String(v)),
    { numRuns: RUNS },
  );
});

Deno.test("a series encodes to the UTF-8 of its text", () => {
  fc.assert(
    fc.property(fc.array(fc.oneof(decimal, fc.double()), { maxLength: 50 }), (values) => {
      const bytes = encodeSeriesCsv(values);
      assert.equal(new TextDecoder().decode(bytes), formatSeriesCsv(values));
    }),
    { numRuns: 300 },
  );
});
