import assert from "node:assert/strict";
import { join } from "node:path";
import { openRun, readRunBundle, withRun } from "../../lib/artifacts/reader.ts";
import { listRuns } from "../../lib/artifacts/listing.ts";
import { assertRejectsCode, ROOT, tempDir } from "../_helpers.ts";
import { FlowTimeError } from "../../lib/base/errors.ts";
import { hashOf } from "../../lib/base/hash.ts";
import { decodeUtf8 } from "../../lib/base/safe_read.ts";
import { runModelFile } from "../../lib/workflow/run_model.ts";

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

Deno.test("a model over 1 MiB is not kept: its text, hash and lines are those of the file, and a changed file is refused", async () => {
  const dir = (await tempDir("reader-large-model")).path;
  try {
    const values = Array.from({ length: 2000 }, (_, t) => t % 97).join(", ");
    const lines = ["grid: { bins: 2000, binSize: 5, binUnit: minutes }", "nodes:"];
    for (let i = 0; i < 300; i++) lines.push(`  - { id: n${i}, kind: const, values: [${values}] }`);
    // a BOM, characters of several bytes (some across the 1 MiB pieces), CRLF on the last lines
    const text = "\uFEFF# modèle ✓ 🚀\n" + lines.join("\n") + "\n# fin é\r\n# ✓\r\n";
    assert.ok(new TextEncoder().encode(text).length > 1024 * 1024);
    const modelPath = join(dir, "model.yaml");
    await Deno.writeTextFile(modelPath, text);
    const run = await runModelFile(modelPath, { runsDir: join(dir, "runs"), runId: "big" });
    const bundle = await readRunBundle(run.runDir);
    const stored = await Deno.readFile(join(run.runDir, "model/model.yaml"));
    const withoutBom = stored[0] === 0xef ? stored.subarray(3) : stored;
    assert.equal(bundle.modelFileHash, hashOf(withoutBom));
    assert.equal(bundle.modelText, new TextDecoder().decode(stored).replace(/^\uFEFF/, ""));
    const seen: string[] = [];
    assert.ok(bundle.modelLines((line) => {
      seen.push(line.text());
      assert.equal(line.startsWith("  - {"), line.text().startsWith("  - {"));
    }));
    assert.deepEqual(seen, bundle.modelText!.split("\n"));
    assert.equal(bundle.parsedModel().model.nodes.length, 300);
    // the file changed after the run was opened
    await Deno.writeTextFile(join(run.runDir, "model/model.yaml"), text.replace("fin", "FIN"));
    assert.throws(
      () => bundle.modelText,
      (e) => e instanceof FlowTimeError && e.code === "bundle_invalid",
    );
    assert.throws(
      () => bundle.modelLines(() => {}),
      (e) => e instanceof FlowTimeError && e.code === "bundle_invalid",
    );
    // not UTF-8: the same message as reading it whole
    const bad = new Uint8Array(stored);
    bad[1024 * 1024 + 10] = 0xff;
    await Deno.writeFile(join(run.runDir, "model/model.yaml"), bad);
    const expected = (() => {
      try {
        decodeUtf8(bad, join(run.runDir, "model/model.yaml"));
      } catch (e) {
        return (e as Error).message;
      }
    })();
    await assert.rejects(
      () => readRunBundle(run.runDir),
      (e) => e instanceof FlowTimeError && e.message === expected,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("withRun uses a damaged run once (only a replacement is retried); the service reports an empty run folder", async () => {
  const { StateQueryService } = await import("../../lib/state/service.ts");
  const dir = (await tempDir("damaged-run")).path;
  try {
    const runs = join(dir, "runs");
    await Deno.mkdir(runs);
    const written = await runModelFile(join(ROOT, "fixtures/models/queue-buffer.yaml"), {
      runsDir: runs,
      runId: "damaged",
    });
    let uses = 0;
    await assertRejectsCode(
      withRun(runs, "damaged", () => {
        uses++;
        throw new FlowTimeError("bundle_invalid", "damaged for the test");
      }),
      "bundle_invalid",
    );
    assert.equal(uses, 1);
    // a run folder left empty
    await Deno.remove(written.runDir, { recursive: true });
    await Deno.mkdir(written.runDir);
    const service = new StateQueryService({ runsDir: runs });
    await assertRejectsCode(service.openRun("damaged"), "bundle_invalid", /run\.json/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
