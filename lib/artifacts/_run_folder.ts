// Runs by id: the folder of a run id, which must really lie inside the runs folder, and what a
// reader needs to see that a run was replaced while it read it (writes replace a run by two
// renames, lib/base/atomic.ts).
import { join } from "node:path";
import { FlowTimeError, fsError } from "../base/errors.ts";
import { assertSafeId, isWithin } from "../base/paths.ts";
import { waitForReplacement } from "../base/tidy.ts";
import { exists } from "../base/atomic.ts";

/** What a read of two copies of a run (or of none, between the renames) fails with. */
export const REPLACED_RUN_CODES = [
  "run_not_found",
  "bundle_invalid",
  "not_found",
  "hash_mismatch",
  "provenance_mismatch",
] as const;

/** How many times a reader looks again at a run being replaced before giving up. */
export const MAX_READ_ATTEMPTS = 20;

/** Which file is at a path (inode and modification time), or "" when none. */
export async function identityOf(path: string): Promise<string> {
  try {
    const info = await Deno.stat(path);
    return `${info.ino}:${info.mtime?.getTime()}`;
  } catch {
    return "";
  }
}

/**
 * The folder of a run id inside a runs folder. The id must be a single safe name, and the
 * folder it names must really lie inside the runs folder: a symlink pointing elsewhere counts
 * as no run at all, so a request by id can never read a run outside the folder.
 * @param runsDir the runs folder
 * @param runId the run id
 * @returns `<runsDir>/<runId>`
 * @throws FlowTimeError `invalid_id` for ids that are not a single safe name, `run_not_found`
 *   when no run folder of that id lies inside the runs folder
 */
export async function runFolder(runsDir: string, runId: string): Promise<string> {
  assertSafeId(runId, "run id");
  const dir = join(runsDir, runId);
  let real: string;
  let realRoot: string;
  try {
    realRoot = await Deno.realPath(runsDir);
    real = await realPathOf(dir);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) throw runNotFound(runId);
    throw fsError(err, "opening", dir);
  }
  if (!isWithin(realRoot, real) || real === realRoot) throw runNotFound(runId);
  return dir;
}

// The real path of a run folder. Not there while a replacement is in progress: look again once
// it is in place (writers of one name take turns, so a reader may meet several in a row).
async function realPathOf(dir: string): Promise<string> {
  for (let attempt = 1;; attempt++) {
    try {
      return await Deno.realPath(dir);
    } catch (err) {
      // (a replacement may also have ended between this look and the wait: the folder is then
      // back; the readers' other retries see that by run.json's identity instead)
      const again = err instanceof Deno.errors.NotFound && attempt < MAX_READ_ATTEMPTS &&
        (await waitForReplacement(dir) || await exists(dir));
      if (!again) throw err;
    }
  }
}

/** The error for a run id with no run folder. */
export function runNotFound(runId: string): FlowTimeError {
  return new FlowTimeError(
    "run_not_found",
    `no run '${runId}' in the runs folder`,
  );
}
