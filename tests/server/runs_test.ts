// The /v1/runs routes in-process: listing, run documents, state queries with their golden
// responses, every bad input with its status and JSON error body, and the request log.
import assert from "node:assert/strict";
import { join } from "node:path";
import { keepUntilUnload, ROOT } from "../_helpers.ts";
import {
  BACKLOG_SHIFT_RUN,
  dataDirWith,
  QUEUE_BUFFER_RUN,
  runModelText,
  serviceModel,
} from "../state/_runs.ts";
import { errorOf, testApp } from "./_app.ts";

const data = keepUntilUnload(await dataDirWith(QUEUE_BUFFER_RUN, BACKLOG_SHIFT_RUN));
const QB = `/v1/runs/${QUEUE_BUFFER_RUN}`;

async function assertError(
  path: string,
  status: number,
  code: string,
  text?: string,
  dir = data,
): Promise<string> {
  const { status: got, body, type } = await errorOf(await testApp(dir).get(path));
  assert.equal(got, status, `${path}: ${JSON.stringify(body)}`);
  assert.equal(body.code, code, `${path}: ${JSON.stringify(body)}`);
  assert.equal(typeof body.error, "string");
  assert.deepEqual(Object.keys(body).filter((k) => k !== "details"), ["error", "code"]);
  assert.match(type ?? "", /^application\/json/);
  assert.ok(!(body.error as string).includes(ROOT), `absolute path leaked: ${body.error}`);
  if (text) assert.ok((body.error as string).includes(text), `${path}: ${body.error}`);
  return body.error as string;
}

Deno.test("GET /v1/runs lists id, template, mode, created time, warning count and grid", async () => {
  const res = await testApp(data).get("/v1/runs");
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), {
    runs: [
      {
        runId: BACKLOG_SHIFT_RUN,
        templateId: "adhoc-model",
        mode: "simulation",
        createdUtc: "2025-10-07T00:00:00Z",
        warningCount: 0,
        grid: { bins: 8, binSize: 1, binUnit: "hours" },
      },
      {
        runId: QUEUE_BUFFER_RUN,
        templateId: "adhoc-model",
        mode: "simulation",
        createdUtc: "2025-10-07T00:00:00Z",
        warningCount: 0,
        grid: { bins: 12, binSize: 5, binUnit: "minutes" },
      },
    ],
  });
});

Deno.test("GET /v1/runs with no runs folder is an empty list", async () => {
  const res = await testApp(join(data, "nothing-here")).get("/v1/runs");
  assert.deepEqual(await res.json(), { runs: [] });
});

Deno.test("GET /v1/runs/{runId} returns run.json, metadata.json and manifest.json", async () => {
  const body = await (await testApp(data).get(QB)).json();
  assert.deepEqual(Object.keys(body), ["run", "metadata", "manifest"]);
  assert.equal(body.run.runId, QUEUE_BUFFER_RUN);
  assert.equal(body.run.grid.bins, 12);
  assert.equal(body.metadata.templateTitle, "Service and support queue");
  assert.equal(body.manifest.modelHash, body.run.modelHash);
});

Deno.test("GET /state returns the golden snapshot byte for byte", async () => {
  const res = await testApp(data).get(`${QB}/state?binIndex=5`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-type"), "application/json; charset=utf-8");
  assert.equal(
    await res.text(),
    await Deno.readTextFile(join(ROOT, "fixtures/state/queue-buffer/state_bin_5.json")),
  );
});

Deno.test("GET /state_window returns the golden window byte for byte", async () => {
  const res = await testApp(data).get(`${QB}/state_window?startBin=0&endBin=11`);
  assert.equal(res.status, 200);
  assert.equal(
    await res.text(),
    await Deno.readTextFile(join(ROOT, "fixtures/state/queue-buffer/state_window_0_11.json")),
  );
});

Deno.test("GET /index returns the series index", async () => {
  const body = await (await testApp(data).get(`${QB}/index`)).json();
  assert.equal(body.series.length, 8);
  assert.equal(body.series[0].id, "order_arrivals@ORDER_ARRIVALS@DEFAULT");
});

Deno.test("GET /series/{seriesId} returns the CSV by series id or bare node id", async () => {
  const expected = await Deno.readTextFile(
    join(data, "runs", QUEUE_BUFFER_RUN, "series/order_served@ORDER_SERVED@DEFAULT.csv"),
  );
  for (const ref of ["order_served@ORDER_SERVED@DEFAULT", "order_served"]) {
    const res = await testApp(data).get(`${QB}/series/${ref}`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "text/csv; charset=utf-8");
    assert.equal(await res.text(), expected);
  }
  assert.ok(expected.startsWith("bin_index,value\n0,10\n"));
});

Deno.test("GET /model returns the model YAML", async () => {
  const res = await testApp(data).get(`${QB}/model`);
  assert.equal(res.status, 200);
  assert.equal(
    await res.text(),
    await Deno.readTextFile(join(ROOT, "fixtures/models/queue-buffer.yaml")),
  );
});

Deno.test("binIndex missing -> 400 with the valid range", async () => {
  await assertError(
    `${QB}/state`,
    400,
    "bin_invalid",
    "binIndex is required: give a bin from 0 to 11",
  );
});

Deno.test("binIndex empty, fractional, exponent, padded or negative -> 400", async () => {
  for (const q of ["", "1.5", "1e2", "%203", "3%20", "abc"]) {
    await assertError(`${QB}/state?binIndex=${q}`, 400, "bin_invalid", "from 0 to 11");
  }
  await assertError(`${QB}/state?binIndex=-1`, 400, "bin_out_of_range", "from 0 to 11");
});

Deno.test("binIndex at or past the bin count -> 400 with the valid range", async () => {
  await assertError(`${QB}/state?binIndex=12`, 400, "bin_out_of_range", "from 0 to 11");
  await assertError(
    `${QB}/state?binIndex=999999999999999999999`,
    400,
    "bin_out_of_range",
    "(the run has 12 bins)",
  );
});

Deno.test("binIndex given twice -> 400", async () => {
  await assertError(`${QB}/state?binIndex=1&binIndex=2`, 400, "bin_invalid", "given 2 times");
});

Deno.test("endBin before startBin -> 400", async () => {
  await assertError(
    `${QB}/state_window?startBin=5&endBin=4`,
    400,
    "window_invalid",
    "endBin 4 is before startBin 5",
  );
});

Deno.test("window bins missing or out of range -> 400", async () => {
  await assertError(`${QB}/state_window?startBin=0`, 400, "bin_invalid", "endBin is required");
  await assertError(`${QB}/state_window?startBin=0&endBin=12`, 400, "bin_out_of_range", "0 to 11");
});

Deno.test("a window wider than 1000 bins -> 413", async () => {
  await using written = await runModelText(serviceModel(1200));
  const { runsDir, runId } = written;
  const dir = join(runsDir, "..");
  await assertError(
    `/v1/runs/${runId}/state_window?startBin=100&endBin=1100`,
    413,
    "window_too_large",
    "1001 bins; at most 1000",
    dir,
  );
  const ok = await testApp(dir).get(`/v1/runs/${runId}/state_window?startBin=100&endBin=1099`);
  assert.equal(ok.status, 200);
  assert.equal((await ok.json()).window.binCount, 1000);
});

Deno.test("unknown run -> 404 on every run route", async () => {
  for (
    const suffix of [
      "",
      "/state?binIndex=0",
      "/state_window?startBin=0&endBin=1",
      "/index",
      "/series/a",
      "/model",
    ]
  ) {
    await assertError(`/v1/runs/run_nope${suffix}`, 404, "run_not_found", "no run 'run_nope'");
  }
});

Deno.test("unknown series -> 404, malformed series id -> 400", async () => {
  await assertError(`${QB}/series/nope`, 404, "not_found", "has no series 'nope'");
  await assertError(`${QB}/series/..%2Frun.json`, 400, "invalid_id");
  await assertError(`${QB}/series/%2e%2e`, 404, "not_found");
});

Deno.test("corrupted run.json -> 409 saying what is wrong", async () => {
  await using dirTmp = await dataDirWith(QUEUE_BUFFER_RUN);
  const dir = dirTmp.path;
  await Deno.writeTextFile(join(dir, "runs", QUEUE_BUFFER_RUN, "run.json"), "{oops");
  await assertError(
    `${QB}/state?binIndex=0`,
    409,
    "bundle_invalid",
    "run.json is not valid JSON",
    dir,
  );
});

Deno.test("corrupted model -> 409 saying what is wrong", async () => {
  await using dirTmp = await dataDirWith(QUEUE_BUFFER_RUN);
  const dir = dirTmp.path;
  await Deno.writeTextFile(join(dir, "runs", QUEUE_BUFFER_RUN, "model/model.yaml"), "grid: [\n");
  await assertError(
    `${QB}/state_window?startBin=0&endBin=1`,
    409,
    "bundle_invalid",
    "the run's model is unreadable",
    dir,
  );
});

Deno.test("metadata modelHash differing from run.json -> 409 provenance_mismatch", async () => {
  await using dirTmp = await dataDirWith(QUEUE_BUFFER_RUN);
  const dir = dirTmp.path;
  const path = join(dir, "runs", QUEUE_BUFFER_RUN, "model/metadata.json");
  const meta = JSON.parse(await Deno.readTextFile(path));
  meta.modelHash = `sha256:${"a".repeat(64)}`;
  await Deno.writeTextFile(path, JSON.stringify(meta));
  await assertError(
    `${QB}/state?binIndex=0`,
    409,
    "provenance_mismatch",
    "differs from run.json",
    dir,
  );
});

Deno.test("simulation run with NaN served -> 422 mode_validation_failed", async () => {
  await using dirTmp = await dataDirWith(QUEUE_BUFFER_RUN);
  const dir = dirTmp.path;
  const csv = join(
    dir,
    "runs",
    QUEUE_BUFFER_RUN,
    "series/support_served@SUPPORT_SERVED@DEFAULT.csv",
  );
  await Deno.writeTextFile(csv, (await Deno.readTextFile(csv)).replace("\n3,3\n", "\n3,NaN\n"));
  await assertError(`${QB}/state?binIndex=3`, 422, "mode_validation_failed", "SupportQueue", dir);
  const ok = await testApp(dir).get(`${QB}/state?binIndex=4`);
  assert.equal(ok.status, 200);
});

Deno.test("run ids with traversal, separators or NUL -> 400 or 404, never a run outside", async () => {
  // A complete run sits next to the data folder: escaping into it would answer 200.
  await using outerTmp = await dataDirWith(QUEUE_BUFFER_RUN);
  const outer = outerTmp.path;
  const dir = join(outer, "inner");
  await Deno.mkdir(join(dir, "runs"), { recursive: true });
  const vectors = [
    "..",
    "%2e%2e",
    "%2E%2E",
    `..%2F${QUEUE_BUFFER_RUN}`,
    `..%2F..%2Fruns%2F${QUEUE_BUFFER_RUN}`,
    `%2e%2e%2f..%2fruns%2f${QUEUE_BUFFER_RUN}`,
    `..%5C..%5Cruns%5C${QUEUE_BUFFER_RUN}`,
    `..%252F..%252Fruns%252F${QUEUE_BUFFER_RUN}`,
    `${QUEUE_BUFFER_RUN}%00`,
    "%00",
    `a%00..%2F..%2Fruns%2F${QUEUE_BUFFER_RUN}`,
    "....%2F%2F",
  ];
  for (const v of vectors) {
    for (
      const suffix of [
        "/state?binIndex=0",
        "/state_window?startBin=0&endBin=1",
        "/model",
        "/index",
        "/series/order_served",
        "",
      ]
    ) {
      const res = await testApp(dir).get(`/v1/runs/${v}${suffix}`);
      const body = await res.json();
      assert.ok(
        [400, 404].includes(res.status),
        `${v}${suffix}: ${res.status} ${JSON.stringify(body)}`,
      );
      assert.ok(
        ["invalid_id", "run_not_found", "not_found"].includes(body.code),
        `${v}: ${body.code}`,
      );
      assert.deepEqual(Object.keys(body), ["error", "code"]);
    }
  }
});

Deno.test("one JSON log line per state query with run id, mode, bin, status and duration", async () => {
  const app = testApp(data);
  await app.get(`${QB}/state?binIndex=5`);
  await app.get(`${QB}/state_window?startBin=2&endBin=4`);
  await app.get(`${QB}/state?binIndex=99`);
  assert.equal(app.logs.length, 3);
  const [snap, win, bad] = app.logs;
  assert.deepEqual(
    { ...snap, ts: undefined, durationMs: undefined },
    {
      ts: undefined,
      level: "info",
      event: "request",
      method: "GET",
      path: `${QB}/state`,
      status: 200,
      durationMs: undefined,
      query: "state",
      runId: QUEUE_BUFFER_RUN,
      binIndex: 5,
      mode: "simulation",
    },
  );
  assert.equal(typeof snap.durationMs, "number");
  assert.deepEqual(
    [win.query, win.runId, win.mode, win.startBin, win.endBin, win.status],
    ["state_window", QUEUE_BUFFER_RUN, "simulation", 2, 4, 200],
  );
  assert.deepEqual(
    [bad.query, bad.status, bad.binIndex, bad.errorCode],
    ["state", 400, "99", "bin_out_of_range"],
  );
});
