// Listing the runs of a runs folder: one summary per readable run, newest first.
import { join } from "node:path";
import { fsError } from "../base/errors.ts";
import type { RunMode } from "../model/types.ts";
import { TEMP_PREFIX } from "../base/atomic.ts";
import { isSafeId } from "../base/paths.ts";
import type { ModelMetadataJson, RunGrid } from "./types.ts";
import { RUN_FILES } from "./layout.ts";
import { modeOf, normaliseRunJson, readJson } from "./_documents.ts";

/** One line of a run listing. */
export interface RunSummary {
  /** Run id. */
  runId: string;
  /** Template id (or `adhoc-model`). */
  templateId: string;
  /** Run mode. */
  mode: RunMode;
  /** Creation time. */
  createdUtc: string;
  /** Number of warnings in run.json. */
  warningCount: number;
  /** Bin count, size and unit of the run's grid. */
  grid: Pick<RunGrid, "bins" | "binSize" | "binUnit">;
}

/**
 * List the runs in a runs folder, newest first. Temp folders of unfinished writes and folders
 * that are not readable runs are skipped.
 * @param runsDir the runs folder
 * @returns one summary per run
 */
export async function listRuns(runsDir: string): Promise<RunSummary[]> {
  const out: RunSummary[] = [];
  let entries: Deno.DirEntry[] = [];
  try {
    entries = await Array.fromAsync(Deno.readDir(runsDir));
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return [];
    throw fsError(err, "listing", runsDir);
  }
  for (const e of entries) {
    if (
      !e.isDirectory || e.name.startsWith(".") || e.name.startsWith(TEMP_PREFIX) ||
      !isSafeId(e.name)
    ) continue;
    try {
      const raw = readJson(join(runsDir, e.name), RUN_FILES.run, true) as Record<
        string,
        unknown
      >;
      const meta = readJson(join(runsDir, e.name), RUN_FILES.metadata, false) as
        | ModelMetadataJson
        | undefined;
      // FlowTime's run.json has no mode; its metadata.json has (as FlowTime reads it).
      const run = normaliseRunJson(raw, e.name, { mode: modeOf(meta?.mode) });
      out.push({
        runId: run.runId,
        templateId: meta?.templateId ?? "adhoc-model",
        mode: run.mode,
        createdUtc: run.createdUtc,
        warningCount: run.warnings.length,
        grid: { bins: run.grid.bins, binSize: run.grid.binSize, binUnit: run.grid.binUnit },
      });
    } catch {
      // not a readable run: leave it out of the listing
    }
  }
  return out.sort((a, b) =>
    b.createdUtc.localeCompare(a.createdUtc) || a.runId.localeCompare(b.runId)
  );
}
