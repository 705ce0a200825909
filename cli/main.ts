// Dispatches `flowtime <command> [subcommand] ...` to the command modules and maps errors to
// exit codes in one place: 0 ok, 1 failure, 2 usage, 130 interrupted.
import { type ErrorFix, FlowTimeError } from "../lib/base/errors.ts";
import { TOOLKIT_VERSION } from "../lib/base/version.ts";
import {
  type Command,
  type CommandContext,
  parseCommandArgs,
  problemLine,
  resolvePathFlags,
} from "./command.ts";
import { COMMANDS } from "./registry.ts";
import { CliEnvironment, type EnvReader } from "./config.ts";
import { permissionLine, type Refusal, refusalOf } from "./permissions.ts";
import { closest } from "./suggest.ts";

// Deno's errors for an npm package a command loads when it runs and that cannot be had.
const PACKAGE_LOAD_FAILURE =
  /Failed caching npm package|npm specifiers were requested|Could not find npm package|npm package not found in cache/;

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
  const before = args.indexOf("--");
  const own = before < 0 ? args : args.slice(0, before);
  const report: Reporting = {
    io,
    verbose: own.includes("--verbose"),
    json: own.includes("--json"),
    args,
    env: new CliEnvironment(io.env),
  };
  if (args.length === 0 || args[0] === "--help" || args[0] === "-h") {
    io.out(topHelp());
    return args.length === 0 ? 2 : 0;
  }
  if (args[0] === "--version" || args[0] === "-V") {
    io.out(
      report.json ? JSON.stringify({ version: TOOLKIT_VERSION }) : `flowtime ${TOOLKIT_VERSION}`,
    );
    return 0;
  }
  if (args[0] === "help") return help(args.slice(1), report);
  const found = findCommand(args);
  if (!found) return unknownCommand(args, report);
  const { command, rest } = found;
  report.command = command;
  report.args = rest;
  try {
    const { flags, positionals } = parseCommandArgs(command, rest);
    if (flags.help) {
      io.out(command.help.trimEnd());
      return 0;
    }
    resolvePathFlags(command, flags, report.env);
    const ctx: CommandContext = {
      flags,
      positionals,
      out: io.out,
      err: io.err,
      interactive: io.interactive,
      env: report.env,
      invocation: report.env.underTask ? "deno task flowtime" : "flowtime",
    };
    return await command.run(ctx);
  } catch (err) {
    return reportFailure(err, report);
  }
}

/** What an error report needs to know about the invocation. */
interface Reporting {
  io: CliIo;
  verbose: boolean;
  json: boolean;
  /** The command's arguments (after its name), or all arguments before one was found. */
  args: string[];
  env: CliEnvironment;
  command?: Command;
}

// `flowtime help [command...]`: the same text as `<command> --help`.
function help(words: string[], report: Reporting): number {
  const { io } = report;
  if (words.length === 0) {
    io.out(topHelp());
    return 0;
  }
  const found = findCommand(words);
  if (found && found.rest.length === 0) {
    io.out(found.command.help.trimEnd());
    return 0;
  }
  const word = words.slice(0, 2).join(" ");
  const group = groupOf(word);
  if (group.length > 0 && words.length <= 2) {
    io.out(groupHelp(word, group));
    return 0;
  }
  return unknownCommand(words, report);
}

function unknownCommand(args: string[], report: Reporting): number {
  // a group of one word (`telemetry`) or two (`telemetry import`)
  const word = groupOf(`${args[0]} ${args[1]}`).length > 0 ? `${args[0]} ${args[1]}` : args[0];
  const group = groupOf(word);
  if (group.length > 0) {
    const depth = word.split(" ").length;
    const sub = args[depth];
    if (sub === undefined || sub === "--help" || sub === "-h") {
      report.io.out(groupHelp(word, group));
      return sub === undefined ? 2 : 0;
    }
    const next = [...new Set(group.map((c) => c.name.split(" ")[depth]))];
    const guess = closest(sub, next);
    return reportFailure(
      new FlowTimeError(
        "usage",
        `unknown command 'flowtime ${word} ${sub}'${
          guess ? `; did you mean 'flowtime ${word} ${guess}'?` : ""
        } (see 'flowtime ${word} --help')`,
      ),
      report,
    );
  }
  if (args[0].startsWith("-")) {
    return reportFailure(
      new FlowTimeError(
        "usage",
        `unknown flag '${args[0]}': give the command first, then its flags (see 'flowtime --help')`,
      ),
      report,
    );
  }
  const words = [...new Set(COMMANDS.map((c) => c.name.split(" ")[0])), "help"];
  const guess = closest(args[0], words);
  return reportFailure(
    new FlowTimeError(
      "usage",
      `unknown command '${args[0]}'${
        guess ? `; did you mean '${guess}'?` : ""
      } (see 'flowtime --help')`,
    ),
    report,
  );
}

function reportFailure(err: unknown, report: Reporting): number {
  const code = reportError(err, report.io, report.verbose);
  const refusal = refusalOf(err);
  if (refusal) {
    for (const line of permissionAdvice(refusal, report)) report.io.err(line);
  }
  if (report.json) report.io.out(JSON.stringify({ error: errorObject(err, code) }, null, 2));
  return code;
}

// A path the sandbox refused gets the whole `deno run` line that works; a host gets no more
// than the library's message, which names the --allow-net to add (and `serve` the task to use).
function permissionAdvice(refusal: Refusal, report: Reporting): string[] {
  if (refusal.kind === "net") {
    return report.command?.name === "serve"
      ? [
        "  the flowtime task has no network permission; start the server with 'deno task serve' (same flags)",
      ]
      : [];
  }
  const line = permissionLine({
    command: report.command,
    args: report.command ? [...report.command.name.split(" "), ...report.args] : report.args,
    refusal,
    env: report.env,
  });
  if (line === undefined) return [];
  return [
    `  ${
      report.env.underTask ? "a task's permissions cannot be widened from the command line; " : ""
    }run this instead:`,
    `  ${line}`,
  ];
}

/**
 * The error as `--json` prints it on stdout.
 * @param err what was thrown
 * @param exitCode the exit code chosen for it
 * @returns `{code, message, exitCode, fix?, details?}`
 */
export function errorObject(err: unknown, exitCode: number): Record<string, unknown> {
  if (err instanceof FlowTimeError) {
    return {
      code: err.code,
      message: err.messageWith(cliFix),
      exitCode,
      ...(err.fix ? { fix: { ...err.fix, hint: cliFix(err.fix) } } : {}),
      ...(err.details !== undefined ? { details: err.details } : {}),
    };
  }
  if (err instanceof Deno.errors.NotCapable) {
    return { code: "permission_denied", message: err.message, exitCode };
  }
  return {
    code: "internal_error",
    message: err instanceof Error ? err.message : String(err),
    exitCode,
  };
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
      for (const d of details) io.err(`  ${problemLine(d)}`);
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
  if (PACKAGE_LOAD_FAILURE.test(message)) {
    // the environment's problem (no network on a first run, a cleared cache), not a bug
    // its first line, and the innermost cause Deno lists under it (`3: Connection refused`)
    const causes = [...message.matchAll(/^\s*\d+: (.*)$/gm)];
    const cause = causes.length > 0 ? ` (${causes[causes.length - 1][1]})` : "";
    io.err(`error: could not load the toolkit's npm packages: ${message.split("\n")[0]}${cause}`);
    io.err(
      "(a first run downloads them from the npm registry: check the network, or see the README, " +
        "What the first run downloads)",
    );
    return 1;
  }
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

Every command takes --help (or 'flowtime help <command>') and --json (one JSON object on stdout,
also for errors). Exit codes: 0 ok, 1 failure, 2 usage, 130 interrupted.
Environment: FLOWTIME_DATA_DIR (default ./data), FLOWTIME_TEMPLATES_DIR (default ./templates),
FLOWTIME_SIM_URL (remote Sim), FLOWTIME_PORT (serve, default 8080), SOURCE_DATE_EPOCH (fixed
timestamps). Paths are taken from the folder you type the command in.`;
}
