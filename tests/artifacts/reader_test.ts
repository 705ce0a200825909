import assert from "node:assert/strict";
import { join } from "node:path";
import { listRuns, openRun, readRunBundle } from "../../lib/artifacts/reader.ts";
import { FlowTimeError } from "../../lib/errors.ts";
import { ROOT, tempDir } from "../_helpers.ts";

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
  const dir = await tempDir("reader-bad");
  await assert.rejects(
    openRun(dir, "nope"),
    (e) => e instanceof FlowTimeError && e.code === "run_not_found",
  );
  await Deno.mkdir(join(dir, "empty"));
  await assert.rejects(
    openRun(dir, "empty"),
    (e) =>
      e instanceof FlowTimeError && e.code === "bundle_invalid" &&
      /run\.json is missing/.test(e.message),
  );
  await Deno.mkdir(join(dir, "corrupt"));
  await Deno.writeTextFile(join(dir, "corrupt/run.json"), "{ not json");
  await assert.rejects(
    openRun(dir, "corrupt"),
    (e) =>
      e instanceof FlowTimeError && e.code === "bundle_invalid" && /not valid JSON/.test(e.message),
  );
  await assert.rejects(
    openRun(dir, "../etc"),
    (e) => e instanceof FlowTimeError && e.code === "invalid_id",
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("listing skips temp folders of unfinished writes and unreadable folders", async () => {
  const dir = await tempDir("list");
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
  await Deno.remove(dir, { recursive: true });
});

Deno.test("openRun treats a symlink in the runs folder pointing outside it as no run", async () => {
  const dir = await tempDir("open-link");
  await Deno.mkdir(join(dir, "runs"));
  // Deno.symlink needs unscoped permissions; the test task scopes writes to ./.tmp.
  const ln = await new Deno.Command("ln", {
    args: ["-s", join(ROOT, "fixtures/runs/run_deterministic_e673448a"), join(dir, "runs/out")],
  }).output();
  assert.ok(ln.success);
  await assert.rejects(() => openRun(join(dir, "runs"), "out"), {
    name: "FlowTimeError",
    code: "run_not_found",
    message: "no run 'out' in the runs folder (GET /v1/runs lists the runs)",
  });
  await Deno.remove(dir, { recursive: true });
});
