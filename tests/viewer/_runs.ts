// Runs for the viewer's browser tests, made by the toolkit itself: the demo's loop (simulation run,
// capture, telemetry replay) for each example template, in a fresh data folder under .tmp.
import { join } from "node:path";
import { InProcessSimClient } from "../../lib/sim/in_process.ts";
import { loadGapConfig } from "../../lib/telemetry/gap_config.ts";
import { runLoop } from "../../lib/workflow/loop.ts";
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
  const dataDir = await tempDir("viewer-data");
  const sim = new InProcessSimClient(join(ROOT, "templates"), { generatedAt: FIXED_TIME });
  const plan: Array<[string, string?]> = [
    ["order-system"],
    ["microservices", "fixtures/gaps/microservices-gaps.yaml"],
    ["http-service"],
  ];
  const runs: Record<string, LoopRuns> = {};
  try {
    for (const [template, gaps] of plan) {
      const loop = await runLoop(sim, template, {
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
