// Bad input to a capture: each case is refused with a message naming the place and what to
// change, and nothing is written or changed (the run and the data folder stay as they were).
import assert from "node:assert/strict";
import { join } from "node:path";
import type { FlowTimeErrorCode } from "../../lib/base/errors.ts";
import { type CaptureOptions, captureRun } from "../../lib/telemetry/capture.ts";
import { parseGapConfig } from "../../lib/telemetry/gap_config.ts";
import { assertRejectsCode, assertThrowsCode, FIXED_TIME } from "../_helpers.ts";
import { copyRun, listing, QUEUE_BUFFER_RUN, type RunCopy } from "./_capture_helpers.ts";

const SERVED = "series/order_served@ORDER_SERVED@DEFAULT.csv";

/** Run a capture expected to fail; check the code, the message and that nothing changed. */
async function refusedCapture(
  run: RunCopy,
  options: Partial<CaptureOptions>,
  code: FlowTimeErrorCode,
  message: RegExp,
): Promise<void> {
  const before = await listing(run.dataDir);
  await assertRejectsCode(
    captureRun({ runDir: run.runDir, dataDir: run.dataDir, capturedAt: FIXED_TIME, ...options }),
    code,
    message,
  );
  assert.deepEqual(await listing(run.dataDir), before, "nothing may be written or changed");
}

Deno.test("a missing run folder is refused", async () => {
  await using run = await copyRun(QUEUE_BUFFER_RUN);
  await refusedCapture(
    { ...run, runDir: join(run.dataDir, "runs", "run_nope") },
    {},
    "run_not_found",
    /run folder .*runs\/run_nope does not exist$/,
  );
});

Deno.test("a run folder without run.json is refused", async () => {
  await using run = await copyRun(QUEUE_BUFFER_RUN);
  await Deno.remove(join(run.runDir, "run.json"));
  await refusedCapture(run, {}, "bundle_invalid", /run\.json is missing from run folder/);
});

Deno.test("a run folder without its series is refused", async () => {
  await using run = await copyRun(QUEUE_BUFFER_RUN);
  await Deno.remove(join(run.runDir, "series"), { recursive: true });
  await refusedCapture(
    run,
    {},
    "bundle_invalid",
    /series file series\/order_arrivals@ORDER_ARRIVALS@DEFAULT\.csv of OrderService Arrivals is missing from run folder .*; the run is incomplete, run the model again$/,
  );
});

Deno.test("a series CSV with a garbage value is refused with its file and line", async () => {
  await using run = await copyRun(QUEUE_BUFFER_RUN);
  const path = join(run.runDir, SERVED);
  await Deno.writeTextFile(path, (await Deno.readTextFile(path)).replace("\n3,13\n", "\n3,13x\n"));
  await refusedCapture(
    run,
    {},
    "bundle_invalid",
    /order_served@ORDER_SERVED@DEFAULT\.csv:5: value '13x' for bin 3 is not a number .*; the run's series order_served@ORDER_SERVED@DEFAULT is damaged, run the model again$/,
  );
});

Deno.test("a series CSV cut in the middle of a row is refused with its line", async () => {
  await using run = await copyRun(QUEUE_BUFFER_RUN);
  const path = join(run.runDir, SERVED);
  const text = await Deno.readTextFile(path);
  await Deno.writeTextFile(path, text.slice(0, text.indexOf("\n7,") + 2));
  await refusedCapture(
    run,
    {},
    "bundle_invalid",
    /order_served@ORDER_SERVED@DEFAULT\.csv:9: row '7' must have exactly two cells/,
  );
});

Deno.test("a series CSV truncated at a row boundary fails its recorded hash", async () => {
  await using run = await copyRun(QUEUE_BUFFER_RUN);
  const path = join(run.runDir, SERVED);
  const text = await Deno.readTextFile(path);
  await Deno.writeTextFile(path, text.slice(0, text.indexOf("\n7,") + 1));
  await refusedCapture(
    run,
    {},
    "hash_mismatch",
    /order_served@ORDER_SERVED@DEFAULT\.csv: series file does not match the hash recorded in series\/index\.json \(it was truncated or changed after the run was written\)/,
  );
});

Deno.test("a gap configuration with an unknown key is refused naming the rule", () => {
  assertThrowsCode(
    () =>
      parseGapConfig(
        "rules:\n  - node: OrderService\n    metric: arrivals\n    bins: [1]\n    action: drop\n    until: 3\n",
        "gaps.yaml",
      ),
    "gaps_invalid",
    /^gaps\.yaml:6: rules\[0\]\.until: rule 1: unknown field 'until'/,
  );
});

Deno.test("a gap rule naming an unknown node is refused", async () => {
  await using run = await copyRun(QUEUE_BUFFER_RUN);
  await refusedCapture(
    run,
    {
      gaps: parseGapConfig(
        "rules:\n  - node: Billing\n    metric: arrivals\n    bins: [1]\n    action: drop\n",
        "gaps.yaml",
      ),
    },
    "gaps_invalid",
    /^gaps\.yaml:2: rules\[0\]\.node: rule 1: unknown node 'Billing'; the run's topology nodes are OrderService, SupportQueue/,
  );
});

Deno.test("a gap rule with bins outside the grid is refused", async () => {
  await using run = await copyRun(QUEUE_BUFFER_RUN);
  await refusedCapture(
    run,
    {
      gaps: parseGapConfig(
        "rules:\n  - node: OrderService\n    metric: arrivals\n    bins: [2, 12]\n    action: nan\n",
        "gaps.yaml",
      ),
    },
    "gaps_invalid",
    /^gaps\.yaml:4: rules\[0\]\.bins\[1\]: rule 1: bin 12 is outside the grid; bins run from 0 to 11$/,
  );
});

Deno.test("an existing non-empty capture folder is refused without overwrite and left as it was", async () => {
  await using run = await copyRun(QUEUE_BUFFER_RUN);
  const out = join(run.dataDir, "telemetry", QUEUE_BUFFER_RUN);
  await Deno.mkdir(out, { recursive: true });
  await Deno.writeTextFile(join(out, "manifest.json"), "{}\n");
  await refusedCapture(
    run,
    {},
    "output_exists",
    /capture folder .* already exists with different content; set the overwrite option to replace it$/,
  );
  assert.equal(await Deno.readTextFile(join(out, "manifest.json")), "{}\n");
});

Deno.test("overwrite replaces a previous capture but never a folder that is not a capture", async () => {
  await using run = await copyRun(QUEUE_BUFFER_RUN);
  const other = join(run.dataDir, "notes");
  await Deno.mkdir(other);
  await Deno.writeTextFile(join(other, "todo.txt"), "keep me\n");
  await refusedCapture(
    run,
    { outputDir: other, overwrite: true },
    "output_exists",
    /refusing to overwrite .*notes: it is not a telemetry capture \(no manifest\.json\)/,
  );
  assert.equal(await Deno.readTextFile(join(other, "todo.txt")), "keep me\n");
  const out = join(run.dataDir, "capture");
  await captureRun({ runDir: run.runDir, outputDir: out, capturedAt: "2025-01-01T00:00:00Z" });
  await captureRun({ runDir: run.runDir, outputDir: out, capturedAt: FIXED_TIME, overwrite: true });
  const manifest = JSON.parse(await Deno.readTextFile(join(out, "manifest.json")));
  assert.equal(manifest.provenance.capturedAtUtc, FIXED_TIME);
});

Deno.test("a capture folder inside the run folder is refused", async () => {
  await using run = await copyRun(QUEUE_BUFFER_RUN);
  await refusedCapture(
    run,
    { outputDir: join(run.runDir, "telemetry") },
    "capture_invalid",
    /capture folder .*\/telemetry is inside the run folder .*; choose a folder outside the run/,
  );
});

Deno.test("a capture folder that contains the run folder is refused", async () => {
  await using run = await copyRun(QUEUE_BUFFER_RUN);
  await refusedCapture(
    run,
    { outputDir: run.dataDir, overwrite: true },
    "capture_invalid",
    /contains the run folder .*; writing it would replace the run, choose another folder$/,
  );
});

Deno.test("a bad capture time is a usage error", async () => {
  await using run = await copyRun(QUEUE_BUFFER_RUN);
  await refusedCapture(
    run,
    { capturedAt: "yesterday" },
    "usage",
    /capturedAt: 'yesterday' is not an ISO 8601 UTC timestamp/,
  );
});

Deno.test("without series/index.json hashes a short series is captured with length_mismatch", async () => {
  await using run = await copyRun(QUEUE_BUFFER_RUN);
  await Deno.remove(join(run.runDir, "series/index.json"));
  const path = join(run.runDir, SERVED);
  const text = await Deno.readTextFile(path);
  await Deno.writeTextFile(path, text.slice(0, text.indexOf("\n10,") + 1));
  const result = await captureRun({
    runDir: run.runDir,
    dataDir: run.dataDir,
    capturedAt: FIXED_TIME,
  });
  const served = result.manifest.files.find((f) => f.path === "OrderService_served.csv")!;
  assert.equal(served.points, 10);
  assert.deepEqual(
    result.manifest.warnings.map((w) => [w.code, w.nodeId, w.metric, w.bins]),
    [["length_mismatch", "OrderService", "Served", [10, 11]]],
  );
});
