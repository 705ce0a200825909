// Deleting a run from a data folder, and its captures only when asked. Only a real run folder
// is ever deleted (a folder of `<data>/runs` holding a run.json, not a link), and each folder
// is first renamed to a hidden temp name, so readers never see half of it and an interrupted
// delete leaves only a temp folder that `flowtime gc` removes.
import { basename, dirname, join } from "node:path";
import { FlowTimeError, fsError } from "../base/errors.ts";
import { randomHexId, TEMP_PREFIX } from "../base/atomic.ts";
import { assertSafeId } from "../base/paths.ts";
import { RUN_FILES } from "../artifacts/layout.ts";
import { CAPTURE_MANIFEST_FILE } from "../telemetry/manifest.ts";
import { MAX_DOCUMENT_BYTES, readTextInside } from "../base/safe_read.ts";

/** What {@link deleteRun} deletes, and how. */
export interface DeleteRunOptions {
  /** The run id: one safe name, the folder `<dataDir>/runs/<runId>`. */
  runId: string;
  /** Also delete the captures of the run: the folders of `<data>/telemetry` whose manifest
   * names the run as its source.
   * @default false
   */
  withCaptures?: boolean;
  /** Only check and list what would be deleted.
   * @default false
   */
  dryRun?: boolean;
}

/** What {@link deleteRun} deleted (or, for a dry run, would delete). */
export interface DeletedRun {
  /** The run id. */
  runId: string;
  /** Folders deleted, relative to the data folder (`runs/<id>`, `telemetry/<id>`). */
  deleted: string[];
  /** Captures of the run left in place (without `withCaptures`), relative to the data folder. */
  keptCaptures: string[];
  /** True when nothing was deleted because it was a dry run. */
  dryRun: boolean;
}

/**
 * Delete a run of a data folder (`<dataDir>/runs/<runId>`), and its captures when asked.
 * @param dataDir the data folder
 * @param options the run id; captures, dry run
 * @returns the folders deleted and the captures kept
 * @throws FlowTimeError `invalid_id` for an id that is not one safe name, `run_not_found` when
 *   there is no such folder, `bundle_invalid` when the folder is not a run (no run.json, or a
 *   link); nothing is deleted then
 */
export async function deleteRun(dataDir: string, options: DeleteRunOptions): Promise<DeletedRun> {
  const { runId } = options;
  assertSafeId(runId, "run id");
  const runDir = join(dataDir, "runs", runId);
  let info: Deno.FileInfo;
  try {
    info = await Deno.lstat(runDir);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      throw new FlowTimeError("run_not_found", `no run '${runId}' in the runs folder`);
    }
    throw fsError(err, "reading", runDir);
  }
  if (info.isSymlink || !info.isDirectory) {
    throw new FlowTimeError(
      "bundle_invalid",
      `${runDir} is ${
        info.isSymlink ? "a link" : "a file"
      }, not a run folder; nothing was deleted (remove it by hand if it should go)`,
    );
  }
  if (!await isJsonObject(runDir, RUN_FILES.run)) {
    throw new FlowTimeError(
      "bundle_invalid",
      `${runDir} is not a run folder (it has no readable ${RUN_FILES.run}); nothing was deleted`,
    );
  }
  const captures = await capturesOf(join(dataDir, "telemetry"), runId);
  const doomed = [`runs/${runId}`, ...(options.withCaptures ? captures : [])];
  if (!options.dryRun) {
    for (const rel of doomed) await removeFolder(join(dataDir, rel));
  }
  return {
    runId,
    deleted: doomed,
    keptCaptures: options.withCaptures ? [] : captures,
    dryRun: options.dryRun === true,
  };
}

// Capture folders (`telemetry/<name>`) whose manifest names the run as its source.
async function capturesOf(telemetryDir: string, runId: string): Promise<string[]> {
  const found: string[] = [];
  let entries: Deno.DirEntry[];
  try {
    entries = await Array.fromAsync(Deno.readDir(telemetryDir));
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return [];
    throw fsError(err, "listing", telemetryDir);
  }
  for (const e of entries) {
    if (!e.isDirectory || e.isSymlink || e.name.startsWith(".")) continue;
    try {
      const dir = join(telemetryDir, e.name);
      const manifest = JSON.parse(
        await readTextInside(join(dir, CAPTURE_MANIFEST_FILE), {
          root: dir,
          maxBytes: MAX_DOCUMENT_BYTES,
        }),
      );
      if (manifest?.provenance?.runId === runId) found.push(`telemetry/${e.name}`);
    } catch {
      // not a capture (or a manifest that is a link out, a device, a pipe): never ours to delete
    }
  }
  return found.sort();
}

// Read like every file of a run folder: a link out, a device or a pipe is not a run.json.
async function isJsonObject(dir: string, name: string): Promise<boolean> {
  try {
    const value = JSON.parse(
      await readTextInside(join(dir, name), { root: dir, maxBytes: MAX_DOCUMENT_BYTES }),
    );
    return typeof value === "object" && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}

// Rename out of sight first (one atomic step), then remove.
async function removeFolder(path: string): Promise<void> {
  const hidden = join(dirname(path), `${TEMP_PREFIX}${basename(path)}-deleted-${randomHexId(6)}`);
  try {
    await Deno.rename(path, hidden);
  } catch (err) {
    throw fsError(err, "deleting", path);
  }
  try {
    await Deno.remove(hidden, { recursive: true });
  } catch (err) {
    throw fsError(err, "deleting", path);
  }
}
