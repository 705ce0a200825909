// The permission sandbox: every deno.json task declares narrow permissions; the CLI runs models,
// captures and state queries with the network denied and writes confined to a data folder; the
// serve task works with reads limited to its data and templates folders; --sim-url without
// network permission says which flag to add; a non-loopback bind is explicit and warned about.
// Every test here spawns real processes: what they check is Deno's permission sandbox, the
// tasks' own flags and paths relative to a scratch project folder (another working folder).
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  assertSameTree,
  copyTree,
  FIXED_TIME,
  NEUTRAL_ENV,
  ROOT,
  type TempDir,
  tempDir,
  tempFixture,
} from "../_helpers.ts";
import { type ServerProcess, spawnServer } from "../_server_process.ts";
import { listing } from "../telemetry/_capture_helpers.ts";

const TASKS: Record<string, string> = JSON.parse(
  await Deno.readTextFile(join(ROOT, "deno.json")),
).tasks;

/** The permission flags of a deno.json task (`--allow-*`, `--deny-*`), in order. */
function taskFlags(name: string): string[] {
  const task = TASKS[name];
  assert.ok(task, `deno.json has a ${name} task`);
  return task.split(/\s+/).filter((t) => /^--(allow|deny)-/.test(t) || t === "-A");
}

function flagValue(flags: string[], flag: string): string | undefined {
  const found = flags.find((f) => f === flag || f.startsWith(`${flag}=`));
  return found === undefined ? undefined : found.slice(flag.length + 1);
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function deno(
  flags: string[],
  entry: string,
  args: string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): Promise<Run> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", ...flags, join(ROOT, entry), ...args],
    cwd: options.cwd ?? ROOT,
    env: { ...NEUTRAL_ENV, ...options.env },
    stdin: "null",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

Deno.test("every deno.json task names its permissions: no -A, scoped reads and writes, network only where needed", () => {
  for (const [name, task] of Object.entries(TASKS)) {
    const flags = taskFlags(name);
    assert.ok(!/(^|\s)(-A|--allow-all)(\s|$)/.test(task), `${name} uses -A`);
    for (const f of flags) {
      if (/^--allow-(read|write|net|env|sys)$/.test(f)) assert.fail(`${name}: ${f} is unscoped`);
    }
    const net = flagValue(flags, "--allow-net");
    if (net !== undefined) {
      assert.ok(
        ["serve", "flowtime:remote", "test", "bench"].includes(name),
        `${name} uses the network`,
      );
      for (const host of net.split(",")) {
        assert.ok(["127.0.0.1", "localhost"].includes(host), `${name} reaches ${host}`);
      }
    }
  }
  // The tasks users run, exactly.
  const cli = taskFlags("flowtime");
  assert.equal(flagValue(cli, "--allow-net"), undefined, "flowtime needs no network");
  assert.equal(flagValue(cli, "--allow-write"), "./data");
  assert.equal(flagValue(cli, "--allow-run"), undefined);
  const remote = taskFlags("flowtime:remote");
  assert.equal(flagValue(remote, "--allow-net"), "127.0.0.1,localhost");
  assert.equal(flagValue(remote, "--allow-write"), "./data");
  const serve = taskFlags("serve");
  assert.equal(flagValue(serve, "--allow-read"), "./data,./templates");
  assert.equal(flagValue(serve, "--allow-write"), "./data");
  assert.equal(flagValue(serve, "--allow-net"), "127.0.0.1");
  assert.equal(flagValue(serve, "--allow-run"), undefined);
  assert.equal(flagValue(taskFlags("golden"), "--allow-write"), "./fixtures,./.tmp");
  for (const name of ["test", "fuzz", "bench"]) {
    assert.equal(flagValue(taskFlags(name), "--allow-write"), "./.tmp", name);
  }
  // Only the development tasks spawn processes (the CLI and servers under test, `deno test`).
  for (const name of Object.keys(TASKS)) {
    if (!["test", "fuzz", "bench", "check"].includes(name)) {
      assert.ok(!TASKS[name].includes("--allow-run"), `${name} spawns processes`);
    }
  }
});

Deno.test({
  name:
    "run, capture and state succeed with --deny-net, writes limited to a temp data folder and reads to the project",
  sanitizeResources: false,
  async fn() {
    await using dataTmp = await tempDir("sandbox-data");
    const data = dataTmp.path;
    const flags = [
      `--allow-read=${ROOT}`,
      `--allow-write=${data}`,
      "--deny-net",
      `--allow-env=${flagValue(taskFlags("flowtime"), "--allow-env")}`,
    ];
    const env = { FLOWTIME_DATA_DIR: data };
    const run = await deno(flags, "cli.ts", [
      "run",
      "--model",
      "fixtures/models/order-system.yaml",
      "--deterministic",
    ], { env });
    assert.equal(run.code, 0, run.stderr);
    const runDir = join(data, "runs", "run_deterministic_d9dfa8a0");
    const capture = await deno(flags, "cli.ts", [
      "telemetry",
      "capture",
      "--run-dir",
      runDir,
      "--captured-at",
      FIXED_TIME,
    ], { env });
    assert.equal(capture.code, 0, capture.stderr);
    await assertSameTree(
      join(data, "telemetry", "run_deterministic_d9dfa8a0"),
      join(ROOT, "fixtures/captures/order-system"),
    );
    const qb = await deno(flags, "cli.ts", [
      "run",
      "--model",
      "fixtures/models/queue-buffer.yaml",
      "--deterministic",
    ], { env });
    assert.equal(qb.code, 0, qb.stderr);
    const qbDir = join(data, "runs", "run_deterministic_e673448a");
    const queries: Array<[string[], string]> = [
      [["--bin", "5"], "state_bin_5.json"],
      [["--window", "0:11"], "state_window_0_11.json"],
    ];
    for (const [args, golden] of queries) {
      const state = await deno(flags, "cli.ts", ["state", "--run-dir", qbDir, ...args], { env });
      assert.equal(state.code, 0, state.stderr);
      assert.equal(
        state.stdout,
        await Deno.readTextFile(join(ROOT, "fixtures/state/queue-buffer", golden)),
      );
    }
    // A write outside the data folder is refused with the flag to grant, and nothing is written.
    await using outsideTmp = await tempDir("sandbox-outside");
    const outside = outsideTmp.path;
    const denied = await deno(flags, "cli.ts", [
      "telemetry",
      "capture",
      "--run-dir",
      runDir,
      "--output",
      join(outside, "capture"),
    ], { env });
    assert.equal(denied.code, 1);
    assert.match(denied.stderr, /^error: .*not permitted \(run with --allow-write covering/);
    assert.deepEqual(await listing(outside), []);
  },
});

// A scratch project folder: the tasks' relative scopes (./data, ./templates) resolve inside it.
function scratchProject(): Promise<TempDir> {
  return tempFixture("sandbox-project", async (dir) => {
    await copyTree(join(ROOT, "fixtures/models"), join(dir, "models"));
    await Deno.mkdir(join(dir, "templates"));
    await Deno.copyFile(
      join(ROOT, "templates/order-system.yaml"),
      join(dir, "templates/order-system.yaml"),
    );
    return {};
  });
}

Deno.test({
  name: "the flowtime task's own flags run a model and capture it with the network denied",
  sanitizeResources: false,
  async fn() {
    await using projectTmp = await scratchProject();
    const project = projectTmp.path;
    const flags = [...taskFlags("flowtime"), "--deny-net"];
    const run = await deno(flags, "cli.ts", [
      "run",
      "--model",
      "models/order-system.yaml",
      "--deterministic",
    ], { cwd: project });
    assert.equal(run.code, 0, run.stderr);
    const capture = await deno(flags, "cli.ts", [
      "telemetry",
      "capture",
      "--run-dir",
      "data/runs/run_deterministic_d9dfa8a0",
      "--captured-at",
      FIXED_TIME,
    ], { cwd: project });
    assert.equal(capture.code, 0, capture.stderr);
    await assertSameTree(
      join(project, "data/telemetry/run_deterministic_d9dfa8a0"),
      join(ROOT, "fixtures/captures/order-system"),
    );
    // Generating from a template needs no network either (the Sim runs in-process).
    const generated = await deno(flags, "cli.ts", [
      "run",
      "--template",
      "order-system",
      "--param",
      "bins=12",
    ], { cwd: project });
    assert.equal(generated.code, 0, generated.stderr);
  },
});

Deno.test({
  name: "--sim-url or FLOWTIME_SIM_URL without network permission name the --allow-net flag to add",
  sanitizeResources: false,
  async fn() {
    const flags = taskFlags("flowtime");
    const viaFlag = await deno(flags, "cli.ts", [
      "run",
      "--template",
      "order-system",
      "--sim-url",
      "http://127.0.0.1:19999",
    ]);
    assert.equal(viaFlag.code, 1);
    assert.match(viaFlag.stderr, /not permitted; run with --allow-net=127\.0\.0\.1:19999\n$/);
    const viaEnv = await deno(flags, "cli.ts", ["templates", "list"], {
      env: { FLOWTIME_SIM_URL: "http://sim.example:8080" },
    });
    assert.equal(viaEnv.code, 1);
    assert.match(viaEnv.stderr, /not permitted; run with --allow-net=sim\.example:8080\n$/);
  },
});

Deno.test("reading YAML needs no environment permission (the yaml package's debug switches are not read)", async () => {
  const r = await deno([`--allow-read=${ROOT}`], "cli.ts", [
    "validate",
    "--model",
    "fixtures/models/queue-buffer.yaml",
  ]);
  assert.equal(r.stderr, "");
  assert.equal(r.code, 0);
});

function serve(flags: string[], cwd: string, args: string[] = []): Promise<ServerProcess> {
  return spawnServer({ flags, entry: ["server.ts"], cwd, env: NEUTRAL_ENV, args });
}

Deno.test({
  name:
    "the serve task's flags (reads ./data and ./templates only) serve every route; the CLI's remote task talks to it",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await using projectTmp = await scratchProject();
    const project = projectTmp.path;
    await copyTree(
      join(ROOT, "fixtures/runs/run_deterministic_d9dfa8a0"),
      join(project, "data/runs/run_deterministic_d9dfa8a0"),
    );
    const server = await serve(taskFlags("serve"), project);
    const base = `http://127.0.0.1:${server.port}`;
    try {
      const requests: Array<[string, RequestInit?]> = [
        ["/healthz"],
        ["/v1/runs"],
        ["/v1/runs/run_deterministic_d9dfa8a0/state?binIndex=3"],
        ["/v1/runs/run_deterministic_d9dfa8a0/state_window?startBin=0&endBin=99"],
        ["/v1/runs/run_deterministic_d9dfa8a0/series/order_arrivals"],
        ["/api/v1/templates/order-system"],
        ["/api/v1/templates/order-system/generate", { method: "POST", body: "{}" }],
        [
          "/v1/telemetry/captures",
          {
            method: "POST",
            body: JSON.stringify({ runId: "run_deterministic_d9dfa8a0", capturedAt: FIXED_TIME }),
          },
        ],
      ];
      for (const [path, init] of requests) {
        const res = await fetch(`${base}${path}`, init);
        const text = await res.text();
        assert.ok(res.ok, `${path}: ${res.status} ${text.slice(0, 300)}`);
      }
      await assertSameTree(
        join(project, "data/telemetry/run_deterministic_d9dfa8a0"),
        join(ROOT, "fixtures/captures/order-system"),
      );
      const list = await deno(taskFlags("flowtime:remote"), "cli.ts", [
        "templates",
        "list",
        "--sim-url",
        base,
      ], { cwd: project });
      assert.equal(list.code, 0, list.stderr);
      assert.match(list.stdout, /^order-system\s+1\.0\.0\s+Order System/);
    } finally {
      await server.stop();
    }
    assert.ok(server.lines[0].includes("listening on http://127.0.0.1:"), server.lines[0]);
    assert.ok(!server.lines.some((l) => l.includes("bind_warning")), "no warning on loopback");
    assert.ok(!server.lines.some((l) => /"status":5\d\d/.test(l)), server.lines.join("\n"));
  },
});

Deno.test({
  name: "binding 0.0.0.0 happens only with an explicit --hostname and logs a bind_warning first",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await using projectTmp = await scratchProject();
    const project = projectTmp.path;
    // The serve task's own grant does not cover 0.0.0.0: the operator must widen it on purpose.
    const refused = await deno(taskFlags("serve"), "server.ts", [
      "--hostname",
      "0.0.0.0",
      "--port",
      "0",
    ], { cwd: project });
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /bind_warning/);
    assert.match(
      refused.stderr,
      /error: Requires net access to "0\.0\.0\.0:0"; grant it with --allow-net/,
    );
    const flags = taskFlags("serve").map((f) =>
      f.startsWith("--allow-net") ? "--allow-net=0.0.0.0" : f
    );
    const server = await serve(flags, project, ["--hostname", "0.0.0.0"]);
    await server.stop();
    const warning = JSON.parse(server.lines[0]);
    assert.equal(warning.event, "bind_warning");
    assert.equal(warning.level, "warn");
    assert.equal(warning.hostname, "0.0.0.0");
    assert.match(warning.message, /^binding 0\.0\.0\.0: the server has no authentication/);
    assert.match(server.lines[1], /^flowtime server listening on http:\/\/0\.0\.0\.0:\d+$/);
  },
});
