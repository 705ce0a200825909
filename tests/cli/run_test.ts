// `flowtime run`, `validate` and the help texts. The CLI runs in-process (`cli`) except in two
// tests that need the real process: the first checks that the process exits with main's code
// (0, 2) and prints to stdout; the permission test needs Deno's --allow-write sandbox.
import assert from "node:assert/strict";
import { join } from "node:path";
import { COMMANDS } from "../../cli/registry.ts";
import {
  assertValidRunBundle,
  cli,
  FIXED_TIME,
  readTree,
  ROOT,
  runCli,
  tempDir,
} from "../_helpers.ts";

const MODEL = join(ROOT, "fixtures/models/queue-buffer.yaml");

Deno.test("flowtime --help lists every command; no arguments is a usage error", async () => {
  const help = await runCli(["--help"]);
  assert.equal(help.code, 0);
  for (const c of COMMANDS) assert.ok(help.stdout.includes(c.name), `--help lists ${c.name}`);
  const none = await runCli([]);
  assert.equal(none.code, 2);
});

Deno.test("every command answers --help with its usage and exit 0", async () => {
  for (const c of COMMANDS) {
    const r = await cli([...c.name.split(" "), "--help"]);
    assert.equal(r.code, 0, `${c.name} --help: ${r.stderr}`);
    assert.ok(r.stdout.startsWith(`flowtime ${c.name}`), `${c.name} --help starts with its name`);
    assert.match(r.stdout, /Usage:/);
  }
});

Deno.test("flowtime run writes a bundle and prints the run id and folder", async () => {
  await using outTmp = await tempDir("cli-run");
  const out = outTmp.path;
  const r = await cli([
    "run",
    "--model",
    MODEL,
    "--out",
    out,
    "--deterministic",
    "--created-at",
    FIXED_TIME,
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stdout,
    /^run run_deterministic_e673448a written to .*run_deterministic_e673448a\n/,
  );
  await assertValidRunBundle(join(out, "run_deterministic_e673448a"));
});

Deno.test("flowtime run --json prints one JSON object", async () => {
  await using outTmp = await tempDir("cli-json");
  const out = outTmp.path;
  const r = await cli(["run", "--model", MODEL, "--out", out, "--run-id", "my-run", "--json"]);
  assert.equal(r.code, 0, r.stderr);
  const result = JSON.parse(r.stdout);
  assert.equal(result.runId, "my-run");
  assert.equal(result.runDir, join(out, "my-run"));
  assert.equal(result.series, 8);
  assert.deepEqual(result.warnings, []);
});

Deno.test("bad models: one-line error naming file and line, exit 1, nothing written", async () => {
  await using dirTmp = await tempDir("cli-bad");
  const dir = dirTmp.path;
  const cases: Array<[string, RegExp]> = [
    [
      "grid: { bins: 3, binSize: 1 }\nnodes:\n  - id: a\n    kind: const\n   values: [1]\n",
      /model\.yaml:\d+: not valid YAML/,
    ],
    [
      "grid: { bins: 3, binSize: 1 }\nnodes:\n  - { id: a, kind: magic }\n",
      /model\.yaml:3: nodes\[0\]\.kind: unknown node kind "magic"/,
    ],
    [
      "grid: { bins: 3, binSize: 1 }\nnodes:\n  - { id: a, kind: const, values: [1, 2] }\n",
      /model\.yaml:3: nodes\[0\]\.values: has 2 values but grid\.bins is 3/,
    ],
    ["grid: { bins: 0, binSize: 1 }\nnodes: []\n", /model\.yaml:1: grid\.bins: 0 is out of range/],
    [
      "grid: { bins: 1, binSize: 1 }\nnodes:\n  - { id: a, kind: expr, expr: 'b + 1' }\n",
      /model\.yaml:3: nodes\[0\]\.expr: unknown reference 'b'/,
    ],
    [
      "grid: { bins: 1, binSize: 1 }\nnodes:\n  - { id: a, kind: expr, expr: 'b' }\n  - { id: b, kind: expr, expr: 'a' }\n",
      /cycle: (a -> b -> a|b -> a -> b)/,
    ],
    [
      "grid: { bins: 1, binSize: 1 }\nnodes:\n  - { id: a, kind: pmf, pmf: { values: [1], probabilities: [-1] } }\n",
      /probability -1 is negative/,
    ],
    [
      "grid: { bins: 1, binSize: 1 }\nnodes:\n  - { id: a, kind: expr, expr: 'SUMM(1, 2)' }\n",
      /model\.yaml:3: nodes\[0\]\.expr: unknown function 'SUMM'/,
    ],
    [
      "grid: { bins: 1, binSize: 1 }\nnodes:\n  - { id: a, kind: expr, expr: 'ABS(1, 2)' }\n",
      /ABS takes 1 argument, got 2/,
    ],
  ];
  for (const [text, pattern] of cases) {
    const model = join(dir, "model.yaml");
    await Deno.writeTextFile(model, text);
    const r = await cli(["run", "--model", model, "--out", join(dir, "runs")]);
    assert.equal(r.code, 1, `${pattern}: ${r.stderr}`);
    const lines = r.stderr.trim().split("\n");
    assert.equal(lines.length, 1, `one line: ${r.stderr}`);
    assert.match(lines[0], /^error: .*model\.yaml/);
    assert.match(lines[0], pattern);
    assert.ok(!r.stderr.includes("    at "), "no stack trace");
  }
  assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["model.yaml"]);
});

Deno.test("usage errors exit 2: missing --model, unknown flag, stray argument, unknown command", async () => {
  for (
    const args of [["run"], ["run", "--model"], ["run", "--model", MODEL, "--frobnicate"], [
      "run",
      "extra",
    ], ["launch"]]
  ) {
    const r = await cli(args);
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, /^error: /);
  }
});

Deno.test("a run id with / or .. and an existing output folder are refused with exit 1", async () => {
  await using outTmp = await tempDir("cli-ids");
  const out = outTmp.path;
  for (const id of ["../evil", "a/b", ".."]) {
    const r = await cli(["run", "--model", MODEL, "--out", out, "--run-id", id]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /run id .* is not allowed/);
  }
  assert.equal((await cli(["run", "--model", MODEL, "--out", out, "--run-id", "r1"])).code, 0);
  const before = await readTree(out);
  // the same model again: kept as it was, and said so
  const same = await cli(["run", "--model", MODEL, "--out", out, "--run-id", "r1"]);
  assert.equal(same.code, 0, same.stderr);
  assert.match(same.stdout, /^run r1 unchanged: .*r1 already holds this run/);
  assert.deepEqual(await readTree(out), before);
  const other = join(ROOT, "fixtures/models/backlog-shift.yaml");
  const again = await cli(["run", "--model", other, "--out", out, "--run-id", "r1"]);
  assert.equal(again.code, 1);
  assert.match(
    again.stderr,
    /run folder .*r1 already exists with different content; pass --overwrite/,
  );
  assert.deepEqual(await readTree(out), before);
  assert.equal(
    (await cli(["run", "--model", MODEL, "--out", out, "--run-id", "r1", "--overwrite"])).code,
    0,
  );
});

Deno.test("writing outside the permitted folders is a clear permission error", async () => {
  await using dirTmp = await tempDir("cli-perm");
  const dir = dirTmp.path;
  const r = await runCli(["run", "--model", MODEL, "--out", join(dir, "runs")], {
    permissions: [`--allow-read=${ROOT}`, "--allow-env", `--allow-write=${join(dir, "elsewhere")}`],
  });
  assert.equal(r.code, 1);
  assert.match(
    r.stderr,
    /^error: creating .*runs: not permitted \(run with --allow-write covering this path\)/,
  );
});

Deno.test("flowtime validate reports ok for a good model and the problem for a bad one", async () => {
  const ok = await cli(["validate", "--model", MODEL]);
  assert.equal(ok.code, 0);
  assert.match(
    ok.stdout,
    /^ok: .*queue-buffer\.yaml: 8 nodes, 2 topology nodes, 12 bins \(simulation\)/,
  );
});

Deno.test("a legacy FlowTime topology-only model runs from its own folder", async () => {
  await using outTmp = await tempDir("cli-legacy");
  const out = outTmp.path;
  const r = await cli([
    "run",
    "--model",
    join(ROOT, "fixtures/reference/flowtime/microservices/model.yaml"),
    "--out",
    out,
    "--json",
  ]);
  assert.equal(r.code, 0, r.stderr);
  const result = JSON.parse(r.stdout);
  assert.equal(result.series, 18);
  await assertValidRunBundle(result.runDir);
});
