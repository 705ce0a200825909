// `flowtime state`: the snapshot and window JSON of a run folder, and its usage errors (the CLI
// in-process: none of these depend on the process).
import assert from "node:assert/strict";
import { join } from "node:path";
import { cli, ROOT } from "../_helpers.ts";
import { BACKLOG_SHIFT_RUN, fixtureRun, QUEUE_BUFFER_RUN } from "../state/_runs.ts";

Deno.test("flowtime state --bin prints the golden snapshot", async () => {
  const r = await cli(["state", "--run-dir", fixtureRun(QUEUE_BUFFER_RUN), "--bin", "0"]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(
    r.stdout,
    await Deno.readTextFile(join(ROOT, "fixtures/state/queue-buffer/state_bin_0.json")),
  );
});

Deno.test("flowtime state --window prints the golden window", async () => {
  const r = await cli(["state", "--run-dir", fixtureRun(BACKLOG_SHIFT_RUN), "--window", "0:7"]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(
    r.stdout,
    await Deno.readTextFile(join(ROOT, "fixtures/state/backlog-shift/state_window_0_7.json")),
  );
});

Deno.test("both or neither of --bin and --window is a usage error (exit 2)", async () => {
  for (
    const flags of [[], ["--bin", "1", "--window", "0:1"]]
  ) {
    const r = await cli(["state", "--run-dir", fixtureRun(QUEUE_BUFFER_RUN), ...flags]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /give exactly one of --bin <i> and --window <start>:<end>/);
  }
});

Deno.test("missing --run-dir is a usage error", async () => {
  const r = await cli(["state", "--bin", "0"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /missing --run-dir/);
});

Deno.test("a bad --bin fails with the valid range (exit 1)", async () => {
  for (const bin of ["1.5", "12", "-1"]) {
    const r = await cli(["state", "--run-dir", fixtureRun(QUEUE_BUFFER_RUN), `--bin=${bin}`]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /^error: --bin .*from 0 to 11 \(the run has 12 bins\)/);
    assert.equal(r.stdout, "");
  }
});

Deno.test("a malformed --window is a usage error; a reversed one fails", async () => {
  const bad = await cli(["state", "--run-dir", fixtureRun(QUEUE_BUFFER_RUN), "--window", "3"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /a window is written <startBin>:<endBin>/);
  const reversed = await cli([
    "state",
    "--run-dir",
    fixtureRun(QUEUE_BUFFER_RUN),
    "--window",
    "5:2",
  ]);
  assert.equal(reversed.code, 1);
  assert.match(reversed.stderr, /window end 2 is before window start 5/);
});

Deno.test("a folder that is not a run fails without a stack trace", async () => {
  const r = await cli(["state", "--run-dir", join(ROOT, "fixtures/models"), "--bin", "0"]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^error: .*run\.json is missing from run folder/);
  assert.ok(!r.stderr.includes("    at "), r.stderr);
});

Deno.test("flowtime --help lists the state command", async () => {
  const r = await cli(["--help"]);
  assert.match(r.stdout, /state\s+print a run's state in one bin or a window/);
});
