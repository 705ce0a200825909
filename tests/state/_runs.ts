// Run folders for state tests: fixture runs copied into a temp runs folder (so tests can damage
// them) and runs made from model text written into a temp folder.
import { join } from "node:path";
import { runModelFile, type RunModelOptions } from "../../lib/workflow/run_model.ts";
import { copyTree, FIXED_TIME, ROOT, tempDir } from "../_helpers.ts";

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
 * @returns the temp data folder (runs are in `<data>/runs/<id>`)
 */
export async function dataDirWith(...runIds: string[]): Promise<string> {
  const data = await tempDir("state-data");
  await Deno.mkdir(join(data, "runs"));
  for (const id of runIds) await copyTree(fixtureRun(id), join(data, "runs", id));
  return data;
}

/**
 * Write a model (and files next to it) into a temp folder and run it deterministically.
 * @param modelText model YAML
 * @param options runs folder, extra files next to the model, run options
 * @returns the run id and folder
 */
export async function runModelText(
  modelText: string,
  options: {
    runsDir?: string;
    files?: Record<string, string>;
    run?: RunModelOptions;
  } = {},
): Promise<{ runId: string; runDir: string; runsDir: string }> {
  const dir = await tempDir("state-model");
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
}

/**
 * Run the telemetry-gaps fixture model (fixtures/models/telemetry-gaps/) into a runs folder.
 * @param runsDir runs folder (default: a fresh temp folder)
 * @param run extra run options (capture link, model files)
 * @returns the run id and folder
 */
export async function runTelemetryGaps(
  runsDir?: string,
  run: RunModelOptions = {},
): Promise<{ runId: string; runDir: string; runsDir: string }> {
  const target = runsDir ?? join(await tempDir("state-tg"), "runs");
  const written = await runModelFile(
    join(ROOT, "fixtures/models/telemetry-gaps/model.yaml"),
    { runsDir: target, deterministic: true, createdAt: FIXED_TIME, ...run },
  );
  return { runId: written.runId, runDir: written.runDir, runsDir: target };
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
