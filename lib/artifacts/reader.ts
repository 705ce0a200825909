// RunArtifactReader: opens a run bundle written by this toolkit or by FlowTime itself, leniently
// (BOM, CRLF, `t,value` headers, string warnings), and reports a damaged bundle clearly.
import { join } from "node:path";
import { FlowTimeError, fsError } from "../errors.ts";
import { type ParsedModel, parseModel } from "../model/parse.ts";
import type { BinUnit, RunMode } from "../model/types.ts";
import type { RunWarning } from "../warnings.ts";
import { TEMP_PREFIX } from "./atomic.ts";
import { nodeIdOfSeries, seriesIdOf } from "./ids.ts";
import { assertSafeId, isSafeId, isWithin, resolveInside } from "./paths.ts";
import { parseSeriesCsv } from "./series_csv.ts";
import type {
  ModelMetadataJson,
  RunGrid,
  RunJson,
  RunManifest,
  SeriesIndex,
  SeriesIndexEntry,
} from "./types.ts";

/** An opened run bundle. Documents are read eagerly; series on demand. */
export interface RunBundle {
  /** The run folder. */
  dir: string;
  /** Run id (from run.json, else the folder name). */
  runId: string;
  /** run.json, normalised. */
  runJson: RunJson;
  /** series/index.json, or one derived from run.json when absent. */
  index: SeriesIndex;
  /** manifest.json, if present. */
  manifest?: RunManifest;
  /** model/metadata.json, if present. */
  metadata?: ModelMetadataJson;
  /** model/provenance.json, if present. */
  provenance?: Record<string, unknown>;
  /** Text of model/model.yaml (or spec.yaml), if present. */
  modelText?: string;
  /** Relative path the model text was read from. */
  modelPath?: string;
  /** The series id for a series id or bare node id, if the run has it. */
  resolveSeriesId(idOrNode: string): string | undefined;
  /** Read one series (by id or node id). */
  readSeries(idOrNode: string): Promise<Float64Array>;
  /** Parse the model (errors become `bundle_invalid`). */
  parsedModel(): ParsedModel;
}

const BOM = /^\uFEFF/;

/**
 * Open a run folder.
 * @param dir the run folder
 * @returns the bundle
 * @throws FlowTimeError `run_not_found` when the folder is missing, `bundle_invalid` when
 *   run.json or another document is missing or malformed
 */
export async function readRunBundle(dir: string): Promise<RunBundle> {
  try {
    const info = await Deno.stat(dir);
    if (!info.isDirectory) throw new FlowTimeError("run_not_found", `${dir} is not a run folder`);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      throw new FlowTimeError("run_not_found", `run folder ${dir} does not exist`);
    }
    throw fsError(err, "reading", dir);
  }
  const folderName = dir.replace(/\/+$/, "").split("/").pop() ?? dir;
  const rawRun = await readJson(dir, "run.json", true);
  const runJson = normaliseRunJson(rawRun as Record<string, unknown>, folderName);
  const rawIndex = await readJson(dir, "series/index.json", false);
  const index = rawIndex
    ? normaliseIndex(rawIndex as Record<string, unknown>, runJson)
    : indexFromRun(runJson);
  const manifest = (await readJson(dir, "manifest.json", false)) as RunManifest | undefined;
  const metadata = (await readJson(dir, "model/metadata.json", false)) as
    | ModelMetadataJson
    | undefined;
  const provenance = (await readJson(dir, "model/provenance.json", false)) as
    | Record<string, unknown>
    | undefined;
  let modelText: string | undefined;
  let modelPath: string | undefined;
  for (const rel of ["model/model.yaml", "spec.yaml"]) {
    const text = await readTextIfExists(join(dir, rel));
    if (text !== undefined) {
      modelText = text.replace(BOM, "");
      modelPath = rel;
      break;
    }
  }
  const byId = new Map(index.series.map((s) => [s.id, s]));
  const byNode = new Map<string, SeriesIndexEntry>();
  for (const s of index.series) {
    if (!byNode.has(nodeIdOfSeries(s.id))) byNode.set(nodeIdOfSeries(s.id), s);
  }
  const resolveSeriesId = (idOrNode: string): string | undefined =>
    byId.get(idOrNode)?.id ?? byId.get(seriesIdOf(idOrNode))?.id ?? byNode.get(idOrNode)?.id;
  let parsed: ParsedModel | undefined;
  return {
    dir,
    runId: runJson.runId,
    runJson,
    index,
    manifest,
    metadata,
    provenance,
    modelText,
    modelPath,
    resolveSeriesId,
    async readSeries(idOrNode: string): Promise<Float64Array> {
      const id = resolveSeriesId(idOrNode);
      if (!id) {
        throw new FlowTimeError("not_found", `run ${runJson.runId} has no series '${idOrNode}'`);
      }
      const entry = byId.get(id)!;
      const path = resolveInside(dir, entry.path, `series path of ${id}`);
      let text: string;
      try {
        text = await Deno.readTextFile(path);
      } catch (err) {
        if (err instanceof Deno.errors.NotFound) {
          throw new FlowTimeError(
            "bundle_invalid",
            `series file ${entry.path} listed in series/index.json is missing`,
            { file: join(dir, entry.path) },
          );
        }
        throw fsError(err, "reading", path);
      }
      try {
        return parseSeriesCsv(text, {
          file: join(dir, entry.path),
          bins: runJson.grid.bins,
          allowExtraRows: true,
        }).values;
      } catch (err) {
        if (err instanceof FlowTimeError) {
          throw new FlowTimeError("bundle_invalid", err.message, {
            cause: err,
            details: err.details,
          });
        }
        throw err;
      }
    },
    parsedModel(): ParsedModel {
      if (parsed) return parsed;
      if (modelText === undefined) {
        throw new FlowTimeError(
          "bundle_invalid",
          `run ${runJson.runId} has no model/model.yaml or spec.yaml`,
          { file: dir },
        );
      }
      try {
        parsed = parseModel(modelText, { file: join(dir, modelPath!) });
      } catch (err) {
        if (err instanceof FlowTimeError) {
          throw new FlowTimeError(
            "bundle_invalid",
            `the run's model is unreadable: ${err.message}`,
            { cause: err, details: err.details },
          );
        }
        throw err;
      }
      return parsed;
    },
  };
}

/**
 * Open a run by id inside a runs folder, refusing ids that are not a single safe name.
 * @param runsDir the runs folder
 * @param runId the run id
 * @returns the bundle
 */
export async function openRun(runsDir: string, runId: string): Promise<RunBundle> {
  return await readRunBundle(await runFolder(runsDir, runId));
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
    real = await Deno.realPath(dir);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) throw runNotFound(runId);
    throw fsError(err, "opening", dir);
  }
  if (!isWithin(realRoot, real) || real === realRoot) throw runNotFound(runId);
  return dir;
}

function runNotFound(runId: string): FlowTimeError {
  return new FlowTimeError(
    "run_not_found",
    `no run '${runId}' in the runs folder (GET /v1/runs lists the runs)`,
  );
}

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
      const raw = await readJson(join(runsDir, e.name), "run.json", true) as Record<
        string,
        unknown
      >;
      const run = normaliseRunJson(raw, e.name);
      const meta = await readJson(join(runsDir, e.name), "model/metadata.json", false) as
        | ModelMetadataJson
        | undefined;
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

async function readTextIfExists(path: string): Promise<string | undefined> {
  try {
    return await Deno.readTextFile(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return undefined;
    throw fsError(err, "reading", path);
  }
}

async function readJson(dir: string, rel: string, required: boolean): Promise<unknown> {
  const path = join(dir, rel);
  const text = await readTextIfExists(path);
  if (text === undefined) {
    if (required) {
      throw new FlowTimeError("bundle_invalid", `${rel} is missing from run folder ${dir}`, {
        file: path,
      });
    }
    return undefined;
  }
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

function normaliseRunJson(raw: Record<string, unknown>, folderName: string): RunJson {
  const file = `${folderName}/run.json`;
  const grid = raw.grid as Record<string, unknown> | undefined;
  const bins = grid?.bins;
  if (!grid || typeof bins !== "number" || !Number.isInteger(bins) || bins < 1) {
    throw new FlowTimeError("bundle_invalid", "run.json has no valid grid.bins", { file });
  }
  const runId = typeof raw.runId === "string" && isSafeId(raw.runId) ? raw.runId : folderName;
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
      : {}),
    timezone: "UTC",
    align: "left",
  };
  const series = Array.isArray(raw.series)
    ? (raw.series as Array<Record<string, unknown>>).filter((s) => typeof s?.id === "string").map((
      s,
    ) => ({
      id: s.id as string,
      path: typeof s.path === "string" ? s.path : `series/${s.id}.csv`,
      unit: typeof s.unit === "string" ? s.unit : "entities/bin",
    }))
    : [];
  return {
    ...(raw as unknown as RunJson),
    schemaVersion: 1,
    runId,
    engineVersion: typeof raw.engineVersion === "string" ? raw.engineVersion : "unknown",
    source: "engine",
    mode: raw.mode === "telemetry" ? "telemetry" : "simulation",
    grid: runGrid,
    modelHash: typeof raw.modelHash === "string" ? raw.modelHash : "",
    scenarioHash: typeof raw.scenarioHash === "string" ? raw.scenarioHash : "",
    createdUtc: typeof raw.createdUtc === "string" ? raw.createdUtc : "",
    warnings,
    series,
  };
}

function normaliseIndex(raw: Record<string, unknown>, run: RunJson): SeriesIndex {
  const series = Array.isArray(raw.series)
    ? (raw.series as Array<Record<string, unknown>>).filter((s) => typeof s?.id === "string").map((
      s,
    ) => ({
      id: s.id as string,
      kind: "flow" as const,
      path: typeof s.path === "string" ? s.path : `series/${s.id}.csv`,
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

function indexFromRun(run: RunJson): SeriesIndex {
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
