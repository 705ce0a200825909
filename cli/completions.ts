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

// The words that may follow a prefix of command names ("" for the first word).
function nextWords(commands: readonly Command[]): Map<string, string[]> {
  const next = new Map<string, string[]>();
  for (const c of commands) {
    const words = c.name.split(" ");
    for (let k = 0; k < words.length; k++) {
      const prefix = words.slice(0, k).join(" ");
      const list = next.get(prefix) ?? [];
      if (!list.includes(words[k])) list.push(words[k]);
      next.set(prefix, list);
    }
  }
  return next;
}

function bashScript(commands: readonly Command[], zsh: boolean): string {
  const next = nextWords(commands);
  const names = commands.map((c) => `"${c.name}"`).join("|");
  const lines = [
    `# flowtime completion for ${zsh ? "zsh (through bashcompinit)" : "bash"}`,
    ...(zsh
      ? ["autoload -U +X compinit && compinit", "autoload -U +X bashcompinit && bashcompinit"]
      : []),
    "_flowtime() {",
    '  local cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD-1]}"',
    '  local i=1 key="" done="" words="" flags=""',
    "  # the command typed so far: words up to the first flag or a whole command name",
    '  while [ "$i" -lt "$COMP_CWORD" ]; do',
    '    case "${COMP_WORDS[i]}" in -*) break ;; esac',
    '    key="${key:+$key }${COMP_WORDS[i]}"',
    "    i=$((i + 1))",
    `    case "$key" in ${names}) done=1; break ;; esac`,
    "  done",
    '  if [ -z "$done" ]; then',
    '    key="${key#help}"; key="${key# }"',
    '    case "$key" in',
  ];
  for (const [prefix, words] of next) {
    lines.push(
      `      "${prefix}") words="${[...words, ...(prefix === "" ? ["help"] : [])].join(" ")}" ;;`,
    );
  }
  lines.push(
    "    esac",
    '    COMPREPLY=($(compgen -W "$words" -- "$cur")); return',
    "  fi",
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
    '  case "$key" in',
  );
  for (const c of commands) lines.push(`    "${c.name}") flags="${flagsOf(c).join(" ")}" ;;`);
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
  const next = nextWords(commands);
  const seen = (words: string[]) =>
    words.map((w) => `__fish_seen_subcommand_from ${w}`).join("; and ");
  const summaryOf = (prefix: string, word: string) => {
    const name = prefix === "" ? word : `${prefix} ${word}`;
    return commands.find((c) => c.name === name)?.summary ??
      (name === "help" ? "show the help of a command" : `${name} commands`);
  };
  const lines = ["# flowtime completion for fish", "complete -c flowtime -f"];
  for (const [prefix, words] of next) {
    const all = prefix === "" ? [...words, "help"] : words;
    const cond = prefix === ""
      ? "__fish_use_subcommand"
      : `${seen(prefix.split(" "))}; and not __fish_seen_subcommand_from ${words.join(" ")}`;
    for (const w of all) {
      lines.push(
        `complete -c flowtime -n '${cond}' -a ${w} -d ${fishQuote(summaryOf(prefix, w))}`,
      );
    }
  }
  for (const c of commands) {
    const cond = seen(c.name.split(" "));
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
