// When Deno's sandbox stops a command (a model outside the project, an output folder outside
// ./data, the network for `serve`), the user cannot add a flag to a `deno task`: this builds the
// exact `deno run ...` line that would work, with the user's arguments and absolute paths.
import { dirname, extname, isAbsolute, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { FlowTimeError } from "../lib/base/errors.ts";
import { type Command, flagSpecs } from "./command.ts";
import { type CliEnvironment, ENV_VARIABLES, processCwd } from "./config.ts";

/** What the sandbox refused. */
export interface Refusal {
  /** The permission: read, write, net, env, ... */
  kind: string;
  /** The path or host it was refused for. */
  target: string;
}

/**
 * The permission a thrown value reports as missing, if it is Deno's "not capable" refusal
 * (directly or as the cause of a FlowTimeError).
 * @param err what was thrown
 * @returns the refusal, or undefined for anything else
 */
export function refusalOf(err: unknown): Refusal | undefined {
  const notCapable = err instanceof Deno.errors.NotCapable
    ? err
    : err instanceof FlowTimeError && err.cause instanceof Deno.errors.NotCapable
    ? err.cause
    : undefined;
  if (!notCapable) return undefined;
  const m = /Requires (\w+) access to "?([^",]*)"?/.exec(notCapable.message);
  return m ? { kind: m[1], target: m[2] } : { kind: "unknown", target: "" };
}

/** The folder holding cli.ts, when the CLI runs from files (not from a URL). */
export function projectRoot(): string | undefined {
  const url = new URL("..", import.meta.url);
  return url.protocol === "file:" ? fileURLToPath(url).replace(/\/$/, "") : undefined;
}

/**
 * The `deno run` line that repeats a command with the permission it lacked, granting only the
 * project, the data folder and the paths the command names.
 * @param invocation the command, its arguments as typed, the refusal and the environment
 * @returns one shell line, or undefined when the CLI does not run from files
 */
export function permissionLine(
  invocation: { command?: Command; args: string[]; refusal: Refusal; env: CliEnvironment },
): string | undefined {
  const root = projectRoot();
  if (root === undefined) return undefined;
  const { command, args, refusal, env } = invocation;
  const userCwd = env.userCwd ?? processCwd() ?? root;
  const reads = new Set<string>(["."]);
  const writes = new Set<string>();
  const nets = new Set<string>();
  const abs = (p: string) => resolve(root, p);
  const inRoot = (p: string) => isInside(root, p);
  const grant = (set: Set<string>, path: string) => {
    const a = abs(path);
    if (set === reads && inRoot(a)) return;
    if (set === writes && writes.has("./data") && isInside(abs("data"), a)) return;
    set.add(a);
  };
  const dataDir = abs(env.dataDir);
  if (isInside(abs("data"), dataDir)) writes.add("./data");
  else writes.add(dataDir);
  if (!inRoot(dataDir)) reads.add(dataDir);
  if (!inRoot(abs(env.templatesDir))) reads.add(abs(env.templatesDir));

  const specs = command ? flagSpecs(command) : {};
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const eq = arg.indexOf("=");
    const name = arg.startsWith("--") ? arg.slice(2, eq < 0 ? undefined : eq) : "";
    const spec = specs[name];
    if (!spec?.path) {
      out.push(arg);
      continue;
    }
    const value = eq < 0 ? args[i + 1] : arg.slice(eq + 1);
    if (value === undefined) {
      out.push(arg);
      continue;
    }
    const path = resolve(userCwd, value);
    const shown = spec.dataRef && !pathExists(path) ? value : path;
    if (shown === path) grant(spec.path === "read" ? reads : writes, folderFor(path));
    out.push(eq < 0 ? arg : `--${name}=${shown}`);
    if (eq < 0) {
      out.push(shown);
      i++;
    }
  }
  if (refusal.kind === "read" && refusal.target) grant(reads, folderFor(refusal.target));
  if (refusal.kind === "write" && refusal.target) grant(writes, dirname(refusal.target));
  if (refusal.kind === "net" && refusal.target) nets.add(refusal.target);
  const flags = [
    `--allow-read=${[...reads].join(",")}`,
    `--allow-write=${[...writes].join(",")}`,
    ...(nets.size > 0 ? [`--allow-net=${[...nets].join(",")}`] : []),
    `--allow-env=${["NO_COLOR", ...ENV_VARIABLES].join(",")}`,
  ];
  const cd = resolve(processCwd() ?? userCwd) === root && env.userCwd === undefined
    ? ""
    : `cd ${quote(root)} && `;
  return `${cd}deno run ${flags.map(quote).join(" ")} cli.ts ${out.map(quote).join(" ")}`.trim();
}

function isInside(outer: string, inner: string): boolean {
  const rel = relative(outer, inner);
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
}

// A file's folder (a model's sources sit next to it); a folder or a path to create as is.
function folderFor(path: string): string {
  try {
    return Deno.statSync(path).isFile ? dirname(path) : path;
  } catch {
    return extname(path) === "" ? path : dirname(path);
  }
}

function pathExists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Quote a word for a POSIX shell when it needs it.
 * @param word one argument
 * @returns the word, single-quoted if it holds anything but safe characters
 */
export function quote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}
