// Bin lengths and timestamps from the run grid.
import assert from "node:assert/strict";
import { stateBinOf, timelineOf, windowTimestamps } from "../../lib/state/timeline.ts";
import { assertThrowsCode } from "../_helpers.ts";

const START = "2025-10-07T00:00:00Z";

Deno.test("bin length in minutes for each bin unit", () => {
  assert.equal(timelineOf({ bins: 1, binSize: 5, binUnit: "minutes" }).binMinutes, 5);
  assert.equal(timelineOf({ bins: 1, binSize: 2, binUnit: "hours" }).binMinutes, 120);
  assert.equal(timelineOf({ bins: 1, binSize: 1, binUnit: "days" }).binMinutes, 1440);
  assert.equal(timelineOf({ bins: 1, binSize: 3, binUnit: "weeks" }).binMinutes, 30240);
});

Deno.test("a snapshot bin has start, end and duration from grid.start", () => {
  const t = timelineOf({ bins: 12, binSize: 5, binUnit: "minutes", start: START });
  assert.deepEqual(stateBinOf(t, 5), {
    index: 5,
    startUtc: "2025-10-07T00:25:00Z",
    endUtc: "2025-10-07T00:30:00Z",
    durationMinutes: 5,
  });
});

Deno.test("day and week bins cross midnight and month ends", () => {
  const days = timelineOf({ bins: 40, binSize: 1, binUnit: "days", start: START });
  assert.equal(stateBinOf(days, 25).startUtc, "2025-11-01T00:00:00Z");
  const weeks = timelineOf({ bins: 10, binSize: 1, binUnit: "weeks", start: START });
  assert.equal(stateBinOf(weeks, 2).endUtc, "2025-10-28T00:00:00Z");
});

Deno.test("without grid.start the timestamps are null", () => {
  const t = timelineOf({ bins: 4, binSize: 1, binUnit: "hours" });
  assert.deepEqual(stateBinOf(t, 1), {
    index: 1,
    startUtc: null,
    endUtc: null,
    durationMinutes: 60,
  });
  assert.deepEqual(windowTimestamps(t, 1, 3), [null, null, null]);
});

Deno.test("window timestamps are the start of each bin, inclusive of both ends", () => {
  const t = timelineOf({ bins: 8, binSize: 1, binUnit: "hours", start: "2025-10-07T08:00:00Z" });
  assert.deepEqual(windowTimestamps(t, 6, 7), ["2025-10-07T14:00:00Z", "2025-10-07T15:00:00Z"]);
});

Deno.test("an unusable grid in run.json is a damaged bundle", () => {
  for (
    const grid of [
      { bins: 2, binSize: 5, binUnit: "fortnights" },
      { bins: 2, binSize: 0, binUnit: "minutes" },
      { bins: 2, binSize: 5, binUnit: "minutes", start: "yesterday" },
    ]
  ) {
    assertThrowsCode(() => timelineOf(grid), "bundle_invalid");
  }
});
