// Dispatches `flowtime <command> [subcommand] ...` to the command modules and maps errors to
// exit codes in one place: 0 ok, 1 failure, 2 usage, 130 interrupted.
import { type ErrorFix, FlowTimeError } from "../lib/base/errors.ts";
import { TOOLKIT_VERSION } from "../lib/base/version.ts";
import { type Command, type CommandContext, parseCommandArgs } from "./command.ts";
import { COMMANDS } from "./registry.ts";
import { CliEnvironment, type EnvReader } from "./config.ts";

/** Where a CLI invocation writes. */
export interface CliIo {
  /** stdout line writer. */
  out(text: string): void;
  /** stderr line writer. */
  err(text: string): void;
  /** Whether stderr is a terminal. */
  interactive: boolean;
  /** Environment variables (default this process's environment). */
  env?: EnvReader;
}

const defaultIo: CliIo = {
  out: (t) => console.log(t),
  err: (t) => console.error(t),
  interactive: false,
};

/**
 * Run the CLI with the given arguments.
 * @param args arguments after `flowtime`
 * @param io output writers
 * @returns the exit code
 */
export async function main(args: string[], io: CliIo = defaultIo): Promise<number> {
  const verbose = args.includes("--verbose");
  if (args.length === 0 || args[0] === "--help" || args[0] === "-h" || args[0] === "help") {
    io.out(topHelp());
    return args.length === 0 ? 2 : 0;
  }
  if (args[0] === "--version" || args[0] === "-V") {
    io.out(`flowtime ${TOOLKIT_VERSION}`);
    return 0;
  }
  const found = findCommand(args);
  if (!found) {
    // a group of one word (`telemetry`) or two (`telemetry import`)
    const word = groupOf(`${args[0]} ${args[1]}`).length > 0 ? `${args[0]} ${args[1]}` : args[0];
    const group = groupOf(word);
    if (group.length > 0) {
      const sub = args[word.split(" ").length];
      if (sub === undefined || sub === "--help" || sub === "-h") {
        io.out(groupHelp(word, group));
        return sub === undefined ? 2 : 0;
      }
      io.err(
        `error: unknown command 'flowtime ${word} ${sub}' (see 'flowtime ${word} --help')`,
      );
      return 2;
    }
    io.err(`error: unknown command '${args[0]}' (see 'flowtime --help')`);
    return 2;
  }
  const { command, rest } = found;
  try {
    const { flags, positionals } = parseCommandArgs(command, rest);
    if (flags.help) {
      io.out(command.help.trimEnd());
      return 0;
    }
    const ctx: CommandContext = {
      flags,
      positionals,
      out: io.out,
      err: io.err,
      interactive: io.interactive,
      env: new CliEnvironment(io.env),
    };
    return await command.run(ctx);
  } catch (err) {
    return reportError(err, io, verbose);
  }
}

/**
 * Print an error the way every command does and choose its exit code.
 * @param err what was thrown
 * @param io output writers
 * @param verbose print stack traces and all details
 * @returns the exit code (2 usage, 130 interrupted, 1 otherwise)
 */
export function reportError(err: unknown, io: CliIo, verbose: boolean): number {
  if (err instanceof FlowTimeError) {
    io.err(`error: ${err.messageWith(cliFix)}`);
    const details = err.details;
    if (verbose && Array.isArray(details) && details.length > 1) {
      for (const d of details) {
        const i = d as {
          file?: string;
          line?: number;
          path?: string;
          message?: string;
          parameter?: string;
        };
        const place = [i.file, i.line].filter((x) => x !== undefined).join(":");
        io.err(
          `  ${place ? place + ": " : ""}${i.path ?? i.parameter ?? ""}${
            i.path || i.parameter ? ": " : ""
          }${i.message ?? JSON.stringify(d)}`,
        );
      }
    }
    if (verbose && err.cause instanceof Error && err.cause.stack) io.err(err.cause.stack);
    if (err.code === "usage") return 2;
    if (err.code === "interrupted") return 130;
    return 1;
  }
  if (err instanceof Deno.errors.NotCapable) {
    io.err(
      `error: ${
        err.message.replace(
          /, run again with the (--allow-\w+) flag/,
          "; grant it with $1 (see docs/cli.md, Permissions)",
        )
      }`,
    );
    return 1;
  }
  const message = err instanceof Error ? err.message : String(err);
  io.err(`error: internal error: ${message}`);
  if (verbose && err instanceof Error && err.stack) io.err(err.stack);
  else io.err("(run again with --verbose for details, and please report it)");
  return 1;
}

/**
 * A library fix in the CLI's words: the flag or variable that sets the option.
 * @param fix the option and what setting it does
 * @returns the phrase
 */
export function cliFix(fix: ErrorFix): string {
  switch (fix.option) {
    case "overwrite":
      return `pass --overwrite to ${fix.effect}`;
    case "simUrl":
      return `give --sim-url or set FLOWTIME_SIM_URL to ${fix.effect} (start one with 'flowtime serve')`;
    case "templatesDir":
      return `set FLOWTIME_TEMPLATES_DIR to ${fix.effect}`;
    case "credentials":
      return `set FLOWTIME_PROMETHEUS_TOKEN, or FLOWTIME_PROMETHEUS_USERNAME and FLOWTIME_PROMETHEUS_PASSWORD, to ${fix.effect}`;
    case "timeoutMs":
      return `pass --timeout <seconds> to ${fix.effect}`;
    default:
      return `pass --${
        fix.option.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)
      } to ${fix.effect}`;
  }
}

function findCommand(args: string[]): { command: Command; rest: string[] } | undefined {
  if (args.length >= 3) {
    const three = COMMANDS.find((c) => c.name === `${args[0]} ${args[1]} ${args[2]}`);
    if (three) return { command: three, rest: args.slice(3) };
  }
  if (args.length >= 2) {
    const two = COMMANDS.find((c) => c.name === `${args[0]} ${args[1]}`);
    if (two) return { command: two, rest: args.slice(2) };
  }
  const one = COMMANDS.find((c) => c.name === args[0]);
  return one ? { command: one, rest: args.slice(1) } : undefined;
}

function groupOf(word: string): Command[] {
  return COMMANDS.filter((c) => c.name.startsWith(`${word} `));
}

function groupHelp(word: string, commands: Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return `flowtime ${word}: ${word} commands\n\nCommands:\n` +
    commands.map((c) => `  flowtime ${c.name.padEnd(width)}  ${c.summary}`).join("\n") +
    `\n\nRun 'flowtime ${word} <command> --help' for the flags of each.`;
}

function topHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return `flowtime ${TOOLKIT_VERSION}: flow-and-queue models, run bundles, time-travel state and telemetry capture

Usage:
  flowtime <command> [flags]

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join("\n")}

Every command takes --help. Exit codes: 0 ok, 1 failure, 2 usage, 130 interrupted.
Environment: FLOWTIME_DATA_DIR (default ./data), FLOWTIME_TEMPLATES_DIR (default ./templates),
FLOWTIME_SIM_URL (remote Sim), SOURCE_DATE_EPOCH (fixed timestamps).`;
}
