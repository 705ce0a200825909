// Work a request can cause is bounded and checked before it starts: gap rules x files x bins
// over the limit is a 400 naming the total; a run.json with impossible bins is a 409, never a
// 500 or gigabytes; a bundle whose model has a 33,000-term expression answers /state; a damaged
// bundle's failure is remembered rather than recomputed on every request.
import assert from "node:assert/strict";
import { join } from "node:path";
import { createApp } from "../../server/app.ts";
import { createLogger } from "../../server/logger.ts";
import { FlowTimeError } from "../../lib/base/errors.ts";
import { StateQueryService } from "../../lib/state/service.ts";
import { MAX_GAP_WORK } from "../../lib/telemetry/gap_config.ts";
import { runModelFile } from "../../lib/workflow/run_model.ts";
import { syntheticModel } from "../../scripts/synthetic_model.ts";
import { FIXED_TIME, tempFixture } from "../_helpers.ts";

// A data folder holding one run; removed here when making it fails, else by the test.
async function dataWithRun(modelText: string, runId: string): Promise<string> {
  const made = await tempFixture("bounded", async (data) => {
    await Deno.writeTextFile(join(data, "model.yaml"), modelText);
    await runModelFile(join(data, "model.yaml"), {
      runsDir: join(data, "runs"),
      runId,
      createdAt: FIXED_TIME,
    });
    return {};
  });
  return made.path;
}

function appOver(data: string) {
  const logs: Array<Record<string, unknown>> = [];
  const app = createApp({
    dataDir: data,
    logger: createLogger((line) => logs.push(JSON.parse(line))),
  });
  const post = (path: string, body: unknown) =>
    app.request(path, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  return { app, logs, post };
}

Deno.test("gap rules x files x bins over the limit is a 400 naming the total, before any file is planned", async () => {
  // 20 topology nodes of 10,000 bins; 5,000 rules each changing every bin of every file.
  const data = await dataWithRun(syntheticModel(20, 10_000), "big");
  try {
    const { post, logs } = appOver(data);
    const rules = Array.from({ length: 5000 }, () => ({
      node: "*",
      metric: "*",
      bins: ["0-9999"],
      action: "nan",
    }));
    const res = await post("/v1/telemetry/captures", {
      runId: "big",
      dryRun: true,
      gaps: { rules },
    });
    assert.equal(res.status, 400);
    const body = await res.json();
    assert.equal(body.code, "gaps_invalid");
    assert.match(
      body.error,
      /^gaps: rules: the 5000 rules change [\d,]+ bins over the files they match/,
    );
    assert.match(body.error, new RegExp(MAX_GAP_WORK.toLocaleString("en-US")));
    // The same rules within the limit plan and answer.
    const few = await post("/v1/telemetry/captures", {
      runId: "big",
      dryRun: true,
      capturedAt: FIXED_TIME,
      gaps: {
        seed: 1,
        rules: [...rules.slice(0, 5), { node: "*", metric: "*", fraction: 0.5, action: "zero" }],
      },
    });
    assert.equal(few.status, 200, await few.clone().text());
    assert.ok((await few.json()).files.length > 0);
    assert.ok(!logs.some((l) => l.level === "error"));
  } finally {
    await Deno.remove(data, { recursive: true });
  }
});

Deno.test("a run.json claiming 1e10 or 3e7 bins is a 409 naming run.json, not a 500", async () => {
  const data = await dataWithRun(syntheticModel(2, 12), "r");
  try {
    const { post, logs } = appOver(data);
    const runJson = join(data, "runs", "r", "run.json");
    const original = JSON.parse(await Deno.readTextFile(runJson));
    for (const bins of [1e10, 3e7]) {
      await Deno.writeTextFile(
        runJson,
        JSON.stringify({ ...original, grid: { ...original.grid, bins } }),
      );
      for (const dryRun of [true, false]) {
        const res = await post("/v1/telemetry/captures", { runId: "r", dryRun });
        assert.equal(res.status, 409, `${bins} ${dryRun}`);
        const body = await res.json();
        assert.equal(body.code, "bundle_invalid");
        assert.match(
          body.error,
          /run\.json: grid\.bins is \d+; a run's series hold at most 1,000,000 bins/,
        );
      }
    }
    assert.ok(!logs.some((l) => l.level === "error"), JSON.stringify(logs));
  } finally {
    await Deno.remove(data, { recursive: true });
  }
});

Deno.test("a bundle whose model has a 33,000-term sum answers /state", async () => {
  // served = a - a + a - a ... + a: 33,001 terms, 66,001 characters.
  const sum = "a" + "-a+a".repeat(16_500);
  const text = `grid: { bins: 12, binSize: 5, binUnit: minutes }
nodes:
  - { id: a, kind: const, values: [${Array(12).fill(7).join(", ")}] }
  - { id: served, kind: expr, expr: "${sum}" }
topology:
  nodes:
    - { id: Svc, kind: service, semantics: { arrivals: a, served: served } }
  edges: []
`;
  const data = await dataWithRun(text, "long");
  try {
    const { app } = appOver(data);
    const res = await app.request("/v1/runs/long/state?binIndex=3");
    assert.equal(res.status, 200, await res.clone().text());
    const node = (await res.json()).nodes[0];
    assert.equal(node.metrics.served, 7);
  } finally {
    await Deno.remove(data, { recursive: true });
  }
});

Deno.test("a damaged run's failure is kept until the run is rewritten", async () => {
  const data = await dataWithRun(syntheticModel(2, 12), "r");
  try {
    await Deno.writeTextFile(join(data, "runs", "r", "model", "model.yaml"), "nodes: [\n");
    const service = new StateQueryService({ runsDir: join(data, "runs") });
    const failure = async () => {
      try {
        await service.openRun("r");
      } catch (err) {
        return err;
      }
      assert.fail("the damaged run opened");
    };
    const first = await failure();
    assert.ok(first instanceof FlowTimeError && first.code === "bundle_invalid", String(first));
    assert.equal(await failure(), first, "the same failure, not a second parse");
  } finally {
    await Deno.remove(data, { recursive: true });
  }
});
