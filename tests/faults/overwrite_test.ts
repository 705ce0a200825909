// Replacing a bundle never loses both copies and never answers "not found": a writer killed
// with SIGKILL after each step of the replacement leaves the old or the new run readable (a
// reader finishes or undoes the abandoned replacement), and gc keeps it; writers of one name
// take turns, so concurrent overwrites all succeed while readers keep reading; a folder that is
// not a run is never replaced; Ctrl-C and SIGTERM remove the temp folder of a write in
// progress; gc leaves young temp folders alone and reports a folder it may not read.
import assert from "node:assert/strict";
import { join } from "node:path";
import { type AtomicStep, writeFolderAtomically } from "../../lib/base/atomic.ts";
import { openRun } from "../../lib/artifacts/reader.ts";
import { listRuns } from "../../lib/artifacts/listing.ts";
import { runModelFile } from "../../lib/workflow/run_model.ts";
import { createApp } from "../../server/app.ts";
import { syntheticModel } from "../../scripts/synthetic_model.ts";
import {
  assertSameTree,
  cli,
  CLI_TEST_PERMISSIONS,
  copyTree,
  FIXED_TIME,
  ROOT,
  runCli,
  tempDir,
} from "../_helpers.ts";
import { entries, spawnCli, waitFor } from "./_process.ts";

const OLD = join(ROOT, "fixtures/runs/run_deterministic_e673448a");
const NEW = join(ROOT, "fixtures/runs/run_deterministic_9c941bf5");
// What each step leaves readable: killed before the old copy moved, the old one; after it, the
// new one (complete, so an abandoned replacement goes forward).
const STEPS: Array<[AtomicStep, string]> = [
  ["built", OLD],
  ["locked", OLD],
  ["moved-old", NEW],
  ["moved-new", NEW],
  ["unlocked", NEW],
];

async function sameTree(a: string, b: string): Promise<boolean> {
  try {
    await assertSameTree(a, b);
    return true;
  } catch {
    return false;
  }
}

for (const [step, expected] of STEPS) {
  Deno.test(`an overwrite killed after '${step}' leaves a whole run that readers and gc keep`, async () => {
    const data = (await tempDir(`overwrite-${step}`)).path;
    const runs = join(data, "runs");
    try {
      await copyTree(OLD, join(runs, "victim"));
      const out = await new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "--quiet",
          ...CLI_TEST_PERMISSIONS,
          "--allow-run",
          join(ROOT, "tests/faults/_overwrite_victim.ts"),
          runs,
          "victim",
          NEW,
          step,
        ],
        stdout: "piped",
        stderr: "piped",
      }).output();
      assert.equal(out.signal, "SIGKILL", new TextDecoder().decode(out.stderr));
      // Right after the kill one of the copies is whole somewhere in the folder.
      const left = entries(runs);
      const whole = [];
      for (const name of left) {
        if (await sameTree(join(runs, name), OLD) || await sameTree(join(runs, name), NEW)) {
          whole.push(name);
        }
      }
      assert.ok(whole.length > 0, `no whole copy among ${left}`);
      // A reader finds the run: the old or new copy, never "not found".
      const bundle = await openRun(runs, "victim");
      assert.equal(bundle.runId, "victim");
      assert.ok(await sameTree(join(runs, "victim"), expected), `${step}: ${entries(runs)}`);
      // gc (removing every temp folder, young or not) keeps it.
      const gc = await runCli(["gc", "--data-dir", data, "--min-age", "0", "--json"]);
      assert.equal(gc.code, 0, gc.stderr);
      // A lock of a writer killed while holding it goes stale within seconds: gc leaves it,
      // the next writer takes it over.
      assert.deepEqual(entries(runs).filter((n) => !n.startsWith(".lock-")), ["victim"]);
      assert.ok(await sameTree(join(runs, "victim"), expected));
      await writeFolderAtomically(join(runs, "victim"), (tmp) => copyTree(OLD, tmp), {
        overwrite: true,
        marker: "run.json",
      });
      assert.deepEqual(entries(runs), ["victim"]);
      assert.ok(await sameTree(join(runs, "victim"), OLD));
    } finally {
      await Deno.remove(data, { recursive: true });
    }
  });
}

Deno.test("gc alone recovers an overwrite killed between its renames", async () => {
  const data = (await tempDir("overwrite-gc")).path;
  const runs = join(data, "runs");
  try {
    await copyTree(OLD, join(runs, "victim"));
    await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--quiet",
        ...CLI_TEST_PERMISSIONS,
        "--allow-run",
        join(ROOT, "tests/faults/_overwrite_victim.ts"),
        runs,
        "victim",
        NEW,
        "moved-old",
      ],
    }).output();
    assert.ok(!entries(runs).includes("victim"), "killed between the renames");
    // The lock left behind is fresh for a few seconds: gc waits for it, then recovers.
    const gc = await runCli(["gc", "--data-dir", data, "--json"]);
    assert.equal(gc.code, 0, gc.stderr);
    assert.deepEqual(JSON.parse(gc.stdout).recovered, ["runs/victim (the new copy)"]);
    assert.deepEqual(entries(runs), ["victim"]);
    assert.ok(await sameTree(join(runs, "victim"), NEW));
  } finally {
    await Deno.remove(data, { recursive: true });
  }
});

// `count` models of different sizes (from `nodes` nodes up) in `dir`, and the first written as
// the run "shared" of `dir`/runs, for writers to overwrite with the others.
async function sharedRun(dir: string, count: number, nodes: number): Promise<string[]> {
  const models = [];
  for (let i = 0; i < count; i++) {
    const path = join(dir, `m${i}.yaml`);
    await Deno.writeTextFile(path, syntheticModel(nodes + i, 48));
    models.push(path);
  }
  await runModelFile(models[0], {
    runsDir: join(dir, "runs"),
    runId: "shared",
    createdAt: FIXED_TIME,
  });
  return models;
}

Deno.test("concurrent overwrites of one run all succeed while readers never see it missing", async () => {
  const dir = (await tempDir("overwrite-race")).path;
  try {
    const runs = join(dir, "runs");
    const models = await sharedRun(dir, 6, 3);
    let reading = true;
    let reads = 0;
    const failures: string[] = [];
    const reader = (async () => {
      while (reading) {
        try {
          await openRun(runs, "shared");
          reads++;
        } catch (err) {
          failures.push(String(err));
        }
      }
    })();
    const results = await Promise.allSettled(
      models.map((m) =>
        runModelFile(m, { runsDir: runs, runId: "shared", overwrite: true, createdAt: FIXED_TIME })
      ),
    );
    reading = false;
    await reader;
    assert.deepEqual(
      results.filter((r) => r.status === "rejected"),
      [],
      "every overwrite succeeded",
    );
    assert.deepEqual(failures, [], `${failures.length} reads failed`);
    assert.ok(reads > 0);
    assert.deepEqual(entries(runs), ["shared"]);
    assert.equal((await listRuns(runs)).length, 1);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("flowtime telemetry capture and export openmetrics of a run of the data folder being overwritten read a whole copy", async () => {
  const dir = (await tempDir("overwrite-cli-capture")).path;
  try {
    const runs = join(dir, "runs");
    const models = await sharedRun(dir, 4, 13);
    let capturing = true;
    const failures: string[] = [];
    let captures = 0;
    // a dry-run capture, an export to stdout and an export to a file, in turn
    const commands = [
      ["telemetry", "capture", "--run-dir", "shared", "--dry-run", "--json"],
      ["export", "openmetrics", "--run-dir", "shared"],
      [
        "export",
        "openmetrics",
        "--run-dir",
        "shared",
        "--output",
        join(dir, "om.txt"),
        "--overwrite",
      ],
    ];
    const capturer = (async () => {
      while (capturing) {
        const args = commands[captures % commands.length];
        const r = await cli(args, { env: { FLOWTIME_DATA_DIR: dir } });
        captures++;
        if (r.code !== 0) failures.push(`${args[0]} ${args[1]}: ${r.stderr.slice(0, 300)}`);
        else if (args[0] === "export" && args.length === 4 && !r.stdout.endsWith("# EOF\n")) {
          failures.push(`export openmetrics: stdout does not end with # EOF`);
        }
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
    })();
    for (let round = 0; round < 6; round++) {
      await Promise.all(
        models.map((m) =>
          runModelFile(m, {
            runsDir: runs,
            runId: "shared",
            overwrite: true,
            createdAt: FIXED_TIME,
          })
        ),
      );
    }
    capturing = false;
    await capturer;
    assert.deepEqual(failures, [], `${failures.length} of ${captures} commands failed`);
    assert.ok(captures >= commands.length, `only ${captures} commands ran`);
    assert.match(await Deno.readTextFile(join(dir, "om.txt")), /# EOF\n$/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("over HTTP: rounds of concurrent overwrites all succeed while readers and captures of the run always get 200", async () => {
  const dir = (await tempDir("overwrite-http-race")).path;
  try {
    const app = createApp({ dataDir: dir, templatesDir: join(ROOT, "templates"), logger: false });
    const post = (createdAt: string, overwrite: boolean) =>
      app.request("/v1/runs", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          templateId: "http-service",
          options: { deterministicRunId: true, overwrite, createdAt },
        }),
      });
    const first = await post(FIXED_TIME, false);
    assert.equal(first.status, 201);
    const runId = (await first.json()).runId;
    let reading = true;
    const statuses = new Map<string, number>();
    const failures: string[] = [];
    const paths = [
      "/state?binIndex=3",
      "/state_window?startBin=0&endBin=5",
      "",
      "/model",
      "/index",
      "/series/http_arrivals",
      "/openmetrics",
    ];
    // every eighth read is a dry-run capture of the run (it reads every series of it)
    const capture = () =>
      app.request("/v1/telemetry/captures", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ runId, dryRun: true }),
      });
    const readers = [0, 1, 2].map(async (k) => {
      for (let n = k; reading; n++) {
        const what = n % 8 === 7 ? "POST capture" : `GET ${paths[n % paths.length] || "/"}`;
        const res = n % 8 === 7
          ? await capture()
          : await app.request(`/v1/runs/${runId}${paths[n % paths.length]}`);
        const text = await res.text();
        statuses.set(String(res.status), (statuses.get(String(res.status)) ?? 0) + 1);
        if (res.status !== 200) failures.push(`${what} ${res.status}: ${text.slice(0, 200)}`);
        // a cached answer comes without a macrotask: let the writers' file operations run
        await new Promise((r) => setTimeout(r, 1));
      }
    });
    for (let round = 0; round < 10; round++) {
      const answers = await Promise.all(
        [0, 1, 2, 3, 4, 5].map((i) =>
          post(`2025-01-${String(round + 2).padStart(2, "0")}T00:0${i}:00Z`, true)
        ),
      );
      for (const res of answers) {
        const text = await res.text();
        if (res.status !== 201 && res.status !== 200) {
          failures.push(`POST ${res.status}: ${text.slice(0, 200)}`);
        }
      }
    }
    reading = false;
    await Promise.all(readers);
    assert.deepEqual(failures, [], JSON.stringify(Object.fromEntries(statuses)));
    assert.ok((statuses.get("200") ?? 0) > 0);
    assert.deepEqual(entries(join(dir, "runs")), [runId]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("--overwrite never replaces a folder that is not a run (CLI and HTTP)", async () => {
  const dir = (await tempDir("overwrite-notes")).path;
  try {
    await Deno.mkdir(join(dir, "notes"));
    await Deno.writeTextFile(join(dir, "notes", "mine.txt"), "my notes");
    const r = await runCli([
      "run",
      "--model",
      join(ROOT, "fixtures/models/queue-buffer.yaml"),
      "--out",
      dir,
      "--run-id",
      "notes",
      "--overwrite",
    ]);
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /^error: .*notes exists and is not a run folder \(it has no run\.json\); nothing was changed/,
    );
    assert.deepEqual(entries(join(dir, "notes")), ["mine.txt"]);
    assert.deepEqual(entries(dir), ["notes"]);
    // Over HTTP: a folder where the deterministic run goes that is not a run stays as it is.
    const app = createApp({ dataDir: join(dir, "data"), logger: false });
    const post = () =>
      app.request("/v1/runs", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          templateId: "http-service",
          options: { deterministicRunId: true, overwrite: true, createdAt: FIXED_TIME },
        }),
      });
    const first = await post();
    assert.equal(first.status, 201);
    const runDir = join(dir, "data", "runs", (await first.json()).runId);
    await Deno.remove(runDir, { recursive: true });
    await Deno.mkdir(runDir);
    await Deno.writeTextFile(join(runDir, "mine.txt"), "my notes");
    const second = await post();
    assert.equal(second.status, 409);
    assert.match((await second.json()).error, /is not a run folder \(it has no run\.json\)/);
    assert.deepEqual(entries(runDir), ["mine.txt"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

for (const [signal, code] of [["SIGINT", 130], ["SIGTERM", 143]] as const) {
  Deno.test(`${signal} during a run exits ${code} and removes its temp folder`, async () => {
    const dir = (await tempDir(`signal-${code}`)).path;
    try {
      const model = join(dir, "big.yaml");
      await Deno.writeTextFile(model, syntheticModel(400, 8640));
      const runs = join(dir, "runs");
      const child = spawnCli(["run", "--model", model, "--out", runs, "--run-id", "cut"]);
      const started = await waitFor(() => {
        const temp = entries(runs).find((n) => n.startsWith(".tmp-cut-"));
        return temp !== undefined && entries(join(runs, temp, "series")).length > 5;
      }, 60_000);
      child.kill(signal);
      const out = await child.output();
      assert.ok(started, "the writer started");
      assert.equal(out.code, code);
      assert.equal(new TextDecoder().decode(out.stderr).trim(), "interrupted");
      assert.deepEqual(entries(runs), [], "no run folder and no temp folder");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
}

Deno.test("gc leaves young temp folders alone by default and says so when it may not read", async () => {
  const data = (await tempDir("gc-young")).path;
  try {
    await Deno.mkdir(join(data, "runs", ".tmp-busy-0123456789ab"), { recursive: true });
    const young = await runCli(["gc", "--data-dir", data, "--json"]);
    assert.equal(young.code, 0, young.stderr);
    assert.deepEqual(JSON.parse(young.stdout).removed, []);
    assert.deepEqual(entries(join(data, "runs")), [".tmp-busy-0123456789ab"]);
    const denied = await runCli(["gc", "--data-dir", data], {
      permissions: [`--allow-read=${join(ROOT, "cli.ts")}`, "--allow-env"],
    });
    assert.equal(denied.code, 1);
    assert.match(denied.stderr, /^error: reading .*runs: not permitted/);
  } finally {
    await Deno.remove(data, { recursive: true });
  }
});
