// Plumbing for fault tests: start the real CLI as a child process that can be killed, wait for
// it to reach a point, and list folders that may not exist yet.
import { join } from "node:path";
import { CLI_TEST_PERMISSIONS, NEUTRAL_ENV, ROOT } from "../_helpers.ts";

/**
 * Start `flowtime <args>` as a child process (stdout and stderr piped).
 * @param args arguments after `flowtime`
 * @returns the child
 */
export function spawnCli(args: string[]): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", ...CLI_TEST_PERMISSIONS, join(ROOT, "cli.ts"), ...args],
    env: NEUTRAL_ENV,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

/**
 * Poll until `check` holds or the time runs out.
 * @param check condition
 * @param timeoutMs how long to wait
 * @returns whether the condition held in time
 */
export async function waitFor(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 5));
  }
  return false;
}

/**
 * Names in a folder, sorted; empty when the folder does not exist.
 * @param dir folder
 * @returns entry names
 */
export function entries(dir: string): string[] {
  try {
    return [...Deno.readDirSync(dir)].map((e) => e.name).sort();
  } catch {
    return [];
  }
}
