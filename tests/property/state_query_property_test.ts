// Property tests of state query parameters: binIndex, startBin/endBin and the CLI `a:b` window
// are a bin on the grid or a FlowTimeError naming the parameter; over HTTP any query string gets
// 200 or a 4xx JSON error, never a 5xx.
import assert from "node:assert/strict";
import { fc } from "../_dev_deps.ts";
import {
  MAX_WINDOW_BINS,
  parseBinIndex,
  parseWindow,
  parseWindowSpec,
} from "../../lib/state/query.ts";
import { createApp } from "../../server/app.ts";
import { ROOT } from "../_helpers.ts";
import { anyText, assertOwnError, fuzzRuns, recordCases } from "./_fuzz.ts";

const BIN_CODES = ["bin_invalid", "bin_out_of_range"];
const WINDOW_CODES = [...BIN_CODES, "window_invalid", "window_too_large"];

// Text that looks like a bin more often than random text does.
const binText = fc.oneof(
  anyText(12),
  fc.integer({ min: -20, max: 12000 }).map(String),
  fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }).map(String),
  fc.nat(20).map((n) => `0${n}`),
  fc.constantFrom(
    "",
    " 1",
    "1 ",
    "+1",
    "-0",
    "1e3",
    "0x1f",
    "1.0",
    "١",
    "NaN",
    "Infinity",
    "9".repeat(400),
    "x".repeat(400),
  ),
);
const gridBins = fc.integer({ min: 1, max: 10000 });

function expectedBin(text: string, bins: number): number | undefined {
  if (!/^-?[0-9]+$/.test(text)) return undefined;
  const n = Number(text);
  return Number.isSafeInteger(n) && n >= 0 && n < bins ? Math.abs(n) : undefined;
}

Deno.test("property: any binIndex text is a bin of the grid or a FlowTimeError naming the parameter", () => {
  const runs = fuzzRuns();
  fc.assert(
    fc.property(fc.option(binText, { nil: undefined }), gridBins, (text, bins) => {
      const expected = text === undefined ? undefined : expectedBin(text, bins);
      try {
        const bin = parseBinIndex(text, { bins, name: "binIndex" });
        assert.ok(Object.is(bin, expected), `'${text}' -> ${bin}, expected ${expected}`);
      } catch (err) {
        assertOwnError(err, /^binIndex /);
        assert.ok(BIN_CODES.includes((err as { code: string }).code));
        assert.equal(expected, undefined, `'${text}' is bin ${expected}`);
        assert.ok((err as Error).message.length < 200, "the message echoes a short value");
      }
    }),
    { numRuns: runs },
  );
  recordCases("state query binIndex", runs);
});

Deno.test("property: any startBin/endBin pair is an inclusive window on the grid or a FlowTimeError", () => {
  const runs = fuzzRuns();
  fc.assert(
    fc.property(binText, binText, gridBins, (start, end, bins) => {
      try {
        const w = parseWindow({ startBin: start, endBin: end }, { bins });
        assert.equal(w.startBin, expectedBin(start, bins));
        assert.equal(w.endBin, expectedBin(end, bins));
        assert.ok(w.endBin >= w.startBin && w.endBin - w.startBin < MAX_WINDOW_BINS);
      } catch (err) {
        assertOwnError(err, /^(startBin|endBin|the window) /);
        assert.ok(WINDOW_CODES.includes((err as { code: string }).code));
      }
    }),
    { numRuns: runs },
  );
  recordCases("state query startBin/endBin", runs);
});

Deno.test("property: a window written a:b parses back to a and b; any other --window text is refused", () => {
  const runs = fuzzRuns();
  const spec = fc.oneof(
    fc.tuple(fc.nat(9999), fc.nat(999)).map(([a, w]) => ({ text: `${a}:${a + w}`, a, b: a + w })),
    fc.oneof(anyText(20), fc.tuple(binText, binText).map(([a, b]) => `${a}:${b}`))
      .map((text) => ({ text, a: undefined, b: undefined })),
  );
  fc.assert(
    fc.property(spec, ({ text, a, b }) => {
      const bins = 10000 + 999;
      const parts = text.split(":");
      const [s, e] = parts.length === 2 ? parts.map((p) => expectedBin(p, bins)) : [];
      const valid = s !== undefined && e !== undefined && e >= s && e - s < MAX_WINDOW_BINS;
      try {
        const w = parseWindowSpec(text, { bins: bins });
        assert.ok(valid, `${text} is not a valid window`);
        assert.deepEqual([w.startBin, w.endBin], [s, e]);
        if (a !== undefined) assert.deepEqual([w.startBin, w.endBin], [a, b]);
      } catch (err) {
        assertOwnError(err, /^(a window|window (start|end)|the window) /);
        assert.ok([...WINDOW_CODES, "usage"].includes((err as { code: string }).code));
        assert.ok(!valid, `${text} is a valid window`);
      }
    }),
    { numRuns: runs },
  );
  recordCases("CLI --window a:b", runs);
});

// Query values as a client might send them: encoded, raw, malformed percent escapes, repeated.
const queryValue = fc.oneof(
  binText.map(encodeURIComponent),
  fc.constantFrom("%", "%zz", "%E0%A5", "%00", "1%2C2", "%2B1", "1;2", "1#", "", "[]", "1&"),
);
const queryName = fc.constantFrom("binIndex", "startBin", "endBin", "BinIndex", "x", "");
const query = fc.array(fc.tuple(queryName, queryValue), { maxLength: 4 })
  .map((pairs) => pairs.map(([k, v]) => `${k}=${v}`).join("&"));

Deno.test("property: any query string on /state and /state_window gets 200 or a 4xx JSON error", async () => {
  const runs = fuzzRuns(200);
  const app = createApp({
    dataDir: `${ROOT}/fixtures`,
    templatesDir: `${ROOT}/templates`,
    logger: false,
  });
  const run = "run_deterministic_e673448a";
  await fc.assert(
    fc.asyncProperty(fc.constantFrom("state", "state_window"), query, async (route, q) => {
      const res = await app.request(`/v1/runs/${run}/${route}?${q}`);
      const body = await res.json();
      if (res.status === 200) {
        assert.equal(body.metadata.runId, run);
        return;
      }
      assert.ok([400, 413].includes(res.status), `${route}?${q} -> ${res.status}`);
      assert.equal(typeof body.error, "string");
      assert.ok(WINDOW_CODES.includes(body.code), body.code);
    }),
    { numRuns: runs },
  );
  recordCases("state routes (query strings over HTTP)", runs);
});
