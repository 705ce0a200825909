// Opening runs for state queries: damaged bundles are refused with what is wrong, model hashes
// must agree, and the envelope carries provenance and storage paths relative to the run.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { loadStateRun } from "../../lib/state/load.ts";
import { assertRejectsCode } from "../_helpers.ts";
import { fixtureRunCopy, QUEUE_BUFFER_RUN, runModelText, serviceModel } from "./_runs.ts";

/** A copy of the queue-buffer run to damage (disposable). */
const queueBufferCopy = () => fixtureRunCopy(QUEUE_BUFFER_RUN);

Deno.test("a missing run folder is run_not_found", async () => {
  await using copy = await queueBufferCopy();
  const { runDir } = copy;
  await assertRejectsCode(() => loadStateRun(`${runDir}-nope`), "run_not_found", "does not exist");
});

Deno.test("a corrupted run.json is bundle_invalid naming the file", async () => {
  await using copy = await queueBufferCopy();
  const { runDir } = copy;
  await Deno.writeTextFile(join(runDir, "run.json"), '{"runId": "x", ');
  await assertRejectsCode(
    () => loadStateRun(runDir),
    "bundle_invalid",
    "run.json is not valid JSON",
  );
});

Deno.test("run.json without a grid is bundle_invalid", async () => {
  await using copy = await queueBufferCopy();
  const { runDir } = copy;
  await Deno.writeTextFile(join(runDir, "run.json"), '{"runId": "x"}');
  await assertRejectsCode(
    () => loadStateRun(runDir),
    "bundle_invalid",
    "run.json has no valid grid.bins",
  );
});

Deno.test("an unreadable model is bundle_invalid saying why", async () => {
  await using copy = await queueBufferCopy();
  const { runDir } = copy;
  await Deno.writeTextFile(join(runDir, "model/model.yaml"), "nodes: [\n");
  await assertRejectsCode(
    () => loadStateRun(runDir),
    "bundle_invalid",
    "the run's model is unreadable",
  );
});

Deno.test("a missing series file is bundle_invalid naming it", async () => {
  await using copy = await queueBufferCopy();
  const { runDir } = copy;
  await Deno.remove(join(runDir, "series/order_served@ORDER_SERVED@DEFAULT.csv"));
  await assertRejectsCode(
    () => loadStateRun(runDir),
    "bundle_invalid",
    "series file series/order_served@ORDER_SERVED@DEFAULT.csv listed in series/index.json is missing",
  );
});

Deno.test("metadata.json modelHash differing from run.json is provenance_mismatch", async () => {
  await using copy = await queueBufferCopy();
  const { runDir } = copy;
  const path = join(runDir, "model/metadata.json");
  const meta = JSON.parse(await Deno.readTextFile(path));
  meta.modelHash = `sha256:${"0".repeat(64)}`;
  await Deno.writeTextFile(path, JSON.stringify(meta));
  await assertRejectsCode(
    () => loadStateRun(runDir),
    "provenance_mismatch",
    `modelHash sha256:${"0".repeat(64)} differs from run.json's`,
  );
});

Deno.test("manifest.json modelHash differing from run.json is provenance_mismatch", async () => {
  await using copy = await queueBufferCopy();
  const { runDir } = copy;
  const path = join(runDir, "manifest.json");
  const manifest = JSON.parse(await Deno.readTextFile(path));
  manifest.modelHash = `sha256:${"1".repeat(64)}`;
  await Deno.writeTextFile(path, JSON.stringify(manifest));
  await assertRejectsCode(() => loadStateRun(runDir), "provenance_mismatch", "manifest.json");
});

Deno.test("a model with a different bin count than run.json is bundle_invalid", async () => {
  await using copy = await queueBufferCopy();
  const { runDir } = copy;
  const path = join(runDir, "run.json");
  const run = JSON.parse(await Deno.readTextFile(path));
  run.grid.bins = 10;
  await Deno.writeTextFile(path, JSON.stringify(run));
  await assertRejectsCode(
    () => loadStateRun(runDir),
    "bundle_invalid",
    "the model has 12 bins but run.json has 10",
  );
});

Deno.test("provenanceHash is the sha256 of model/provenance.json and its path is listed", async () => {
  await using written = await runModelText(serviceModel(
    2,
    `metadata: { id: tiny, title: Tiny }
provenance:
  generator: flowtime-sim/0.1.0
  generatedAt: "2025-10-07T00:00:00Z"
  templateId: tiny
  templateVersion: 1.2.0
  mode: simulation
  parameters: { rate: 10 }
`,
  ));
  const { runDir } = written;
  const bytes = await Deno.readFile(join(runDir, "model/provenance.json"));
  const expected = `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
  const run = await loadStateRun(runDir);
  assert.equal(run.metadata.provenanceHash, expected);
  assert.equal(run.metadata.templateId, "tiny");
  assert.equal(run.metadata.templateTitle, "Tiny");
  assert.equal(run.metadata.templateVersion, "1.2.0");
  assert.deepEqual(run.metadata.storage, {
    modelPath: "model/model.yaml",
    metadataPath: "model/metadata.json",
    provenancePath: "model/provenance.json",
  });
});

Deno.test("without provenance.json the envelope has no provenanceHash", async () => {
  await using copy = await queueBufferCopy();
  const run = await loadStateRun(copy.runDir);
  assert.equal("provenanceHash" in run.metadata, false);
  assert.equal("provenancePath" in run.metadata.storage, false);
});

Deno.test("a bundle without metadata.json falls back to the model's title", async () => {
  await using copy = await queueBufferCopy();
  const { runDir } = copy;
  await Deno.remove(join(runDir, "model/metadata.json"));
  const run = await loadStateRun(runDir);
  assert.equal(run.metadata.templateId, "adhoc-model");
  assert.equal(run.metadata.templateTitle, "Service and support queue");
  assert.deepEqual(run.metadata.storage, { modelPath: "model/model.yaml" });
});
