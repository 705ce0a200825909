// What a new user meets in the first hour, command by command: paths from the folder they type
// in, the same capture by any name giving the same run, reruns that say "unchanged", a capture
// of one template refused by another, strict and helpful flags, --json failures, every
// validation problem, state as a table or CSV, listing and deleting runs, shell completion.
// The CLI runs in-process (`cli`); INIT_CWD stands in for `deno task` (which sets it).
import assert from "node:assert/strict";
import { join, relative } from "node:path";
import { COMMANDS } from "../../cli/registry.ts";
import { cli, readJsonFile, readTree, ROOT, tempDir } from "../_helpers.ts";

const QUEUE_MODEL = join(ROOT, "fixtures/models/queue-buffer.yaml");

/** Run the CLI with a data folder (and optionally INIT_CWD); parse stdout with --json. */
async function flowtime(data: string, args: string[], env: Record<string, string> = {}) {
  return await cli(args, { env: { FLOWTIME_DATA_DIR: data, ...env } });
}

Deno.test("paths are taken from INIT_CWD (where deno task was typed), data references by id", async () => {
  await using tmp = await tempDir("cwd");
  const sub = join(tmp.path, "my");
  await Deno.mkdir(sub);
  await Deno.copyFile(QUEUE_MODEL, join(sub, "web.yaml"));
  const data = join(tmp.path, "data");
  const run = await flowtime(data, ["run", "--model", "web.yaml", "--deterministic", "--json"], {
    INIT_CWD: sub,
  });
  assert.equal(run.code, 0, run.stderr);
  const { runId } = JSON.parse(run.stdout);
  // a run id where a run folder is asked for, from anywhere
  const state = await flowtime(data, ["state", "--run-dir", runId, "--bin", "1"], {
    INIT_CWD: sub,
  });
  assert.equal(state.code, 0, state.stderr);
  assert.equal(JSON.parse(state.stdout).metadata.runId, runId);
  // FLOWTIME_DATA_DIR is a path the user typed too
  const relData = await cli(["runs", "list", "--json"], {
    env: { FLOWTIME_DATA_DIR: "../data", INIT_CWD: sub },
  });
  assert.deepEqual(JSON.parse(relData.stdout).runs.map((r: { runId: string }) => r.runId), [
    runId,
  ]);
  // without INIT_CWD the same relative model is not found from the project root
  const lost = await flowtime(data, ["run", "--model", "web.yaml"]);
  assert.equal(lost.code, 1);
  assert.match(lost.stderr, /web\.yaml/);
});

Deno.test("the same capture named by path, by path in the data folder, by id or from a sub-folder gives one deterministic run", async () => {
  await using tmp = await tempDir("canon");
  const data = join(tmp.path, "data");
  const sim = await flowtime(data, [
    "run",
    "--template",
    "http-service",
    "--deterministic",
    "--json",
  ]);
  assert.equal(sim.code, 0, sim.stderr);
  const source = JSON.parse(sim.stdout).runId;
  const capture = await flowtime(data, ["capture", "--run-dir", source, "--json"]);
  assert.equal(capture.code, 0, capture.stderr);
  const abs = join(data, "telemetry", source);
  const spellings: Array<[string, Record<string, string>]> = [
    [abs, {}],
    [relative(ROOT, abs), {}],
    [`telemetry/${source}`, {}],
    [`./telemetry//${source}/`, {}],
    [source, {}],
    [`telemetry/${source}`, { INIT_CWD: data }],
  ];
  const ids = new Set<string>();
  const replays = [];
  for (const [dir, env] of spellings) {
    const r = await flowtime(data, [
      "run",
      "--template",
      "http-service",
      "--telemetry-dir",
      dir,
      "--deterministic",
      "--json",
    ], env);
    assert.equal(r.code, 0, `${dir}: ${r.stderr}`);
    const out = JSON.parse(r.stdout);
    ids.add(out.runId);
    replays.push(out);
  }
  assert.equal(ids.size, 1, `one run id for every spelling: ${[...ids].join(", ")}`);
  assert.deepEqual(replays.map((r) => r.unchanged), [false, true, true, true, true, true]);
  const provenance = await readJsonFile<{ parameters: { telemetryDir: string } }>(
    join(data, "runs", [...ids][0], "model/provenance.json"),
  );
  assert.equal(provenance.parameters.telemetryDir, `telemetry/${source}`);
});

Deno.test("rerunning a deterministic run or capture says unchanged and leaves it; next steps are printed", async () => {
  await using tmp = await tempDir("rerun");
  const data = join(tmp.path, "data");
  const first = await flowtime(data, ["run", "--template", "http-service", "--deterministic"], {
    INIT_CWD: ROOT,
  });
  assert.equal(first.code, 0, first.stderr);
  const id = /^run (\S+) written to/.exec(first.stdout)![1];
  assert.match(
    first.stdout,
    new RegExp(`^next: deno task flowtime state --run-dir ${id} --bin 48 --format table$`, "m"),
  );
  assert.match(
    first.stdout,
    new RegExp(`^ {6}deno task flowtime telemetry capture --run-dir ${id}$`, "m"),
  );
  const before = await readTree(data);
  const again = await flowtime(data, ["run", "--template", "http-service", "--deterministic"]);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, new RegExp(`^run ${id} unchanged: .* already holds this run`));
  assert.match(again.stdout, /^next: flowtime state/m, "flowtime without deno task");
  assert.deepEqual(await readTree(data), before);
  const capture = await flowtime(data, ["capture", "--run-dir", id]);
  assert.equal(capture.code, 0, capture.stderr);
  assert.match(
    capture.stdout,
    new RegExp(
      `^next: flowtime run --template http-service --telemetry-dir ${id} --deterministic$`,
      "m",
    ),
  );
  const captured = await readTree(data);
  const recapture = await flowtime(data, ["capture", "--run-dir", id]);
  assert.equal(recapture.code, 0, recapture.stderr);
  assert.match(recapture.stdout, /^capture of run \S+ unchanged: .* already holds it/);
  assert.deepEqual(await readTree(data), captured);
  // other content at the same place still needs --overwrite
  const gaps = join(tmp.path, "gaps.yaml");
  await Deno.writeTextFile(
    gaps,
    "rules:\n  - { node: HttpService, metric: served, bins: [3], action: nan }\n",
  );
  const other = await flowtime(data, ["capture", "--run-dir", id, "--gaps", gaps]);
  assert.equal(other.code, 1);
  assert.match(other.stderr, /already exists with different content; pass --overwrite/);
});

Deno.test("a capture of one template replayed through another is refused with both names (exit 1) unless forced", async () => {
  await using tmp = await tempDir("mismatch");
  const data = join(tmp.path, "data");
  const sim = await flowtime(data, [
    "run",
    "--template",
    "microservices",
    "--deterministic",
    "--json",
  ]);
  const source = JSON.parse(sim.stdout).runId;
  assert.equal((await flowtime(data, ["capture", "--run-dir", source])).code, 0);
  const before = await readTree(data);
  const r = await flowtime(data, ["run", "--template", "order-system", "--telemetry-dir", source]);
  assert.equal(r.code, 1);
  assert.equal(
    r.stderr.trim(),
    `error: capture ${
      join(data, "telemetry", source)
    } was made from a run of template 'microservices', not 'order-system'; replay it through 'microservices'; pass --allow-template-mismatch to replay it through 'order-system' anyway`,
  );
  assert.deepEqual(await readTree(data), before);
  const forced = await flowtime(data, [
    "run",
    "--template",
    "order-system",
    "--telemetry-dir",
    source,
    "--allow-template-mismatch",
  ]);
  // forced, it runs: both templates have OrderService and PaymentService (the wrong run the
  // check exists to prevent)
  assert.equal(forced.code, 0, forced.stderr);
});

Deno.test("flags: given twice, contradicting, negative values, typos and their suggestions", async () => {
  const cases: Array<[string[], RegExp]> = [
    [
      ["run", "--model", "a.yaml", "--model", "b.yaml"],
      /^error: --model is given 2 times \('a\.yaml', 'b\.yaml'\); give it once/,
    ],
    [
      ["run", "--model", QUEUE_MODEL, "--deterministic", "--run-id", "x"],
      /^error: give either --run-id <id> or --deterministic/,
    ],
    [
      ["run", "--modle", "x"],
      /^error: unknown flag '--modle' for 'flowtime run'; did you mean --model\?/,
    ],
    [["stat", "--bin", "1"], /^error: unknown command 'stat'; did you mean 'state'\?/],
    [
      ["runs", "lst"],
      /^error: unknown command 'flowtime runs lst'; did you mean 'flowtime runs list'\?/,
    ],
    [["help", "captur"], /^error: unknown command 'captur'; did you mean 'capture'\?/],
    [["run", "--json=yes"], /^error: --json takes no value/],
    [["--model", "x.yaml"], /^error: unknown flag '--model': give the command first/],
    [["state", "--run-dir"], /^error: --run-dir needs a value/],
  ];
  for (const [args, pattern] of cases) {
    const r = await cli(args);
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, pattern, args.join(" "));
  }
  const negative = await cli([
    "state",
    "--run-dir",
    join(ROOT, "fixtures/runs/run_deterministic_e673448a"),
    "--bin",
    "-1",
  ]);
  assert.equal(negative.code, 1);
  assert.match(negative.stderr, /^error: --bin -1 is out of range: give a bin from 0 to 11/);
});

Deno.test("flowtime help <command> prints that command's help; help alone the overview", async () => {
  for (const c of COMMANDS) {
    const viaHelp = await cli(["help", ...c.name.split(" ")]);
    const viaFlag = await cli([...c.name.split(" "), "--help"]);
    assert.equal(viaHelp.code, 0, c.name);
    assert.equal(viaHelp.stdout, viaFlag.stdout, c.name);
  }
  const group = await cli(["help", "telemetry"]);
  assert.match(group.stdout, /flowtime telemetry capture/);
  assert.match((await cli(["help"])).stdout, /^Commands:/m);
});

Deno.test("--json: every command accepts it, and a failure prints an error object on stdout", async () => {
  for (const c of COMMANDS) {
    const r = await cli([...c.name.split(" "), "--json", "--help"]);
    assert.equal(r.code, 0, `${c.name} accepts --json`);
  }
  const missing = await cli(["run", "--model", "nowhere.yaml", "--json"]);
  assert.equal(missing.code, 1);
  const body = JSON.parse(missing.stdout);
  assert.equal(body.error.code, "not_found");
  assert.equal(body.error.exitCode, 1);
  assert.match(body.error.message, /nowhere\.yaml/);
  assert.match(missing.stderr, /^error: /, "the line for people stays on stderr");
  const usage = JSON.parse((await cli(["run", "--json", "--bogus"])).stdout);
  assert.deepEqual([usage.error.code, usage.error.exitCode], ["usage", 2]);
  assert.equal(JSON.parse((await cli(["nope", "--json"])).stdout).error.code, "usage");
  await using tmp = await tempDir("json-fix");
  const out = tmp.path;
  await cli(["run", "--model", QUEUE_MODEL, "--out", out, "--run-id", "r"]);
  const exists = JSON.parse(
    (await cli([
      "run",
      "--model",
      join(ROOT, "fixtures/models/backlog-shift.yaml"),
      "--out",
      out,
      "--run-id",
      "r",
      "--json",
    ])).stdout,
  );
  assert.equal(exists.error.code, "run_exists");
  assert.deepEqual(exists.error.fix, {
    option: "overwrite",
    effect: "replace it",
    hint: "pass --overwrite to replace it",
  });
});

Deno.test("validate lists every problem, one line each, and --json lists them too", async () => {
  await using tmp = await tempDir("validate");
  const model = join(tmp.path, "model.yaml");
  await Deno.writeTextFile(
    model,
    "grid: { bins: 3, binSize: 1 }\nnodes:\n  - { id: a, kind: magic }\n  - { id: b, kind: const, values: [1] }\n  - { id: c, kind: const, values: [1, 2] }\n  - { id: d, kind: expr, expr: 'a + b + zz' }\n",
  );
  const r = await cli(["validate", "--model", model]);
  assert.equal(r.code, 1);
  const lines = r.stderr.trim().split("\n");
  assert.equal(lines.length, 5, r.stderr);
  assert.match(lines[0], /model\.yaml:3: nodes\[0\]\.kind: unknown node kind "magic"/);
  assert.match(lines[1], /model\.yaml:4: nodes\[1\]\.values: has 1 values but grid\.bins is 3/);
  assert.match(lines[2], /model\.yaml:5: nodes\[2\]\.values: has 2 values/);
  // the expression's problem too, though the structure has problems (a and b are declared)
  assert.match(lines[3], /model\.yaml:6: nodes\[3\]\.expr: unknown reference 'zz' at column 9/);
  assert.match(lines[4], /model\.yaml: 4 problems$/);
  assert.doesNotMatch(r.stderr, /more problem/);
  const json = JSON.parse((await cli(["validate", "--model", model, "--json"])).stdout);
  assert.equal(json.valid, false);
  assert.deepEqual(json.problems.map((p: { line: number }) => p.line), [3, 4, 5, 6]);
});

Deno.test("state --format table and csv; a bad format is a usage error", async () => {
  const run = join(ROOT, "fixtures/runs/run_deterministic_e673448a");
  const table = await cli(["state", "--run-dir", run, "--bin", "5", "--format", "table"]);
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stdout, /^run run_deterministic_e673448a \(adhoc-model, simulation\), bin 5 /);
  assert.match(table.stdout, /^node +kind +arrivals +served +errors +queue +capacity +util/m);
  assert.match(table.stdout, /^OrderService +service +24 +13 +11 +- +13 +1 +0\.542 +red$/m);
  const csv = await cli(["state", "--run-dir", run, "--window", "4:5", "--format", "csv"]);
  const rows = csv.stdout.trim().split("\n");
  assert.equal(
    rows[0],
    "bin,startUtc,nodeId,kind,arrivals,served,errors,queue,capacity,externalDemand,utilization,latencyMinutes,throughputRatio,color,warnings",
  );
  assert.equal(rows.length, 1 + 2 * 2, "one row per node and bin");
  assert.equal(
    rows[2],
    "5,2025-10-07T00:25:00Z,OrderService,service,24,13,11,,13,,1,,0.5416666666666666,red,",
  );
  const bad = await cli(["state", "--run-dir", run, "--bin", "5", "--format", "xml"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--format must be json, table or csv, got 'xml'/);
});

Deno.test("runs list and runs delete: captures only with --with-captures, never a folder that is not a run", async () => {
  await using tmp = await tempDir("runs-cmd");
  const data = join(tmp.path, "data");
  assert.match((await flowtime(data, ["runs", "list"])).stdout, /^no runs in /);
  const made = JSON.parse(
    (await flowtime(data, ["run", "--template", "http-service", "--deterministic", "--json"]))
      .stdout,
  );
  const second = JSON.parse(
    (await flowtime(data, ["run", "--model", QUEUE_MODEL, "--deterministic", "--json"])).stdout,
  );
  await flowtime(data, ["capture", "--run-dir", made.runId]);
  const list = await flowtime(data, ["runs", "list"]);
  assert.match(list.stdout, /^run +template +mode +bins +warnings +created$/m);
  assert.match(
    list.stdout,
    new RegExp(`^${made.runId} +http-service +simulation +96 x 15 minutes`, "m"),
  );
  const listed = JSON.parse((await flowtime(data, ["runs", "list", "--json"])).stdout).runs;
  assert.equal(listed.length, 2);

  await Deno.mkdir(join(data, "runs", "notes"));
  await Deno.writeTextFile(join(data, "runs", "notes", "todo.txt"), "keep\n");
  const refused = await flowtime(data, ["runs", "delete", second.runId, "notes"]);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /notes is not a run folder .*nothing was deleted/);
  const unknown = await flowtime(data, ["runs", "delete", "run_nope"]);
  assert.match(unknown.stderr, /no run 'run_nope'/);
  const beforeDry = await readTree(data);
  const dry = await flowtime(data, ["runs", "delete", made.runId, "--dry-run"]);
  assert.match(dry.stdout, new RegExp(`^would delete runs/${made.runId}$`, "m"));
  assert.deepEqual(await readTree(data), beforeDry);

  const kept = await flowtime(data, ["runs", "delete", made.runId]);
  assert.equal(kept.code, 0, kept.stderr);
  assert.match(kept.stdout, /kept 1 capture\(s\) .* \(add --with-captures to delete them too\)/);
  assert.ok(await exists(join(data, "telemetry", made.runId)));
  await flowtime(data, ["run", "--template", "http-service", "--deterministic"]);
  const all = JSON.parse(
    (await flowtime(data, ["runs", "delete", made.runId, "--with-captures", "--json"])).stdout,
  );
  assert.deepEqual(all.deleted[0].deleted, [`runs/${made.runId}`, `telemetry/${made.runId}`]);
  assert.ok(!await exists(join(data, "telemetry", made.runId)));
  assert.ok(await exists(join(data, "runs", "notes", "todo.txt")));
  assert.ok(await exists(join(data, "runs", second.runId)));
});

Deno.test("completions: bash and zsh scripts parse and complete commands, flags and values; fish lists every flag", async () => {
  for (const shell of ["bash", "zsh"]) {
    const script = (await cli(["completions", shell])).stdout;
    const check = await new Deno.Command("bash", { args: ["-n"], stdin: "piped" }).spawn();
    const w = check.stdin.getWriter();
    await w.write(new TextEncoder().encode(script));
    await w.close();
    assert.equal((await check.status).code, 0, `${shell} script parses`);
  }
  const bash = (await cli(["completions", "bash"])).stdout;
  const complete = async (words: string[]) => {
    const out = await new Deno.Command("bash", {
      args: [
        "-c",
        `${bash}\nCOMP_WORDS=(${words.map((w) => `'${w}'`).join(" ")}); COMP_CWORD=${
          words.length - 1
        }; _flowtime; echo "\${COMPREPLY[@]}"`,
      ],
    }).output();
    return new TextDecoder().decode(out.stdout).trim();
  };
  assert.equal(await complete(["flowtime", "sta"]), "state");
  assert.equal(await complete(["flowtime", "runs", "d"]), "delete");
  assert.equal(await complete(["flowtime", "telemetry", "capture", "--dry"]), "--dry-run");
  assert.equal(await complete(["flowtime", "state", "--format", "c"]), "csv");
  assert.equal(await complete(["flowtime", "telemetry", "import", "p"]), "prometheus");
  assert.equal(await complete(["flowtime", "help", "tele"]), "telemetry");
  const fish = (await cli(["completions", "fish"])).stdout;
  for (const c of COMMANDS) {
    for (const flag of Object.keys(c.flags)) {
      assert.ok(fish.includes(` -l ${flag}`), `fish completes --${flag} of ${c.name}`);
    }
  }
  const bad = await cli(["completions", "tcsh"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /no completions for 'tcsh': give bash, zsh or fish/);
});

Deno.test("a broken .json parameter file is reported as JSON, at its line", async () => {
  await using tmp = await tempDir("params-json");
  const file = join(tmp.path, "params.json");
  await Deno.writeTextFile(file, '{"orderPeakRate": 180,}');
  const r = await cli(["templates", "generate", "order-system", "--params", file]);
  assert.equal(r.code, 1);
  assert.match(
    r.stderr,
    /^error: .*params\.json:1: not valid JSON: Expected double-quoted property name at column 23/,
  );
});

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

Deno.test("serve checks its port and folders before listening: one line naming the problem and the fix", async () => {
  await using tmp = await tempDir("serve-checks");
  const templates = join(ROOT, "templates");
  const busy = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  try {
    const port = String((busy.addr as Deno.NetAddr).port);
    const cases: Array<[string[], Record<string, string>, RegExp, number]> = [
      [
        ["serve", "--port", port],
        { FLOWTIME_TEMPLATES_DIR: templates },
        new RegExp(
          `^error: port ${port} on 127\\.0\\.0\\.1 is already in use \\(another 'flowtime serve'\\?\\); stop that server or pick another port with --port <n> or FLOWTIME_PORT`,
        ),
        1,
      ],
      [
        ["serve", "--port", "0"],
        { FLOWTIME_TEMPLATES_DIR: join(tmp.path, "none") },
        /^error: the templates folder .*none does not exist; set FLOWTIME_TEMPLATES_DIR/,
        2,
      ],
      [["serve"], { FLOWTIME_PORT: "http" }, /^error: FLOWTIME_PORT: 'http' is not a port/, 2],
    ];
    for (const [args, env, pattern, code] of cases) {
      const r = await cli(args, { env: { FLOWTIME_DATA_DIR: join(tmp.path, "data"), ...env } });
      assert.equal(r.code, code, r.stderr);
      assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
      assert.match(r.stderr, pattern);
      assert.doesNotMatch(r.stderr, /listening|internal error/);
    }
    await Deno.writeTextFile(join(tmp.path, "file"), "");
    const file = await cli(["serve", "--port", "0"], {
      env: { FLOWTIME_DATA_DIR: join(tmp.path, "file"), FLOWTIME_TEMPLATES_DIR: templates },
    });
    assert.match(file.stderr, /^error: the data folder .*file is a file, not a folder/);
  } finally {
    busy.close();
  }
});

Deno.test("templates generate --out creates the folders above the file", async () => {
  await using tmp = await tempDir("gen-out");
  const out = join(tmp.path, "fresh", "model.yaml");
  const r = await cli(["templates", "generate", "http-service", "--out", out]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(await Deno.readTextFile(out), /^schemaVersion: 1/);
});
