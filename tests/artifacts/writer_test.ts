import assert from "node:assert/strict";
import { join } from "node:path";
import { writeRunBundle } from "../../lib/artifacts/writer.ts";
import { readRunBundle } from "../../lib/artifacts/reader.ts";
import { writeFolderAtomically } from "../../lib/base/atomic.ts";
import { parseModel } from "../../lib/model/parse.ts";
import { evaluateModel } from "../../lib/engine/evaluate.ts";
import { runModelFile } from "../../lib/workflow/run_model.ts";
import { hashOf } from "../../lib/base/hash.ts";
import {
  assertRejectsCode,
  assertSameTree,
  assertValidRunBundle,
  FIXED_TIME,
  readJsonFile,
  readTree,
  ROOT,
  tempDir,
} from "../_helpers.ts";

const MODEL = join(ROOT, "fixtures/models/queue-buffer.yaml");

Deno.test("a run bundle has every file, valid schemas, and hashes equal to the sha256 of each file", async () => {
  await using runsTmp = await tempDir("writer");
  const runs = runsTmp.path;
  const written = await runModelFile(MODEL, { runsDir: runs, createdAt: FIXED_TIME });
  assert.match(written.runId, /^run_20251007T000000Z_[0-9a-f]{8}$/);
  const files = [...(await readTree(written.runDir)).keys()];
  assert.deepEqual(files.filter((f) => !f.startsWith("series/")), [
    "manifest.json",
    "model/metadata.json",
    "model/model.yaml",
    "run.json",
    "spec.yaml",
  ]);
  assert.equal(files.filter((f) => f.startsWith("series/")).length, 9); // 8 series + index.json
  await assertValidRunBundle(written.runDir);
  const run = await readJsonFile<{ scenarioHash: string; createdUtc: string }>(
    join(written.runDir, "run.json"),
  );
  const text = await Deno.readTextFile(MODEL);
  assert.equal(run.scenarioHash, hashOf(`${text.trim()}\nnull\nnull`));
  assert.equal(run.createdUtc, FIXED_TIME);
  const meta = await readJsonFile(join(written.runDir, "model/metadata.json"));
  assert.deepEqual({ ...meta, modelHash: "-" }, {
    schemaVersion: 1,
    templateId: "adhoc-model",
    templateTitle: "Service and support queue",
    templateVersion: "0.0.0",
    mode: "simulation",
    modelHash: "-",
    parameters: {},
    telemetrySources: [],
  });
});

Deno.test("two deterministic runs of the same model are byte-identical", async () => {
  await using aTmp = await tempDir("det-a");
  const a = aTmp.path;
  await using bTmp = await tempDir("det-b");
  const b = bTmp.path;
  const ra = await runModelFile(MODEL, { runsDir: a, deterministic: true, createdAt: FIXED_TIME });
  const rb = await runModelFile(MODEL, { runsDir: b, deterministic: true, createdAt: FIXED_TIME });
  assert.equal(ra.runId, rb.runId);
  assert.match(ra.runId, /^run_deterministic_[0-9a-f]{8}$/);
  await assertSameTree(ra.runDir, rb.runDir);
});

Deno.test("the library ignores SOURCE_DATE_EPOCH: without createdAt the run is stamped now", async () => {
  await using runsTmp = await tempDir("epoch");
  const runs = runsTmp.path;
  const before = Deno.env.get("SOURCE_DATE_EPOCH");
  Deno.env.set("SOURCE_DATE_EPOCH", "1759795200");
  try {
    const written = await runModelFile(MODEL, { runsDir: runs, deterministic: true });
    assert.notEqual(written.runJson.createdUtc, "2025-10-07T00:00:00Z");
  } finally {
    if (before === undefined) Deno.env.delete("SOURCE_DATE_EPOCH");
    else Deno.env.set("SOURCE_DATE_EPOCH", before);
  }
});

Deno.test("an existing run is never overwritten without overwrite; the same run again is unchanged", async () => {
  await using runsTmp = await tempDir("exists");
  const runs = runsTmp.path;
  const first = await runModelFile(MODEL, {
    runsDir: runs,
    deterministic: true,
    createdAt: FIXED_TIME,
  });
  const before = await readTree(first.runDir);
  // The same model written again (at another time) keeps the run as it was.
  const same = await runModelFile(MODEL, {
    runsDir: runs,
    deterministic: true,
    createdAt: "2026-01-01T00:00:00Z",
  });
  assert.equal(same.unchanged, true);
  assert.equal(same.runId, first.runId);
  assert.equal(same.runJson.createdUtc, FIXED_TIME, "the kept run's documents");
  assert.deepEqual(await readTree(first.runDir), before);
  // Other content at the same id needs overwrite.
  await assertRejectsCode(
    runModelFile(join(ROOT, "fixtures/models/backlog-shift.yaml"), {
      runsDir: runs,
      runId: first.runId,
      createdAt: FIXED_TIME,
    }),
    "run_exists",
    /already exists with different content; set the overwrite option to replace it$/,
  );
  assert.deepEqual(await readTree(first.runDir), before);
  const again = await runModelFile(MODEL, {
    runsDir: runs,
    deterministic: true,
    createdAt: "2026-01-01T00:00:00Z",
    overwrite: true,
  });
  assert.equal(again.runJson.createdUtc, "2026-01-01T00:00:00Z");
  assert.deepEqual([...Deno.readDirSync(runs)].map((e) => e.name), [first.runId]);
});

Deno.test("a writer failing mid-way leaves the runs folder unchanged", async () => {
  await using runsTmp = await tempDir("midway");
  const runs = runsTmp.path;
  await runModelFile(MODEL, { runsDir: runs, runId: "kept", createdAt: FIXED_TIME });
  const before = await readTree(runs);
  const parsed = parseModel(await Deno.readTextFile(MODEL));
  const evaluation = evaluateModel(parsed.model, { exprs: parsed.exprs });
  // The extra model file is refused after model.yaml and every series CSV were written.
  await assertRejectsCode(
    writeRunBundle({
      runsDir: runs,
      modelText: parsed.text,
      model: parsed.model,
      evaluation,
      runId: "broken",
      modelFiles: [{ path: "../escape.csv", data: "x" }],
    }),
    "path_escape",
  );
  assert.deepEqual(await readTree(runs), before);
  assert.deepEqual([...Deno.readDirSync(runs)].map((e) => e.name), ["kept"]);
});

Deno.test("atomic writes: a failing build removes its temp folder; the target never appears", async () => {
  await using parentTmp = await tempDir("atomic");
  const parent = parentTmp.path;
  const target = join(parent, "out");
  await assert.rejects(
    writeFolderAtomically(target, async (tmp) => {
      await Deno.writeTextFile(join(tmp, "a.txt"), "half");
      throw new Error("disk full");
    }),
    /disk full/,
  );
  assert.deepEqual([...Deno.readDirSync(parent)], []);
});

Deno.test("run ids with path characters are refused", async () => {
  await using runsTmp = await tempDir("ids");
  const runs = runsTmp.path;
  for (const runId of ["../x", "a/b", "..", "a\u0000"]) {
    await assertRejectsCode(runModelFile(MODEL, { runsDir: runs, runId }), "invalid_id");
  }
  assert.deepEqual([...Deno.readDirSync(runs)], []);
});

Deno.test("outputs limit the series written, but topology series are always kept", async () => {
  await using dirTmp = await tempDir("outputs");
  const dir = dirTmp.path;
  const model = join(dir, "m.yaml");
  await Deno.writeTextFile(
    model,
    `grid: { bins: 2, binSize: 1 }
nodes:
  - { id: a, kind: const, values: [1, 2] }
  - { id: b, kind: const, values: [3, 4] }
  - { id: c, kind: expr, expr: "a + b" }
topology:
  nodes:
    - { id: S, semantics: { arrivals: a } }
outputs:
  - { series: c, as: c.csv }
`,
  );
  const written = await runModelFile(model, { runsDir: join(dir, "runs") });
  assert.deepEqual(written.runJson.series.map((s) => s.id), ["a@A@DEFAULT", "c@C@DEFAULT"]);
});

Deno.test("the reader opens the bundles it writes and reads series back", async () => {
  await using runsTmp = await tempDir("reader");
  const runs = runsTmp.path;
  const written = await runModelFile(MODEL, {
    runsDir: runs,
    deterministic: true,
    createdAt: FIXED_TIME,
  });
  const bundle = await readRunBundle(written.runDir);
  assert.equal(bundle.runId, written.runId);
  assert.deepEqual(Array.from(await bundle.readSeries("support_queue")), [
    1,
    1,
    0,
    0,
    2,
    10,
    11,
    9,
    7,
    5,
    3,
    1,
  ]);
  assert.deepEqual(Array.from(await bundle.readSeries("order_served@ORDER_SERVED@DEFAULT")), [
    10,
    12,
    11,
    13,
    13,
    13,
    13,
    12,
    10,
    8,
    0,
    6,
  ]);
  assert.equal(bundle.parsedModel().model.topology!.nodes.length, 2);
});
