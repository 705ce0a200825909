// Typed, injection-safe substitution (CONTRACTS 5.2): placeholders are replaced in the parsed
// tree, never in YAML text, so a parameter's text can never become YAML syntax.
import type { FieldPath } from "../base/located_yaml.ts";
import type { ParameterValue } from "./types.ts";

/** Grammar of a parameter name inside `${...}`. */
export const PARAMETER_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A piece of a string: literal text or a placeholder naming a parameter. */
export type TextPart = string | { parameter: string };

/** Result of {@link splitPlaceholders}. */
export interface SplitText {
  /** Literal text and placeholders, in order (`$${` already turned into a literal `${`). */
  parts: TextPart[];
  /** Text of a `${` that does not open a well-formed placeholder, if any. */
  malformed?: string;
}

/**
 * Split a string into literal text and `${name}` placeholders. `$${` writes a literal `${`.
 * @param text a string value of the template
 * @returns the parts, and the first malformed placeholder if there is one
 */
export function splitPlaceholders(text: string): SplitText {
  const parts: TextPart[] = [];
  let literal = "";
  let i = 0;
  while (i < text.length) {
    if (text.startsWith("$${", i)) {
      literal += "${";
      i += 3;
      continue;
    }
    if (text.startsWith("${", i)) {
      const close = text.indexOf("}", i + 2);
      const name = close < 0 ? "" : text.slice(i + 2, close);
      if (close < 0 || !PARAMETER_NAME.test(name)) {
        const end = close < 0 ? Math.min(text.length, i + 20) : close + 1;
        return { parts, malformed: text.slice(i, end) };
      }
      if (literal !== "") parts.push(literal);
      literal = "";
      parts.push({ parameter: name });
      i = close + 1;
      continue;
    }
    literal += text[i];
    i++;
  }
  if (literal !== "" || parts.length === 0) parts.push(literal);
  return { parts };
}

/**
 * The parameter a string names when it is exactly one placeholder (`${name}`).
 * @param text a string value
 * @returns the parameter name, or undefined for any other text
 */
export function wholePlaceholder(text: string): string | undefined {
  const { parts, malformed } = splitPlaceholders(text);
  if (malformed !== undefined || parts.length !== 1) return undefined;
  const only = parts[0];
  return typeof only === "string" ? undefined : only.parameter;
}

/**
 * Render a parameter value inside a longer string: numbers in shortest round-trip form,
 * booleans as `true`/`false`, arrays as `[a, b, c]`, strings as they are.
 * @param value the value
 * @returns its text
 */
export function interpolationText(value: ParameterValue): string {
  if (Array.isArray(value)) return `[${value.map((v) => String(v)).join(", ")}]`;
  return String(value);
}

/** Where a parameter's value went in the substituted tree. */
export interface PlaceholderUse {
  /** Field path in the tree. */
  path: FieldPath;
  /** Parameter name. */
  parameter: string;
  /** True when the whole value was the placeholder (typed), false when interpolated as text. */
  whole: boolean;
}

/** Result of {@link substitutePlaceholders}. */
export interface Substitution {
  /** The tree with every placeholder replaced (a new value; the input is not changed). */
  value: unknown;
  /** Every placeholder replaced, with its path. */
  uses: PlaceholderUse[];
  /** Placeholders whose parameter has no value (not given and no default). */
  missing: Array<{ path: FieldPath; parameter: string }>;
}

/**
 * Replace placeholders in a parsed YAML tree. A string that is exactly `${name}` takes the
 * parameter's typed value (a number stays a number, an array becomes a sequence); a
 * placeholder inside a longer string is interpolated as text. Mapping keys are left alone.
 * Parameter values are inserted as data in one pass, so text inside them (even `${...}`) is
 * never substituted again.
 * @param tree the parsed template value
 * @param values parameter values by name
 * @param base path of `tree` inside the document, for the reported uses
 * @returns the substituted tree, where each parameter was used, and unresolved placeholders
 */
export function substitutePlaceholders(
  tree: unknown,
  values: Readonly<Record<string, ParameterValue>>,
  base: FieldPath = [],
): Substitution {
  const uses: PlaceholderUse[] = [];
  const missing: Substitution["missing"] = [];
  const walk = (node: unknown, path: FieldPath): unknown => {
    if (typeof node === "string") return substituteString(node, path);
    if (Array.isArray(node)) return node.map((item, i) => walk(item, [...path, i]));
    if (node !== null && typeof node === "object") {
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(node)) out[key] = walk(item, [...path, key]);
      return out;
    }
    return node;
  };
  const substituteString = (text: string, path: FieldPath): unknown => {
    const { parts } = splitPlaceholders(text);
    if (parts.length === 1 && typeof parts[0] !== "string") {
      const name = parts[0].parameter;
      if (!(name in values)) {
        missing.push({ path, parameter: name });
        return text;
      }
      uses.push({ path, parameter: name, whole: true });
      const value = values[name];
      return Array.isArray(value) ? [...value] : value;
    }
    let out = "";
    for (const part of parts) {
      if (typeof part === "string") out += part;
      else if (!(part.parameter in values)) {
        missing.push({ path, parameter: part.parameter });
        out += `\${${part.parameter}}`;
      } else {
        uses.push({ path, parameter: part.parameter, whole: false });
        out += interpolationText(values[part.parameter]);
      }
    }
    return out;
  };
  return { value: walk(tree, base), uses, missing };
}
