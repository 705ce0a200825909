// The process environment as the CLI and the server see it, read in one place: data and
// templates folders, Sim URL, port, the fixed timestamp for reproducible output, and the folder
// the user typed the command in (INIT_CWD under `deno task`, which runs every task from the
// project root). The library never reads the environment; these values are passed to it as
// options.
import { isAbsolute, resolve } from "node:path";
import { formatUtc } from "../lib/base/clock.ts";
import { FlowTimeError } from "../lib/base/errors.ts";

/** Reads one environment variable; undefined when unset. */
export type EnvReader = (name: string) => string | undefined;

/** Environment variables the toolkit's commands read. */
export const ENV_VARIABLES = [
  "INIT_CWD",
  "FLOWTIME_DATA_DIR",
  "FLOWTIME_TEMPLATES_DIR",
  "FLOWTIME_SIM_URL",
  "FLOWTIME_PORT",
  "SOURCE_DATE_EPOCH",
  "FLOWTIME_PROMETHEUS_URL",
  "FLOWTIME_PROMETHEUS_TOKEN",
  "FLOWTIME_PROMETHEUS_USERNAME",
  "FLOWTIME_PROMETHEUS_PASSWORD",
] as const;

/**
 * Read an environment variable of this process, treating "not permitted" like "not set".
 * @param name variable name
 * @returns its value, or undefined when unset or not readable under the sandbox
 */
export function processEnv(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch {
    return undefined;
  }
}

/**
 * This process's working folder, or undefined where the sandbox forbids reading it (the `serve`
 * task may read only its data and templates folders).
 * @returns the absolute folder
 */
export function processCwd(): string | undefined {
  try {
    return Deno.cwd();
  } catch {
    return undefined;
  }
}

/** The settings the environment gives a command. */
export class CliEnvironment {
  readonly #read: EnvReader;
  readonly #cwd: () => string | undefined;

  /**
   * Wrap an environment.
   * @param read variable reader (default this process's environment)
   * @param cwd this process's working folder (default `Deno.cwd()`)
   */
  constructor(read: EnvReader = processEnv, cwd: () => string | undefined = processCwd) {
    this.#read = read;
    this.#cwd = cwd;
  }

  /**
   * The folder the user typed the command in, when it is not this process's working folder:
   * `deno task` sets INIT_CWD and runs the task from the project root.
   * @returns the absolute folder, or undefined when paths already resolve from the right place
   */
  get userCwd(): string | undefined {
    const init = this.get("INIT_CWD");
    if (init === undefined || !isAbsolute(init)) return undefined;
    const own = this.#cwd();
    return own !== undefined && resolve(own) === resolve(init) ? undefined : resolve(init);
  }

  /** True when the command runs under `deno task` (INIT_CWD is set). */
  get underTask(): boolean {
    return this.get("INIT_CWD") !== undefined;
  }

  /**
   * A path the user gave (a flag, FLOWTIME_DATA_DIR), resolved from the folder they typed the
   * command in. Unchanged when that is this process's working folder, or when it is absolute.
   * @param path the path as typed
   * @returns the path to use in this process
   */
  resolvePath(path: string): string {
    const from = this.userCwd;
    return from === undefined || isAbsolute(path) ? path : resolve(from, path);
  }

  /**
   * A variable, with empty text treated as unset.
   * @param name variable name
   * @returns its value or undefined
   */
  get(name: string): string | undefined {
    const value = this.#read(name);
    return value === "" ? undefined : value;
  }

  /** The data folder: `$FLOWTIME_DATA_DIR` (from where the user typed), default `./data` (in
   * the project). */
  get dataDir(): string {
    const dir = this.get("FLOWTIME_DATA_DIR");
    return dir === undefined ? "./data" : this.resolvePath(dir);
  }

  /** The runs folder inside the data folder. */
  get runsDir(): string {
    return runsDirOf(this.dataDir);
  }

  /** The templates folder: `$FLOWTIME_TEMPLATES_DIR`, default `./templates`. */
  get templatesDir(): string {
    const dir = this.get("FLOWTIME_TEMPLATES_DIR");
    return dir === undefined ? "./templates" : this.resolvePath(dir);
  }

  /**
   * The server's port from `$FLOWTIME_PORT`.
   * @returns the port, or undefined when unset
   * @throws FlowTimeError `usage` when it is not a whole number 0..65535
   */
  port(): number | undefined {
    const text = this.get("FLOWTIME_PORT");
    if (text === undefined) return undefined;
    if (!/^\d+$/.test(text) || Number(text) > 65535) {
      throw new FlowTimeError("usage", `FLOWTIME_PORT: '${text}' is not a port (0..65535)`);
    }
    return Number(text);
  }

  /** The Sim service URL (`$FLOWTIME_SIM_URL`); undefined means the in-process Sim. */
  get simUrl(): string | undefined {
    return this.get("FLOWTIME_SIM_URL");
  }

  /**
   * The fixed timestamp `SOURCE_DATE_EPOCH` asks for, as ISO UTC text.
   * @returns the timestamp, or undefined when the variable is unset
   * @throws FlowTimeError `usage` when it is not a whole number of seconds
   */
  fixedTime(): string | undefined {
    const epoch = this.get("SOURCE_DATE_EPOCH");
    if (epoch === undefined) return undefined;
    const seconds = Number(epoch);
    if (!/^\d+$/.test(epoch) || !Number.isSafeInteger(seconds) || seconds > 253402300799) {
      throw new FlowTimeError(
        "usage",
        `SOURCE_DATE_EPOCH: '${epoch}' is not a whole number of seconds since 1970-01-01`,
      );
    }
    return formatUtc(new Date(seconds * 1000));
  }
}

/**
 * The runs folder inside a data folder.
 * @param dataDir data folder
 * @returns `<dataDir>/runs`
 */
export function runsDirOf(dataDir: string): string {
  return `${dataDir.replace(/\/+$/, "")}/runs`;
}
