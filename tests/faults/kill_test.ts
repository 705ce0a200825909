// Faults: a run killed with SIGKILL part-way leaves no partial bundle where readers look, the
// next run succeeds, and `flowtime gc` removes the leftover temp folder. The runs that are
// killed or interrupted are real processes (spawnCli: signals and exit code 130); the follow-up
// commands and the unwritable-folder test run the CLI in-process.
import assert from "node:assert/strict";
import { join } from "node:path";
import { syntheticModel } from "../../scripts/synthetic_model.ts";
import { listRuns } from "../../lib/artifacts/listing.ts";
import { assertValidRunBundle, cli, ROOT, tempDir } from "../_helpers.ts";
import { entries, spawnCli, waitFor } from "./_process.ts";

Deno.test("a run killed with SIGKILL while writing leaves only a hidden temp folder; the next run and gc work", async () => {
  await using dirTmp = await tempDir("kill");
  const dir = dirTmp.path;
  const model = join(dir, "big.yaml");
  await Deno.writeTextFile(model, syntheticModel(400, 8640));
  const runs = join(dir, "runs");
  const child = spawnCli([
    "run",
    "--model",
    model,
    "--out",
    runs,
    "--run-id",
    "victim",
  ]);
  // Kill once the writer has started filling its temp folder with series files.
  const started = await waitFor(() => {
    const temp = entries(runs).find((n) => n.startsWith(".tmp-victim-"));
    return temp !== undefined && entries(join(runs, temp, "series")).length > 20;
  }, 60_000);
  child.kill("SIGKILL");
  const status = await child.status;
  await child.stdout.cancel();
  await child.stderr.cancel();
  assert.ok(started, "the writer started writing series");
  assert.equal(status.signal, "SIGKILL");
  const left = entries(runs);
  assert.equal(left.length, 1, `only the temp folder is left: ${left}`);
  assert.match(left[0], /^\.tmp-victim-[0-9a-f]{12}$/);
  assert.deepEqual(await listRuns(runs), [], "listings ignore the temp folder");

  const again = await cli(["run", "--model", model, "--out", runs, "--run-id", "victim"]);
  assert.equal(again.code, 0, again.stderr);
  await assertValidRunBundle(join(runs, "victim"));

  const gc = await cli(["gc", "--data-dir", dir, "--min-age", "0", "--json"]);
  assert.equal(gc.code, 0, gc.stderr);
  assert.deepEqual(JSON.parse(gc.stdout).removed, [`runs/${left[0]}`]);
  assert.deepEqual(entries(runs), ["victim"]);
});

Deno.test("an output folder that cannot be created gives a clear write error, exit 1, nothing written", async () => {
  await using dirTmp = await tempDir("unwritable");
  const dir = dirTmp.path;
  // A regular file where the runs folder should go: the OS refuses to create folders below it
  // (this works as root too, unlike permission bits).
  await Deno.writeTextFile(join(dir, "blocker"), "not a folder");
  const r = await cli([
    "run",
    "--model",
    join(ROOT, "fixtures/models/queue-buffer.yaml"),
    "--out",
    join(dir, "blocker", "runs"),
  ]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^error: creating .*blocker\/runs: /);
  assert.equal(r.stderr.trim().split("\n").length, 1);
  assert.deepEqual(entries(dir), ["blocker"]);
});

Deno.test("Ctrl-C (SIGINT) during a run exits 130 and leaves no run folder", async () => {
  await using dirTmp = await tempDir("sigint");
  const dir = dirTmp.path;
  const model = join(dir, "big.yaml");
  await Deno.writeTextFile(model, syntheticModel(400, 8640));
  const runs = join(dir, "runs");
  const child = spawnCli([
    "run",
    "--model",
    model,
    "--out",
    runs,
    "--run-id",
    "interrupted",
  ]);
  const started = await waitFor(
    () => entries(runs).some((n) => n.startsWith(".tmp-interrupted-")),
    60_000,
  );
  child.kill("SIGINT");
  const out = await child.output();
  assert.ok(started, "the writer started");
  assert.equal(out.code, 130);
  assert.equal(new TextDecoder().decode(out.stderr).trim(), "interrupted");
  assert.ok(!entries(runs).includes("interrupted"), "no run folder where readers look");
  assert.deepEqual(await listRuns(runs), []);
});
