// Golden loop outputs: for each example template, the telemetry-mode run that replays the
// capture of its simulation run (microservices with the gaps of fixtures/gaps/), and that run's
// /state_window response over every bin.
import { join } from "node:path";
import { InProcessSimClient } from "../../lib/sim/in_process.ts";
import { loadGapConfig } from "../../lib/telemetry/gap_config.ts";
import { runLoop } from "../../lib/workflow/loop.ts";
import { loadStateRun } from "../../lib/state/load.ts";
import { queryState, stateResponseText } from "../../lib/state/service.ts";
import { GOLDEN_TIME, PROJECT_ROOT } from "./common.ts";
import type { GoldenSet } from "./registry.ts";

/** The templates of the loop goldens and the gap configuration each capture uses. */
export const LOOP_GOLDEN_CASES: ReadonlyArray<{ template: string; gaps?: string }> = [
  { template: "order-system" },
  { template: "microservices", gaps: "fixtures/gaps/microservices-gaps.yaml" },
  { template: "http-service" },
];

/** Telemetry-mode run bundles and their state windows, in fixtures/loop/<template>/. */
export const loopGoldens: GoldenSet = {
  name: "loop",
  dir: "loop",
  async generate(outDir) {
    const sim = new InProcessSimClient(join(PROJECT_ROOT, "templates"), {
      generatedAt: GOLDEN_TIME,
    });
    const scratch = join(outDir, ".work");
    for (const c of LOOP_GOLDEN_CASES) {
      const gaps = c.gaps ? await loadGapConfig(join(PROJECT_ROOT, c.gaps)) : undefined;
      const loop = await runLoop(sim, {
        templateId: c.template,
        dataDir: scratch,
        gaps,
        at: GOLDEN_TIME,
      });
      const target = join(outDir, c.template);
      await Deno.mkdir(target, { recursive: true });
      // The folder is named by the run's id: a run is its folder.
      const runDir = join(target, loop.replay.written.runId);
      await Deno.rename(loop.replay.written.runDir, runDir);
      const run = await loadStateRun(runDir);
      const bins = loop.replay.written.runJson.grid.bins;
      const window = queryState(run, {
        kind: "window",
        startBin: 0,
        endBin: Math.min(bins, 1000) - 1,
      });
      await Deno.writeTextFile(join(target, "state_window.json"), stateResponseText(window));
    }
    await Deno.remove(scratch, { recursive: true });
  },
};
