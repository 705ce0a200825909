// Environment configuration read in one place: data and templates folders, Sim URL and the
// fixed timestamp for reproducible builds. Reads never fail for lack of --allow-env.

/**
 * Read an environment variable, treating "not permitted" like "not set".
 * @param name variable name
 * @returns its value, or undefined when unset, empty or not readable under the sandbox
 */
export function readEnv(name: string): string | undefined {
  try {
    const value = Deno.env.get(name);
    return value === "" ? undefined : value;
  } catch {
    return undefined;
  }
}

/**
 * The data folder: `$FLOWTIME_DATA_DIR`, default `./data`.
 * @returns the folder path (not resolved)
 */
export function dataDir(): string {
  return readEnv("FLOWTIME_DATA_DIR") ?? "./data";
}

/**
 * The templates folder: `$FLOWTIME_TEMPLATES_DIR`, default `./templates`.
 * @returns the folder path (not resolved)
 */
export function templatesDir(): string {
  return readEnv("FLOWTIME_TEMPLATES_DIR") ?? "./templates";
}

/**
 * The runs folder inside a data folder.
 * @param base data folder, default {@link dataDir}
 * @returns `<base>/runs`
 */
export function runsDir(base: string = dataDir()): string {
  return `${base.replace(/\/+$/, "")}/runs`;
}

/**
 * The Sim service URL: `$FLOWTIME_SIM_URL`; unset means the in-process Sim.
 * @returns the URL, or undefined
 */
export function simUrl(): string | undefined {
  return readEnv("FLOWTIME_SIM_URL");
}
