// Strict parsing of bin indexes and windows, with the valid range in every message.
import assert from "node:assert/strict";
import {
  MAX_WINDOW_BINS,
  parseBinIndex,
  parseWindow,
  parseWindowSpec,
} from "../../lib/state/query.ts";
import { assertThrowsCode } from "../_helpers.ts";

Deno.test("binIndex accepts whole numbers inside the grid", () => {
  assert.equal(parseBinIndex("0", { bins: 12, name: "binIndex" }), 0);
  assert.equal(parseBinIndex("11", { bins: 12, name: "binIndex" }), 11);
  assert.equal(parseBinIndex("05", { bins: 12, name: "binIndex" }), 5);
});

Deno.test("binIndex missing or empty is refused with the valid range", () => {
  assertThrowsCode(
    () => parseBinIndex(undefined, { bins: 12, name: "binIndex" }),
    "bin_invalid",
    "from 0 to 11",
  );
  assertThrowsCode(
    () => parseBinIndex("", { bins: 12, name: "binIndex" }),
    "bin_invalid",
    "from 0 to 11",
  );
});

Deno.test("binIndex that is not a whole decimal number is refused", () => {
  for (const text of ["1.5", "1e2", " 3", "3 ", "+3", "0x1", "abc", "３", "1_000"]) {
    assertThrowsCode(
      () => parseBinIndex(text, { bins: 12, name: "binIndex" }),
      "bin_invalid",
      "from 0 to 11",
    );
  }
});

Deno.test("binIndex that is negative or past the last bin is out of range", () => {
  assertThrowsCode(
    () => parseBinIndex("-1", { bins: 12, name: "binIndex" }),
    "bin_out_of_range",
    "from 0 to 11",
  );
  assertThrowsCode(
    () => parseBinIndex("12", { bins: 12, name: "binIndex" }),
    "bin_out_of_range",
    "the run has 12 bins",
  );
  assertThrowsCode(
    () => parseBinIndex("999999999999999999999", { bins: 12, name: "binIndex" }),
    "bin_out_of_range",
    "from 0 to 11",
  );
});

Deno.test("a window is inclusive and may be a single bin", () => {
  assert.deepEqual(parseWindow({ startBin: "3", endBin: "3" }, { bins: 12 }), {
    kind: "window",
    startBin: 3,
    endBin: 3,
  });
  assert.deepEqual(parseWindow({ startBin: "0", endBin: "11" }, { bins: 12 }), {
    kind: "window",
    startBin: 0,
    endBin: 11,
  });
});

Deno.test("a window ending before it starts is refused", () => {
  assertThrowsCode(
    () => parseWindow({ startBin: "5", endBin: "4" }, { bins: 12 }),
    "window_invalid",
    "endBin 4 is before startBin 5",
  );
});

Deno.test("a window wider than 1000 bins is too large", () => {
  assert.equal(MAX_WINDOW_BINS, 1000);
  assert.deepEqual(parseWindow({ startBin: "0", endBin: "999" }, { bins: 2000 }).endBin, 999);
  assertThrowsCode(
    () => parseWindow({ startBin: "0", endBin: "1000" }, { bins: 2000 }),
    "window_too_large",
    "1001 bins",
  );
});

Deno.test("window bins are checked like binIndex", () => {
  assertThrowsCode(
    () => parseWindow({ startBin: "1.5", endBin: "3" }, { bins: 12 }),
    "bin_invalid",
    "startBin",
  );
  assertThrowsCode(
    () => parseWindow({ startBin: "0", endBin: "12" }, { bins: 12 }),
    "bin_out_of_range",
    "endBin",
  );
  assertThrowsCode(
    () => parseWindow({ startBin: undefined, endBin: "3" }, { bins: 12 }),
    "bin_invalid",
    "startBin is required",
  );
});

Deno.test("a CLI window is <start>:<end>", () => {
  assert.deepEqual(parseWindowSpec("2:7", { bins: 12 }), {
    kind: "window",
    startBin: 2,
    endBin: 7,
  });
  assertThrowsCode(() => parseWindowSpec("2-7", { bins: 12 }), "usage", "<startBin>:<endBin>");
  assertThrowsCode(() => parseWindowSpec("1:2:3", { bins: 12 }), "usage");
  assertThrowsCode(() => parseWindowSpec("7:2", { bins: 12 }), "window_invalid");
});
