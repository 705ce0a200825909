// The JSON documents of a run folder read leniently, as this toolkit or FlowTime writes them
// (BOM, string warnings, missing optional fields), and normalised to the toolkit's shapes.
import { dirname, join } from "node:path";
import { decodeUtf8, MAX_DOCUMENT_BYTES, readFileInsideSync } from "../base/safe_read.ts";
import type { FolderReader } from "../base/folder_read.ts";
import { FlowTimeError, fsError } from "../base/errors.ts";
import type { BinUnit, RunMode } from "../model/types.ts";
import { isSafeId } from "../base/paths.ts";
import type { RunWarning } from "../base/warnings.ts";
import { nodeIdOfSeries } from "./ids.ts";
import { seriesPath } from "./layout.ts";
import type { RunGrid, RunJson, SeriesIndex } from "./types.ts";

/** A leading byte order mark. */
export const BOM = /^\uFEFF/;

// A file's bytes and text, or undefined when it does not exist: read safely (a regular file inside
// its folder, or inside the folder of `reader` when given, at most `maxBytes`, UTF-8), and
// synchronously: a few small documents, whose checks cost far less than through the event loop;
// through the run's FolderReader the run folder's real path is resolved once for all of them and
// the series.
function readBytesIfExists(
  path: string,
  maxBytes: number,
  reader?: FolderReader,
): { bytes: Uint8Array; text: string } | undefined {
  let bytes: Uint8Array;
  try {
    bytes = reader !== undefined
      ? reader.read(path, { maxBytes })
      : readFileInsideSync(path, { root: dirname(path), maxBytes });
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return undefined;
    throw fsError(err, "reading", path);
  }
  return { bytes, text: decodeUtf8(bytes, path) };
}

/** A JSON object file of a run folder (BOM stripped); undefined when absent and not required.
 * `reader`, a FolderReader of `dir`, makes several documents cheaper to read. */
export function readJson(
  dir: string,
  rel: string,
  required: boolean,
  reader?: FolderReader,
): unknown {
  return readJsonBytes(dir, rel, required, reader)?.value;
}

/** {@link readJson}, with the file's bytes as read (e.g. to hash exactly what was parsed). */
export function readJsonBytes(
  dir: string,
  rel: string,
  required: boolean,
  reader?: FolderReader,
): { value: unknown; bytes: Uint8Array } | undefined {
  const path = join(dir, rel);
  const read = readBytesIfExists(path, MAX_DOCUMENT_BYTES, reader);
  if (read === undefined) {
    if (required) {
      throw new FlowTimeError("bundle_invalid", `${rel} is missing from run folder ${dir}`, {
        file: path,
      });
    }
    return undefined;
  }
  return { value: parseJsonDocument(read.text, rel, path), bytes: read.bytes };
}

function parseJsonDocument(text: string, rel: string, path: string): unknown {
  try {
    const value = JSON.parse(text.replace(BOM, ""));
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      throw new Error("not a JSON object");
    }
    return value;
  } catch (err) {
    throw new FlowTimeError(
      "bundle_invalid",
      `${rel} is not valid JSON (${(err as Error).message}); the run folder is damaged`,
      { file: path },
    );
  }
}

/** What a reader knows about a run besides its run.json, for what FlowTime's run.json lacks. */
export interface RunFallbacks {
  /** Mode from model/metadata.json or the model (FlowTime's run.json has none). */
  mode?: RunMode;
  /** Grid start from the model (FlowTime's run.json has none). */
  start?: string;
}

/**
 * run.json as this toolkit or FlowTime wrote it, in the toolkit's shape. FlowTime's run.json has
 * no `mode` and no grid start: they come from `fallbacks` (metadata.json, the model), else the
 * mode is `simulation` and the grid has no start.
 */
export function normaliseRunJson(
  raw: Record<string, unknown>,
  folderName: string,
  fallbacks: RunFallbacks = {},
): RunJson {
  const file = `${folderName}/run.json`;
  const grid = raw.grid as Record<string, unknown> | undefined;
  const bins = grid?.bins;
  if (!grid || typeof bins !== "number" || !Number.isInteger(bins) || bins < 1) {
    throw new FlowTimeError("bundle_invalid", "run.json has no valid grid.bins", { file });
  }
  // A run is the folder it is in: a copy under another name is its own run (the id inside
  // run.json is used only when the folder's name cannot be an id).
  const runId = isSafeId(folderName)
    ? folderName
    : typeof raw.runId === "string" && isSafeId(raw.runId)
    ? raw.runId
    : folderName;
  const warnings: RunWarning[] = Array.isArray(raw.warnings)
    ? raw.warnings.map((w) =>
      typeof w === "string"
        ? { code: "engine_warning", message: w, severity: "warning" as const }
        : {
          ...(w as RunWarning),
          code: String((w as RunWarning).code ?? "engine_warning"),
          message: String((w as RunWarning).message ?? ""),
          severity: (w as RunWarning).severity ?? "warning",
        }
    )
    : [];
  const runGrid: RunGrid = {
    bins,
    binSize: typeof grid.binSize === "number" ? grid.binSize : 1,
    binUnit: (typeof grid.binUnit === "string" ? grid.binUnit.toLowerCase() : "minutes") as BinUnit,
    ...(typeof grid.start === "string"
      ? { start: grid.start }
      : typeof grid.startTimeUtc === "string"
      ? { start: grid.startTimeUtc }
      : fallbacks.start
      ? { start: fallbacks.start }
      : {}),
    timezone: "UTC",
    align: "left",
  };
  const series = Array.isArray(raw.series)
    ? (raw.series as Array<Record<string, unknown>>).filter((s) => typeof s?.id === "string").map((
      s,
    ) => ({
      id: s.id as string,
      path: typeof s.path === "string" ? s.path : seriesPath(String(s.id)),
      unit: typeof s.unit === "string" ? s.unit : "entities/bin",
    }))
    : [];
  return {
    ...(raw as unknown as RunJson),
    schemaVersion: 1,
    runId,
    engineVersion: typeof raw.engineVersion === "string" ? raw.engineVersion : "unknown",
    source: "engine",
    mode: modeOf(raw.mode) ?? fallbacks.mode ?? "simulation",
    grid: runGrid,
    modelHash: typeof raw.modelHash === "string" ? raw.modelHash : "",
    scenarioHash: typeof raw.scenarioHash === "string" ? raw.scenarioHash : "",
    createdUtc: typeof raw.createdUtc === "string" ? raw.createdUtc : "",
    warnings,
    series,
  };
}

/**
 * A run mode as written (any letter case), if it is one.
 * @param v the value
 * @returns the mode, or undefined
 */
export function modeOf(v: unknown): RunMode | undefined {
  const m = typeof v === "string" ? v.toLowerCase() : undefined;
  return m === "simulation" || m === "telemetry" ? m : undefined;
}

/** series/index.json, with defaults for what FlowTime leaves out. */
export function normaliseIndex(raw: Record<string, unknown>, run: RunJson): SeriesIndex {
  const series = Array.isArray(raw.series)
    ? (raw.series as Array<Record<string, unknown>>).filter((s) => typeof s?.id === "string").map((
      s,
    ) => ({
      id: s.id as string,
      kind: "flow" as const,
      path: typeof s.path === "string" ? s.path : seriesPath(String(s.id)),
      unit: typeof s.unit === "string" ? s.unit : "entities/bin",
      componentId: typeof s.componentId === "string"
        ? s.componentId
        : nodeIdOfSeries(s.id as string).toUpperCase(),
      class: typeof s.class === "string" ? s.class : "DEFAULT",
      points: typeof s.points === "number" ? s.points : run.grid.bins,
      hash: typeof s.hash === "string" ? s.hash : "",
    }))
    : [];
  return { schemaVersion: 1, grid: run.grid, series };
}

/** The series index a run without series/index.json implies (from run.json's series). */
export function indexFromRun(run: RunJson): SeriesIndex {
  return {
    schemaVersion: 1,
    grid: run.grid,
    series: run.series.map((s) => ({
      id: s.id,
      kind: "flow" as const,
      path: s.path,
      unit: s.unit,
      componentId: nodeIdOfSeries(s.id).toUpperCase(),
      class: "DEFAULT",
      points: run.grid.bins,
      hash: "",
    })),
  };
}
