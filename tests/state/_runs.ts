// Run folders for state tests: fixture runs copied into a temp runs folder (so tests can damage
// them) and runs made from model text written into a temp folder. Every temp folder comes back
// disposable: declare it with `await using` and it is removed when the test ends.
import { join } from "node:path";
import { runModelFile, type RunModelOptions } from "../../lib/workflow/run_model.ts";
import { copyTree, FIXED_TIME, ROOT, type TempDir, tempFixture } from "../_helpers.ts";

/** Fixture run ids (fixtures/runs/). */
export const QUEUE_BUFFER_RUN = "run_deterministic_e673448a";
/** backlog-shift fixture run. */
export const BACKLOG_SHIFT_RUN = "run_deterministic_9c941bf5";
/** FlowTime http-service legacy fixture run. */
export const HTTP_SERVICE_RUN = "run_deterministic_3844869f";
/** order-system fixture run. */
export const ORDER_SYSTEM_RUN = "run_deterministic_d9dfa8a0";

/**
 * Path of a checked-in fixture run (read-only).
 * @param runId fixture run id
 * @returns absolute run folder
 */
export function fixtureRun(runId: string): string {
  return join(ROOT, "fixtures", "runs", runId);
}

/**
 * Copy fixture runs into a fresh temp runs folder.
 * @param runIds fixture run ids
 * @returns the temp data folder (runs are in `<data>/runs/<id>`), disposable
 */
export function dataDirWith(...runIds: string[]): Promise<TempDir> {
  return tempFixture("state-data", async (data) => {
    await Deno.mkdir(join(data, "runs"));
    for (const id of runIds) await copyTree(fixtureRun(id), join(data, "runs", id));
    return {};
  });
}

/**
 * Copy one fixture run into a fresh temp data folder, optionally changing it.
 * @param runId fixture run id
 * @param edit changes made to the copy (e.g. damage a file)
 * @returns the copy's run folder (`<data>/runs/<id>`), disposable
 */
export function fixtureRunCopy(
  runId: string,
  edit?: (runDir: string) => Promise<void>,
): Promise<TempDir & { runDir: string }> {
  return tempFixture("state-run", async (data) => {
    const runDir = join(data, "runs", runId);
    await copyTree(fixtureRun(runId), runDir);
    await edit?.(runDir);
    return { runDir };
  });
}

/** A run written for a test: its id, folder and runs folder; disposing removes its temp folder. */
export interface TestRun extends AsyncDisposable {
  /** Run id. */
  runId: string;
  /** The run folder. */
  runDir: string;
  /** The runs folder holding it. */
  runsDir: string;
}

/**
 * Write a model (and files next to it) into a temp folder and run it deterministically.
 * @param modelText model YAML
 * @param options runs folder, extra files next to the model, run options
 * @returns the run id and folder
 */
export function runModelText(
  modelText: string,
  options: {
    runsDir?: string;
    files?: Record<string, string>;
    run?: RunModelOptions;
  } = {},
): Promise<TestRun> {
  return tempFixture("state-model", async (dir) => {
    await Deno.writeTextFile(join(dir, "model.yaml"), modelText);
    for (const [name, text] of Object.entries(options.files ?? {})) {
      await Deno.writeTextFile(join(dir, name), text);
    }
    const runsDir = options.runsDir ?? join(dir, "runs");
    const written = await runModelFile(join(dir, "model.yaml"), {
      runsDir,
      deterministic: true,
      createdAt: FIXED_TIME,
      ...options.run,
    });
    return { runId: written.runId, runDir: written.runDir, runsDir };
  });
}

/**
 * Run the telemetry-gaps fixture model (fixtures/models/telemetry-gaps/) into a runs folder.
 * @param runsDir runs folder (default: a fresh temp folder, removed on dispose)
 * @param run extra run options (capture link, model files)
 * @returns the run id and folder
 */
export async function runTelemetryGaps(
  runsDir?: string,
  run: RunModelOptions = {},
): Promise<TestRun> {
  const write = async (target: string) => {
    const written = await runModelFile(
      join(ROOT, "fixtures/models/telemetry-gaps/model.yaml"),
      { runsDir: target, deterministic: true, createdAt: FIXED_TIME, ...run },
    );
    return { runId: written.runId, runDir: written.runDir, runsDir: target };
  };
  if (runsDir !== undefined) {
    return { ...await write(runsDir), [Symbol.asyncDispose]: async () => {} };
  }
  return await tempFixture("state-tg", (dir) => write(join(dir, "runs")));
}

/**
 * A const-only model text with one service (arrivals, served, capacity) over `bins` bins.
 * @param bins number of bins
 * @param extra lines appended to the model (e.g. `mode: telemetry`)
 * @returns the YAML text
 */
export function serviceModel(bins: number, extra = ""): string {
  const arr = (v: number) => `[${Array.from({ length: bins }, () => v).join(", ")}]`;
  return `schemaVersion: 1
grid: { bins: ${bins}, binSize: 1, binUnit: minutes, start: "2025-10-07T00:00:00Z" }
nodes:
  - { id: a, kind: const, values: ${arr(10)} }
  - { id: s, kind: const, values: ${arr(8)} }
  - { id: c, kind: const, values: ${arr(16)} }
topology:
  nodes:
    - id: Svc
      kind: service
      semantics: { arrivals: a, served: s, capacity: c }
  edges: []
${extra}`;
}
