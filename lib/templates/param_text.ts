// Parameter values written as text (`--param k=v`, and defaults a FlowTime-Sim service returns
// as strings), parsed by the declared type; and parameter files in JSON or YAML.
import { FlowTimeError, fsError } from "../base/errors.ts";
import { MAX_YAML_BYTES, parseYamlLocated } from "../base/located_yaml.ts";
import { readUserText } from "../base/safe_read.ts";
import { asParameterInput } from "./binder.ts";
import { expectedType } from "./_values.ts";
import type { ArrayElementType, ParameterType, TemplateParameter } from "./types.ts";

/**
 * Parse one value written as text according to its declared type: integers and numbers in
 * decimal, booleans as `true`/`false`, arrays as JSON (`[1, 2, 3]`) or comma-separated
 * (`1,2,3`); strings are taken as written.
 * @param type the declared type
 * @param text the text
 * @returns the typed value, or undefined when the text does not fit the type
 */
export function parseParameterText(
  type: ParameterType,
  text: string,
): number | boolean | string | number[] | undefined {
  const t = text.trim();
  switch (type) {
    case "string":
      return text;
    case "integer":
      return /^[+-]?\d+$/.test(t) && Number.isSafeInteger(Number(t)) ? Number(t) : undefined;
    case "number":
      return numberOf(t);
    case "boolean":
      return t === "true" ? true : t === "false" ? false : undefined;
    case "array": {
      if (t === "" || t === "[]") return [];
      if (t.startsWith("[")) {
        try {
          const parsed = JSON.parse(t);
          if (Array.isArray(parsed) && parsed.every((v) => typeof v === "number")) return parsed;
        } catch {
          // not JSON: reported as a type mismatch below
        }
        return undefined;
      }
      const items = t.split(",").map((s) => numberOf(s.trim()));
      return items.every((v) => v !== undefined) ? items as number[] : undefined;
    }
  }
}

function numberOf(t: string): number | undefined {
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : undefined;
}

/**
 * Turn `name=value` assignments into typed values using the template's declarations. Names the
 * template does not declare are kept as text, so the binder reports them as undeclared.
 * @param declarations the template's parameters
 * @param assignments `name=value` texts, in order (later ones win)
 * @returns values by name
 * @throws FlowTimeError `usage` for text without `=`, `invalid_parameters` for a value that
 *   does not fit its declared type
 */
export function parseParameterAssignments(
  declarations: readonly TemplateParameter[],
  assignments: readonly string[],
): Record<string, unknown> {
  const byName = new Map(declarations.map((d) => [d.name, d]));
  const out: Record<string, unknown> = {};
  const issues: Array<{ parameter: string; message: string }> = [];
  for (const assignment of assignments) {
    const eq = assignment.indexOf("=");
    if (eq <= 0) {
      throw new FlowTimeError(
        "usage",
        `parameter assignment '${assignment}' must be written name=value (e.g. bins=288)`,
      );
    }
    const name = assignment.slice(0, eq).trim();
    const text = assignment.slice(eq + 1);
    const decl = byName.get(name);
    if (!decl) {
      out[name] = text;
      continue;
    }
    const value = parseParameterText(decl.type, text);
    if (value === undefined) {
      issues.push({
        parameter: name,
        message: `'${text}' is not ${expectedType(decl)}${
          decl.type === "array" ? " (write [1, 2, 3] or 1,2,3)" : ""
        }`,
      });
    } else out[name] = value;
  }
  if (issues.length > 0) {
    throw new FlowTimeError(
      "invalid_parameters",
      `parameter ${issues[0].parameter}: ${issues[0].message}`,
      { details: issues },
    );
  }
  return out;
}

/**
 * Read a parameter file: a JSON or YAML mapping of parameter names to values.
 * @param path the file
 * @returns the values
 * @throws FlowTimeError naming the file (and line for YAML syntax errors)
 */
export async function readParameterFile(path: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readUserText(path, { maxBytes: MAX_YAML_BYTES, code: "invalid_parameters" });
  } catch (err) {
    throw fsError(err, "reading parameter file", path);
  }
  const value = /\.json$/i.test(path)
    ? parseJsonFile(text, path)
    : parseYamlLocated(text, path, "invalid_parameters").value;
  try {
    return asParameterInput(value ?? {}, "the parameter file");
  } catch (err) {
    throw new FlowTimeError("invalid_parameters", (err as Error).message, { file: path });
  }
}

// A `.json` parameter file is JSON, so its mistakes are JSON's, at the line JSON puts them.
function parseJsonFile(text: string, path: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const message = (err as Error).message;
    const at = / in JSON at position \d+(?: \(line (\d+) column (\d+)\))?/.exec(message);
    throw new FlowTimeError(
      "invalid_parameters",
      `not valid JSON: ${message.replace(at?.[0] ?? "", "")}${
        at?.[2] ? ` at column ${at[2]}` : ""
      }; fix the file, or write it as YAML (.yaml)`,
      { file: path, line: at?.[1] ? Number(at[1]) : undefined },
    );
  }
}

/**
 * Normalise an `arrayOf` spelling: `integer`/`int` and `number`/`double`.
 * @param raw the written value
 * @returns the element type, or undefined when unknown
 */
export function arrayElementType(raw: unknown): ArrayElementType | undefined {
  if (raw === "integer" || raw === "int") return "integer";
  if (raw === "number" || raw === "double") return "number";
  return undefined;
}
