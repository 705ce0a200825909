// Generate: template + parameters + mode -> model YAML with provenance (CONTRACTS 5.4). The
// model is built as a tree, rendered deterministically and checked with the engine's parser.
import { FlowTimeError, formatPlace, isFlowTimeError } from "../base/errors.ts";
import { resolveTimestamp } from "../base/clock.ts";
import { hashOf, sha256Hex } from "../base/hash.ts";
import { canonicalJson } from "../base/json.ts";
import { isRawMap, type RawMap } from "../base/issues.ts";
import { type FieldPath, formatPath } from "../base/located_yaml.ts";
import { parseModel } from "../model/parse.ts";
import { describeUnsupported } from "../model/features.ts";
import { RUN_MODES, type RunMode } from "../model/types.ts";
import { TOOLKIT_VERSION } from "../base/version.ts";
import { renderYaml } from "./_render.ts";
import {
  asParameterInput,
  bindParameters,
  seriesLengthIssues,
  throwParameterIssues,
} from "./binder.ts";
import { type PlaceholderUse, substitutePlaceholders } from "./placeholders.ts";
import type {
  GeneratedModel,
  ModelProvenance,
  ParameterIssue,
  Template,
  TemplateDocument,
  TemplateNode,
} from "./types.ts";

/** The `generator` written into provenance. */
export const GENERATOR: string = `flowtime-sim/${TOOLKIT_VERSION}`;

/** Options for {@link generateModel}. */
export interface GenerateOptions {
  /** Caller parameter values (a flat mapping; checked here).
   * @default {}
   */
  parameters?: unknown;
  /** `simulation` or `telemetry`; default the template's `mode`, else simulation. */
  mode?: string;
  /** Fixed generation time (ISO UTC); default now. */
  generatedAt?: string;
}

/**
 * Check a requested mode.
 * @param mode the requested mode (undefined = the default)
 * @param fallback the mode used when none is requested
 * @returns the mode
 * @throws FlowTimeError `invalid_mode`
 */
export function resolveMode(mode: string | undefined, fallback: RunMode = "simulation"): RunMode {
  if (mode === undefined || mode === "") return fallback;
  if (!RUN_MODES.includes(mode as RunMode)) {
    throw new FlowTimeError(
      "invalid_mode",
      `mode must be simulation or telemetry, got '${String(mode).slice(0, 40)}'`,
    );
  }
  return mode as RunMode;
}

/**
 * Generate a model from a template. In simulation mode `source` fields are dropped (except on
 * const nodes that have nothing else); in telemetry mode every node with a `source` becomes
 * `{id, kind: const, source}`. Placeholders are then replaced in the tree, the model is
 * rendered, its provenance appended as the last root key, and the result checked with the
 * engine's model parser.
 * @param template a loaded template
 * @param options parameter values, mode and generation time
 * @returns the model text, its provenance and a summary
 * @throws FlowTimeError `invalid_mode`, `invalid_body`, `invalid_parameters` (details list each
 *   parameter) or `template_invalid` (the template itself generates an invalid model)
 */
export function generateModel(template: Template, options: GenerateOptions = {}): GeneratedModel {
  const doc = template.document;
  const id = doc.metadata.id;
  const mode = resolveMode(options.mode, doc.mode ?? "simulation");
  refuseUnsupported(template);
  const params = asParameterInput(options.parameters ?? {}, "the parameter values");
  const bound = bindParameters(doc.parameters ?? [], params);
  const generatedAt = resolveTimestamp(options.generatedAt, "generatedAt");

  const skeleton = modelSkeleton(doc, mode);
  const sub = substitutePlaceholders(skeleton, bound.values);
  const model = sub.value as RawMap;
  if (mode === "telemetry") applyTelemetrySources(model);
  const uses = [...sub.uses];
  const missing = [...sub.missing];
  if (doc.window?.start !== undefined && isRawMap(model.grid)) {
    const grid = model.grid;
    if (grid.start === undefined) {
      const start = substitutePlaceholders(doc.window.start, bound.values, ["grid", "start"]);
      grid.start = start.value;
      uses.push(...start.uses);
      missing.push(...start.missing);
    }
  }
  const failed = new Set(bound.issues.map((i) => i.parameter));
  const issues: ParameterIssue[] = [...bound.issues];
  for (const m of missing) {
    if (failed.has(m.parameter)) continue;
    failed.add(m.parameter);
    issues.push({
      parameter: m.parameter,
      message: `has no value: ${formatPath(m.path)} uses it${
        mode === "telemetry" ? " in telemetry mode" : ""
      }, it was not given and it has no default`,
    });
  }
  if (issues.length === 0) issues.push(...exprIssues(uses, bound.values));
  if (issues.length === 0) issues.push(...seriesLengthIssues(model, uses));
  throwParameterIssues(id, issues);

  const body = renderYaml(model);
  const provenance: ModelProvenance = {
    generator: GENERATOR,
    generatedAt,
    templateId: id,
    templateVersion: doc.metadata.version,
    mode,
    modelId: sha256Hex(body),
    parameters: bound.values,
    inputHash: hashOf(canonicalJson({
      templateId: id,
      templateVersion: doc.metadata.version,
      mode,
      parameters: bound.values,
    })),
    ...(template.warnings.length > 0
      ? {
        warnings: template.warnings.map((w) => ({
          code: w.code,
          path: w.path,
          ...(w.line !== undefined ? { line: w.line } : {}),
          message: w.message,
        })),
      }
      : {}),
  };
  const text = body + renderYaml({ provenance });
  let hasTelemetrySources: boolean;
  try {
    const parsed = parseModel(text, { file: `${id} (generated)` });
    hasTelemetrySources = parsed.model.nodes.some((n) => n.kind === "const" && !!n.source);
  } catch (err) {
    if (isFlowTimeError(err)) throw explainInvalidModel(err, template, uses);
    throw err;
  }
  return {
    model: text,
    provenance,
    metadata: {
      templateId: id,
      templateTitle: doc.metadata.title,
      templateVersion: doc.metadata.version,
      mode,
      modelHash: hashOf(text),
      hasTelemetrySources,
    },
  };
}

// The model before substitution, with keys in the order they are written. Template paths of
// nodes, topology, outputs, grid and rng are kept, so problems map back to template lines.
function modelSkeleton(doc: TemplateDocument, mode: RunMode): RawMap {
  const meta = doc.metadata;
  const model: RawMap = {
    schemaVersion: 1,
    mode,
    metadata: {
      id: meta.id,
      title: meta.title,
      ...(meta.description !== undefined ? { description: meta.description } : {}),
      version: meta.version,
      ...(meta.tags && meta.tags.length > 0 ? { tags: [...meta.tags] } : {}),
    },
    grid: {
      bins: doc.grid.bins,
      binSize: doc.grid.binSize,
      binUnit: doc.grid.binUnit ?? "minutes",
      ...(doc.grid.start !== undefined ? { start: doc.grid.start } : {}),
    },
    nodes: doc.nodes.map((n) => nodeForMode(n, mode)),
  };
  if (doc.topology) model.topology = structuredClone(doc.topology);
  if (doc.outputs !== undefined) model.outputs = structuredClone(doc.outputs);
  if (doc.rng) model.rng = { kind: doc.rng.kind ?? "pcg32", ...seedOf(doc.rng) };
  return model;
}

function seedOf(rng: NonNullable<TemplateDocument["rng"]>): RawMap {
  return rng.seed === undefined ? {} : { seed: rng.seed };
}

// Simulation mode drops `source` (a const node with nothing else keeps it). Telemetry mode
// keeps nodes whole until their source is substituted: see applyTelemetrySources.
function nodeForMode(node: TemplateNode, mode: RunMode): RawMap {
  const copy = structuredClone(node) as unknown as RawMap;
  if (node.source === undefined || mode === "telemetry") return copy;
  const sourceOnly = node.kind === "const" && node.values === undefined;
  if (!sourceOnly) delete copy.source;
  return copy;
}

// Only numbers go into an expression: a string parameter placed there could add references or
// function calls the template does not have (arrays are CONV kernels, numbers all the same).
function exprIssues(
  uses: readonly PlaceholderUse[],
  values: Readonly<Record<string, unknown>>,
): ParameterIssue[] {
  const issues: ParameterIssue[] = [];
  const seen = new Set<string>();
  for (const use of uses) {
    if (use.path.at(-1) !== "expr" || seen.has(use.parameter)) continue;
    const value = values[use.parameter];
    const numeric = typeof value === "number" ||
      (Array.isArray(value) && value.every((v) => typeof v === "number"));
    if (numeric) continue;
    seen.add(use.parameter);
    issues.push({
      parameter: use.parameter,
      message: `is used in the expression ${
        formatPath(use.path)
      }, where only numbers may go, but it is a ${Array.isArray(value) ? "list" : typeof value}`,
    });
  }
  return issues;
}

// Telemetry mode, once placeholders are substituted: a node whose source is given becomes
// `{id, kind: const, source}`; a source that is empty (FlowTime templates default their source
// parameters to "", and FlowTime-Sim sends that default as the text `""`) means "no telemetry
// for this node": the node keeps its values, as FlowTime does.
function applyTelemetrySources(model: RawMap): void {
  if (!Array.isArray(model.nodes)) return;
  model.nodes = model.nodes.map((node) => {
    if (!isRawMap(node) || node.source === undefined) return node;
    const source = typeof node.source === "string" ? node.source.trim() : node.source;
    if (source === "" || source === '""' || source === "''") {
      const { source: _, ...rest } = node;
      return rest;
    }
    return { id: node.id, kind: "const", source: node.source };
  });
}

function refuseUnsupported(template: Template): void {
  const features = template.unsupported;
  if (features.length === 0) return;
  const first = parsePath(features[0].path);
  throw new FlowTimeError(
    "unsupported_feature",
    `template '${template.document.metadata.id}' cannot be generated: ${
      describeUnsupported(features)
    }`,
    {
      file: template.file,
      line: template.lineOf(first),
      path: features[0].path,
      details: features,
    },
  );
}

// A generated model the engine refuses: blame the parameters when every problem lies in a
// value they supplied, else the template (with the template's own file and line).
function explainInvalidModel(
  err: FlowTimeError,
  template: Template,
  uses: readonly PlaceholderUse[],
): FlowTimeError {
  const problems = Array.isArray(err.details) && err.details.length > 0
    ? (err.details as Array<{ path?: string; message?: string }>)
    : [{ path: err.path, message: withoutPlace(err) }];
  const useFor = (path: string) =>
    uses.find((u) => {
      const at = formatPath(u.path);
      return path === at || path.startsWith(`${at}.`) || path.startsWith(`${at}[`);
    });
  const id = template.document.metadata.id;
  if (problems.every((p) => useFor(p.path ?? "") !== undefined)) {
    const blamed: ParameterIssue[] = [];
    for (const p of problems) {
      const parameter = useFor(p.path ?? "")!.parameter;
      if (blamed.some((b) => b.parameter === parameter)) continue;
      blamed.push({
        parameter,
        message: `gives ${p.path} a value the model refuses: ${p.message}`,
      });
    }
    try {
      throwParameterIssues(id, blamed);
    } catch (e) {
      return e as FlowTimeError;
    }
  }
  const first = problems.find((p) => useFor(p.path ?? "") === undefined) ?? problems[0];
  const path = parsePath(first.path ?? "");
  return new FlowTimeError(
    "template_invalid",
    `the model this template generates is not valid: ${first.message ?? withoutPlace(err)}`,
    { file: template.file, line: template.lineOf(path), path: first.path || undefined, cause: err },
  );
}

function withoutPlace(err: FlowTimeError): string {
  const prefix = formatPlace({ file: err.file, line: err.line, path: err.path });
  return err.message.startsWith(prefix) ? err.message.slice(prefix.length) : err.message;
}

function parsePath(text: string): FieldPath {
  const out: Array<string | number> = [];
  for (const m of text.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) {
    out.push(m[2] !== undefined ? Number(m[2]) : m[1]);
  }
  return out;
}
