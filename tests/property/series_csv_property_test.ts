import assert from "node:assert/strict";
import { fc } from "../_dev_deps.ts";
import { formatSeriesCsv, parseSeriesCsv } from "../../lib/artifacts/series_csv.ts";
import { assertOwnError, fuzzRuns, recordCases } from "./_fuzz.ts";

Deno.test("property: writing a series CSV and reading it back gives the same numbers, NaN included", () => {
  const runs = fuzzRuns();
  fc.assert(
    fc.property(fc.array(fc.double(), { minLength: 1, maxLength: 50 }), (values) => {
      const back = parseSeriesCsv(formatSeriesCsv(values), { bins: values.length });
      assert.deepEqual(
        Array.from(back.values).map(String),
        values.map((v) => String(Object.is(v, -0) ? 0 : v)),
      );
      assert.deepEqual(back.missingBins, []);
    }),
    { numRuns: runs },
  );
  recordCases("series CSV (round trip)", runs);
});

Deno.test("property: any text is a series or a FlowTimeError naming file and line", () => {
  const runs = fuzzRuns();
  const cell = fc.oneof(
    fc.integer().map(String),
    fc.double().map(String),
    fc.constantFrom("", "NaN", "abc", "1e", "--1", " 2 ", "0x10"),
  );
  const row = fc.tuple(
    fc.oneof(fc.nat(10).map(String), fc.constantFrom("-1", "x", "1.5", "")),
    cell,
  ).map(([a, b]) => `${a},${b}`);
  const csv = fc.tuple(
    fc.constantFrom("bin_index,value", "t,value", "\uFEFFbin_index,value", "value", ""),
    fc.array(fc.oneof(row, fc.string({ maxLength: 10 })), { maxLength: 8 }),
    fc.constantFrom("\n", "\r\n"),
  )
    .map(([h, rows, nl]) => [h, ...rows].join(nl));
  fc.assert(
    fc.property(
      fc.oneof(csv, fc.string({ maxLength: 80 })),
      fc.option(fc.integer({ min: 1, max: 12 })),
      (text, bins) => {
        try {
          const parsed = parseSeriesCsv(text, { file: "s.csv", bins: bins ?? undefined });
          if (bins) assert.equal(parsed.values.length, bins);
        } catch (err) {
          assertOwnError(err, /^s\.csv:\d+: /);
        }
      },
    ),
    { numRuns: runs },
  );
  recordCases("series CSV reader (arbitrary text)", runs);
});
