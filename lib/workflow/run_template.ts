// Generate then run: a template and parameters go through a Sim client (in-process or HTTP),
// and the generated model is evaluated and written as a run that records its template origin.
import { FlowTimeError } from "../base/errors.ts";
import type { WrittenRun } from "../artifacts/writer.ts";
import { type TemplateOrigin, templateOrigin } from "../artifacts/origin.ts";
import { parseModel } from "../model/parse.ts";
import type { RunMode } from "../model/types.ts";
import type { SimClient } from "../sim/client.ts";
import type { GeneratedModel } from "../templates/types.ts";
import { type RunModelOptions, runParsedModel } from "./run_model.ts";

/** What {@link runTemplate} runs: the template, its parameters, and where and how to write. */
export interface RunTemplateRequest extends Omit<RunModelOptions, "template"> {
  /** Template id. */
  templateId: string;
  /** Caller parameter values; declared defaults fill the rest.
   * @default {}
   */
  parameters?: Record<string, unknown>;
  /** Mode to generate for; default the template's mode. Telemetry runs go through
   * `replayCapture`, which binds a capture folder. */
  mode?: RunMode;
  /** Folder that `file:` sources of the generated model resolve in.
   * @default "."
   */
  sourceDir?: string;
}

/** What {@link runTemplate} produced. */
export interface TemplateRun {
  /** The generated model, provenance and summary. */
  generated: GeneratedModel;
  /** The run written. */
  written: WrittenRun;
}

/**
 * Generate a model from a template and write its run bundle, with `model/provenance.json` and
 * metadata.json carrying the template id, title, version and parameters. With
 * `deterministic`, the run id is `run_<templateId>_<first 16 hex of inputHash>`.
 * @param sim the Sim service to generate with
 * @param request template id, parameters, runs folder, naming, overwrite, creation time, mode
 * @returns the generated model and the run written
 * @throws FlowTimeError from generation (`invalid_parameters`, `template_not_found`, ...),
 *   from the model parser, `usage` for telemetry mode, `run_exists`
 */
export async function runTemplate(
  sim: SimClient,
  request: RunTemplateRequest,
): Promise<TemplateRun> {
  const { templateId, parameters = {}, mode, ...runOptions } = request;
  if (mode === "telemetry") throw telemetryNotSupported(templateId);
  const generated = await sim.generate(templateId, { parameters, mode });
  if (generated.metadata.mode === "telemetry") throw telemetryNotSupported(templateId);
  const parsed = parseModel(generated.model, { file: `${templateId} (generated)` });
  const written = await runParsedModel(parsed, { ...runOptions, template: originOf(generated) });
  return { generated, written };
}

/**
 * The template origin a run records for a generated model.
 * @param generated what the Sim service returned
 * @returns the origin for the run writer
 */
export function originOf(generated: GeneratedModel): TemplateOrigin {
  const m = generated.metadata;
  return templateOrigin(generated.provenance as unknown as Record<string, unknown>, {
    templateId: m.templateId,
    templateTitle: m.templateTitle,
    templateVersion: m.templateVersion,
  });
}

function telemetryNotSupported(templateId: string): FlowTimeError {
  return new FlowTimeError(
    "usage",
    `running template '${templateId}' in telemetry mode needs a capture folder to replay: use replayCapture()`,
  );
}
