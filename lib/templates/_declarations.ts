// Reads the `parameters:` list of a template: names, types, ranges and defaults, with
// FlowTime-Sim's spellings (`minimum`, `maximum`, `arrayOf: int|double`) normalised.
import { arrayElementType } from "./param_text.ts";
import type { FieldPath } from "../base/located_yaml.ts";
import {
  describeValue,
  dropNullKeys,
  ignoreUnknownKeys,
  isRawMap,
  type IssueList,
} from "../base/issues.ts";
import { PARAMETER_NAME } from "./placeholders.ts";
import { copyValue, valueProblem } from "./_values.ts";
import type { ParameterType, ParameterValue, TemplateParameter } from "./types.ts";

const TYPES: readonly ParameterType[] = ["integer", "number", "boolean", "string", "array"];
const KEYS = [
  "name",
  "type",
  "title",
  "description",
  "default",
  "required",
  "min",
  "max",
  "minimum",
  "maximum",
  "arrayOf",
];

/**
 * Read and check the parameter declarations of a template.
 * @param raw the `parameters` value
 * @param issues where problems are recorded
 * @returns the declarations that are valid, in order
 */
export function readParameterDeclarations(raw: unknown, issues: IssueList): TemplateParameter[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) {
    issues.add(
      ["parameters"],
      `must be a list of parameter declarations, got ${describeValue(raw)}`,
    );
    return [];
  }
  const out: TemplateParameter[] = [];
  const seen = new Set<string>();
  raw.forEach((p, i) => {
    const decl = readDeclaration(p, ["parameters", i], issues);
    if (!decl) return;
    if (seen.has(decl.name)) {
      issues.add(["parameters", i, "name"], `duplicate parameter name '${decl.name}'`);
      return;
    }
    seen.add(decl.name);
    out.push(decl);
  });
  return out;
}

function readDeclaration(
  p: unknown,
  path: FieldPath,
  issues: IssueList,
): TemplateParameter | undefined {
  if (!isRawMap(p)) {
    issues.add(
      path,
      `each parameter must be a mapping with name and type, got ${describeValue(p)}`,
    );
    return undefined;
  }
  dropNullKeys(p);
  ignoreUnknownKeys(issues, { raw: p, path, known: KEYS });
  const before = issues.length;
  const name = p.name;
  if (typeof name !== "string" || !PARAMETER_NAME.test(name)) {
    issues.add(
      [...path, "name"],
      `parameter name must start with a letter or '_' followed by letters, digits or '_', got ${
        describeValue(name)
      }`,
    );
    return undefined;
  }
  if (!TYPES.includes(p.type as ParameterType)) {
    issues.add(
      [...path, "type"],
      `parameter '${name}' has type ${describeValue(p.type)}; use one of ${TYPES.join(", ")}`,
    );
    return undefined;
  }
  const decl: TemplateParameter = { name, type: p.type as ParameterType };
  for (const key of ["title", "description"] as const) {
    const v = p[key];
    if (v === undefined || v === null) continue;
    if (typeof v === "string") decl[key] = v;
    else issues.add([...path, key], `must be a string, got ${describeValue(v)}`);
  }
  const numeric = decl.type === "integer" || decl.type === "number" || decl.type === "array";
  for (const [key, alias] of [["min", "minimum"], ["max", "maximum"]] as const) {
    if (p[key] !== undefined && p[alias] !== undefined) {
      issues.add([...path, alias], `give '${key}' or '${alias}', not both`);
      continue;
    }
    const field = p[key] !== undefined ? key : alias;
    const v = p[field];
    if (v === undefined || v === null) continue;
    if (!numeric) {
      issues.add(
        [...path, field],
        `'${field}' applies to integer, number and array parameters only`,
      );
    } else if (typeof v !== "number" || !Number.isFinite(v)) {
      issues.add([...path, field], `must be a number, got ${describeValue(v)}`);
    } else decl[key] = v;
  }
  if (decl.min !== undefined && decl.max !== undefined && decl.min > decl.max) {
    issues.add([...path, "max"], `max ${decl.max} is below min ${decl.min}`);
  }
  if (p.arrayOf !== undefined && p.arrayOf !== null) {
    const element = arrayElementType(p.arrayOf);
    if (decl.type !== "array") {
      issues.add([...path, "arrayOf"], "'arrayOf' applies to array parameters only");
    } else if (!element) {
      issues.add(
        [...path, "arrayOf"],
        `must be integer or number, got ${describeValue(p.arrayOf)}`,
      );
    } else decl.arrayOf = element;
  } else if (decl.type === "array") decl.arrayOf = "number";
  if (p.required !== undefined && p.required !== null) {
    if (typeof p.required !== "boolean") {
      issues.add([...path, "required"], `must be true or false, got ${describeValue(p.required)}`);
    } else if (p.required) decl.required = true;
  }
  if (p.default !== undefined && p.default !== null) {
    if (decl.required) {
      issues.add(
        [...path, "default"],
        `parameter '${name}' is required, so it cannot have a default; remove one of them`,
      );
    } else {
      const problem = valueProblem(decl, p.default);
      if (problem) issues.add([...path, "default"], `default of '${name}' ${problem}`);
      else decl.default = copyValue(p.default as ParameterValue);
    }
  }
  return issues.length === before ? decl : undefined;
}
