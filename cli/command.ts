// The CLI's command shape and argument parsing. Each command module declares its flags and
// help text; parsing is strict so a mistyped flag is a usage error (exit 2), never ignored, and
// a flag given twice is refused rather than silently resolved. Path flags are resolved here,
// once, from the folder the user typed the command in.
import { isAbsolute, join } from "node:path";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { FlowTimeError } from "../lib/base/errors.ts";
import { isSafeId } from "../lib/base/paths.ts";
import type { CliEnvironment } from "./config.ts";
import { closest } from "./suggest.ts";

/** A flag a command accepts. */
export interface FlagSpec {
  /** `string` takes a value, `boolean` does not. */
  type: "string" | "boolean";
  /** May be given several times (values collected in order). */
  multiple?: boolean;
  /** One-letter alias. */
  short?: string;
  /** The value is a path the command reads or writes: resolved from the folder the user typed
   * the command in, and granted by name when a task's permissions stop it. */
  path?: "read" | "write";
  /** The value may also name something in the data folder: a run id (`run`: a folder of
   * `<data>/runs`) or a capture (`capture`: `<data>/telemetry/<id>`, or a path relative to the
   * data folder), used when no such path exists where the user stands. */
  dataRef?: "run" | "capture";
}

/** Flags every command accepts. */
export const GLOBAL_FLAGS: Record<string, FlagSpec> = {
  help: { type: "boolean", short: "h" },
  verbose: { type: "boolean" },
  json: { type: "boolean" },
};

/** Output and parsed arguments handed to a command. */
export interface CommandContext {
  /** Flag values by name. */
  flags: Record<string, string | boolean | string[] | undefined>;
  /** Positional arguments. */
  positionals: string[];
  /** Write a line to stdout. */
  out(text: string): void;
  /** Write a line to stderr. */
  err(text: string): void;
  /** True when stderr is a terminal (progress display). */
  interactive: boolean;
  /** The environment's settings (folders, Sim URL, fixed time). */
  env: CliEnvironment;
  /** How to run the CLI again, for next-step hints: `deno task flowtime` under the task,
   * else `flowtime`. */
  invocation: string;
}

/** A CLI command. */
export interface Command {
  /** Full name, e.g. `telemetry capture`. */
  name: string;
  /** One-line summary for `flowtime --help`. */
  summary: string;
  /** Help text printed by `--help` (usage, flags, examples). */
  help: string;
  /** Accepted flags (`--help`, `--verbose` are added for every command). */
  flags: Record<string, FlagSpec>;
  /** Number of positional arguments accepted (default 0). */
  positionals?: { min: number; max: number; names: string };
  /** Run the command; returns the exit code. */
  run(ctx: CommandContext): Promise<number>;
}

/**
 * Parse a command's arguments strictly.
 * @param command the command
 * @param args arguments after the command name
 * @returns flags and positionals
 * @throws FlowTimeError `usage` for unknown flags (with the closest known one), missing values,
 *   a flag given twice or a wrong positional count
 */
export function parseCommandArgs(
  command: Command,
  args: string[],
): { flags: CommandContext["flags"]; positionals: string[] } {
  const specs = flagSpecs(command);
  const options: NonNullable<ParseArgsConfig["options"]> = {};
  for (const [name, spec] of Object.entries(specs)) {
    options[name] = {
      type: spec.type,
      ...(spec.multiple ? { multiple: true } : {}),
      ...(spec.short ? { short: spec.short } : {}),
    };
  }
  const see = `(see 'flowtime ${command.name} --help')`;
  let parsed;
  try {
    parsed = parseArgs({
      args: joinNegativeValues(args, specs),
      options,
      allowPositionals: true,
      strict: true,
      tokens: true,
    });
  } catch (err) {
    throw new FlowTimeError("usage", `${parseProblem((err as Error).message, command)} ${see}`);
  }
  const flags = parsed.values as CommandContext["flags"];
  if (flags.help) return { flags, positionals: parsed.positionals };
  const given = new Map<string, string[]>();
  for (const token of parsed.tokens ?? []) {
    if (token.kind !== "option" || specs[token.name]?.type !== "string") continue;
    if (specs[token.name].multiple) continue;
    given.set(token.name, [...given.get(token.name) ?? [], token.value ?? ""]);
  }
  for (const [name, values] of given) {
    if (values.length > 1) {
      throw new FlowTimeError(
        "usage",
        `--${name} is given ${values.length} times (${
          values.map((v) => `'${v}'`).join(", ")
        }); give it once ${see}`,
      );
    }
  }
  const p = command.positionals ?? { min: 0, max: 0, names: "" };
  if (parsed.positionals.length < p.min) {
    throw new FlowTimeError("usage", `missing ${p.names} ${see}`);
  }
  if (parsed.positionals.length > p.max) {
    const extra = parsed.positionals[p.max];
    const hint = /^[a-z-]+$/.test(extra) && specs[extra] ? `; did you mean --${extra}?` : "";
    throw new FlowTimeError("usage", `unexpected argument '${extra}'${hint} ${see}`);
  }
  return { flags, positionals: parsed.positionals };
}

/**
 * Every flag a command accepts: its own plus `--help`, `--verbose` and `--json`.
 * @param command the command
 * @returns flag specs by name
 */
export function flagSpecs(command: Command): Record<string, FlagSpec> {
  return { ...GLOBAL_FLAGS, ...command.flags };
}

// `--bin -1`: a value that looks like a negative number belongs to the flag before it (the
// parser would otherwise take it for an option and complain about an ambiguous value).
function joinNegativeValues(args: string[], specs: Record<string, FlagSpec>): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--") return [...out, ...args.slice(i)];
    const name = arg.startsWith("--") ? arg.slice(2) : undefined;
    const next = args[i + 1];
    if (
      name !== undefined && specs[name]?.type === "string" && next !== undefined &&
      /^-(\d|\.\d)/.test(next)
    ) {
      out.push(`${arg}=${next}`);
      i++;
    } else out.push(arg);
  }
  return out;
}

// node:util's parse errors in the CLI's words, with the closest known flag for a typo.
function parseProblem(message: string, command: Command): string {
  const unknown = /^Unknown option '(-{1,2})([^']*)'/.exec(message);
  if (unknown) {
    const typed = unknown[2].split("=")[0];
    const guess = closest(typed, Object.keys(flagSpecs(command)));
    return `unknown flag '${unknown[1]}${typed}' for 'flowtime ${command.name}'${
      guess ? `; did you mean --${guess}?` : ""
    }`;
  }
  const missing = /^Option '(?:-\w, )?(--[\w-]+) <value>' argument missing/.exec(message);
  if (missing) return `${missing[1]} needs a value: ${missing[1]} <value>`;
  const noValue = /^Option '(?:-\w, )?(--[\w-]+)' does not take an argument/.exec(message);
  if (noValue) return `${noValue[1]} takes no value`;
  const ambiguous = /^Option '(?:-\w, )?(--[\w-]+)' argument is ambiguous/.exec(message);
  if (ambiguous) {
    return `the value after ${ambiguous[1]} starts with '-': write it as ${ambiguous[1]}=<value>`;
  }
  return message.replace(/\. To specify a positional argument.*$/s, "");
}

/**
 * Resolve a command's path flags from the folder the user typed the command in (INIT_CWD under
 * `deno task`), and turn data-folder references (a run id for `--run-dir`, a capture id or a
 * path inside the data folder for `--telemetry-dir`) into paths. Done once, before the command
 * runs, so no command resolves paths itself.
 * @param command the command
 * @param flags parsed flags, changed in place
 * @param env the environment (user folder, data folder)
 */
export function resolvePathFlags(
  command: Command,
  flags: CommandContext["flags"],
  env: CliEnvironment,
): void {
  for (const [name, spec] of Object.entries(command.flags)) {
    if (!spec.path) continue;
    const value = flags[name];
    if (typeof value === "string") flags[name] = resolveOne(value, spec, env);
    else if (Array.isArray(value)) flags[name] = value.map((v) => resolveOne(v, spec, env));
  }
}

function resolveOne(typed: string, spec: FlagSpec, env: CliEnvironment): string {
  if (typed === "") return typed;
  const path = env.resolvePath(typed);
  if (spec.dataRef === undefined || pathExists(path)) return path;
  const candidates: string[] = [];
  if (spec.dataRef === "run" && isSafeId(typed)) candidates.push(join(env.runsDir, typed));
  if (spec.dataRef === "capture" && !isAbsolute(typed)) {
    candidates.push(join(env.dataDir, typed));
    if (isSafeId(typed)) candidates.push(join(env.dataDir, "telemetry", typed));
  }
  return candidates.find(pathExists) ?? path;
}

// Whether something is at a path; anything but "not found" (no permission) counts as there,
// so the command reports it.
function pathExists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch (err) {
    return !(err instanceof Deno.errors.NotFound);
  }
}

/**
 * A required string flag.
 * @param ctx command context
 * @param name flag name
 * @param commandName for the message
 * @returns its value
 */
export function requireFlag(ctx: CommandContext, name: string, commandName: string): string {
  const v = ctx.flags[name];
  if (typeof v !== "string" || v === "") {
    throw new FlowTimeError("usage", `missing --${name} (see 'flowtime ${commandName} --help')`);
  }
  return v;
}

/**
 * An optional string flag.
 * @param ctx command context
 * @param name flag name
 * @returns its value or undefined
 */
export function stringFlag(ctx: CommandContext, name: string): string | undefined {
  const v = ctx.flags[name];
  return typeof v === "string" ? v : undefined;
}

/**
 * An optional integer flag.
 * @param ctx command context
 * @param name flag name
 * @param min smallest allowed value
 * @returns the number or undefined
 */
export function integerFlag(ctx: CommandContext, name: string, min = 0): number | undefined {
  const v = stringFlag(ctx, name);
  if (v === undefined) return undefined;
  if (!/^-?\d+$/.test(v) || Number(v) < min || !Number.isSafeInteger(Number(v))) {
    throw new FlowTimeError("usage", `--${name} must be a whole number >= ${min}, got '${v}'`);
  }
  return Number(v);
}

/**
 * Print a value as one JSON document (2-space indent).
 * @param ctx command context
 * @param value the value
 */
export function printJson(ctx: CommandContext, value: unknown): void {
  ctx.out(JSON.stringify(value, null, 2));
}

/**
 * One problem of an error's details as a line: `file:line: path: message`.
 * @param detail one entry of `FlowTimeError.details`
 * @returns the line
 */
export function problemLine(detail: unknown): string {
  const i = detail as {
    file?: string;
    line?: number;
    path?: string;
    message?: string;
    parameter?: string;
  };
  const place = [i.file, i.line].filter((x) => x !== undefined).join(":");
  return `${place ? place + ": " : ""}${i.path ?? i.parameter ?? ""}${
    i.path || i.parameter ? ": " : ""
  }${i.message ?? JSON.stringify(detail)}`;
}
