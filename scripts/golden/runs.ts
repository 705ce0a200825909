// Golden run bundles: each example model run with --deterministic and a fixed time.
import { join } from "node:path";
import { runModelFile } from "../../lib/workflow/run_model.ts";
import { GOLDEN_MODELS, GOLDEN_TIME, PROJECT_ROOT } from "./common.ts";
import type { GoldenSet } from "./registry.ts";

/** Run bundles of the example models, in fixtures/runs/. */
export const runGoldens: GoldenSet = {
  name: "runs",
  dir: "runs",
  async generate(outDir) {
    for (const model of GOLDEN_MODELS) {
      await runModelFile(join(PROJECT_ROOT, model), {
        runsDir: outDir,
        deterministic: true,
        createdAt: GOLDEN_TIME,
      });
    }
  },
};
