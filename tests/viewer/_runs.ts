// Runs for the viewer's browser tests, made by the toolkit itself: the demo's loop (simulation run,
// capture, telemetry replay) for each example template, in a fresh data folder under .tmp.
import { join } from "node:path";
import { InProcessSimClient } from "../../lib/sim/in_process.ts";
import { loadGapConfig } from "../../lib/telemetry/gap_config.ts";
import { runLoop } from "../../lib/workflow/loop.ts";
import { runModelFile } from "../../lib/workflow/run_model.ts";
import { FIXED_TIME, ROOT, tempDir } from "../_helpers.ts";

/** The simulation run and its replay, for one template. */
export interface LoopRuns {
  /** The simulation run's id. */
  simulation: string;
  /** The telemetry-mode replay's id (its capture source is `simulation`). */
  replay: string;
  /** Bins of both runs. */
  bins: number;
}

/**
 * Make the demo's runs: order-system, microservices (captured with the fixture's gaps) and
 * http-service, each as a simulation run and its telemetry-mode replay.
 * @returns the data folder (remove it when done) and the runs by template id
 */
export async function demoRuns(): Promise<{ dataDir: string; runs: Record<string, LoopRuns> }> {
  const dataDir = (await tempDir("viewer-data")).path;
  const sim = new InProcessSimClient(join(ROOT, "templates"), { generatedAt: FIXED_TIME });
  const plan: Array<[string, string?]> = [
    ["order-system"],
    ["microservices", "fixtures/gaps/microservices-gaps.yaml"],
    ["http-service"],
  ];
  const runs: Record<string, LoopRuns> = {};
  try {
    for (const [template, gaps] of plan) {
      const loop = await runLoop(sim, {
        templateId: template,
        dataDir,
        gaps: gaps ? await loadGapConfig(join(ROOT, gaps)) : undefined,
        at: FIXED_TIME,
      });
      runs[template] = {
        simulation: loop.simulation.runId,
        replay: loop.replay.written.runId,
        bins: loop.simulation.runJson.grid.bins,
      };
    }
  } catch (err) {
    await Deno.remove(dataDir, { recursive: true });
    throw err;
  }
  return { dataDir, runs };
}

/**
 * A run longer than the server's window limit, so the viewer must load it in several windows:
 * one service whose utilisation climbs from 0 to 99 % every 100 bins (every colour, every chunk).
 * @param dataDir the data folder whose `runs/` gets the run
 * @param bins number of bins (e.g. 2500 for three windows of at most 1000)
 * @returns the run id
 */
export async function longRun(dataDir: string, bins: number): Promise<string> {
  const model = join(dataDir, "long-run.yaml");
  await Deno.writeTextFile(
    model,
    `schemaVersion: 1
metadata: { id: long-run, title: Long run, version: 1.0.0 }
grid: { bins: ${bins}, binSize: 1, binUnit: minutes, start: "2025-10-07T00:00:00Z" }
nodes:
  - { id: clock, kind: expr, expr: "SHIFT(clock, 1) + 1" }
  - { id: arrivals, kind: expr, expr: "MOD(clock - 1, 100)" }
  - { id: capacity, kind: const, values: [${Array(bins).fill(100).join(", ")}] }
  - { id: served, kind: expr, expr: "MIN(arrivals, capacity)" }
topology:
  nodes:
    - id: Ramp
      kind: service
      semantics: { arrivals: arrivals, served: served, capacity: capacity }
  edges: []
`,
  );
  const written = await runModelFile(model, {
    runsDir: join(dataDir, "runs"),
    deterministic: true,
    createdAt: FIXED_TIME,
  });
  return written.runId;
}
