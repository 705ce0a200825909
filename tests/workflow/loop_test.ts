// deno-lint-ignore-file no-explicit-any -- the provenance test reads JSON documents field by field
// The loop in the library: capture -> template -> telemetry-mode run -> state, with parity,
// schemas and the provenance chain followed back to the source run.
import assert from "node:assert/strict";
import { join } from "node:path";
import { InProcessSimClient } from "../../lib/sim/in_process.ts";
import { runLoop } from "../../lib/workflow/loop.ts";
import { replayCapture } from "../../lib/workflow/replay.ts";
import { runTemplate } from "../../lib/workflow/run_template.ts";
import { captureRun } from "../../lib/telemetry/capture.ts";
import { loadStateRun } from "../../lib/state/load.ts";
import { snapshotOf } from "../../lib/state/snapshot.ts";
import { windowOf } from "../../lib/state/window.ts";
import { hashOf } from "../../lib/base/hash.ts";
import { loadGapConfig } from "../../lib/telemetry/gap_config.ts";
import {
  assertMatchesSchema,
  assertRejectsCode,
  assertValidRunBundle,
  FIXED_TIME,
  readJsonFile,
  readTree,
  ROOT,
  type TempDir,
  tempDir,
  tempFixture,
} from "../_helpers.ts";

const sim = new InProcessSimClient(join(ROOT, "templates"), { generatedAt: FIXED_TIME });

for (const template of ["order-system", "microservices", "http-service"]) {
  Deno.test(`${template}: replaying the capture of a simulation run without gaps gives parity 0`, async () => {
    await using dataTmp = await tempDir(`loop-${template}`);
    const data = dataTmp.path;
    const loop = await runLoop(sim, { dataDir: data, at: FIXED_TIME, templateId: template });
    assert.equal(loop.parity.passed, true);
    assert.equal(loop.parity.maxAbsDiff, 0);
    assert.deepEqual(loop.parity.missing, []);
    assert.equal(loop.parity.comparisons.length, loop.capture.manifest.files.length);
    assert.equal(loop.replay.written.runJson.mode, "telemetry");
    assert.deepEqual(loop.replay.written.runJson.warnings, []);
    assert.deepEqual(loop.replay.boundFromCapture, ["telemetryDir", "bins", "binSize", "start"]);
    // Every artifact of every run validates against its schema.
    for (const run of [loop.simulation, loop.replay.written]) {
      await assertValidRunBundle(run.runDir);
      assertMatchesSchema(
        "provenance",
        await readJsonFile(join(run.runDir, "model/provenance.json")),
        "provenance.json",
      );
    }
    assertMatchesSchema(
      "telemetry-manifest",
      await readJsonFile(join(data, "telemetry", loop.simulation.runId, "manifest.json")),
      "capture manifest",
    );
    const state = await loadStateRun(loop.replay.written.runDir);
    assertMatchesSchema("time-travel-state", snapshotOf(state, 0), "snapshot");
    assertMatchesSchema(
      "time-travel-state",
      windowOf(state, { startBin: 0, endBin: Math.min(999, state.timeline.bins - 1) }),
      "window",
    );
    // /state of the replay equals /state of the original, except the metadata envelope.
    const original = await loadStateRun(loop.simulation.runDir);
    const bin = Math.floor(state.timeline.bins / 2);
    assert.deepEqual(
      snapshotOf(state, bin).nodes.map((n) => [n.id, n.metrics, n.derived]),
      snapshotOf(original, bin).nodes.map((n) => [n.id, n.metrics, n.derived]),
    );
  });
}

Deno.test("provenance links resolve from the telemetry-mode run back to the source run", async () => {
  await using dataTmp = await tempDir("loop-provenance");
  const data = dataTmp.path;
  const loop = await runLoop(sim, { dataDir: data, at: FIXED_TIME, templateId: "order-system" });
  const runDir = loop.replay.written.runDir;
  const metadata = await readJsonFile<Record<string, any>>(join(runDir, "model/metadata.json"));
  const manifest = await readJsonFile<Record<string, any>>(join(runDir, "manifest.json"));
  const provenance = await readJsonFile<Record<string, any>>(join(runDir, "model/provenance.json"));
  const runJson = await readJsonFile<Record<string, any>>(join(runDir, "run.json"));
  // metadata.json -> the copied capture manifest, by path and hash
  const copied = await Deno.readFile(join(runDir, metadata.capture.manifestPath));
  assert.equal(metadata.capture.manifestHash, hashOf(copied));
  const captureManifest = JSON.parse(new TextDecoder().decode(copied));
  assert.equal(metadata.capture.checksum, captureManifest.checksum);
  assert.equal(metadata.capture.warningCount, captureManifest.warnings.length);
  // manifest.json and provenance.json carry the same capture link and the template
  assert.deepEqual(manifest.provenance.capture, {
    runId: metadata.capture.runId,
    manifestHash: metadata.capture.manifestHash,
    checksum: metadata.capture.checksum,
  });
  assert.deepEqual(provenance.telemetry, {
    captureDir: `telemetry/${loop.simulation.runId}`,
    manifestHash: metadata.capture.manifestHash,
    checksum: metadata.capture.checksum,
    runId: loop.simulation.runId,
  });
  assert.equal(manifest.provenance.templateId, "order-system");
  assert.equal(manifest.provenance.inputHash, provenance.inputHash);
  assert.equal(runJson.inputHash, provenance.inputHash);
  assert.equal(metadata.templateVersion, provenance.templateVersion);
  // The model embeds the same provenance block, telemetry link included.
  const modelText = await Deno.readTextFile(join(runDir, "model/model.yaml"));
  assert.match(
    modelText,
    new RegExp(
      `telemetry:\\n    captureDir: telemetry/${loop.simulation.runId}\\n    manifestHash: ${metadata.capture.manifestHash}`,
    ),
  );
  // provenance.telemetry.captureDir -> the capture folder, whose manifest is the copied one
  const captureDir = join(data, provenance.telemetry.captureDir);
  assert.deepEqual(await Deno.readFile(join(captureDir, "manifest.json")), copied);
  // capture manifest -> the source run, whose hashes it recorded
  const sourceRun = await readJsonFile<Record<string, any>>(
    join(data, "runs", captureManifest.provenance.runId, "run.json"),
  );
  assert.equal(captureManifest.provenance.runId, loop.simulation.runId);
  assert.equal(captureManifest.provenance.modelHash, sourceRun.modelHash);
  assert.equal(captureManifest.provenance.scenarioHash, sourceRun.scenarioHash);
  assert.equal(captureManifest.provenance.inputHash, sourceRun.inputHash);
  assert.equal(captureManifest.provenance.templateId, "order-system");
  // every copied CSV is byte-identical to the capture's and listed with its hash
  for (const file of captureManifest.files) {
    const bytes = await Deno.readFile(join(runDir, "model/telemetry", file.path));
    assert.equal(hashOf(bytes), file.hash);
  }
  // /state shows the capture link
  const state = snapshotOf(await loadStateRun(runDir), 0);
  assert.deepEqual(state.metadata.capture, {
    runId: loop.simulation.runId,
    manifestHash: metadata.capture.manifestHash,
    warningCount: 0,
  });
});

Deno.test("capture warnings reach /state for the bins they cover; loader gaps land on the node", async () => {
  await using dataTmp = await tempDir("loop-gaps");
  const data = dataTmp.path;
  const gaps = await loadGapConfig(join(ROOT, "fixtures/gaps/microservices-gaps.yaml"));
  const loop = await runLoop(sim, {
    dataDir: data,
    gaps,
    at: FIXED_TIME,
    templateId: "microservices",
  });
  assert.equal(loop.parity.passed, false);
  const state = await loadStateRun(loop.replay.written.runDir);
  // Bins 10, 11 and 20-23 of API_Gateway arrivals were dropped by the gap rule.
  const at10 = snapshotOf(state, 10);
  const captureWarnings = at10.warnings.filter((w) => w.source === "capture");
  assert.deepEqual(captureWarnings.map((w) => [w.code, w.nodeId, w.metric, w.bins]), [[
    "data_gap",
    "API_Gateway",
    "arrivals",
    [10],
  ]]);
  const gateway = at10.nodes.find((n) => n.id === "API_Gateway")!;
  assert.equal(gateway.metrics.arrivals, null);
  assert.deepEqual(gateway.telemetry.warnings.map((w) => w.code), ["telemetry_gap"]);
  assert.equal(
    snapshotOf(state, 12).warnings.filter((w) => w.source === "capture" && w.code === "data_gap")
      .length,
    0,
  );
  const window = windowOf(state, { startBin: 0, endBin: 30 });
  const dataGap = window.warnings.find((w) => w.source === "capture" && w.code === "data_gap")!;
  assert.deepEqual(dataGap.bins, [10, 11, 20, 21, 22, 23]);
  assert.equal(window.metadata.capture?.warningCount, loop.capture.manifest.warnings.length);
});

/** A data folder with a simulation run of the template and its capture (disposable). */
function captured(
  template: string,
): Promise<TempDir & { data: string; runId: string; captureRel: string }> {
  return tempFixture(`replay-${template}`, async (data) => {
    const { written } = await runTemplate(sim, {
      runsDir: join(data, "runs"),
      deterministic: true,
      createdAt: FIXED_TIME,
      templateId: template,
      parameters: {},
    });
    await captureRun({
      runDir: written.runDir,
      outputDir: join(data, "telemetry", written.runId),
      capturedAt: FIXED_TIME,
    });
    return { data, runId: written.runId, captureRel: `telemetry/${written.runId}` };
  });
}

function replayIn(
  c: { data: string; captureRel: string },
  template = "http-service",
  params: Record<string, unknown> = {},
  options: { allowTemplateMismatch?: boolean } = {},
) {
  return replayCapture(sim, {
    ...options,
    runsDir: join(c.data, "runs"),
    sourceDir: c.data,
    deterministic: true,
    createdAt: FIXED_TIME,
    templateId: template,
    captureDir: c.captureRel,
    parameters: params,
  });
}

Deno.test("a capture folder without manifest.json is refused, nothing written", async () => {
  await using c = await captured("http-service");
  await Deno.remove(join(c.data, c.captureRel, "manifest.json"));
  const before = await readTree(join(c.data, "runs"));
  await assertRejectsCode(replayIn(c), "capture_invalid", /has no manifest\.json/);
  assert.deepEqual(await readTree(join(c.data, "runs")), before);
});

Deno.test("a CSV edited after capture is a hash mismatch naming the file; nothing written", async () => {
  await using c = await captured("http-service");
  const file = join(c.data, c.captureRel, "HttpService_served.csv");
  await Deno.writeTextFile(file, (await Deno.readTextFile(file)).replace("\n5,", "\n5,9"));
  const before = await readTree(join(c.data, "runs"));
  await assertRejectsCode(
    replayIn(c),
    "hash_mismatch",
    /HttpService_served\.csv changed after capture/,
  );
  assert.deepEqual(await readTree(join(c.data, "runs")), before);
});

Deno.test("a CSV deleted after capture: the run completes and /state says which node and why", async () => {
  await using c = await captured("http-service");
  await Deno.remove(join(c.data, c.captureRel, "HttpService_errors.csv"));
  const replay = await replayIn(c);
  const warnings = replay.written!.runJson.warnings;
  assert.deepEqual(warnings.map((w) => [w.code, w.nodeId]), [[
    "telemetry_sources_unresolved",
    "http_errors",
  ]]);
  const state = snapshotOf(await loadStateRun(replay.written!.runDir), 3);
  assert.equal(state.metadata.telemetrySourcesResolved, false);
  const node = state.nodes.find((n) => n.id === "HttpService")!;
  assert.equal(node.metrics.errors, null);
  const w = node.telemetry.warnings.find((x) => x.code === "telemetry_sources_unresolved")!;
  assert.match(w.message, /HttpService_errors\.csv .*file not found/);
});

Deno.test("a template without telemetryDir or sources replays by binding every captured file onto its node's semantics", async () => {
  await using c = await captured("http-service");
  await using templatesTmp = await tempDir("no-telemetry-dir");
  const templates = templatesTmp.path;
  const text = await Deno.readTextFile(join(ROOT, "templates/http-service.yaml"));
  // Remove the telemetryDir parameter and every source that uses it (a FlowTime template).
  const stripped = text.replace(/\n {2}- name: telemetryDir\n( {4}.*\n)+/, "\n").replace(
    /\n {4}source: .*\$\{telemetryDir\}.*/g,
    "",
  );
  assert.ok(!/\$\{telemetryDir\}|name: telemetryDir/.test(stripped));
  await Deno.writeTextFile(join(templates, "http-service.yaml"), stripped);
  const other = new InProcessSimClient(templates, { generatedAt: FIXED_TIME });
  const replay = await replayCapture(other, {
    runsDir: join(c.data, "runs"),
    sourceDir: c.data,
    templateId: "http-service",
    captureDir: c.captureRel,
    parameters: {},
  });
  assert.deepEqual(replay.boundFromCapture, ["bins", "binSize", "start"]);
  const written = replay.written!;
  assert.deepEqual(written.runJson.warnings, []);
  // Each captured file feeds the model node its metric's semantic names.
  const model = await Deno.readTextFile(join(written.runDir, "model/model.yaml"));
  for (const file of ["arrivals", "served", "errors", "capacity"]) {
    assert.match(model, new RegExp(`source: file:telemetry/HttpService_${file}\\.csv`));
  }
  const original = await loadStateRun(join(c.data, "runs", c.runId));
  const replayed = await loadStateRun(written.runDir);
  assert.deepEqual(
    snapshotOf(replayed, 40).nodes.map((n) => [n.id, n.metrics, n.derived]),
    snapshotOf(original, 40).nodes.map((n) => [n.id, n.metrics, n.derived]),
  );
});

Deno.test("a capture whose grid disagrees with the caller's bins is refused", async () => {
  await using c = await captured("http-service");
  await assertRejectsCode(
    replayIn(c, "http-service", { bins: 48 }),
    "capture_invalid",
    /bins = 48 disagrees with the capture, which has bins = 96/,
  );
  // The caller may repeat the capture's own grid.
  const ok = await replayIn(c, "http-service", { bins: 96, binSize: 15 });
  assert.equal(ok.written!.runJson.grid.bins, 96);
});

Deno.test("replaying through a different template is refused with both names; forced, its files are not in the capture", async () => {
  await using c = await captured("http-service");
  const err = await assertRejectsCode(
    replayIn(c, "order-system"),
    "template_mismatch",
    /capture telemetry\/run_http-service_\w+ was made from a run of template 'http-service', not 'order-system'; replay it through 'http-service'; set the allowTemplateMismatch option to replay it through 'order-system' anyway$/,
  );
  assert.deepEqual(err.details, [{
    captureTemplateId: "http-service",
    templateId: "order-system",
  }]);
  await assertRejectsCode(
    replayIn(c, "order-system", {}, { allowTemplateMismatch: true }),
    "capture_invalid",
    /(does not list|differs from the model)/,
  );
});

Deno.test("a dry run binds and generates but writes nothing", async () => {
  await using c = await captured("http-service");
  const before = await readTree(c.data);
  const dry = await replayCapture(sim, {
    runsDir: join(c.data, "runs"),
    sourceDir: c.data,
    dryRun: true,
    templateId: "http-service",
    captureDir: c.captureRel,
    parameters: {},
  });
  assert.equal(dry.written, undefined);
  assert.equal(dry.generated.metadata.mode, "telemetry");
  assert.deepEqual(dry.parameters, {
    telemetryDir: c.captureRel,
    bins: 96,
    binSize: 15,
    start: "2025-10-07T00:00:00Z",
  });
  assert.deepEqual(await readTree(c.data), before);
});
