// Running a model end to end: load telemetry sources, evaluate, write the bundle. The one path
// used by `flowtime run`, the server and the library for every kind of run.
import { dirname } from "node:path";
import { evaluateModelYielding } from "../engine/evaluate.ts";
import { loadModel, type ParsedModel } from "../model/parse.ts";
import { loadTelemetrySources } from "../telemetry/loader.ts";
import { type RunNaming, writeRunBundle, type WrittenRun } from "../artifacts/writer.ts";
import type { TemplateOrigin } from "../artifacts/origin.ts";
import type { MetadataCaptureLink } from "../artifacts/types.ts";
import type { RunWarning } from "../base/warnings.ts";

/** Options for running a model. */
export interface RunModelOptions extends RunNaming {
  /** Runs folder.
   * @default "./data/runs"
   */
  runsDir?: string;
  /** Template origin, for generated models. */
  template?: TemplateOrigin;
  /** Capture link, for telemetry-mode runs. */
  capture?: MetadataCaptureLink;
  /** Extra files to place under the run's `model/` folder. */
  modelFiles?: ReadonlyArray<{ path: string; data: Uint8Array | string }>;
  /** Warnings to record in run.json besides the evaluation's and the loader's. */
  warnings?: readonly RunWarning[];
}

/** Options for {@link runParsedModel}. */
export interface RunParsedOptions extends RunModelOptions {
  /** Folder `file:` sources resolve in.
   * @default "."
   */
  sourceDir?: string;
  /** Source files held in memory, by path relative to the model folder; when given, nothing
   * is read from disk. */
  files?: ReadonlyMap<string, string>;
}

/**
 * Evaluate a parsed model and write its run bundle: the one evaluate-and-write step of every
 * kind of run (a model file, a generated model, a replayed capture).
 * @param parsed the model
 * @param options where sources are read from, naming, overwrite and provenance
 * @returns what was written
 */
export async function runParsedModel(
  parsed: ParsedModel,
  options: RunParsedOptions = {},
): Promise<WrittenRun> {
  const loaded = await loadTelemetrySources(parsed.model, {
    modelDir: options.sourceDir ?? ".",
    ...(options.files ? { files: options.files, filesOnly: true } : {}),
  });
  const evaluation = await evaluateModelYielding(parsed.model, {
    sources: loaded.sources,
    exprs: parsed.exprs,
  });
  return await writeRunBundle({
    runsDir: options.runsDir ?? "./data/runs",
    modelText: parsed.text,
    model: parsed.model,
    evaluation,
    warnings: [...modelWarnings(parsed), ...(options.warnings ?? []), ...loaded.warnings],
    runId: options.runId,
    deterministic: options.deterministic,
    overwrite: options.overwrite,
    createdAt: options.createdAt,
    template: options.template,
    capture: options.capture,
    modelFiles: options.modelFiles,
  });
}

// Fields the model parser read past (`unknown_field`) are recorded with the run, so what was
// ignored stays visible in run.json and in /state's warnings.
function modelWarnings(parsed: ParsedModel): RunWarning[] {
  return parsed.warnings.map((w) => ({
    code: w.code,
    message: `${w.path}: ${w.message}`,
    severity: "info" as const,
  }));
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
  return await runParsedModel(parsed, { ...options, sourceDir: dirname(modelPath) });
}
