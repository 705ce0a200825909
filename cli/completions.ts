// `flowtime completions bash|zsh|fish`: shell completion scripts for the commands, their flags
// and the values some flags take, generated from the command registry.
import { FlowTimeError } from "../lib/base/errors.ts";
import { type Command, flagSpecs, printJson } from "./command.ts";

const SHELLS = ["bash", "zsh", "fish"] as const;

/** Fixed values of some flags, completed after the flag. */
const FLAG_VALUES: Record<string, readonly string[]> = {
  format: ["json", "table", "csv"],
  mode: ["simulation", "telemetry"],
};

export const completionsCommand: Command = {
  name: "completions",
  summary: "print a shell completion script (bash, zsh or fish)",
  help: `flowtime completions: print a shell completion script

Usage:
  flowtime completions bash|zsh|fish

Completes commands, flags, the values of --format and --mode, and file names after path flags,
for a command named 'flowtime'. Install:

  bash:  flowtime completions bash > ~/.local/share/bash-completion/completions/flowtime
  zsh:   flowtime completions zsh > "\${fpath[1]}/_flowtime"   (or: source <(flowtime completions zsh))
  fish:  flowtime completions fish > ~/.config/fish/completions/flowtime.fish

Without an installed 'flowtime', define one that runs the task from anywhere, e.g.
  alias flowtime='deno task --config /path/to/flowtime-toolkit/deno.json flowtime'
(paths stay relative to the folder you type in).
`,
  flags: {},
  positionals: { min: 1, max: 1, names: "the shell (bash, zsh or fish)" },
  async run(ctx) {
    const shell = ctx.positionals[0];
    if (!(SHELLS as readonly string[]).includes(shell)) {
      throw new FlowTimeError(
        "usage",
        `no completions for '${shell}': give bash, zsh or fish (see 'flowtime completions --help')`,
      );
    }
    const { COMMANDS } = await import("./registry.ts");
    const script = completionScript(shell as (typeof SHELLS)[number], COMMANDS);
    if (ctx.flags.json) printJson(ctx, { shell, script });
    else ctx.out(script.trimEnd());
    return 0;
  },
};

/**
 * The completion script for a shell.
 * @param shell bash, zsh or fish
 * @param commands the commands to complete
 * @returns the script text
 */
export function completionScript(
  shell: (typeof SHELLS)[number],
  commands: readonly Command[],
): string {
  return shell === "fish" ? fishScript(commands) : bashScript(commands, shell === "zsh");
}

function flagsOf(c: Command): string[] {
  return Object.keys(flagSpecs(c)).map((f) => `--${f}`).sort();
}

function pathFlags(commands: readonly Command[]): string[] {
  const names = new Set<string>();
  for (const c of commands) {
    for (const [name, spec] of Object.entries(c.flags)) if (spec.path) names.add(`--${name}`);
  }
  return [...names].sort();
}

function bashScript(commands: readonly Command[], zsh: boolean): string {
  const first = [...new Set(commands.map((c) => c.name.split(" ")[0]))];
  const groups = first.filter((w) => commands.some((c) => c.name.startsWith(`${w} `)));
  const lines = [
    `# flowtime completion for ${zsh ? "zsh (through bashcompinit)" : "bash"}`,
    ...(zsh
      ? ["autoload -U +X compinit && compinit", "autoload -U +X bashcompinit && bashcompinit"]
      : []),
    "_flowtime() {",
    '  local cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD-1]}" key',
    '  if [ "$COMP_CWORD" -eq 1 ]; then',
    `    COMPREPLY=($(compgen -W "${[...first, "help"].join(" ")}" -- "$cur")); return`,
    "  fi",
    '  case "${COMP_WORDS[1]}" in',
  ];
  for (const g of groups) {
    const subs = commands.filter((c) => c.name.startsWith(`${g} `)).map((c) =>
      c.name.split(" ")[1]
    );
    lines.push(
      `    ${g})`,
      `      if [ "$COMP_CWORD" -eq 2 ]; then COMPREPLY=($(compgen -W "${
        subs.join(" ")
      }" -- "$cur")); return; fi`,
      '      key="${COMP_WORDS[1]} ${COMP_WORDS[2]}" ;;',
    );
  }
  lines.push(
    "    help)",
    `      COMPREPLY=($(compgen -W "${first.join(" ")}" -- "$cur")); return ;;`,
    '    *) key="${COMP_WORDS[1]}" ;;',
    "  esac",
    '  case "$prev" in',
  );
  for (const [flag, values] of Object.entries(FLAG_VALUES)) {
    lines.push(
      `    --${flag}) COMPREPLY=($(compgen -W "${values.join(" ")}" -- "$cur")); return ;;`,
    );
  }
  lines.push(
    `    ${pathFlags(commands).join("|")}) COMPREPLY=($(compgen -f -- "$cur")); return ;;`,
    "  esac",
    "  local flags",
    '  case "$key" in',
  );
  for (const c of commands) lines.push(`    "${c.name}") flags="${flagsOf(c).join(" ")}" ;;`);
  lines.push('    *) flags="" ;;');
  lines.push(
    "  esac",
    '  if [ "$key" = completions ] && [[ "$cur" != -* ]]; then',
    `    COMPREPLY=($(compgen -W "${SHELLS.join(" ")}" -- "$cur")); return`,
    "  fi",
    '  COMPREPLY=($(compgen -W "$flags" -- "$cur"))',
    "}",
    "complete -o default -F _flowtime flowtime",
  );
  return lines.join("\n") + "\n";
}

function fishScript(commands: readonly Command[]): string {
  const first = [...new Set(commands.map((c) => c.name.split(" ")[0]))];
  const lines = [
    "# flowtime completion for fish",
    "complete -c flowtime -f",
  ];
  for (const w of [...first, "help"]) {
    const c = commands.find((x) => x.name === w);
    const summary = c?.summary ??
      (w === "help" ? "show the help of a command" : `${w} commands`);
    lines.push(
      `complete -c flowtime -n __fish_use_subcommand -a ${w} -d ${fishQuote(summary)}`,
    );
  }
  for (const c of commands) {
    const [w1, w2] = c.name.split(" ");
    const cond = w2 === undefined
      ? `__fish_seen_subcommand_from ${w1}`
      : `__fish_seen_subcommand_from ${w1}; and __fish_seen_subcommand_from ${w2}`;
    if (w2 !== undefined) {
      lines.push(
        `complete -c flowtime -n '__fish_seen_subcommand_from ${w1}; and not __fish_seen_subcommand_from ${w2}' -a ${w2} -d ${
          fishQuote(c.summary)
        }`,
      );
    }
    for (const [name, spec] of Object.entries(flagSpecs(c))) {
      const values = FLAG_VALUES[name];
      const arg = spec.type === "boolean"
        ? ""
        : values
        ? ` -x -a '${values.join(" ")}'`
        : spec.path
        ? " -r -F"
        : " -x";
      lines.push(`complete -c flowtime -n '${cond}' -l ${name}${arg}`);
    }
  }
  lines.push(
    `complete -c flowtime -n '__fish_seen_subcommand_from completions' -a '${SHELLS.join(" ")}'`,
  );
  return lines.join("\n") + "\n";
}

function fishQuote(text: string): string {
  return `'${text.replaceAll("\\", "\\\\").replaceAll("'", "\\'")}'`;
}
