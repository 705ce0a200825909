// The parameter binder: merges caller values with defaults and checks them against the
// declarations (type, required, min/max, arrayOf, undeclared names, series length vs bins).
import { FlowTimeError } from "../base/errors.ts";
import { describeValue, isRawMap } from "../base/issues.ts";
import { formatPath } from "../base/located_yaml.ts";
import type { PlaceholderUse } from "./placeholders.ts";
import { copyValue, valueProblem } from "./_values.ts";
import type { ParameterIssue, ParameterValues, TemplateParameter } from "./types.ts";

/** Result of {@link bindParameters}. */
export interface BoundParameters {
  /** Values by name, in declaration order: caller values, else defaults. Parameters with
   * neither are absent. */
  values: ParameterValues;
  /** One entry per problem, naming the parameter. */
  issues: ParameterIssue[];
}

const MAX_UNDECLARED = 20;

function clipName(name: string): string {
  return name.length > 60 ? `${name.slice(0, 57)}...` : name;
}

/**
 * Merge caller values with defaults and check every value against its declaration.
 * A `null` value counts as not given.
 * @param declarations the template's parameter declarations
 * @param input caller values by name
 * @returns the merged values and every problem found
 */
export function bindParameters(
  declarations: readonly TemplateParameter[],
  input: Readonly<Record<string, unknown>>,
): BoundParameters {
  const values: ParameterValues = {};
  const issues: ParameterIssue[] = [];
  const declared = new Map(declarations.map((d) => [d.name, d]));
  // Each undeclared name is a problem, but the declared names are listed once and at most 20
  // undeclared ones are named: an answer stays small however many names are sent.
  const undeclared = Object.keys(input).filter((name) => !declared.has(name));
  undeclared.slice(0, MAX_UNDECLARED).forEach((name, i) => {
    const names = declarations.map((d) => d.name).join(", ") || "none";
    issues.push({
      parameter: clipName(name),
      message: i === 0
        ? `is not a parameter of this template (parameters: ${names})`
        : "is not a parameter of this template either",
    });
  });
  if (undeclared.length > MAX_UNDECLARED) {
    issues.push({
      parameter: "*",
      message: `${
        undeclared.length - MAX_UNDECLARED
      } more names are not parameters of this template`,
    });
  }
  for (const decl of declarations) {
    const given = Object.hasOwn(input, decl.name) ? input[decl.name] : undefined;
    if (given === undefined || given === null) {
      if (decl.required) {
        issues.push({ parameter: decl.name, message: "is required: give a value" });
      } else if (decl.default !== undefined) values[decl.name] = copyValue(decl.default);
      continue;
    }
    const problem = valueProblem(decl, given);
    if (problem) issues.push({ parameter: decl.name, message: problem });
    else values[decl.name] = copyValue(given as ParameterValues[string]);
  }
  return { values, issues };
}

/**
 * Check that every const node's values has one number per bin once substituted, naming the
 * parameter that supplied the array (or `grid.bins`).
 * @param model the substituted model tree (grid and nodes)
 * @param uses where each parameter was used
 * @returns one issue per mismatching node whose values or bins came from a parameter
 */
export function seriesLengthIssues(
  model: { grid?: unknown; nodes?: unknown },
  uses: readonly PlaceholderUse[],
): ParameterIssue[] {
  const grid = isRawMap(model.grid) ? model.grid : {};
  const bins = grid.bins;
  if (typeof bins !== "number" || !Number.isInteger(bins)) return [];
  const wholeAt = (path: string) => uses.find((u) => u.whole && formatPath(u.path) === path);
  const binsParam = wholeAt("grid.bins")?.parameter;
  const binsText = binsParam
    ? `grid.bins is ${bins} (parameter '${binsParam}')`
    : `grid.bins is ${bins}`;
  const issues: ParameterIssue[] = [];
  const nodes = Array.isArray(model.nodes) ? model.nodes : [];
  nodes.forEach((node, i) => {
    if (!isRawMap(node) || node.kind !== "const" || !Array.isArray(node.values)) return;
    const length = node.values.length;
    if (length === bins) return;
    const arrayParam = wholeAt(`nodes[${i}].values`)?.parameter;
    if (arrayParam) {
      issues.push({
        parameter: arrayParam,
        message:
          `has ${length} values but ${binsText}; const node '${node.id}' needs exactly one value per bin`,
      });
    } else if (binsParam) {
      issues.push({
        parameter: binsParam,
        message:
          `is ${bins} but const node '${node.id}' has ${length} fixed values; set it to ${length}`,
      });
    }
  });
  return issues;
}

/**
 * Throw one `invalid_parameters` error listing every issue.
 * @param templateId the template, for the message
 * @param issues the problems (nothing happens when empty)
 */
export function throwParameterIssues(templateId: string, issues: readonly ParameterIssue[]): void {
  if (issues.length === 0) return;
  const first = issues[0];
  const more = issues.length > 1
    ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? "s" : ""})`
    : "";
  throw new FlowTimeError(
    "invalid_parameters",
    `template ${templateId}: parameter '${first.parameter}' ${first.message}${more}`,
    { details: issues.map((i) => ({ parameter: i.parameter, message: i.message })) },
  );
}

/**
 * Check that caller values are a flat mapping of names to values.
 * @param input the request body or parameter file content
 * @param what what the input is, for the message
 * @returns the mapping
 */
export function asParameterInput(input: unknown, what: string): Record<string, unknown> {
  if (!isRawMap(input)) {
    throw new FlowTimeError(
      "invalid_body",
      `${what} must be a JSON object of parameter values (e.g. {"bins": 288}), got ${
        describeValue(input)
      }`,
    );
  }
  return input;
}
