// Running a model end to end: load telemetry sources, evaluate, write the bundle. The one path
// used by `flowtime run`, the server and the library for every kind of run.
import { dirname } from "node:path";
import { evaluateModel } from "../engine/evaluate.ts";
import { loadModel, type ParsedModel } from "../model/parse.ts";
import { loadTelemetrySources } from "../telemetry/loader.ts";
import {
  type RunNaming,
  type TemplateOrigin,
  writeRunBundle,
  type WrittenRun,
} from "../artifacts/writer.ts";
import type { MetadataCaptureLink } from "../artifacts/types.ts";

/** Options for running a model. */
export interface RunModelOptions extends RunNaming {
  /** Runs folder (default `./data/runs`). */
  runsDir?: string;
  /** Template origin, for generated models. */
  template?: TemplateOrigin;
  /** Capture link, for telemetry-mode runs. */
  capture?: MetadataCaptureLink;
  /** Extra files to place under the run's `model/` folder. */
  modelFiles?: ReadonlyArray<{ path: string; data: Uint8Array | string }>;
}

/**
 * Evaluate a parsed model and write its run bundle.
 * @param parsed the model
 * @param modelDir folder `file:` sources are resolved in
 * @param options naming, overwrite and provenance
 * @returns what was written
 */
export async function runParsedModel(
  parsed: ParsedModel,
  modelDir: string,
  options: RunModelOptions = {},
): Promise<WrittenRun> {
  const loaded = await loadTelemetrySources(parsed.model, modelDir);
  const evaluation = evaluateModel(parsed.model, { sources: loaded.sources, exprs: parsed.exprs });
  return await writeRunBundle({
    runsDir: options.runsDir ?? "./data/runs",
    modelText: parsed.text,
    model: parsed.model,
    evaluation,
    warnings: loaded.warnings,
    runId: options.runId,
    deterministic: options.deterministic,
    overwrite: options.overwrite,
    createdAt: options.createdAt,
    template: options.template,
    capture: options.capture,
    modelFiles: options.modelFiles,
  });
}

/**
 * Read a model file, evaluate it and write its run bundle.
 * @param modelPath path of model.yaml
 * @param options naming, overwrite and provenance
 * @returns what was written
 */
export async function runModelFile(
  modelPath: string,
  options: RunModelOptions = {},
): Promise<WrittenRun> {
  const parsed = await loadModel(modelPath);
  return await runParsedModel(parsed, dirname(modelPath), options);
}
