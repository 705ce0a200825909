import assert from "node:assert/strict";
import { join } from "node:path";
import { openRun, readRunBundle } from "../../lib/artifacts/reader.ts";
import { listRuns } from "../../lib/artifacts/listing.ts";
import { assertRejectsCode, ROOT, tempDir } from "../_helpers.ts";

const FLOWTIME_RUN = join(ROOT, "fixtures/flowtime-bundles/run_20251007T000000Z_a1b2c3d4");

Deno.test("reads a bundle written by FlowTime: BOM, CRLF, t,value header, string warnings, no index", async () => {
  const bundle = await readRunBundle(FLOWTIME_RUN);
  assert.equal(bundle.runId, "run_20251007T000000Z_a1b2c3d4");
  assert.equal(bundle.runJson.mode, "simulation");
  assert.deepEqual(bundle.runJson.warnings, [{
    code: "engine_warning",
    message: "demo warning from FlowTime",
    severity: "warning",
  }]);
  assert.deepEqual(Array.from(await bundle.readSeries("arrivals")), [10, 12.5, 11, 13]);
  assert.deepEqual(Array.from(await bundle.readSeries("served")), [9, NaN, 10, 12]);
  assert.equal(bundle.modelPath, "spec.yaml");
  assert.deepEqual(bundle.parsedModel().model.topology!.nodes.map((n) => n.id), ["Web"]);
});

Deno.test("a missing run folder is run_not_found; a folder without run.json is bundle_invalid", async () => {
  await using dirTmp = await tempDir("reader-bad");
  const dir = dirTmp.path;
  await assertRejectsCode(openRun(dir, "nope"), "run_not_found");
  await Deno.mkdir(join(dir, "empty"));
  await assertRejectsCode(openRun(dir, "empty"), "bundle_invalid", /run\.json is missing/);
  await Deno.mkdir(join(dir, "corrupt"));
  await Deno.writeTextFile(join(dir, "corrupt/run.json"), "{ not json");
  await assertRejectsCode(openRun(dir, "corrupt"), "bundle_invalid", /not valid JSON/);
  await assertRejectsCode(openRun(dir, "../etc"), "invalid_id");
});

Deno.test("listing skips temp folders of unfinished writes and unreadable folders", async () => {
  await using dirTmp = await tempDir("list");
  const dir = dirTmp.path;
  await Deno.mkdir(join(dir, ".tmp-run_x-abc"));
  await Deno.writeTextFile(join(dir, ".tmp-run_x-abc/run.json"), "{}");
  await Deno.mkdir(join(dir, "garbage"));
  const copy = join(dir, "run_20251007T000000Z_a1b2c3d4");
  await Deno.mkdir(copy);
  await Deno.copyFile(join(FLOWTIME_RUN, "run.json"), join(copy, "run.json"));
  assert.deepEqual(await listRuns(dir), [{
    runId: "run_20251007T000000Z_a1b2c3d4",
    templateId: "adhoc-model",
    mode: "simulation",
    createdUtc: "",
    warningCount: 1,
    grid: { bins: 4, binSize: 60, binUnit: "minutes" },
  }]);
});

Deno.test("openRun treats a symlink in the runs folder pointing outside it as no run", async () => {
  await using dirTmp = await tempDir("open-link");
  const dir = dirTmp.path;
  await Deno.mkdir(join(dir, "runs"));
  // Deno.symlink needs unscoped permissions; the test task scopes writes to ./.tmp.
  const ln = await new Deno.Command("ln", {
    args: ["-s", join(ROOT, "fixtures/runs/run_deterministic_e673448a"), join(dir, "runs/out")],
  }).output();
  assert.ok(ln.success);
  const err = await assertRejectsCode(() => openRun(join(dir, "runs"), "out"), "run_not_found");
  assert.equal(err.message, "no run 'out' in the runs folder");
});
