// The CLI's command shape and argument parsing. Each command module declares its flags and
// help text; parsing is strict so a mistyped flag is a usage error (exit 2), never ignored.
import { parseArgs, type ParseArgsConfig } from "node:util";
import { FlowTimeError } from "../lib/base/errors.ts";
import type { CliEnvironment } from "./config.ts";

/** A flag a command accepts. */
export interface FlagSpec {
  /** `string` takes a value, `boolean` does not. */
  type: "string" | "boolean";
  /** May be given several times (values collected in order). */
  multiple?: boolean;
  /** One-letter alias. */
  short?: string;
}

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
 * @throws FlowTimeError `usage` for unknown flags, missing values or wrong positional count
 */
export function parseCommandArgs(
  command: Command,
  args: string[],
): { flags: CommandContext["flags"]; positionals: string[] } {
  const options: NonNullable<ParseArgsConfig["options"]> = {
    help: { type: "boolean", short: "h" },
    verbose: { type: "boolean" },
  };
  for (const [name, spec] of Object.entries(command.flags)) {
    options[name] = {
      type: spec.type,
      ...(spec.multiple ? { multiple: true } : {}),
      ...(spec.short ? { short: spec.short } : {}),
    };
  }
  let parsed;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (err) {
    const msg = (err as Error).message.replace(/\. To specify a positional argument.*$/s, "");
    throw new FlowTimeError("usage", `${msg} (see 'flowtime ${command.name} --help')`);
  }
  const flags = parsed.values as CommandContext["flags"];
  if (flags.help) return { flags, positionals: parsed.positionals };
  const p = command.positionals ?? { min: 0, max: 0, names: "" };
  if (parsed.positionals.length < p.min) {
    throw new FlowTimeError("usage", `missing ${p.names} (see 'flowtime ${command.name} --help')`);
  }
  if (parsed.positionals.length > p.max) {
    throw new FlowTimeError(
      "usage",
      `unexpected argument '${parsed.positionals[p.max]}' (see 'flowtime ${command.name} --help')`,
    );
  }
  return { flags, positionals: parsed.positionals };
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
