// Collects validation problems with their field path and line, and turns them into one
// FlowTimeError whose message names the first problem and whose details list them all.
import { FlowTimeError, type FlowTimeErrorCode } from "./errors.ts";
import { type FieldPath, formatPath } from "./located_yaml.ts";

/** One validation problem. */
export interface Issue {
  /** Field path, e.g. `nodes[3].expr`. */
  path: string;
  /** 1-based line in the file, if known. */
  line?: number;
  /** What is wrong and what to change. */
  message: string;
}

/** A field the reader ignored, reported as a warning (stable `code`, e.g. `unknown_field`). */
export interface ParseWarning extends Issue {
  /** Stable warning code. */
  code: string;
}

/** An ordered list of validation problems for one file, and of the warnings found on the way. */
export class IssueList {
  /** The problems found so far. */
  readonly items: Issue[] = [];
  /** Warnings found so far (fields ignored, not refused). */
  readonly warnings: ParseWarning[] = [];
  readonly #file: string;
  readonly #lineOf?: (path: FieldPath) => number | undefined;

  /**
   * Start an empty list for one file.
   * @param file file name for messages
   * @param lineOf line lookup for field paths
   */
  constructor(file: string, lineOf?: (path: FieldPath) => number | undefined) {
    this.#file = file;
    this.#lineOf = lineOf;
  }

  /**
   * Record a problem.
   * @param path where it is
   * @param message what is wrong and what to change
   */
  add(path: FieldPath, message: string): void {
    this.items.push({ path: formatPath(path), line: this.#lineOf?.(path), message });
  }

  /**
   * Record a warning: something the reader ignored or read leniently.
   * @param path where it is
   * @param message what was ignored and why
   * @param code stable warning code
   */
  warn(path: FieldPath, message: string, code = "unknown_field"): void {
    this.warnings.push({ code, path: formatPath(path), line: this.#lineOf?.(path), message });
  }

  /** Number of problems recorded. */
  get length(): number {
    return this.items.length;
  }

  /**
   * Throw a FlowTimeError for the first problem (details carry all of them), if any.
   * @param code error code to use
   */
  throwIfAny(code: FlowTimeErrorCode): void {
    if (this.items.length === 0) return;
    const first = this.items[0];
    const more = this.items.length > 1
      ? ` (and ${this.items.length - 1} more problem${this.items.length > 2 ? "s" : ""})`
      : "";
    throw new FlowTimeError(code, first.message + more, {
      file: this.#file,
      line: first.line,
      path: first.path || undefined,
      details: this.items.map((i) => ({ ...i, file: this.#file })),
    });
  }
}

/** A plain object (YAML mapping). */
export type RawMap = Record<string, unknown>;

/**
 * True for a plain object (not an array or null).
 * @param v any value
 * @returns whether it is a mapping
 */
export function isRawMap(v: unknown): v is RawMap {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Report keys of a mapping that are not in the allowed list.
 * @param issues where to record
 * @param raw the mapping
 * @param path its path
 * @param allowed the keys it may have
 */
export function checkKeys(
  issues: IssueList,
  raw: RawMap,
  path: FieldPath,
  allowed: readonly string[],
): void {
  for (const key of Object.keys(raw)) {
    if (!allowed.includes(key)) {
      issues.add([...path, key], `unknown field '${key}' (allowed: ${allowed.join(", ")})`);
    }
  }
}

/**
 * Warn about keys of a mapping that are not in the known list, and remove them: FlowTime
 * ignores fields it does not know, so the toolkit reads past them too (`unknown_field`).
 * @param issues where the warnings go
 * @param at the mapping (unknown keys are deleted from it), its path and the keys the reader uses
 */
export function ignoreUnknownKeys(
  issues: IssueList,
  at: { raw: RawMap; path: FieldPath; known: readonly string[] },
): void {
  const { raw, path, known } = at;
  for (const key of Object.keys(raw)) {
    if (known.includes(key)) continue;
    issues.warn(
      [...path, key],
      `unknown field '${key}' ignored (known here: ${known.join(", ")})`,
    );
    delete raw[key];
  }
}

/**
 * Remove keys whose value is null (or an empty string for the listed keys): FlowTime-Sim
 * writes every absent field as an empty value (`expr: `, `source: ''`), which means "not set".
 * @param raw the mapping (edited in place)
 * @param emptyStringKeys keys for which `""` (or blank text) also means "not set"
 */
export function dropNullKeys(raw: RawMap, emptyStringKeys: readonly string[] = []): void {
  for (const [key, value] of Object.entries(raw)) {
    if (
      value === null ||
      (emptyStringKeys.includes(key) && typeof value === "string" && value.trim() === "")
    ) {
      delete raw[key];
    }
  }
}

/** Bounds for {@link readNumber}. */
export interface NumberRule {
  /** Must be an integer. */
  integer?: boolean;
  /** Smallest allowed value. */
  min?: number;
  /** Largest allowed value. */
  max?: number;
}

/**
 * Read a number field, recording a problem when it is missing, not a finite number or out of
 * bounds.
 * @param issues where to record
 * @param value the raw value
 * @param path its path
 * @param rule integer and bounds
 * @returns the number, or undefined when invalid
 */
export function readNumber(
  issues: IssueList,
  value: unknown,
  path: FieldPath,
  rule: NumberRule = {},
): number | undefined {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    issues.add(
      path,
      `must be a ${rule.integer ? "whole number" : "finite number"}, got ${describeValue(value)}`,
    );
    return undefined;
  }
  if (rule.integer && !Number.isInteger(value)) {
    issues.add(path, `must be a whole number, got ${value}`);
    return undefined;
  }
  if (
    (rule.min !== undefined && value < rule.min) || (rule.max !== undefined && value > rule.max)
  ) {
    issues.add(path, `${value} is out of range (${rule.min ?? "-inf"}..${rule.max ?? "inf"})`);
    return undefined;
  }
  return value;
}

/**
 * Read a non-empty string field.
 * @param issues where to record
 * @param value the raw value
 * @param path its path
 * @returns the string, or undefined when invalid
 */
export function readString(issues: IssueList, value: unknown, path: FieldPath): string | undefined {
  if (typeof value !== "string" || value.trim() === "") {
    issues.add(path, `must be a non-empty string, got ${describeValue(value)}`);
    return undefined;
  }
  return value;
}

/**
 * Short description of a raw value for messages.
 * @param v any value
 * @returns e.g. `"abc"`, `a list`, `nothing`
 */
export function describeValue(v: unknown): string {
  if (v === undefined || v === null) return "nothing";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a mapping";
  if (typeof v === "string") return JSON.stringify(v.length > 40 ? v.slice(0, 37) + "..." : v);
  return String(v);
}
