// StateQueryService: run ids confined to the runs folder, unknown runs, and reopening a run
// that was rewritten.
import assert from "node:assert/strict";
import { join } from "node:path";
import { StateQueryService } from "../../lib/state/service.ts";
import { snapshotOf } from "../../lib/state/snapshot.ts";
import { runModelFile } from "../../lib/workflow/run_model.ts";
import { assertRejectsCode, FIXED_TIME, ROOT, tempDir } from "../_helpers.ts";
import { dataDirWith, QUEUE_BUFFER_RUN } from "./_runs.ts";

Deno.test("run ids that are not one safe name are refused before any file access", async () => {
  const service = new StateQueryService({ runsDir: join(ROOT, ".tmp", "no-such-runs") });
  for (const id of ["..", ".", "../x", "a/b", "a\u0000b", "", "a\\b", "%2e%2e"]) {
    await assertRejectsCode(() => service.openRun(id), "invalid_id", undefined, JSON.stringify(id));
  }
});

Deno.test("an unknown run is run_not_found", async () => {
  await using dataTmp = await dataDirWith();
  const data = dataTmp.path;
  const service = new StateQueryService({ runsDir: join(data, "runs") });
  const err = await assertRejectsCode(() => service.openRun("run_missing"), "run_not_found");
  assert.equal(
    err.message,
    "no run 'run_missing' in the runs folder",
  );
});

Deno.test("a symlink in the runs folder pointing outside it is not followed", async () => {
  await using dataTmp = await dataDirWith();
  const data = dataTmp.path;
  await using outsideTmp = await dataDirWith(QUEUE_BUFFER_RUN);
  const outside = join(outsideTmp.path, "runs", QUEUE_BUFFER_RUN);
  // Deno.symlink needs unscoped permissions; the test task scopes writes to ./.tmp.
  const ln = await new Deno.Command("ln", { args: ["-s", outside, join(data, "runs", "escape")] })
    .output();
  assert.equal(ln.code, 0);
  const service = new StateQueryService({ runsDir: join(data, "runs") });
  await assertRejectsCode(() => service.openRun("escape"), "run_not_found");
});

Deno.test("the same run is opened once while unchanged", async () => {
  await using dataTmp = await dataDirWith(QUEUE_BUFFER_RUN);
  const data = dataTmp.path;
  const service = new StateQueryService({ runsDir: join(data, "runs") });
  const first = await service.openRun(QUEUE_BUFFER_RUN);
  assert.equal(await service.openRun(QUEUE_BUFFER_RUN), first);
});

Deno.test("a run rewritten with --overwrite is reopened", async () => {
  await using dirTmp = await tempDir("state-rewrite");
  const dir = dirTmp.path;
  const runsDir = join(dir, "runs");
  const model = join(dir, "model.yaml");
  const write = async (served: number) => {
    await Deno.writeTextFile(
      model,
      `schemaVersion: 1
grid: { bins: 1, binSize: 5, binUnit: minutes }
nodes:
  - { id: a, kind: const, values: [10] }
  - { id: s, kind: const, values: [${served}] }
topology:
  nodes:
    - { id: Svc, kind: service, semantics: { arrivals: a, served: s } }
  edges: []
`,
    );
    await runModelFile(model, { runsDir, runId: "r1", overwrite: true, createdAt: FIXED_TIME });
  };
  await write(4);
  const service = new StateQueryService({ runsDir });
  assert.equal(snapshotOf(await service.openRun("r1"), 0).nodes[0].metrics.served, 4);
  await write(7);
  assert.equal(snapshotOf(await service.openRun("r1"), 0).nodes[0].metrics.served, 7);
});
