// The data the Prometheus tests backfill: two order-system runs (the second only to make a
// selector match two series), a capture of the first, both exported as OpenMetrics, and a file
// of hand-made series: a counter scraped every minute with known per-bin increments, and a
// gauge with NaN, +Inf and missing samples at known bins.
import { join } from "node:path";
import { InProcessSimClient } from "../../lib/sim/in_process.ts";
import { runTemplate } from "../../lib/workflow/run_template.ts";
import { captureRun } from "../../lib/telemetry/capture.ts";
import { writeOpenMetrics } from "../../lib/export/openmetrics.ts";
import type { WrittenRun } from "../../lib/artifacts/writer.ts";
import type { CaptureResult } from "../../lib/telemetry/types.ts";
import type { ImportGrid } from "../../lib/import/grid.ts";
import { FIXED_TIME, ROOT, type TempDir, tempFixture } from "../_helpers.ts";

/** The Sim every import test generates with. */
export const SIM = new InProcessSimClient(join(ROOT, "templates"), { generatedAt: FIXED_TIME });

/** Start of every grid here: 2025-10-07T00:00:00Z. */
export const START_MS = Date.parse(FIXED_TIME);

/** Bins of the hand-made gauge `flowtime_test_specials`. */
export const SPECIALS = { bins: 24, nan: [3, 4], inf: [7], missing: [10, 11, 12] };

/** Scrapes per 5-minute bin of the counter (every 60 s, 30 s after each minute). */
const SCRAPES_PER_BIN = 5;

/**
 * The counter's increment per scrape in bin `i`: steady inside a bin, different from bin to bin.
 * @param i bin
 * @returns the increment of every scrape in that bin
 */
export function counterRate(i: number): number {
  return 1 + ((i * 7) % 13);
}

/** What the tests import from; `await using` removes its folder. */
export interface ImportFixture extends TempDir {
  /** Scratch data folder. */
  data: string;
  /** The run imports are compared with. */
  source: WrittenRun;
  /** A second run of the same template (another run_id label). */
  other: WrittenRun;
  /** The capture of `source`. */
  capture: CaptureResult;
  /** OpenMetrics files to backfill. */
  backfill: string[];
  /** The grid of `source`. */
  grid: ImportGrid;
}

/**
 * Build the runs, the capture and the OpenMetrics files.
 * @param prefix temp folder prefix
 * @returns the fixture
 */
export function buildFixture(prefix: string): Promise<ImportFixture> {
  return tempFixture(prefix, async (data) => {
    const runsDir = join(data, "runs");
    const naming = { runsDir, deterministic: true, createdAt: FIXED_TIME };
    const { written: source } = await runTemplate(SIM, { templateId: "order-system", ...naming });
    const { written: other } = await runTemplate(SIM, {
      templateId: "order-system",
      parameters: { orderPeakRate: 180 },
      ...naming,
    });
    const capture = await captureRun({
      runDir: source.runDir,
      outputDir: join(data, "telemetry", "capture"),
      capturedAt: FIXED_TIME,
    });
    const backfill = [join(data, "source.om"), join(data, "other.om"), join(data, "made.om")];
    await writeOpenMetrics(source.runDir, { output: backfill[0] });
    await writeOpenMetrics(other.runDir, { output: backfill[1] });
    await Deno.writeTextFile(backfill[2], madeSeries(source.runJson.grid.bins));
    const g = source.runJson.grid;
    return {
      data,
      source,
      other,
      capture,
      backfill,
      grid: { start: g.start!, bins: g.bins, binSize: g.binSize, binUnit: g.binUnit },
    };
  });
}

/**
 * A mapping of plain gauge selectors for every file of a capture, reading a run's export.
 * @param capture the capture whose files the mapping fills
 * @param runId the run_id label
 * @returns the mapping value
 */
export function selectorMapping(capture: CaptureResult, runId: string): {
  queries: Array<{ node: string; metric: string; query: string }>;
} {
  return {
    queries: capture.manifest.files.map((f) => ({
      node: f.nodeId,
      metric: f.metric,
      query: `flowtime_${f.metric.toLowerCase()}{node="${f.nodeId}",run_id="${runId}"}`,
    })),
  };
}

// The counter and the gauge with special values, as OpenMetrics.
function madeSeries(bins: number): string {
  const lines = ["# TYPE flowtime_test_requests counter"];
  let total = 1000;
  for (let k = 0; k < bins * SCRAPES_PER_BIN; k++) {
    const at = START_MS + 30_000 + k * 60_000;
    total += counterRate(Math.floor(k / SCRAPES_PER_BIN));
    lines.push(`flowtime_test_requests_total{job="orders"} ${total} ${at / 1000}`);
  }
  lines.push("# TYPE flowtime_test_specials gauge");
  for (let i = 0; i < SPECIALS.bins; i++) {
    if (SPECIALS.missing.includes(i)) continue;
    const value = SPECIALS.nan.includes(i) ? "NaN" : SPECIALS.inf.includes(i) ? "+Inf" : String(i);
    lines.push(
      `flowtime_test_specials{job="orders"} ${value} ${(START_MS + (i + 1) * 300_000) / 1000}`,
    );
  }
  lines.push("# EOF");
  return lines.join("\n") + "\n";
}
