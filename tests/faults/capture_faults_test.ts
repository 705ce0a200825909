// Faults in captures: a capture killed with SIGKILL part-way leaves no capture folder where
// readers look and the next capture succeeds; SIGINT and SIGTERM remove its temp folder; two captures racing to the same folder leave one
// winner, one clean failure, and exactly the bytes a single capture writes. The killed capture
// and the racers are real processes (spawnCli: a signal, two writers in separate processes);
// follow-up captures, gc and the unwritable-folder test run the CLI in-process.
import assert from "node:assert/strict";
import { join } from "node:path";
import { syntheticModel } from "../../scripts/synthetic_model.ts";
import { runModelFile } from "../../lib/workflow/run_model.ts";
import { assertSameTree, cli, FIXED_TIME, moduleTempDir, ROOT, tempDir } from "../_helpers.ts";
import { entries, spawnCli, waitFor } from "./_process.ts";

// One big run shared by the tests: 67 queue services x 5 metrics = 335 capture files of 8,640
// rows, so a capture takes long enough to be killed, or raced, in the middle.
const work = await moduleTempDir("capture-faults");
await Deno.writeTextFile(join(work, "big.yaml"), syntheticModel(400, 8640));
const big = await runModelFile(join(work, "big.yaml"), {
  runsDir: join(work, "runs"),
  runId: "big",
  createdAt: FIXED_TIME,
});

for (const [signal, code] of [["SIGINT", 130], ["SIGTERM", 143]] as const) {
  Deno.test(`${signal} during a capture exits ${code} and removes its temp folder`, async () => {
    await using dataTmp = await tempDir(`capture-${code}`);
    const telemetry = join(dataTmp.path, "telemetry");
    const child = spawnCli([
      "telemetry",
      "capture",
      "--run-dir",
      big.runDir,
      "--output",
      join(telemetry, "big"),
      "--captured-at",
      FIXED_TIME,
    ]);
    const started = await waitFor(() => {
      const temp = entries(telemetry).find((n) => n.startsWith(".tmp-big-"));
      return temp !== undefined && entries(join(telemetry, temp)).length > 20;
    }, 60_000);
    child.kill(signal);
    const out = await child.output();
    assert.ok(started, "the capture started writing files");
    assert.equal(out.code, code);
    assert.equal(new TextDecoder().decode(out.stderr).trim(), "interrupted");
    assert.deepEqual(entries(telemetry), [], "no capture folder and no temp folder");
  });
}

Deno.test("a capture killed with SIGKILL while writing leaves no capture folder; the next capture and gc work", async () => {
  await using dataTmp = await tempDir("capture-kill");
  const data = dataTmp.path;
  const telemetry = join(data, "telemetry");
  const child = spawnCli([
    "telemetry",
    "capture",
    "--run-dir",
    big.runDir,
    "--output",
    join(telemetry, "big"),
    "--captured-at",
    FIXED_TIME,
  ]);
  // Kill once the capture has started filling its temp folder.
  const started = await waitFor(() => {
    const temp = entries(telemetry).find((n) => n.startsWith(".tmp-big-"));
    return temp !== undefined && entries(join(telemetry, temp)).length > 20;
  }, 60_000);
  child.kill("SIGKILL");
  const status = await child.status;
  await child.stdout.cancel();
  await child.stderr.cancel();
  assert.ok(started, "the capture started writing files");
  assert.equal(status.signal, "SIGKILL");
  const left = entries(telemetry);
  assert.equal(left.length, 1, `only the temp folder is left: ${left}`);
  assert.match(left[0], /^\.tmp-big-[0-9a-f]{12}$/);
  assert.ok(!entries(telemetry).includes("big"), "no capture folder where readers look");

  const again = await cli([
    "telemetry",
    "capture",
    "--run-dir",
    big.runDir,
    "--output",
    join(telemetry, "big"),
    "--captured-at",
    FIXED_TIME,
  ]);
  assert.equal(again.code, 0, again.stderr);
  const manifest = JSON.parse(await Deno.readTextFile(join(telemetry, "big", "manifest.json")));
  assert.equal(manifest.files.length, 335);
  assert.equal(entries(join(telemetry, "big")).length, 336);

  const gc = await cli(["gc", "--data-dir", data, "--min-age", "0", "--json"]);
  assert.equal(gc.code, 0, gc.stderr);
  assert.deepEqual(JSON.parse(gc.stdout).removed, [`telemetry/${left[0]}`]);
  assert.deepEqual(entries(telemetry), ["big"]);
});

Deno.test("two captures racing to one folder: one wins, the other fails cleanly, the bytes equal a single capture", async () => {
  await using dataTmp = await tempDir("capture-race");
  const data = dataTmp.path;
  const single = join(data, "single");
  const alone = await cli([
    "telemetry",
    "capture",
    "--run-dir",
    big.runDir,
    "--output",
    single,
    "--captured-at",
    FIXED_TIME,
  ]);
  assert.equal(alone.code, 0, alone.stderr);
  const dec = new TextDecoder();
  // Several rounds: the loser may notice the winner at the start or only at the final rename.
  for (let round = 0; round < 3; round++) {
    const target = join(data, `race-${round}`, "telemetry", "big");
    const args = [
      "telemetry",
      "capture",
      "--run-dir",
      big.runDir,
      "--output",
      target,
      "--captured-at",
      FIXED_TIME,
    ];
    const racers = [spawnCli(args), spawnCli(args)];
    const results = await Promise.all(racers.map((c) => c.output()));
    const codes = results.map((r) => r.code).sort();
    const stderr = results.map((r) => dec.decode(r.stderr));
    assert.deepEqual(codes, [0, 1], `round ${round}: exit codes ${codes}\n${stderr.join("\n")}`);
    const loser = stderr[results.findIndex((r) => r.code === 1)];
    assert.match(
      loser,
      /^error: capture folder .*race-\d\/telemetry\/big (already exists and is not empty; pass --overwrite|was created by another writer at the same time; nothing was changed)/,
    );
    assert.equal(loser.trim().split("\n").length, 1, "one line, no stack trace");
    if (Deno.env.get("FLOWTIME_TEST_VERBOSE")) console.log(`round ${round}: ${loser.trim()}`);
    await assertSameTree(target, single);
    assert.deepEqual(
      entries(join(data, `race-${round}`, "telemetry")),
      ["big"],
      "the loser left no temp folder",
    );
  }
});

Deno.test("a capture folder that cannot be created gives a clear write error, exit 1, nothing written", async () => {
  await using dataTmp = await tempDir("capture-unwritable");
  const data = dataTmp.path;
  // A regular file where a parent folder should go: the OS refuses to create folders below it
  // (this works as root too, unlike permission bits).
  await Deno.writeTextFile(join(data, "blocker"), "not a folder");
  const r = await cli([
    "telemetry",
    "capture",
    "--run-dir",
    join(ROOT, "fixtures/runs/run_deterministic_e673448a"),
    "--output",
    join(data, "blocker", "telemetry", "x"),
  ]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^error: .*blocker\/telemetry.*: /);
  assert.equal(r.stderr.trim().split("\n").length, 1);
  assert.deepEqual(entries(data), ["blocker"]);
});
