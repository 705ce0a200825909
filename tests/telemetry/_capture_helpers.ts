// Helpers for the capture tests: copies of the checked-in example runs to change freely, a run
// generated "from a template", listings that show any change on disk, and file edits that keep
// a run's recorded hashes consistent. The scratch folders are disposable: declare them with
// `await using` and they are removed when the test ends.
import { join, relative } from "node:path";
import { hashOf } from "../../lib/base/hash.ts";
import { runModelFile } from "../../lib/workflow/run_model.ts";
import { copyTree, FIXED_TIME, ROOT, type TempDir, tempFixture } from "../_helpers.ts";

/** Checked-in run of fixtures/models/queue-buffer.yaml (capacity and queue depth). */
export const QUEUE_BUFFER_RUN = "run_deterministic_e673448a";
/** Checked-in run of FlowTime's legacy http-service model (file: semantics). */
export const HTTP_LEGACY_RUN = "run_deterministic_3844869f";
/** Checked-in run of fixtures/models/order-system.yaml. */
export const ORDER_SYSTEM_RUN = "run_deterministic_d9dfa8a0";

/** A scratch data folder holding a copy of a run; disposing it removes the folder. */
export interface RunCopy extends TempDir {
  /** The scratch data folder (`runs/` and, after a capture, `telemetry/`). */
  dataDir: string;
  /** The copied run folder. */
  runDir: string;
  /** Its run id. */
  runId: string;
}

/**
 * Copy a checked-in run into a fresh data folder under .tmp.
 * @param runId a folder of fixtures/runs
 * @returns the data folder and run folder (disposable)
 */
export function copyRun(runId: string): Promise<RunCopy> {
  return tempFixture("capture", async (dataDir) => {
    const runDir = join(dataDir, "runs", runId);
    await copyTree(join(ROOT, "fixtures/runs", runId), runDir);
    return { dataDir, runDir, runId };
  });
}

/**
 * Run the queue-buffer model with a template provenance block, as the Sim would generate it.
 * @returns a data folder holding the run
 */
export function templateRun(): Promise<RunCopy> {
  return tempFixture("capture-tpl", async (dataDir) => {
    const text = await Deno.readTextFile(join(ROOT, "fixtures/models/queue-buffer.yaml"));
    const model = join(dataDir, "model.yaml");
    await Deno.writeTextFile(
      model,
      `${text}provenance:
  generator: flowtime-sim/0.1.0
  templateId: support-desk
  templateVersion: 2.1.0
  inputHash: "sha256:${"ab".repeat(32)}"
  parameters: { bins: 12 }
`,
    );
    const run = await runModelFile(model, {
      runsDir: join(dataDir, "runs"),
      deterministic: true,
      createdAt: FIXED_TIME,
    });
    return { dataDir, runDir: run.runDir, runId: run.runId };
  });
}

/**
 * Every file and folder below `dir` with size and modification time, to detect any change.
 * @param dir folder to list
 * @returns sorted lines `path size mtime`
 */
export async function listing(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string) => {
    for await (const e of Deno.readDir(d)) {
      const p = join(d, e.name);
      const info = await Deno.lstat(p);
      out.push(
        `${relative(dir, p)}${e.isDirectory ? "/" : ""} ${info.size} ${info.mtime?.getTime()}`,
      );
      if (e.isDirectory) await walk(p);
    }
  };
  await walk(dir);
  return out.sort();
}

/**
 * Replace text in one series file of a run and record the new hash in series/index.json and
 * manifest.json, as if the engine had written those values.
 * @param runDir the run folder
 * @param seriesId series to edit
 * @param edit text transformation
 */
export async function editSeries(
  runDir: string,
  seriesId: string,
  edit: (text: string) => string,
): Promise<void> {
  const rel = `series/${seriesId}.csv`;
  const text = edit(await Deno.readTextFile(join(runDir, rel)));
  await Deno.writeTextFile(join(runDir, rel), text);
  const hash = hashOf(text);
  const indexPath = join(runDir, "series/index.json");
  const index = JSON.parse(await Deno.readTextFile(indexPath));
  for (const s of index.series) if (s.id === seriesId) s.hash = hash;
  await Deno.writeTextFile(indexPath, JSON.stringify(index, null, 2) + "\n");
  const manifestPath = join(runDir, "manifest.json");
  const manifest = JSON.parse(await Deno.readTextFile(manifestPath));
  manifest.seriesHashes[seriesId] = hash;
  await Deno.writeTextFile(manifestPath, JSON.stringify(manifest, null, 2) + "\n");
}

/**
 * Write a model (and files beside it) into a scratch folder and run it.
 * @param modelText the model YAML
 * @param files other files to write next to the model, by name
 * @returns data folder and run
 */
export function runText(
  modelText: string,
  files: Record<string, string> = {},
): Promise<RunCopy> {
  return tempFixture("capture-model", async (dataDir) => {
    for (const [name, text] of Object.entries(files)) {
      await Deno.writeTextFile(join(dataDir, name), text);
    }
    const model = join(dataDir, "model.yaml");
    await Deno.writeTextFile(model, modelText);
    const run = await runModelFile(model, {
      runsDir: join(dataDir, "runs"),
      deterministic: true,
      createdAt: FIXED_TIME,
    });
    return { dataDir, runDir: run.runDir, runId: run.runId };
  });
}
