// A run is its folder: a copy under another name is its own run in listings, reads, captures
// (CLI and HTTP, dry or not); names starting with "." are the toolkit's own and never ids.
import assert from "node:assert/strict";
import { join } from "node:path";
import { listRuns } from "../../lib/artifacts/listing.ts";
import { openRun } from "../../lib/artifacts/reader.ts";
import { createApp } from "../../server/app.ts";
import { cli, copyTree, FIXED_TIME, ROOT, tempDir } from "../_helpers.ts";

const RUN = "run_deterministic_e673448a";

Deno.test("a run folder copied under another name is its own run everywhere", async () => {
  const data = (await tempDir("identity")).path;
  try {
    await copyTree(join(ROOT, "fixtures/runs", RUN), join(data, "runs", RUN));
    await copyTree(join(ROOT, "fixtures/runs", RUN), join(data, "runs", "copy"));
    assert.deepEqual(
      (await listRuns(join(data, "runs"))).map((r) => r.runId).sort(),
      [RUN, "copy"].sort(),
    );
    assert.equal((await openRun(join(data, "runs"), "copy")).runId, "copy");
    const app = createApp({ dataDir: data, logger: false });
    const got = await (await app.request("/v1/runs/copy")).json();
    assert.equal(got.run.runId, "copy");
    const capture = (body: object) =>
      app.request("/v1/telemetry/captures", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ runId: "copy", capturedAt: FIXED_TIME, ...body }),
      });
    const dry = await (await capture({ dryRun: true })).json();
    assert.equal(dry.outputDir, "telemetry/copy");
    assert.equal(dry.runId, "copy");
    assert.equal((await capture({})).status, 201);
    assert.deepEqual([...Deno.readDirSync(join(data, "telemetry"))].map((e) => e.name), ["copy"]);
    // The CLI names the capture of a copy after the copy too.
    const captured = await cli([
      "telemetry",
      "capture",
      "--run-dir",
      join(data, "runs", RUN),
      "--json",
    ], {
      env: { FLOWTIME_DATA_DIR: data },
    });
    assert.equal(captured.code, 0, captured.stderr);
    assert.deepEqual(
      [...Deno.readDirSync(join(data, "telemetry"))].map((e) => e.name).sort(),
      [RUN, "copy"].sort(),
    );
  } finally {
    await Deno.remove(data, { recursive: true });
  }
});

Deno.test("ids starting with '.' (temp, trash and lock folders) are refused in the CLI and over HTTP", async () => {
  const data = (await tempDir("reserved")).path;
  try {
    for (const id of [".tmp-x", ".trash-x-0123456789ab", ".lock-x", ".hidden"]) {
      const r = await cli([
        "run",
        "--model",
        join(ROOT, "fixtures/models/queue-buffer.yaml"),
        "--out",
        join(data, "runs"),
        "--run-id",
        id,
      ]);
      assert.equal(r.code, 1, id);
      assert.match(r.stderr, /^error: run id '\.[^']*' is not allowed: .*not starting with '\.'/);
      const app = createApp({ dataDir: data, logger: false });
      const res = await app.request("/v1/telemetry/captures", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ runId: id }),
      });
      assert.equal(res.status, 400);
      assert.equal((await res.json()).code, "invalid_id");
    }
    assert.deepEqual([...Deno.readDirSync(data)], []);
  } finally {
    await Deno.remove(data, { recursive: true });
  }
});
