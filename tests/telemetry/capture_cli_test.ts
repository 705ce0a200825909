// `flowtime telemetry capture` and `flowtime capture` as users run them: output, files, exit
// codes (0 ok, 1 failure, 2 usage) and terminal progress, with the CLI in-process. Only the
// `--json` test spawns the real process: it proves a capture needs no network (--deny-net).
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  assertMatchesSchema,
  assertSameTree,
  cli,
  CLI_TEST_PERMISSIONS,
  FIXED_TIME,
  ROOT,
  runCli,
} from "../_helpers.ts";
import {
  copyRun,
  listing,
  ORDER_SYSTEM_RUN,
  QUEUE_BUFFER_RUN,
  runText,
  templateRun,
} from "./_capture_helpers.ts";

const GAPS = `seed: 42
rules:
  - node: OrderService
    metric: arrivals
    bins: [1, "3-4"]
    action: drop
  - node: "*"
    metric: served
    fraction: 0.25
    action: nan
`;

Deno.test("cli: capture into the default folder gives the checked-in order-system golden", async () => {
  await using run = await copyRun(ORDER_SYSTEM_RUN);
  const res = await cli(
    ["telemetry", "capture", "--run-dir", run.runDir, "--captured-at", FIXED_TIME],
    { env: { FLOWTIME_DATA_DIR: run.dataDir } },
  );
  assert.equal(res.code, 0, res.stderr);
  const out = join(run.dataDir, "telemetry", ORDER_SYSTEM_RUN);
  assert.equal(
    res.stdout.split("\n")[0],
    `captured run ${ORDER_SYSTEM_RUN} into ${out}`,
  );
  assert.match(res.stdout, /^ {2}6 file\(s\), 0 warning\(s\), checksum sha256:[0-9a-f]{64}$/m);
  assert.equal(res.stderr, "");
  await assertSameTree(out, join(ROOT, "fixtures/captures/order-system"));
});

Deno.test("cli: 'flowtime capture --json' prints one JSON object and runs without network", async () => {
  await using run = await copyRun(QUEUE_BUFFER_RUN);
  const out = join(run.dataDir, "out");
  const res = await runCli(
    ["capture", "--run-dir", run.runDir, "--output", out, "--json", "--captured-at", FIXED_TIME],
    { permissions: [...CLI_TEST_PERMISSIONS, "--deny-net"] },
  );
  assert.equal(res.code, 0, res.stderr);
  const result = JSON.parse(res.stdout);
  assert.equal(result.dryRun, false);
  assert.equal(result.runId, QUEUE_BUFFER_RUN);
  assert.equal(result.outputDir, out);
  assert.equal(result.files.length, 8);
  assert.deepEqual(result.warnings, []);
  const manifest = JSON.parse(await Deno.readTextFile(join(out, "manifest.json")));
  assertMatchesSchema("telemetry-manifest", manifest, "manifest.json");
  assert.equal(result.checksum, manifest.checksum);
});

Deno.test("cli: --dry-run prints the plan with files, warnings and checksum and writes nothing", async () => {
  await using run = await copyRun(QUEUE_BUFFER_RUN);
  const gapsFile = join(run.dataDir, "gaps.yaml");
  await Deno.writeTextFile(gapsFile, GAPS);
  const before = await listing(run.dataDir);
  const res = await cli(
    ["telemetry", "capture", "--run-dir", run.runDir, "--gaps", gapsFile, "--dry-run"],
    { env: { FLOWTIME_DATA_DIR: run.dataDir } },
  );
  assert.equal(res.code, 0, res.stderr);
  assert.deepEqual(await listing(run.dataDir), before);
  const out = join(run.dataDir, "telemetry", QUEUE_BUFFER_RUN);
  const lines = res.stdout.trimEnd().split("\n");
  assert.equal(
    lines[0],
    `dry run: capture of run ${QUEUE_BUFFER_RUN} into ${out} (nothing written)`,
  );
  assert.equal(
    lines[1],
    "  OrderService_arrivals.csv    OrderService Arrivals <- order_arrivals@ORDER_ARRIVALS@DEFAULT (9 points)",
  );
  assert.equal(
    lines[8],
    "  SupportQueue_queuedepth.csv  SupportQueue QueueDepth <- support_queue@SUPPORT_QUEUE@DEFAULT (12 points)",
  );
  assert.match(
    lines[9],
    /^ {2}8 file\(s\), 3 warning\(s\), gaps sha256:[0-9a-f]{64}, checksum sha256:[0-9a-f]{64}$/,
  );
  assert.deepEqual(lines.slice(10), [
    "  would warn: data_gap: OrderService Arrivals: rows removed for bins 1, 3-4 (gap rule)",
    "  would warn: nan_fill: OrderService Served: values left empty (NaN) for bins 6, 8-9 (gap rule)",
    "  would warn: nan_fill: SupportQueue Served: values left empty (NaN) for bins 0, 7, 9 (gap rule)",
  ]);
});

Deno.test("cli: --log writes capture.log with run, template, gaps hash and timestamps on every event", async () => {
  await using run = await templateRun();
  const gapsFile = join(run.dataDir, "gaps.yaml");
  await Deno.writeTextFile(gapsFile, GAPS);
  const logFile = join(run.dataDir, "logs", "capture.log");
  const res = await cli([
    "telemetry",
    "capture",
    "--run-dir",
    run.runDir,
    "--gaps",
    gapsFile,
    "--log",
    logFile,
  ], { env: { FLOWTIME_DATA_DIR: run.dataDir } });
  assert.equal(res.code, 0, res.stderr);
  assert.match(
    res.stderr,
    /^warning: data_gap: OrderService Arrivals: rows removed for bins 1, 3-4 \(gap rule\)$/m,
  );
  const events = (await Deno.readTextFile(logFile)).trimEnd().split("\n").map((l) => JSON.parse(l));
  const manifest = JSON.parse(
    await Deno.readTextFile(join(run.dataDir, "telemetry", run.runId, "manifest.json")),
  );
  assert.equal(events[0].event, "capture.start");
  assert.equal(events.at(-1).event, "capture.finish");
  assert.equal(events.filter((e) => e.event === "capture.file").length, 8);
  assert.equal(events.filter((e) => e.event === "capture.warning").length, 3);
  for (const e of events) {
    assert.equal(e.runId, run.runId);
    assert.equal(e.templateId, "support-desk");
    assert.equal(e.gapsHash, manifest.gaps.hash);
    assert.match(e.ts, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    assert.equal(e.level, e.event === "capture.warning" ? "warn" : "info");
  }
  const finish = events.at(-1);
  assert.equal(finish.files, 8);
  assert.equal(finish.warnings, 3);
  assert.equal(finish.checksum, manifest.checksum);
  assert.ok(finish.durationMs >= 0);
  const warning = events.find((e) => e.event === "capture.warning");
  assert.deepEqual([warning.code, warning.nodeId, warning.metric, warning.bins], [
    "data_gap",
    "OrderService",
    "Arrivals",
    [1, 3, 4],
  ]);
});

Deno.test("cli: usage mistakes exit 2 and write nothing", async () => {
  await using run = await copyRun(QUEUE_BUFFER_RUN);
  const before = await listing(run.dataDir);
  const cases: Array<[string[], RegExp]> = [
    [
      ["telemetry", "capture"],
      /^error: missing --run-dir \(see 'flowtime telemetry capture --help'\)$/m,
    ],
    [
      ["capture", "--run-dir", run.runDir, "--frobnicate"],
      /^error: unknown flag '--frobnicate' for 'flowtime capture' \(see 'flowtime capture --help'\)$/m,
    ],
    [
      ["capture", "--run-dir", run.runDir, "--dry-rn"],
      /unknown flag '--dry-rn' for 'flowtime capture'; did you mean --dry-run\?/,
    ],
    [
      ["capture", "--run-dir", run.runDir, "--run-dir", run.runDir],
      /^error: --run-dir is given 2 times/m,
    ],
    [
      ["capture", "--run-dir", run.runDir, "--dry-run", "--log", join(run.dataDir, "c.log")],
      /--log cannot be combined with --dry-run/,
    ],
    [
      ["capture", "--run-dir", run.runDir, "--captured-at", "2025-13-01"],
      /--captured-at: '2025-13-01' is not an ISO 8601 UTC timestamp/,
    ],
    [
      ["capture", "--run-dir", run.runDir, "--log", join(run.runDir, "capture.log")],
      /--log .*capture\.log is inside the run folder/,
    ],
  ];
  for (const [args, message] of cases) {
    const res = await cli(args, { env: { FLOWTIME_DATA_DIR: run.dataDir } });
    assert.equal(res.code, 2, `${args.join(" ")}: ${res.stderr}`);
    assert.match(res.stderr, message);
    assert.doesNotMatch(res.stderr, /\n\s+at /, "no stack trace");
  }
  assert.deepEqual(await listing(run.dataDir), before);
});

Deno.test("cli: bad runs, bad gaps and bad output folders exit 1 with a clear message", async () => {
  await using run = await copyRun(QUEUE_BUFFER_RUN);
  const badGaps = join(run.dataDir, "bad-gaps.yaml");
  await Deno.writeTextFile(
    badGaps,
    "seed: 1\nrules:\n  - node: OrderService\n    metric: served\n    fraction: 2\n    action: nan\n",
  );
  const unknownNode = join(run.dataDir, "unknown-node.json");
  await Deno.writeTextFile(
    unknownNode,
    '{\n  "rules": [\n    {"node": "Billing", "metric": "served", "bins": [1], "action": "nan"}\n  ]\n}\n',
  );
  const existing = join(run.dataDir, "existing");
  await Deno.mkdir(existing);
  await Deno.writeTextFile(join(existing, "manifest.json"), "{}\n");
  const before = await listing(run.dataDir);
  const cases: Array<[string[], RegExp]> = [
    [
      ["capture", "--run-dir", join(run.dataDir, "runs/none")],
      /^error: run folder .*runs\/none does not exist$/m,
    ],
    [
      ["capture", "--run-dir", run.runDir, "--gaps", badGaps],
      /^error: .*bad-gaps\.yaml:5: rules\[0\]\.fraction: rule 1: fraction 2 is outside \[0, 1\]/m,
    ],
    [
      ["capture", "--run-dir", run.runDir, "--gaps", unknownNode],
      /^error: .*unknown-node\.json:3: rules\[0\]\.node: rule 1: unknown node 'Billing'/m,
    ],
    [
      ["capture", "--run-dir", run.runDir, "--gaps", join(run.dataDir, "missing.yaml")],
      /^error: gap configuration .*missing\.yaml does not exist$/m,
    ],
    [
      ["capture", "--run-dir", run.runDir, "--output", existing],
      /^error: capture folder .*existing already exists with different content; pass --overwrite/m,
    ],
    [
      ["capture", "--run-dir", run.runDir, "--output", join(run.runDir, "capture")],
      /^error: capture folder .* is inside the run folder/m,
    ],
  ];
  for (const [args, message] of cases) {
    const res = await cli(args, { env: { FLOWTIME_DATA_DIR: run.dataDir } });
    assert.equal(res.code, 1, `${args.join(" ")}: ${res.stderr}`);
    assert.match(res.stderr, message);
    assert.doesNotMatch(res.stderr, /\n\s+at /, "no stack trace");
  }
  assert.deepEqual(await listing(run.dataDir), before);
});

Deno.test("cli: on a terminal a capture of 100+ files shows progress in tenths on stderr", async () => {
  const nodes = Array.from({ length: 34 }, (_, i) => i);
  await using run = await runText(`schemaVersion: 1
grid: { bins: 2, binSize: 5, binUnit: minutes }
nodes:
${nodes.map((i) => `  - { id: n${i}, kind: const, values: [${i}, ${i + 1}] }`).join("\n")}
topology:
  nodes:
${
    nodes.map((i) =>
      `    - { id: S${i}, semantics: { arrivals: n${i}, served: n${i}, errors: n${i} } }`
    ).join("\n")
  }
  edges: []
`);
  const run1 = async (interactive: boolean, out: string) => {
    const res = await cli(
      ["telemetry", "capture", "--run-dir", run.runDir, "--output", join(run.dataDir, out)],
      { interactive },
    );
    assert.equal(res.code, 0, res.stderr);
    return res.stderr.split("\n").slice(0, -1);
  };
  // 102 files: the k-th tenth is reached at the first file count >= k x 10.2
  assert.deepEqual(
    await run1(true, "a"),
    [11, 21, 31, 41, 51, 62, 72, 82, 92, 102].map((done, k) =>
      `capturing: ${done}/102 files (${(k + 1) * 10}%)`
    ),
  );
  assert.deepEqual(await run1(false, "b"), []);
});
