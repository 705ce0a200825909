// The process environment as the CLI and the server see it, read in one place: data and
// templates folders, Sim URL and the fixed timestamp for reproducible output. The library never
// reads the environment; these values are passed to it as options.
import { formatUtc } from "../lib/base/clock.ts";
import { FlowTimeError } from "../lib/base/errors.ts";

/** Reads one environment variable; undefined when unset. */
export type EnvReader = (name: string) => string | undefined;

/** Environment variables the toolkit's commands read. */
export const ENV_VARIABLES = [
  "FLOWTIME_DATA_DIR",
  "FLOWTIME_TEMPLATES_DIR",
  "FLOWTIME_SIM_URL",
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

/** The settings the environment gives a command. */
export class CliEnvironment {
  readonly #read: EnvReader;

  /**
   * Wrap an environment.
   * @param read variable reader (default this process's environment)
   */
  constructor(read: EnvReader = processEnv) {
    this.#read = read;
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

  /** The data folder: `$FLOWTIME_DATA_DIR`, default `./data`. */
  get dataDir(): string {
    return this.get("FLOWTIME_DATA_DIR") ?? "./data";
  }

  /** The runs folder inside the data folder. */
  get runsDir(): string {
    return runsDirOf(this.dataDir);
  }

  /** The templates folder: `$FLOWTIME_TEMPLATES_DIR`, default `./templates`. */
  get templatesDir(): string {
    return this.get("FLOWTIME_TEMPLATES_DIR") ?? "./templates";
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
