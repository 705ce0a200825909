// The loop's engine side: a capture folder and a template become a telemetry-mode run. Grid
// and telemetryDir parameters are bound from the capture manifest, the rest are checked
// against the template's declarations (from the Sim client, local or remote), then the model
// is generated in telemetry mode and bundled with the captured files.
import { isAbsolute, relative, resolve, sep } from "node:path";
import { FlowTimeError } from "../base/errors.ts";
import type { WrittenRun } from "../artifacts/writer.ts";
import { type BinUnit, MINUTES_PER_UNIT } from "../model/types.ts";
import type { SimClient } from "../sim/client.ts";
import type { GeneratedModel } from "../templates/types.ts";
import { bundleTelemetryRun, type CaptureFolder, readCaptureFolder } from "./bundle_capture.ts";
import type { RunModelOptions } from "./run_model.ts";
import { originOf } from "./run_template.ts";

/** What {@link replayCapture} replays: the template, the capture, and how to write the run. */
export interface ReplayRequest
  extends Omit<RunModelOptions, "template" | "capture" | "modelFiles"> {
  /** Template id. */
  templateId: string;
  /** The capture folder, resolved in `sourceDir`. The generated model, the provenance and the
   * input hash name it relative to `sourceDir` when it lies inside (`telemetry/<runId>` for a
   * data folder), else by its absolute path: the same capture, however it is spelled, gives the
   * same deterministic run id. */
  captureDir: string;
  /** Caller parameter values; `telemetryDir`, `bins`, `binSize` and `start` are filled from the
   * capture when not given.
   * @default {}
   */
  parameters?: Record<string, unknown>;
  /** Folder the capture path and relative sources are resolved in.
   * @default "."
   */
  sourceDir?: string;
  /** Only bind and generate; write nothing.
   * @default false
   */
  dryRun?: boolean;
  /** Replay a capture whose manifest names another template than `templateId` (a capture of
   * one template replayed through another gives a run that looks plausible and is wrong).
   * @default false
   */
  allowTemplateMismatch?: boolean;
}

/** What {@link replayCapture} did. */
export interface CaptureReplay {
  /** Parameters the model was generated with (caller values plus those bound from the capture). */
  parameters: Record<string, unknown>;
  /** Names of the parameters filled from the capture manifest. */
  boundFromCapture: string[];
  /** The generated telemetry-mode model. */
  generated: GeneratedModel;
  /** The run written (absent on a dry run). */
  written?: WrittenRun;
}

/**
 * Fill `telemetryDir`, `bins`, `binSize` and `start` from a capture unless the caller set
 * them, and check the caller's grid agrees with the capture.
 * @param sim Sim client whose template declarations are used
 * @param request the template id, the capture folder read, how the generated model should
 *   name it, and the caller's values
 * @returns merged parameters and which ones were bound from the capture
 * @throws FlowTimeError `capture_invalid` when the caller's grid disagrees with the capture
 */
export async function bindCaptureParameters(
  sim: SimClient,
  request: {
    templateId: string;
    capture: CaptureFolder;
    captureRef: string;
    parameters?: Record<string, unknown>;
  },
): Promise<{ parameters: Record<string, unknown>; boundFromCapture: string[] }> {
  const { templateId, capture, captureRef, parameters = {} } = request;
  const detail = await sim.getTemplate(templateId);
  const declared = new Set(detail.parameters.map((p) => p.name));
  // A template without telemetryDir (FlowTime's) still replays: every file of the manifest is
  // bound onto the semantics of its node when the run is bundled.
  const grid = capture.manifest.grid;
  const unit = (grid.binUnit ?? "minutes") as BinUnit;
  if (!(unit in MINUTES_PER_UNIT)) {
    throw new FlowTimeError(
      "capture_invalid",
      `the capture's grid has an unknown binUnit '${grid.binUnit}'`,
    );
  }
  const fromCapture: Record<string, unknown> = {
    telemetryDir: captureRef,
    bins: grid.bins,
    // Templates declare binSize in minutes.
    binSize: grid.binSize * MINUTES_PER_UNIT[unit],
  };
  const start = capture.manifest.window?.startTimeUtc;
  if (typeof start === "string") fromCapture.start = start;
  const merged = { ...parameters };
  const bound: string[] = [];
  for (const [name, value] of Object.entries(fromCapture)) {
    if (!declared.has(name)) continue;
    const given = merged[name];
    if (given === undefined || given === null) {
      merged[name] = value;
      bound.push(name);
    } else if (name === "bins" || name === "binSize") {
      if (Number(given) !== value) {
        throw new FlowTimeError(
          "capture_invalid",
          `${name} = ${given} disagrees with the capture, which has ${name} = ${value}; leave ${name} out to take it from the capture`,
          { details: [{ parameter: name, message: `the capture has ${value}` }] },
        );
      }
    }
  }
  return { parameters: merged, boundFromCapture: bound };
}

/**
 * Replay a capture through a template: bind parameters from the capture, generate the model
 * in telemetry mode through the Sim client, then verify, copy and evaluate the captured files
 * into a new run (see `bundleTelemetryRun`).
 * @param sim the Sim service (in-process or HTTP)
 * @param request template, capture folder, parameters, run naming, overwrite, creation time,
 *   source folder, dry run
 * @returns parameters, generated model and the written run
 */
export async function replayCapture(
  sim: SimClient,
  request: ReplayRequest,
): Promise<CaptureReplay> {
  const {
    templateId,
    captureDir,
    parameters = {},
    sourceDir = ".",
    dryRun,
    allowTemplateMismatch,
    ...runOptions
  } = request;
  const captureRef = canonicalCaptureRef(sourceDir, captureDir);
  const capture = await readCaptureFolder(resolveFrom(sourceDir, captureRef));
  if (!allowTemplateMismatch) checkCaptureTemplate(capture, templateId, captureDir);
  const bound = await bindCaptureParameters(sim, {
    templateId,
    capture,
    captureRef,
    parameters,
  });
  const generated = await sim.generate(templateId, {
    parameters: bound.parameters,
    mode: "telemetry",
  });
  if (dryRun) return { ...bound, generated };
  const written = await bundleTelemetryRun({
    ...runOptions,
    captureDir: captureRef,
    captureFolder: capture,
    modelText: generated.model,
    modelFile: `${templateId} (generated, telemetry)`,
    modelDir: sourceDir,
    template: originOf(generated),
  });
  return { ...bound, generated, written };
}

/**
 * How a replay names its capture folder (in the model, the provenance and the input hash):
 * relative to the source folder when it lies inside it, with `/` separators and no `.`
 * segments; else its absolute path.
 * @param sourceDir the folder relative names resolve in (the data folder)
 * @param captureDir the capture folder as given (relative to `sourceDir`, or absolute)
 * @returns the canonical name
 */
export function canonicalCaptureRef(sourceDir: string, captureDir: string): string {
  const base = resolve(sourceDir);
  const abs = resolve(base, captureDir);
  const rel = relative(base, abs);
  if (rel === "" || rel === ".." || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return abs;
  return rel.split(sep).join("/");
}

// A capture of one template replayed through another: both may share node names (the example
// templates share OrderService and PaymentService), so the run would look plausible.
function checkCaptureTemplate(capture: CaptureFolder, templateId: string, captureDir: string) {
  const captured = capture.manifest.provenance?.templateId;
  if (captured === undefined || captured === templateId) return;
  throw new FlowTimeError(
    "template_mismatch",
    `capture ${captureDir} was made from a run of template '${captured}', not '${templateId}'; replay it through '${captured}'`,
    {
      fix: { option: "allowTemplateMismatch", effect: `replay it through '${templateId}' anyway` },
      details: [{ captureTemplateId: captured, templateId }],
    },
  );
}

function resolveFrom(base: string, path: string): string {
  return path.startsWith("/") || base === "." ? path : `${base.replace(/\/+$/, "")}/${path}`;
}
