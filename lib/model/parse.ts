// Reads model YAML into the normalised Model: checks every field (collecting all problems with
// their line), converts legacy FlowTime shapes, then runs the semantic checks in validate.ts.
import { fsError } from "../base/errors.ts";
import { type FieldPath, MAX_YAML_BYTES, parseYamlLocated } from "../base/located_yaml.ts";
import { readUserText } from "../base/safe_read.ts";
import {
  checkKeys,
  describeValue,
  isRawMap,
  IssueList,
  readNumber,
  readString,
} from "../base/issues.ts";
import type { Expr } from "../expr/parse.ts";
import { type Model, type OutputSpec, RUN_MODES, type RunMode } from "./types.ts";
import { validateModelSemantics } from "./validate.ts";
import { readGrid } from "./_grid.ts";
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
}

/** Options for {@link parseModel}. */
export interface ParseModelOptions {
  /** File name for messages (default `model.yaml`). */
  file?: string;
}

const ROOT_KEYS = [
  "schemaVersion",
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
];

/**
 * Parse and validate model YAML.
 * @param text the YAML text
 * @param options file name for messages
 * @returns the parsed model
 * @throws FlowTimeError `yaml_syntax`, `model_invalid`, `expr_invalid` or `cycle`, naming the
 *   file, line and field
 */
export function parseModel(text: string, options: ParseModelOptions = {}): ParsedModel {
  const file = options.file ?? "model.yaml";
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const located = parseYamlLocated(text, file);
  const issues = new IssueList(file, located.lineOf);
  const nodePaths = new Map<string, FieldPath>();
  const model = readModel(located.value, issues, nodePaths);
  issues.throwIfAny("model_invalid");
  const exprs = validateModelSemantics(model!, { file, lineOf: located.lineOf, nodePaths });
  return { file, text, model: model!, exprs, lineOf: located.lineOf, nodePaths };
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
  checkKeys(issues, raw, [], ROOT_KEYS);
  if (raw.schemaVersion !== undefined && raw.schemaVersion !== 1) {
    issues.add(["schemaVersion"], `must be 1, got ${describeValue(raw.schemaVersion)}`);
  }
  let mode: RunMode = "simulation";
  if (raw.mode !== undefined) {
    if (RUN_MODES.includes(raw.mode as RunMode)) mode = raw.mode as RunMode;
    else {issues.add(
        ["mode"],
        `must be one of ${RUN_MODES.join(", ")}, got ${describeValue(raw.mode)}`,
      );}
  }
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
    checkKeys(issues, o, path, ["series", "as"]);
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
  checkKeys(issues, raw, ["rng"], ["kind", "seed"]);
  const kind = raw.kind === undefined ? "pcg32" : readString(issues, raw.kind, ["rng", "kind"]);
  let seed: number | undefined;
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
