// Series CSVs as bytes: the digit-by-digit number writer gives exactly String(value) for every
// double (property-tested on the forms the fast paths take, integers and decimals of up to 6
// places, and on arbitrary doubles); a whole series encodes to the UTF-8 of its text form; and
// the byte reader gives exactly what the text reader gives, for any layout and any mutation.
import assert from "node:assert/strict";
import { fc } from "../_dev_deps.ts";
import {
  encodeSeriesCsv,
  formatSeriesCsv,
  parseSeriesCsv,
  parseSeriesCsvBytes,
  writeNumber,
} from "../../lib/artifacts/series_csv.ts";
import { writeShortestFraction } from "../../lib/artifacts/_shortest_fraction.ts";

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

Deno.test("values with a fraction between 1 and 2^31 are written as String() writes them, without String()", () => {
  // 200,000 values of each kind from a fixed generator: log-uniform doubles, decimals and the
  // doubles next to them (a step of one in the last bit either way), running sums of decimals
  // (values such as 345.80000000000166), and doubles next to powers of ten and of two
  let seed = 20261128;
  const random = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 4294967296;
  };
  const bits = new Float64Array(1);
  const word = new BigInt64Array(bits.buffer);
  const step = (v: number, by: bigint) => {
    bits[0] = v;
    word[0] += by;
    return bits[0];
  };
  const values: number[] = [];
  for (let i = 0; i < 200_000; i++) {
    values.push(Math.exp(random() * Math.log(2 ** 31)));
    const decimal = Math.floor(random() * 10 ** (2 + Math.floor(random() * 11))) /
      10 ** (1 + Math.floor(random() * 8));
    values.push(decimal, step(decimal, 1n), step(decimal, -1n));
  }
  for (let s = 0; s < 200; s++) {
    let sum = random() * 1000;
    const by = [0.1, 0.2, 0.3, 0.7, 1.1, 0.02, 0.05][s % 7] * (1 + Math.floor(random() * 50));
    for (let i = 0; i < 1000; i++) values.push(sum += by);
  }
  for (let e = 0; e < 31; e++) {
    for (let j = -300n; j <= 300n; j++) values.push(step(10 ** Math.min(e, 9), j), step(2 ** e, j));
  }
  let fast = 0;
  let inRange = 0;
  for (const v of [...values, ...values.map((v) => -v)]) {
    if (text(v) !== String(v)) assert.equal(text(v), String(v));
    const x = Math.abs(v);
    // below 10 a fraction past 0.9007 gives 17-digit integers past 2^53: String() writes those
    const over53 = x < 10 && (x - Math.floor(x)) * 1e16 >= 9007199254740000;
    if (x >= 1 && x < 2 ** 31 && !Number.isInteger(x) && !over53) {
      inRange++;
      const end = writeShortestFraction(out, 0, v);
      if (end >= 0) {
        fast++;
        assert.equal(new TextDecoder().decode(out.subarray(0, end)), String(v));
      }
    }
  }
  // String() is left only the values on a hair (ties, interval edges, carries)
  assert.ok(inRange > 1_500_000, `${inRange} values in range`);
  assert.ok(fast / inRange > 0.999, `${inRange - fast} of ${inRange} fell back to String()`);
});

Deno.test("integers are written as String() writes them: every one below 1,100,000, and any size", () => {
  for (let v = 0; v < 1_100_000; v++) {
    if (text(v) !== String(v)) assert.equal(text(v), String(v));
  }
  for (const v of [99_999_999, 100_000_000, 2 ** 31 - 1, 2 ** 31, 2 ** 53 - 1, -(2 ** 53 - 1)]) {
    assert.equal(text(v), String(v));
  }
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 15 }),
      fc.double({ min: 0, max: 1, noNaN: true }),
      fc.boolean(),
      (digits, f, negative) => {
        const v = Math.floor(f * 10 ** digits) * (negative ? -1 : 1);
        return text(v) === String(v);
      },
    ),
    { numRuns: RUNS },
  );
});

Deno.test("a series encodes to the UTF-8 of its text, with empty cells and NaN as empty too", () => {
  const value = fc.oneof(
    decimal,
    fc.double(),
    fc.integer({ min: -5, max: 12_000 }),
    fc.constantFrom(NaN, -0, 9999, 10000),
  );
  fc.assert(
    fc.property(
      fc.array(value, { maxLength: 50 }),
      fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 10 }),
      fc.boolean(),
      (values, empty, nanAsEmpty) => {
        assert.equal(new TextDecoder().decode(encodeSeriesCsv(values)), formatSeriesCsv(values));
        const options = { emptyBins: new Set(empty), nanAsEmpty };
        assert.equal(
          new TextDecoder().decode(encodeSeriesCsv(values, options)),
          formatSeriesCsv(values, options),
        );
      },
    ),
    { numRuns: 300 },
  );
});

Deno.test("a long series, with rows dropped anywhere, encodes to the UTF-8 of its text", () => {
  // bin indexes cross 9 -> 10, 99 -> 100, 999 -> 1000 and 9999 -> 10000, with and without the
  // rows around them dropped
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 12_000 }),
      fc.array(fc.integer({ min: 0, max: 12_000 }), { maxLength: 30 }),
      fc.boolean(),
      (length, dropped, edges) => {
        const values = Array.from({ length }, (_, i) => (i % 7 === 0 ? i / 8 : i));
        const drop = new Set(dropped);
        if (edges) { for (const e of [9, 10, 99, 100, 999, 1000, 9999, 10000]) drop.add(e); }
        const bytes = encodeSeriesCsv(values, { dropBins: drop });
        assert.equal(
          new TextDecoder().decode(bytes),
          formatSeriesCsv(values, { dropBins: drop }),
        );
      },
    ),
    { numRuns: 60 },
  );
});

Deno.test("series bytes read as their text reads, whatever the layout", () => {
  const enc = new TextEncoder();
  const same = (bytes: Uint8Array, bins: number) => {
    const text = new TextDecoder().decode(bytes);
    let want: unknown;
    let got: unknown;
    try {
      want = parseSeriesCsv(text, { bins, allowExtraRows: true });
    } catch (err) {
      want = (err as Error).message;
    }
    try {
      got = parseSeriesCsvBytes(bytes, { bins, allowExtraRows: true });
    } catch (err) {
      got = (err as Error).message;
    }
    assert.deepEqual(got, want, text.slice(0, 200));
  };
  const value = fc.oneof(
    decimal,
    fc.double(),
    fc.constantFrom(NaN, Infinity, -Infinity, -0, 1e-7, 1.5e300),
  );
  fc.assert(
    fc.property(
      fc.array(value, { maxLength: 40 }),
      fc.integer({ min: 0, max: 45 }),
      fc.option(fc.constantFrom("\r\n", "\uFEFF", " ", ",", "+", "\n\n", "1e5", "x", "\t"), {
        nil: undefined,
      }),
      fc.nat(2000),
      (values, bins, mutation, at) => {
        let text = formatSeriesCsv(values);
        if (mutation !== undefined) {
          const k = at % (text.length + 1);
          text = mutation === "\r\n"
            ? text.replaceAll("\n", "\r\n")
            : text.slice(0, k) + mutation + text.slice(k);
        }
        same(enc.encode(text), bins);
        same(encodeSeriesCsv(values, { nanAsEmpty: true, dropBins: new Set([1, 3]) }), bins);
      },
    ),
    { numRuns: RUNS / 3 },
  );
});

Deno.test("series bytes read as canonical are exactly what encodeSeriesCsv writes for their values; finite ones have all their values, finite", () => {
  const enc = new TextEncoder();
  // cells the reader takes whose text String() would write otherwise, beside ones it writes so
  const cells = fc.constantFrom(
    "1.50",
    "-0",
    "-0.0",
    "0.0",
    "2.000",
    "0.0000001",
    "1.0000001",
    "123456.1234567",
    "-Infinity",
    "NaN",
    "0",
    "0.000001",
    "999999999999999",
    "-0.5",
  );
  fc.assert(
    fc.property(
      fc.array(fc.oneof(decimal, fc.double()), { minLength: 1, maxLength: 40 }),
      fc.array(fc.tuple(fc.nat(), cells), { maxLength: 3 }),
      fc.integer({ min: -1, max: 1 }),
      (values, replaced, extra) => {
        const rows = formatSeriesCsv(values).split("\n");
        for (const [at, cell] of replaced) {
          const row = 1 + (at % values.length);
          rows[row] = `${row - 1},${cell}`;
        }
        const bytes = enc.encode(rows.join("\n"));
        const text = { canonical: true, finite: true };
        const bins = values.length + extra;
        const parsed = parseSeriesCsvBytes(bytes, { bins, allowExtraRows: true }, text);
        if (text.canonical) assert.deepEqual(encodeSeriesCsv(parsed.values), bytes);
        if (text.finite) {
          assert.deepEqual(parsed.missingBins, []);
          assert.ok(parsed.values.every(Number.isFinite));
        }
      },
    ),
    { numRuns: RUNS / 3 },
  );
  // what the writer writes for decimals of up to 15 digits and 6 places, and for NaN and the
  // infinities, is read as canonical (a capture copies it), finite without NaN and infinities
  const plain = fc.tuple(
    fc.integer({ min: -(10 ** 15) + 1, max: 10 ** 15 - 1 }),
    fc.integer({ min: 0, max: 6 }),
  ).map(([m, d]) => m / 10 ** d);
  fc.assert(
    fc.property(
      fc.array(fc.oneof(plain, fc.constantFrom(NaN, Infinity, -Infinity)), { maxLength: 40 }),
      (values) => {
        const text = { canonical: false, finite: false };
        parseSeriesCsvBytes(encodeSeriesCsv(values), { bins: values.length }, text);
        assert.ok(text.canonical, formatSeriesCsv(values));
        assert.equal(text.finite, values.every(Number.isFinite), formatSeriesCsv(values));
      },
    ),
    { numRuns: RUNS / 3 },
  );
  // a row missing, or the text reader's layouts, are never canonical
  const missing = { canonical: true, finite: true };
  parseSeriesCsvBytes(enc.encode("bin_index,value\n0,1\n"), { bins: 2 }, missing);
  assert.deepEqual(missing, { canonical: false, finite: false });
  const crlf = { canonical: true, finite: true };
  parseSeriesCsvBytes(enc.encode("bin_index,value\r\n0,1\r\n"), { bins: 1 }, crlf);
  assert.deepEqual(crlf, { canonical: false, finite: false });
});
