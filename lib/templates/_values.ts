// What a value must look like for a parameter declaration: type, arrayOf and min/max on
// scalars and on every array element. Shared by the template loader (defaults) and the binder.
import { describeValue } from "../base/issues.ts";
import type { ParameterValue, TemplateParameter } from "./types.ts";

/** Longest array a parameter may hold (the largest grid). */
export const MAX_ARRAY_LENGTH = 10000;

/**
 * What a parameter expects, for messages: `a whole number`, `an array of numbers`, ...
 * @param decl the declaration
 * @returns the phrase
 */
export function expectedType(decl: Pick<TemplateParameter, "type" | "arrayOf">): string {
  switch (decl.type) {
    case "integer":
      return "a whole number";
    case "number":
      return "a number";
    case "boolean":
      return "true or false";
    case "string":
      return "a string";
    case "array":
      return decl.arrayOf === "integer" ? "an array of whole numbers" : "an array of numbers";
  }
}

/**
 * Check a value against a declaration.
 * @param decl the parameter declaration
 * @param value the candidate value
 * @returns undefined when the value fits, else what is wrong (without the parameter name)
 */
export function valueProblem(decl: TemplateParameter, value: unknown): string | undefined {
  switch (decl.type) {
    case "integer":
      if (typeof value !== "number" || !Number.isSafeInteger(value)) {
        return `must be ${expectedType(decl)}, got ${describeValue(value)}`;
      }
      return rangeProblem(decl, value, "");
    case "number":
      if (typeof value !== "number" || !Number.isFinite(value)) {
        return `must be ${expectedType(decl)}, got ${describeValue(value)}`;
      }
      return rangeProblem(decl, value, "");
    case "boolean":
      return typeof value === "boolean"
        ? undefined
        : `must be ${expectedType(decl)}, got ${describeValue(value)}`;
    case "string":
      return typeof value === "string"
        ? undefined
        : `must be ${expectedType(decl)}, got ${describeValue(value)}`;
    case "array": {
      if (!Array.isArray(value)) {
        return `must be ${expectedType(decl)}, got ${describeValue(value)}`;
      }
      if (value.length > MAX_ARRAY_LENGTH) {
        return `has ${value.length} elements; at most ${MAX_ARRAY_LENGTH} are allowed`;
      }
      const integer = decl.arrayOf === "integer";
      for (let i = 0; i < value.length; i++) {
        const v = value[i];
        const ok = typeof v === "number" &&
          (integer ? Number.isSafeInteger(v) : Number.isFinite(v));
        if (!ok) {
          return `element [${i}] must be ${integer ? "a whole number" : "a number"}, got ${
            describeValue(v)
          }`;
        }
        const range = rangeProblem(decl, v, `element [${i}] = `);
        if (range) return range;
      }
      return undefined;
    }
  }
}

function rangeProblem(decl: TemplateParameter, v: number, prefix: string): string | undefined {
  if (decl.min !== undefined && v < decl.min) {
    return `${prefix}${v} is below the minimum ${decl.min}${rangeText(decl)}`;
  }
  if (decl.max !== undefined && v > decl.max) {
    return `${prefix}${v} is above the maximum ${decl.max}${rangeText(decl)}`;
  }
  return undefined;
}

function rangeText(decl: TemplateParameter): string {
  return ` (allowed: ${decl.min ?? "-inf"}..${decl.max ?? "inf"})`;
}

/**
 * Copy a value so callers can never change a template's defaults through it.
 * @param value a parameter value
 * @returns an independent copy
 */
export function copyValue(value: ParameterValue): ParameterValue {
  return Array.isArray(value) ? [...value] : value;
}
