// Reads model YAML into the normalised Model: checks every field (collecting all problems with
// their line), converts legacy FlowTime shapes, then runs the semantic checks in validate.ts.
import { fsError } from "../base/errors.ts";
import { type FieldPath, MAX_YAML_BYTES, parseYamlLocated } from "../base/located_yaml.ts";
import { readUserText } from "../base/safe_read.ts";
import { FlowTimeError } from "../base/errors.ts";
import {
  describeValue,
  dropNullKeys,
  ignoreUnknownKeys,
  isRawMap,
  IssueList,
  type ParseWarning,
  readNumber,
  readString,
} from "../base/issues.ts";
import type { Expr } from "../expr/parse.ts";
import { type Model, type OutputSpec, RUN_MODES, type RunMode } from "./types.ts";
import { semanticIssues, validateModelSemantics } from "./validate.ts";
import { readGrid, startOfModel } from "./_grid.ts";
import { describeUnsupported, unsupportedFeatures } from "./features.ts";
import { NODE_ID_PATTERN, readNodes } from "./_nodes.ts";
import { readTopology } from "./_topology.ts";

export { NODE_ID_PATTERN };

/** A model parsed from text, with everything later stages need to report problems. */
export interface ParsedModel {
  /** File name used in messages. */
  file: string;
  /** The source text (BOM removed), written byte-for-byte as `model/model.yaml`. */
  text: string;
  /** The normalised model. */
  model: Model;
  /** Parsed expressions of `expr` nodes, by node id. */
  exprs: ReadonlyMap<string, Expr>;
  /** 1-based line of a field path. */
  lineOf(path: FieldPath): number | undefined;
  /** Where each model node was declared (synthesized nodes point at their semantics entry). */
  nodePaths: ReadonlyMap<string, FieldPath>;
  /** Fields read past (`unknown_field`): FlowTime ignores fields it does not know, and so does
   * the toolkit, saying which. */
  warnings: ParseWarning[];
}

/** Options for {@link parseModel}. */
export interface ParseModelOptions {
  /** File name for messages (default `model.yaml`). */
  file?: string;
}

const ROOT_KEYS = [
  "schemaVersion",
  "generator",
  "mode",
  "metadata",
  "grid",
  "window",
  "nodes",
  "topology",
  "outputs",
  "rng",
  "provenance",
  "variables",
  "constraints",
  "classes",
  "traffic",
];

/**
 * Parse and validate model YAML.
 * @param text the YAML text
 * @param options file name for messages
 * @returns the parsed model
 * Fields the toolkit does not know are read past with an `unknown_field` warning (FlowTime
 * ignores them too); FlowTime features the engine does not implement (classes, routers,
 * retries, ...) are refused.
 * @throws FlowTimeError `yaml_syntax`, `model_invalid`, `expr_invalid` or `cycle`, naming the
 *   file, line and field; `unsupported_feature` naming the feature and the node
 */
export function parseModel(text: string, options: ParseModelOptions = {}): ParsedModel {
  const file = options.file ?? "model.yaml";
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const located = parseYamlLocated(text, file);
  const features = unsupportedFeatures(located.value);
  if (features.length > 0) {
    const first = features[0];
    throw new FlowTimeError("unsupported_feature", describeUnsupported(features), {
      file,
      line: located.lineOf(parsePathText(first.path)),
      path: first.path,
      details: features,
    });
  }
  const issues = new IssueList(file, located.lineOf);
  const nodePaths = new Map<string, FieldPath>();
  const model = readModel(located.value, issues, nodePaths);
  if (issues.length > 0 && model) {
    // every problem at once: the expressions and references of the nodes that were read too
    issues.items.push(
      ...semanticIssues(
        model,
        { file, lineOf: located.lineOf, nodePaths },
        declaredIds(located.value),
      ),
    );
  }
  issues.throwIfAny("model_invalid");
  const exprs = validateModelSemantics(model!, {
    file,
    lineOf: located.lineOf,
    nodePaths,
    warnings: issues.warnings,
  });
  return {
    file,
    text,
    model: model!,
    exprs,
    lineOf: located.lineOf,
    nodePaths,
    warnings: issues.warnings,
  };
}

// Every node id the file declares, read or not (a node refused for its own problem is still no
// unknown reference).
function declaredIds(raw: unknown): Set<string> {
  const ids = new Set<string>();
  const nodes = isRawMap(raw) ? raw.nodes : undefined;
  if (Array.isArray(nodes)) {
    for (const n of nodes) if (isRawMap(n) && typeof n.id === "string") ids.add(n.id);
  }
  return ids;
}

/** What a run reader needs from a model without validating it all. */
export interface ModelFacts {
  /** Root `mode`, else `provenance.mode` (FlowTime HEAD keeps it only there). */
  mode?: RunMode;
  /** Start of the grid: `grid.startTimeUtc` ?? `grid.start` ?? `window.startTimeUtc` ?? `window.start`. */
  start?: string;
}

/**
 * Read a model's mode and grid start leniently (no validation of anything else): for readers
 * of FlowTime run bundles, whose run.json records neither.
 * @param text the model YAML
 * @returns what could be read (empty when the text is not a YAML mapping)
 */
export function modelFacts(text: string): ModelFacts {
  let raw: unknown;
  try {
    raw = parseYamlLocated(text.replace(/^\uFEFF/, ""), "model.yaml").value;
  } catch {
    return {};
  }
  if (!isRawMap(raw)) return {};
  const mode = modeOf(raw);
  const start = startOfModel(raw);
  return { ...(mode ? { mode } : {}), ...(start ? { start } : {}) };
}

function modeOf(raw: Record<string, unknown>): RunMode | undefined {
  const prov = isRawMap(raw.provenance) ? raw.provenance : undefined;
  for (const v of [raw.mode, prov?.mode]) {
    const m = typeof v === "string" ? v.toLowerCase() : undefined;
    if (RUN_MODES.includes(m as RunMode)) return m as RunMode;
  }
  return undefined;
}

function parsePathText(text: string): FieldPath {
  const out: Array<string | number> = [];
  for (const m of text.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) {
    out.push(m[2] !== undefined ? Number(m[2]) : m[1]);
  }
  return out;
}

/**
 * Read a model file and parse it.
 * @param path path of the YAML file
 * @returns the parsed model (its `file` is the path as given)
 */
export async function loadModel(path: string): Promise<ParsedModel> {
  let text: string;
  try {
    text = await readUserText(path, { maxBytes: MAX_YAML_BYTES, code: "yaml_syntax" });
  } catch (err) {
    throw fsError(err, "reading model", path);
  }
  return parseModel(text, { file: path });
}

function readModel(
  raw: unknown,
  issues: IssueList,
  nodePaths: Map<string, FieldPath>,
): Model | undefined {
  if (!isRawMap(raw)) {
    issues.add(
      [],
      `the model must be a YAML mapping with grid and nodes, got ${describeValue(raw)}`,
    );
    return undefined;
  }
  dropNullKeys(raw);
  ignoreUnknownKeys(issues, { raw: raw, path: [], known: ROOT_KEYS });
  if (raw.schemaVersion !== undefined && raw.schemaVersion !== 1) {
    issues.add(["schemaVersion"], `must be 1, got ${describeValue(raw.schemaVersion)}`);
  }
  let mode: RunMode = "simulation";
  if (raw.mode !== undefined) {
    const m = typeof raw.mode === "string" ? raw.mode.toLowerCase() : raw.mode;
    if (RUN_MODES.includes(m as RunMode)) mode = m as RunMode;
    else {issues.add(
        ["mode"],
        `must be one of ${RUN_MODES.join(", ")}, got ${describeValue(raw.mode)}`,
      );}
  } else mode = modeOf(raw) ?? "simulation";
  const grid = readGrid(raw, issues);
  const nodes = readNodes(raw.nodes, issues, grid, nodePaths);
  const topology = raw.topology === undefined || raw.topology === null
    ? undefined
    : readTopology(raw.topology, issues, nodes, nodePaths);
  if (nodes.length === 0 && raw.nodes === undefined && !topology) {
    issues.add(
      [],
      "the model has no nodes: add a 'nodes' list (or topology semantics with file: references)",
    );
  }
  const model: Model = {
    schemaVersion: 1,
    mode,
    grid: grid ?? { bins: 1, binSize: 1, binUnit: "minutes" },
    nodes,
  };
  if (raw.metadata !== undefined) model.metadata = readMetadata(raw.metadata, issues);
  if (topology) model.topology = topology;
  if (raw.outputs !== undefined && raw.outputs !== null) {
    const outputs = readOutputs(raw.outputs, issues);
    if (outputs) model.outputs = outputs;
  }
  if (raw.rng !== undefined && raw.rng !== null) model.rng = readRng(raw.rng, issues);
  if (raw.provenance !== undefined && raw.provenance !== null) {
    if (isRawMap(raw.provenance)) model.provenance = raw.provenance;
    else issues.add(["provenance"], `must be a mapping, got ${describeValue(raw.provenance)}`);
  }
  for (const key of ["variables", "constraints"]) {
    const v = raw[key];
    if (v !== undefined && v !== null && !(Array.isArray(v) && v.length === 0)) {
      issues.add(
        [key],
        `legacy '${key}' entries are not supported; remove them or leave the list empty`,
      );
    }
  }
  return model;
}

function readOutputs(raw: unknown, issues: IssueList): OutputSpec[] | undefined {
  if (raw === "*") return [{ series: "*" }];
  if (!Array.isArray(raw)) {
    issues.add(["outputs"], `must be a list of {series, as} or "*", got ${describeValue(raw)}`);
    return undefined;
  }
  const out: OutputSpec[] = [];
  raw.forEach((o, i) => {
    const path = ["outputs", i];
    if (typeof o === "string") {
      out.push({ series: o });
      return;
    }
    if (!isRawMap(o)) {
      issues.add(path, `must be a mapping with 'series', got ${describeValue(o)}`);
      return;
    }
    dropNullKeys(o);
    // FlowTime-Sim's spellings: `source` for `series`, `filename` for `as`.
    if (o.series === undefined && o.source !== undefined) o.series = o.source;
    if (o.as === undefined && o.filename !== undefined) o.as = o.filename;
    delete o.source;
    delete o.filename;
    if (Array.isArray(o.exclude) && o.exclude.length === 0) delete o.exclude;
    ignoreUnknownKeys(issues, { raw: o, path, known: ["series", "as", "id", "description"] });
    const series = readString(issues, o.series, [...path, "series"]);
    if (series === undefined) return;
    if (o.as !== undefined) {
      const as = readString(issues, o.as, [...path, "as"]);
      if (as !== undefined) {
        out.push({ series, as });
        return;
      }
    }
    out.push({ series });
  });
  return out;
}

function readRng(raw: unknown, issues: IssueList): Model["rng"] {
  if (!isRawMap(raw)) {
    issues.add(["rng"], `must be a mapping {kind, seed}, got ${describeValue(raw)}`);
    return undefined;
  }
  ignoreUnknownKeys(issues, { raw: raw, path: ["rng"], known: ["kind", "seed"] });
  const kind = raw.kind === undefined || raw.kind === null
    ? "pcg32"
    : readString(issues, raw.kind, ["rng", "kind"]);
  let seed: number | undefined;
  // FlowTime-Sim writes the seed as text.
  if (typeof raw.seed === "string" && /^\d+$/.test(raw.seed.trim())) raw.seed = Number(raw.seed);
  if (raw.seed !== undefined && raw.seed !== null) {
    seed = readNumber(issues, raw.seed, ["rng", "seed"], {
      integer: true,
      min: 0,
      max: 2 ** 53 - 1,
    });
  }
  if (kind === undefined) return undefined;
  return seed === undefined ? { kind } : { kind, seed };
}

function readMetadata(raw: unknown, issues: IssueList): Model["metadata"] {
  if (!isRawMap(raw)) {
    issues.add(["metadata"], `must be a mapping, got ${describeValue(raw)}`);
    return undefined;
  }
  for (const key of ["id", "title", "version", "description"]) {
    const v = raw[key];
    if (v !== undefined && v !== null && typeof v !== "string") {
      issues.add(["metadata", key], `must be a string, got ${describeValue(v)}`);
    }
  }
  return raw;
}
