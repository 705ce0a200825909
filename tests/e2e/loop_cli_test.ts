// The loop through the real CLI: template run -> capture -> telemetry-mode run -> state ->
// parity, and the lower-level generate + `telemetry bundle` path. The CLI runs in-process: these
// tests check outputs, files and exit codes, nothing that depends on the process.
import assert from "node:assert/strict";
import { join, relative } from "node:path";
import { assertValidRunBundle, cli, FIXED_TIME, readTree, ROOT, tempDir } from "../_helpers.ts";

function cliIn(data: string) {
  return (...args: string[]) =>
    cli(args, {
      env: { FLOWTIME_DATA_DIR: data, FLOWTIME_TEMPLATES_DIR: join(ROOT, "templates") },
    });
}

Deno.test("CLI loop: run --template, telemetry capture, run --mode telemetry, state, parity 0", async () => {
  await using dataTmp = await tempDir("cli-loop");
  const data = dataTmp.path;
  const flowtime = cliIn(data);
  const sim = await flowtime(
    "run",
    "--template",
    "order-system",
    "--deterministic",
    "--created-at",
    FIXED_TIME,
    "--json",
  );
  assert.equal(sim.code, 0, sim.stderr);
  const source = JSON.parse(sim.stdout);
  const cap = await flowtime(
    "telemetry",
    "capture",
    "--run-dir",
    source.runDir,
    "--captured-at",
    FIXED_TIME,
    "--json",
  );
  assert.equal(cap.code, 0, cap.stderr);
  const captureDir = join(data, "telemetry", source.runId);
  const replay = await flowtime(
    "run",
    "--template",
    "order-system",
    "--mode",
    "telemetry",
    "--telemetry-dir",
    captureDir,
    "--deterministic",
    "--created-at",
    FIXED_TIME,
    "--json",
  );
  assert.equal(replay.code, 0, replay.stderr);
  const run = JSON.parse(replay.stdout);
  assert.equal(run.mode, "telemetry");
  assert.equal(run.capture.runId, source.runId);
  assert.deepEqual(run.warnings, []);
  await assertValidRunBundle(run.runDir);
  const state = await flowtime("state", "--run-dir", run.runDir, "--bin", "144");
  assert.equal(state.code, 0, state.stderr);
  assert.equal(JSON.parse(state.stdout).metadata.capture.runId, source.runId);
  const parity = await flowtime("telemetry", "parity", "--run", source.runId, "--run", run.runId);
  assert.equal(parity.code, 0, parity.stdout + parity.stderr);
  assert.match(
    parity.stdout,
    /^parity run_order-system_\w+ vs run_order-system_\w+: 8 node metrics over 288 bins, largest difference 0 \(tolerance 0\) -> PASS/,
  );
  // Repeating the replay with the same inputs gives a byte-identical run.
  const again = await flowtime(
    "run",
    "--template",
    "order-system",
    "--mode",
    "telemetry",
    "--telemetry-dir",
    captureDir,
    "--deterministic",
    "--created-at",
    FIXED_TIME,
    "--out",
    join(data, "again"),
    "--json",
  );
  assert.equal(again.code, 0, again.stderr);
  assert.deepEqual(await readTree(join(data, "again", run.runId)), await readTree(run.runDir));
});

Deno.test("parity fails (exit 1) when a gapped capture is replayed, and lists the difference", async () => {
  await using dataTmp = await tempDir("cli-parity");
  const data = dataTmp.path;
  const flowtime = cliIn(data);
  const source = JSON.parse(
    (await flowtime("run", "--template", "http-service", "--deterministic", "--json")).stdout,
  );
  const gaps = join(data, "gaps.yaml");
  await Deno.writeTextFile(
    gaps,
    'rules:\n  - { node: HttpService, metric: served, bins: ["4-6"], action: nan }\n',
  );
  assert.equal((await flowtime("capture", "--run-dir", source.runDir, "--gaps", gaps)).code, 0);
  const replay = JSON.parse(
    (await flowtime(
      "run",
      "--template",
      "http-service",
      "--mode",
      "telemetry",
      "--telemetry-dir",
      join(data, "telemetry", source.runId),
      "--json",
    )).stdout,
  );
  const parity = await flowtime(
    "telemetry",
    "parity",
    "--run",
    source.runDir,
    "--run",
    replay.runDir,
    "--json",
  );
  assert.equal(parity.code, 1);
  const report = JSON.parse(parity.stdout);
  assert.equal(report.passed, false);
  assert.deepEqual(
    report.comparisons.filter((c: { differingBins: number }) => c.differingBins > 0).map((
      c: { nodeId: string; metric: string; differingBins: number },
    ) => [c.nodeId, c.metric, c.differingBins]),
    [["HttpService", "served", 3]],
  );
});

Deno.test("templates generate --mode telemetry, then telemetry bundle with the provenance file", async () => {
  await using dataTmp = await tempDir("cli-bundle");
  const data = dataTmp.path;
  const flowtime = cliIn(data);
  const source = JSON.parse(
    (await flowtime("run", "--template", "http-service", "--deterministic", "--json")).stdout,
  );
  assert.equal((await flowtime("telemetry", "capture", "--run-dir", source.runDir)).code, 0);
  const captureDir = join(data, "telemetry", source.runId);
  // The model lives in another folder and names the capture relative to the working folder, as
  // docs/workflow.md shows.
  await Deno.mkdir(join(data, "replay"));
  const model = join(data, "replay", "model.yaml");
  const prov = join(data, "replay", "provenance.json");
  const gen = await flowtime(
    "templates",
    "generate",
    "http-service",
    "--mode",
    "telemetry",
    "--param",
    `telemetryDir=${relative(ROOT, captureDir)}`,
    "--param",
    "bins=96",
    "--param",
    "binSize=15",
    "--out",
    model,
    "--provenance",
    prov,
  );
  assert.equal(gen.code, 0, gen.stderr);
  const bundled = await flowtime(
    "telemetry",
    "bundle",
    "--capture-dir",
    captureDir,
    "--model",
    model,
    "--provenance",
    prov,
    "--json",
  );
  assert.equal(bundled.code, 0, bundled.stderr);
  const run = JSON.parse(bundled.stdout);
  assert.equal(run.capture.runId, source.runId);
  await assertValidRunBundle(run.runDir);
  const provenance = JSON.parse(await Deno.readTextFile(join(run.runDir, "model/provenance.json")));
  assert.equal(provenance.templateId, "http-service");
  assert.equal(provenance.telemetry.runId, source.runId);
  assert.equal(
    (await flowtime("telemetry", "parity", "--run", source.runDir, "--run", run.runDir)).code,
    0,
  );
  // A simulation-mode model cannot be bundled.
  const simModel = join(data, "sim.yaml");
  assert.equal(
    (await flowtime("templates", "generate", "http-service", "--out", simModel)).code,
    0,
  );
  const refused = await flowtime(
    "telemetry",
    "bundle",
    "--capture-dir",
    captureDir,
    "--model",
    simModel,
  );
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /not in telemetry mode/);
});

Deno.test("CLI usage and bad input: missing --telemetry-dir, capture folder without manifest, Sim URL down", async () => {
  await using dataTmp = await tempDir("cli-loop-bad");
  const data = dataTmp.path;
  const flowtime = cliIn(data);
  const noDir = await flowtime("run", "--template", "http-service", "--mode", "telemetry");
  assert.equal(noDir.code, 2);
  assert.match(noDir.stderr, /--mode telemetry needs --telemetry-dir/);
  await Deno.mkdir(join(data, "empty"));
  const noManifest = await flowtime(
    "run",
    "--template",
    "http-service",
    "--mode",
    "telemetry",
    "--telemetry-dir",
    join(data, "empty"),
  );
  assert.equal(noManifest.code, 1);
  assert.match(noManifest.stderr, /is not a capture folder: it has no manifest\.json/);
  // A port nothing listens on.
  const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (probe.addr as Deno.NetAddr).port;
  probe.close();
  const down = await cli([
    "run",
    "--template",
    "http-service",
    "--sim-url",
    `http://127.0.0.1:${port}`,
  ], { env: { FLOWTIME_DATA_DIR: data } });
  assert.equal(down.code, 1);
  assert.match(down.stderr, /^error: .*127\.0\.0\.1:\d+.*/);
  assert.equal(down.stderr.trim().split("\n").length, 1);
  assert.deepEqual([...Deno.readDirSync(data)].map((e) => e.name), ["empty"]);
  const badParity = await flowtime("telemetry", "parity", "--run", "only-one");
  assert.equal(badParity.code, 2);
});
