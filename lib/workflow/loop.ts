// The whole loop for one template, composed from the steps: simulation run -> capture (with
// optional gaps) -> telemetry-mode replay of the capture -> parity against the original.
// Used by `deno task demo`, the loop goldens and the library example.
import { join } from "node:path";
import type { WrittenRun } from "../artifacts/writer.ts";
import { readRunBundle } from "../artifacts/reader.ts";
import type { SimClient } from "../sim/client.ts";
import { captureRun } from "../telemetry/capture.ts";
import type { CaptureResult, GapConfigDocument } from "../telemetry/types.ts";
import { compareRuns, type ParityReport } from "./parity.ts";
import { type CaptureReplay, replayCapture } from "./replay.ts";
import { runTemplate } from "./run_template.ts";

/** Options for {@link runLoop}. */
export interface LoopOptions {
  /** Template id. */
  templateId: string;
  /** Data folder: runs go to `runs/`, the capture to `telemetry/<runId>`. */
  dataDir: string;
  /** Template parameters of the simulation run. */
  parameters?: Record<string, unknown>;
  /** Gap configuration applied by the capture. */
  gaps?: GapConfigDocument;
  /** Fixed creation and capture time (default the clock). */
  at?: string;
  /** Replace runs and captures left by an earlier loop.
   * @default false
   */
  overwrite?: boolean;
}

/** Everything one loop produced. */
export interface LoopResult {
  /** The simulation run. */
  simulation: WrittenRun;
  /** The capture of the simulation run. */
  capture: CaptureResult;
  /** The telemetry-mode replay of the capture. */
  replay: CaptureReplay & { written: WrittenRun };
  /** Parity of the replay against the simulation. */
  parity: ParityReport;
}

/**
 * Run a template in simulation mode, capture the run, replay the capture through the same
 * template in telemetry mode and compare the two runs. Run ids are deterministic; the capture
 * folder is named relative to the data folder (`telemetry/<runId>`) in the replay's provenance.
 * @param sim the Sim service
 * @param options template, data folder, parameters, gaps, time and overwrite
 * @returns the runs, the capture and the parity report
 */
export async function runLoop(sim: SimClient, options: LoopOptions): Promise<LoopResult> {
  const { templateId } = options;
  const runsDir = join(options.dataDir, "runs");
  const common = {
    runsDir,
    deterministic: true,
    overwrite: options.overwrite,
    createdAt: options.at,
  };
  const { written: simulation } = await runTemplate(sim, {
    ...common,
    templateId,
    parameters: options.parameters,
    mode: "simulation",
  });
  const captureRel = `telemetry/${simulation.runId}`;
  const capture = await captureRun({
    runDir: simulation.runDir,
    outputDir: join(options.dataDir, captureRel),
    gaps: options.gaps,
    capturedAt: options.at,
    overwrite: options.overwrite,
  });
  const replay = await replayCapture(sim, {
    ...common,
    templateId,
    captureDir: captureRel,
    parameters: options.parameters,
    sourceDir: options.dataDir,
  });
  const parity = await compareRuns([
    await readRunBundle(simulation.runDir),
    await readRunBundle(replay.written!.runDir),
  ]);
  return { simulation, capture, replay: replay as CaptureReplay & { written: WrittenRun }, parity };
}
