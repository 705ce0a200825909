// Golden telemetry captures: the order-system, microservices and http-service example models
// run deterministically and captured at GOLDEN_TIME; microservices with a gap configuration.
import { join } from "node:path";
import { runModelFile } from "../../lib/workflow/run_model.ts";
import { captureRun } from "../../lib/telemetry/capture.ts";
import { loadGapConfig } from "../../lib/telemetry/gap_config.ts";
import { GOLDEN_TIME, PROJECT_ROOT } from "./common.ts";
import type { GoldenSet } from "./registry.ts";

/** Each capture golden: folder name, model, and gap configuration if any. */
export const CAPTURE_GOLDENS: ReadonlyArray<{ name: string; model: string; gaps?: string }> = [
  { name: "order-system", model: "fixtures/models/order-system.yaml" },
  {
    name: "microservices",
    model: "fixtures/models/microservices.yaml",
    gaps: "fixtures/gaps/microservices-gaps.yaml",
  },
  { name: "http-service", model: "fixtures/models/http-service.yaml" },
];

/** Capture bundles of the example runs, in fixtures/captures/<name>/. */
export const captureGoldens: GoldenSet = {
  name: "captures",
  dir: "captures",
  async generate(outDir) {
    const runsDir = join(outDir, ".runs");
    try {
      for (const golden of CAPTURE_GOLDENS) {
        const run = await runModelFile(join(PROJECT_ROOT, golden.model), {
          runsDir,
          deterministic: true,
          createdAt: GOLDEN_TIME,
        });
        await captureRun({
          runDir: run.runDir,
          outputDir: join(outDir, golden.name),
          gaps: golden.gaps ? await loadGapConfig(join(PROJECT_ROOT, golden.gaps)) : undefined,
          capturedAt: GOLDEN_TIME,
        });
      }
    } finally {
      await Deno.remove(runsDir, { recursive: true }).catch(() => {});
    }
  },
};
