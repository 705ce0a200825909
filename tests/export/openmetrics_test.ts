// OpenMetrics export: the text's shape (families, labels, bin-end times, NaN left out, # EOF),
// that promtool backfills it for every example run, the CLI and the HTTP route giving the same
// bytes, and the refusals.
import assert from "node:assert/strict";
import { join } from "node:path";
import { openMetricsOfRun, writeOpenMetrics } from "../../lib/export/openmetrics.ts";
import { runModelFile } from "../../lib/workflow/run_model.ts";
import { createApp } from "../../server/app.ts";
import {
  assertRejectsCode,
  cli,
  copyTree,
  FIXED_TIME,
  ROOT,
  runCli,
  tempDir,
} from "../_helpers.ts";
import { backfill, PROMETHEUS_MISSING } from "../import/_prometheus.ts";

const LOOP_RUNS: Record<string, string> = {
  "order-system": "run_order-system_33f57b3c93dd62e1",
  microservices: "run_microservices_f173050d7ed39572",
  "http-service": "run_http-service_19f519ac79f60324",
};
const ORDER_RUN = join(ROOT, "fixtures/loop/order-system/run_order-system_33f57b3c93dd62e1");
const GAPPED_RUN = join(ROOT, "fixtures/loop/microservices/run_microservices_f173050d7ed39572");

async function textOf(runDir: string, start?: string): Promise<string> {
  const exported = await openMetricsOfRun(runDir, { start });
  let text = "";
  for await (const chunk of exported.chunks) text += chunk;
  return text;
}

Deno.test("one gauge family per metric, node and run_id labels, a sample at each bin's end", async () => {
  const text = await textOf(ORDER_RUN);
  const lines = text.split("\n");
  assert.equal(lines.at(-1), "");
  assert.equal(lines.at(-2), "# EOF");
  assert.deepEqual(lines.filter((l) => l.startsWith("# TYPE")), [
    "# TYPE flowtime_arrivals gauge",
    "# TYPE flowtime_served gauge",
    "# TYPE flowtime_errors gauge",
    "# TYPE flowtime_capacity gauge",
  ]);
  const samples = lines.filter((l) => l !== "" && !l.startsWith("#"));
  assert.equal(samples.length, 8 * 288);
  const runId = "run_order-system_33f57b3c93dd62e1";
  assert.equal(
    samples[0],
    `flowtime_arrivals{node="OrderService",run_id="${runId}"} 60 ${
      Date.parse(FIXED_TIME) / 1000 + 300
    }`,
  );
  assert.match(samples[287], / \d+ 1759881600$/); // bin 287 ends at 2025-10-08T00:00:00Z
  for (const line of samples) {
    assert.match(line, /^flowtime_[a-z]+\{node="[A-Za-z]+",run_id="[^"]+"\} [-+0-9.eInf]+ \d+$/);
  }
  // families are never interleaved: each metric's lines are contiguous
  const order = samples.map((l) => l.slice(0, l.indexOf("{")));
  assert.deepEqual(order, [...order].sort((a, b) => order.indexOf(a) - order.indexOf(b)));
});

Deno.test("NaN bins are left out and counted; a start moves the run in time", async () => {
  const exported = await openMetricsOfRun(GAPPED_RUN);
  let text = "";
  for await (const chunk of exported.chunks) text += chunk;
  assert.ok(exported.summary.omitted > 0);
  assert.ok(!/NaN/.test(text));
  const samples = text.split("\n").filter((l) => l !== "" && !l.startsWith("#"));
  assert.equal(samples.length, exported.summary.samples);
  assert.equal(exported.summary.samples + exported.summary.omitted, exported.summary.series * 144);
  const moved = await textOf(ORDER_RUN, "2026-01-01T00:00:00Z");
  assert.match(moved.split("\n")[2], / 1767225900$/); // 2026-01-01T00:05:00Z
});

Deno.test("a run without a grid start needs one; errors come before any output", async () => {
  await using tmp = await tempDir("om-nostart");
  const dir = tmp.path;
  const model = (await Deno.readTextFile(join(ROOT, "fixtures/models/queue-buffer.yaml")))
    .replace(/\n\s*start: "[^"]*"/, "");
  await Deno.writeTextFile(join(dir, "model.yaml"), model);
  const run = await runModelFile(join(dir, "model.yaml"), { runsDir: join(dir, "runs") });
  const err = await assertRejectsCode(
    openMetricsOfRun(run.runDir),
    "usage",
    /has no grid start, so its bins have no times/,
  );
  assert.deepEqual(err.fix, { option: "start", effect: "give the time of bin 0" });
  assert.match(await textOf(run.runDir, FIXED_TIME), /# EOF\n$/);
  await assertRejectsCode(openMetricsOfRun(join(dir, "runs", "nope")), "run_not_found");
});

Deno.test("writeOpenMetrics writes atomically and refuses to replace a file unless asked", async () => {
  await using tmp = await tempDir("om-write");
  const dir = tmp.path;
  const out = join(dir, "nested", "run.om");
  const summary = await writeOpenMetrics(ORDER_RUN, { output: out });
  assert.equal(summary.samples, 8 * 288);
  assert.equal(await Deno.readTextFile(out), await textOf(ORDER_RUN));
  await assertRejectsCode(writeOpenMetrics(ORDER_RUN, { output: out }), "output_exists");
  await writeOpenMetrics(GAPPED_RUN, { output: out, overwrite: true });
  assert.equal(await Deno.readTextFile(out), await textOf(GAPPED_RUN));
  assert.deepEqual((await Array.fromAsync(Deno.readDir(join(dir, "nested")))).map((e) => e.name), [
    "run.om",
  ]);
});

Deno.test({
  name: "promtool backfills the export of every example run",
  ignore: PROMETHEUS_MISSING !== undefined,
  async fn() {
    await using tmp = await tempDir("om-promtool");
    const dir = tmp.path;
    for (const example of ["order-system", "microservices", "http-service"]) {
      const file = join(dir, `${example}.om`);
      await writeOpenMetrics(join(ROOT, "fixtures/loop", example, LOOP_RUNS[example]), {
        output: file,
      });
      await backfill(file, join(dir, "blocks", example));
      const blocks = await Array.fromAsync(Deno.readDir(join(dir, "blocks", example)));
      assert.ok(blocks.some((b) => b.isDirectory && /^[0-9A-Z]{26}$/.test(b.name)), example);
    }
    await Deno.remove(dir, { recursive: true });
  },
});

Deno.test("the CLI and GET /v1/runs/{runId}/openmetrics give the library's bytes", async () => {
  await using tmp = await tempDir("om-front");
  const dir = tmp.path;
  const want = await textOf(ORDER_RUN);
  const stdout = await cli(["export", "openmetrics", "--run-dir", ORDER_RUN]);
  assert.equal(stdout.code, 0, stdout.stderr);
  assert.equal(stdout.stdout, want);
  const file = join(dir, "run.om");
  const written = await cli([
    "export",
    "openmetrics",
    "--run-dir",
    ORDER_RUN,
    "--output",
    file,
    "--json",
  ]);
  assert.equal(written.code, 0, written.stderr);
  assert.equal(JSON.parse(written.stdout).samples, 8 * 288);
  assert.equal(await Deno.readTextFile(file), want);
  const again = await cli(["export", "openmetrics", "--run-dir", ORDER_RUN, "--output", file]);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /already exists; pass --overwrite to replace it/);
  const bad = await cli([
    "export",
    "openmetrics",
    "--run-dir",
    ORDER_RUN,
    "--start",
    "yesterday",
  ]);
  assert.equal(bad.code, 2);

  await copyTree(ORDER_RUN, join(dir, "data", "runs", "run_order-system_33f57b3c93dd62e1"));
  const app = createApp({ dataDir: join(dir, "data"), logger: false });
  const res = await app.request("/v1/runs/run_order-system_33f57b3c93dd62e1/openmetrics");
  assert.equal(res.status, 200);
  assert.equal(
    res.headers.get("content-type"),
    "application/openmetrics-text; version=1.0.0; charset=utf-8",
  );
  assert.equal(await res.text(), want);
  const missing = await app.request("/v1/runs/nope/openmetrics");
  assert.equal(missing.status, 404);
  assert.equal((await missing.json()).code, "run_not_found");
  const badStart = await app.request(
    "/v1/runs/run_order-system_33f57b3c93dd62e1/openmetrics?start=soon",
  );
  assert.equal(badStart.status, 400);
});

Deno.test("a run in the data folder that is a link to a run elsewhere exports and captures as found (CLI)", async () => {
  // By id (withRun) needs the runs folder readable and the run a real folder in it; otherwise
  // the folder named is exported as it is, as before runs were read by id.
  const dir = (await tempDir("openmetrics-link")).path;
  try {
    const runs = join(dir, "data", "runs");
    await Deno.mkdir(runs, { recursive: true });
    await copyTree(ORDER_RUN, join(dir, "elsewhere", "run_order-system_33f57b3c93dd62e1"));
    const linked = join(runs, "run_order-system_33f57b3c93dd62e1");
    const ln = await new Deno.Command("ln", {
      args: ["-s", join(dir, "elsewhere", "run_order-system_33f57b3c93dd62e1"), linked],
    }).output();
    assert.ok(ln.success, "ln -s");
    const expected = await textOf(ORDER_RUN);
    const viaLink = await cli(["export", "openmetrics", "--run-dir", linked], {
      env: { FLOWTIME_DATA_DIR: join(dir, "data") },
    });
    assert.equal(viaLink.code, 0, viaLink.stderr);
    assert.equal(viaLink.stdout, expected);
    const captured = await cli(
      ["telemetry", "capture", "--run-dir", linked, "--dry-run", "--json"],
      { env: { FLOWTIME_DATA_DIR: join(dir, "data") } },
    );
    assert.equal(captured.code, 0, captured.stderr);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a run in the data folder readable alone (not its runs folder) exports as found (CLI)", async () => {
  const dir = (await tempDir("openmetrics-narrow")).path;
  try {
    const expected = await textOf(ORDER_RUN);
    // permission to read that one run, not its runs folder
    const real = join(dir, "data", "runs", "real");
    await copyTree(ORDER_RUN, real);
    const narrow = await runCli(["export", "openmetrics", "--run-dir", real], {
      permissions: [`--allow-read=${real}`, "--allow-env"],
      env: { FLOWTIME_DATA_DIR: join(dir, "data") },
    });
    assert.equal(narrow.code, 0, narrow.stderr);
    assert.equal(narrow.stdout, expected.replaceAll("run_order-system_33f57b3c93dd62e1", "real"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
