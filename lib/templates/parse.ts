// Reads a template file (CONTRACTS 5.1) and checks it with file and line: root fields,
// parameter declarations, placeholders naming declared parameters, and the model part.
// FlowTime's templates load too: fields FlowTime ignores are read past with `unknown_field`
// warnings (root and grid stay strict, as FlowTime HEAD's template schema is), FlowTime's
// spellings are normalised, and FlowTime features the engine lacks are recorded so the
// template lists and shows but refuses to generate, naming them.
import { FlowTimeError, fsError } from "../base/errors.ts";
import { type FieldPath, MAX_YAML_BYTES, parseYamlLocated } from "../base/located_yaml.ts";
import { readUserText } from "../base/safe_read.ts";
import {
  checkKeys,
  describeValue,
  ignoreUnknownKeys,
  isRawMap,
  IssueList,
  type RawMap,
  readString,
} from "../base/issues.ts";
import { unsupportedFeatures } from "../model/features.ts";
import { isSafeId } from "../base/paths.ts";
import { isValidUtc } from "../base/clock.ts";
import { BIN_UNITS, type BinUnit } from "../model/types.ts";
import { checkSchema } from "../schema/validator.ts";
import { readParameterDeclarations } from "./_declarations.ts";
import { checkNodes, checkReferences, readTemplatedNumber } from "./_body.ts";
import { splitPlaceholders, wholePlaceholder } from "./placeholders.ts";
import type { Template, TemplateDocument, TemplateParameter } from "./types.ts";

/** Options for {@link parseTemplate}. */
export interface ParseTemplateOptions {
  /** File name for messages (default `template.yaml`). */
  file?: string;
  /** The id the file name implies; `metadata.id` must equal it. */
  expectedId?: string;
}

const ROOT_KEYS = [
  "schemaVersion",
  "generator",
  "mode",
  "metadata",
  "window",
  "parameters",
  "grid",
  "nodes",
  "topology",
  "outputs",
  "rng",
  "classes",
  "traffic",
  "provenance",
];
const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?Z$/;

/**
 * Parse and check a template.
 * @param text the template YAML
 * @param options file name for messages and the id its file name implies
 * @returns the template, with the fields it read past (`warnings`) and the unsupported
 *   FlowTime features it uses (`unsupported`)
 * @throws FlowTimeError `template_invalid` naming the file, line and field of the first problem
 *   (`details` lists every problem)
 */
export function parseTemplate(text: string, options: ParseTemplateOptions = {}): Template {
  const file = options.file ?? "template.yaml";
  const located = parseYamlLocated(text, file, "template_invalid");
  const issues = new IssueList(file, located.lineOf);
  const raw = located.value;
  if (!isRawMap(raw)) {
    issues.add(
      [],
      `a template must be a YAML mapping with metadata, grid and nodes, got ${describeValue(raw)}`,
    );
    issues.throwIfAny("template_invalid");
    throw new FlowTimeError("template_invalid", "not a mapping", { file });
  }
  checkKeys(issues, raw, [], ROOT_KEYS);
  if (raw.schemaVersion !== 1) {
    issues.add(["schemaVersion"], `must be 1, got ${describeValue(raw.schemaVersion)}`);
  }
  if (
    raw.generator !== undefined &&
    !(typeof raw.generator === "string" && raw.generator.startsWith("flowtime-sim"))
  ) {
    issues.add(["generator"], `must be flowtime-sim, got ${describeValue(raw.generator)}`);
  }
  const unsupported = unsupportedFeatures(raw);
  for (const key of ["classes", "traffic"]) {
    if (Array.isArray(raw[key]) && (raw[key] as unknown[]).length === 0) delete raw[key];
    if (raw[key] === null) delete raw[key];
  }
  if (raw.provenance !== undefined) {
    issues.warn(
      ["provenance"],
      "a template's provenance block is ignored (generation writes its own)",
    );
    delete raw.provenance;
  }
  if (raw.mode !== undefined && raw.mode !== "simulation" && raw.mode !== "telemetry") {
    issues.add(["mode"], `must be simulation or telemetry, got ${describeValue(raw.mode)}`);
  }
  checkMetadata(raw.metadata, options.expectedId, issues);
  checkWindow(raw.window, issues);
  const parameters = readParameterDeclarations(raw.parameters, issues);
  checkGrid(raw.grid, issues);
  checkRng(raw.rng, issues);
  if (unsupported.length > 0) {
    // The model part uses what the engine cannot run: the template lists and shows (with the
    // features named), and generation refuses it.
    issues.throwIfAny("template_invalid");
    const document = { ...raw, parameters } as unknown as TemplateDocument;
    return { file, document, lineOf: located.lineOf, warnings: issues.warnings, unsupported };
  }
  const nodeIds = checkNodes(raw.nodes, issues);
  checkReferences(raw, nodeIds, issues);
  checkPlaceholders(raw, parameters, issues);
  issues.throwIfAny("template_invalid");
  // The schema is the published contract: anything the checks above let through must match it.
  const schema = checkSchema("template", raw);
  for (const error of schema.errors) {
    const { path, message } = splitSchemaError(error);
    issues.add(path, `does not match the template schema: ${message}`);
  }
  issues.throwIfAny("template_invalid");
  const document = { ...raw, parameters } as unknown as TemplateDocument;
  return { file, document, lineOf: located.lineOf, warnings: issues.warnings, unsupported };
}

/**
 * Read a template file and parse it.
 * @param path the file
 * @param options the id its file name implies, and the name to use in messages (default: path)
 * @returns the template
 */
export async function loadTemplateFile(
  path: string,
  options: ParseTemplateOptions = {},
): Promise<Template> {
  let text: string;
  try {
    text = await readUserText(path, { maxBytes: MAX_YAML_BYTES, code: "template_invalid" });
  } catch (err) {
    throw fsError(err, "reading template", path);
  }
  return parseTemplate(text, { file: path, ...options });
}

function checkMetadata(raw: unknown, expectedId: string | undefined, issues: IssueList): void {
  if (!isRawMap(raw)) {
    issues.add(
      ["metadata"],
      `must be a mapping with id, title and version, got ${describeValue(raw)}`,
    );
    return;
  }
  ignoreUnknownKeys(issues, {
    raw: raw,
    path: ["metadata"],
    known: [
      "id",
      "title",
      "description",
      "version",
      "tags",
      "narrative",
      "captureKey",
    ],
  });
  for (const key of ["narrative", "captureKey"]) {
    if (raw[key] !== undefined && typeof raw[key] !== "string") {
      issues.add(["metadata", key], `must be a string, got ${describeValue(raw[key])}`);
    }
  }
  const id = raw.id;
  if (typeof id !== "string" || !isSafeId(id)) {
    issues.add(
      ["metadata", "id"],
      `template id must be literal letters, digits, '.', '_' or '-', got ${describeValue(id)}`,
    );
  } else if (expectedId !== undefined && id !== expectedId) {
    issues.add(
      ["metadata", "id"],
      `metadata.id '${id}' differs from the file name '${expectedId}.yaml'; make them equal`,
    );
  }
  readString(issues, raw.title, ["metadata", "title"]);
  if (raw.description !== undefined && typeof raw.description !== "string") {
    issues.add(
      ["metadata", "description"],
      `must be a string, got ${describeValue(raw.description)}`,
    );
  }
  if (typeof raw.version !== "string" || !SEMVER.test(raw.version)) {
    issues.add(
      ["metadata", "version"],
      `must be a semantic version like 1.0.0, got ${describeValue(raw.version)}`,
    );
  }
  if (raw.tags !== undefined) {
    if (!Array.isArray(raw.tags)) {
      issues.add(["metadata", "tags"], `must be a list of strings, got ${describeValue(raw.tags)}`);
    } else {
      raw.tags.forEach((t, i) => readString(issues, t, ["metadata", "tags", i]));
    }
  }
}

function checkWindow(raw: unknown, issues: IssueList): void {
  if (raw === undefined) return;
  if (!isRawMap(raw)) {
    issues.add(["window"], `must be a mapping {start, timezone}, got ${describeValue(raw)}`);
    return;
  }
  ignoreUnknownKeys(issues, { raw: raw, path: ["window"], known: ["start", "timezone"] });
  if (raw.start !== undefined) checkUtc(raw.start, ["window", "start"], issues);
  if (raw.timezone !== undefined && raw.timezone !== "UTC") {
    issues.add(["window", "timezone"], `only UTC is supported, got ${describeValue(raw.timezone)}`);
  }
}

function checkUtc(value: unknown, path: FieldPath, issues: IssueList): void {
  if (typeof value === "string" && wholePlaceholder(value) !== undefined) return;
  const text = value instanceof Date ? value.toISOString() : value;
  if (typeof text !== "string" || !ISO_UTC.test(text) || !isValidUtc(text)) {
    issues.add(
      path,
      `must be an ISO 8601 UTC timestamp ending in Z of a real date and time (e.g. 2025-10-07T00:00:00Z) or a placeholder, got ${
        describeValue(value)
      }`,
    );
  }
}

function checkGrid(raw: unknown, issues: IssueList): void {
  if (!isRawMap(raw)) {
    issues.add(
      ["grid"],
      `must be a mapping with bins, binSize and binUnit, got ${describeValue(raw)}`,
    );
    return;
  }
  checkKeys(issues, raw, ["grid"], ["bins", "binSize", "binUnit", "start"]);
  readTemplatedNumber(issues, raw.bins, ["grid", "bins"], { integer: true, min: 1, max: 10000 });
  readTemplatedNumber(issues, raw.binSize, ["grid", "binSize"], {
    integer: true,
    min: 1,
    max: 1000,
  });
  const unit = raw.binUnit;
  if (
    unit !== undefined &&
    !(typeof unit === "string" && (BIN_UNITS.includes(unit as BinUnit) || wholePlaceholder(unit)))
  ) {
    issues.add(
      ["grid", "binUnit"],
      `must be one of ${BIN_UNITS.join(", ")}, got ${describeValue(unit)}`,
    );
  }
  if (raw.start !== undefined) checkUtc(raw.start, ["grid", "start"], issues);
}

function checkRng(raw: unknown, issues: IssueList): void {
  if (raw === undefined) return;
  if (!isRawMap(raw)) {
    issues.add(["rng"], `must be a mapping {kind, seed}, got ${describeValue(raw)}`);
    return;
  }
  ignoreUnknownKeys(issues, { raw: raw, path: ["rng"], known: ["kind", "seed"] });
  if (raw.kind !== undefined && raw.kind !== "pcg32") {
    issues.add(["rng", "kind"], `must be pcg32, got ${describeValue(raw.kind)}`);
  }
  if (raw.seed !== undefined) {
    readTemplatedNumber(issues, raw.seed, ["rng", "seed"], {
      integer: true,
      min: 0,
      max: 2 ** 53 - 1,
    });
  }
}

// Every `${...}` outside the parameter declarations must be well formed and name a declared
// parameter; keys never hold placeholders (only values are substituted).
function checkPlaceholders(raw: RawMap, parameters: TemplateParameter[], issues: IssueList): void {
  const declared = new Set(parameters.map((p) => p.name));
  const list = parameters.map((p) => p.name).join(", ") || "none";
  const walk = (node: unknown, path: FieldPath): void => {
    if (typeof node === "string") {
      const { parts, malformed } = splitPlaceholders(node);
      if (malformed !== undefined) {
        issues.add(
          path,
          `malformed placeholder '${malformed}': write \${name} with a parameter name, or $\${ for a literal \${`,
        );
        return;
      }
      for (const part of parts) {
        if (typeof part !== "string" && !declared.has(part.parameter)) {
          issues.add(
            path,
            `placeholder \${${part.parameter}} names no declared parameter (declared: ${list})`,
          );
        }
      }
    } else if (Array.isArray(node)) node.forEach((item, i) => walk(item, [...path, i]));
    else if (isRawMap(node)) {
      for (const [key, item] of Object.entries(node)) {
        if (key.includes("${")) issues.add([...path, key], "mapping keys cannot hold placeholders");
        walk(item, [...path, key]);
      }
    }
  };
  for (const [key, value] of Object.entries(raw)) {
    if (key === "parameters" || key === "metadata") continue;
    walk(value, [key]);
  }
  if (isRawMap(raw.metadata)) {
    for (const key of ["title", "description"]) walk(raw.metadata[key], ["metadata", key]);
  }
}

function splitSchemaError(error: string): { path: FieldPath; message: string } {
  const sep = error.indexOf(": ");
  const pointer = sep < 0 ? "" : error.slice(0, sep);
  const message = sep < 0 ? error : error.slice(sep + 2);
  if (pointer === "(root)" || !pointer.startsWith("/")) return { path: [], message };
  const path = pointer.slice(1).split("/").map((part) => {
    const key = part.replace(/~1/g, "/").replace(/~0/g, "~");
    return /^\d+$/.test(key) ? Number(key) : key;
  });
  return { path, message };
}
