// RunArtifactReader: opens a run bundle written by this toolkit or by FlowTime itself, leniently
// (BOM, CRLF, `t,value` headers, string warnings), and reports a damaged bundle clearly.
import { dirname, isAbsolute, join, normalize } from "node:path";
import { FlowTimeError, fsError, isFlowTimeError } from "../base/errors.ts";
import {
  identityOf,
  MAX_READ_ATTEMPTS,
  REPLACED_RUN_CODES,
  runFolder,
  runNotFound,
} from "./_run_folder.ts";
import { modelFacts, type ParsedModel, parseModel } from "../model/parse.ts";
import { sourcePath } from "../model/sources.ts";
import { nodeIdOfSeries, seriesIdOf } from "./ids.ts";
import { waitForReplacement } from "../base/tidy.ts";
import { decodeUtf8, maxSeriesBytes } from "../base/safe_read.ts";
import { FolderReader } from "../base/folder_read.ts";
import { insideResolver } from "../base/paths.ts";
import { hashOf } from "../base/hash.ts";
import { type ModelFile, openModelFile } from "./_model_file.ts";
import { type ParsedSeries, parseSeriesCsv } from "./series_csv.ts";
import { readPlainSeries } from "./_series_bytes.ts";
import type {
  ModelMetadataJson,
  RunJson,
  RunManifest,
  SeriesIndex,
  SeriesIndexEntry,
} from "./types.ts";
import { RUN_FILES } from "./layout.ts";
import {
  indexFromRun,
  modeOf,
  normaliseIndex,
  normaliseRunJson,
  readJson,
  readJsonBytes,
} from "./_documents.ts";

// Series files are read into this buffer and parsed before anything else runs (read and parse
// are synchronous), so one buffer serves every read; larger files get their own.
const scratch = new Uint8Array(256 * 1024);

/** Where one series of a run is. */
export interface RunSeriesEntry {
  /** Series id (`<node>@<NODE>@DEFAULT`), or the `file:` reference of a file beside the model. */
  id: string;
  /** Path relative to the run folder. */
  path: string;
  /** Hash recorded for it (empty when none is recorded). */
  hash: string;
  /** The model's `file:` reference, for series read from a file beside the model. */
  source?: string;
}

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
  /** `sha256:` of model/provenance.json's bytes as read, if present. */
  provenanceHash?: string;
  /** Text of model/model.yaml (or spec.yaml), if present. A model larger than 1 MiB is not
   * kept: reading this reads the file again (and checks it is the file the run was opened
   * with); {@link RunBundle.modelLines} goes through it without holding it whole. */
  readonly modelText?: string;
  /** Relative path the model text was read from. */
  modelPath?: string;
  /** `sha256:` of the model file's bytes as stored (a BOM included), if it has one. */
  modelFileHash?: string;
  /** The series id for a series id or bare model node id, if the run has it (for a model node
   * that reads a file beside the model, as FlowTime bundles do, the node's `file:` reference). */
  resolveSeriesId(idOrNode: string): string | undefined;
  /** Where a series is (by series id, node id or `file:` reference), if the run has it. */
  seriesEntry(idOrNode: string): RunSeriesEntry | undefined;
  /** Read one series (by id or node id). */
  readSeries(idOrNode: string): Promise<Float64Array>;
  /** Parse the model (errors become `bundle_invalid`). */
  parsedModel(): ParsedModel;
  /**
   * Each line of the model text in order, as `modelText.split("\n")` gives them, read in pieces
   * (a large model is never whole in memory, and a line is decoded only when its text is asked
   * for). `visit` returning false stops.
   * @param visit receives each line, valid while it runs
   * @returns false when the run has no model
   */
  modelLines(visit: (line: ModelLine) => boolean | void): boolean;
}

/** A line of a run's model text, as {@link RunBundle.modelLines} hands it over. */
export interface ModelLine {
  /** Whether the line starts with this ASCII text (a quick look, nothing decoded). */
  startsWith(prefix: string): boolean;
  /** The line's text (without its `\n`). */
  text(): string;
}

/**
 * Open a run folder.
 * @param dir the run folder
 * @returns the bundle
 * @throws FlowTimeError `run_not_found` when the folder is missing, `bundle_invalid` when
 *   run.json or another document is missing or malformed
 */
// deno-lint-ignore require-await
export async function readRunBundle(dir: string): Promise<RunBundle> {
  // Asynchronous for its callers (a failure is a rejection), though every read in it is
  // synchronous: a few small documents cost far less so (_documents.ts).
  try {
    // synchronous, as the documents are read: through the event loop the look costs several
    // times more, the first one in a process starting Deno's IO threads (a few ms)
    const info = Deno.statSync(dir);
    if (!info.isDirectory) throw new FlowTimeError("run_not_found", `${dir} is not a run folder`);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      throw new FlowTimeError("run_not_found", `run folder ${dir} does not exist`);
    }
    throw fsError(err, "reading", dir);
  }
  const folderName = dir.replace(/\/+$/, "").split("/").pop() ?? dir;
  // Documents and series are read with the safe reader's checks, the folders' real paths
  // resolved once.
  const files = new FolderReader(dir);
  const doc = (rel: string, required = false) => readJson(dir, rel, required, files);
  const rawRun = doc(RUN_FILES.run, true);
  const manifest = doc(RUN_FILES.manifest) as RunManifest | undefined;
  const metadata = doc(RUN_FILES.metadata) as ModelMetadataJson | undefined;
  const provenanceRead = readJsonBytes(dir, RUN_FILES.provenance, false, files);
  const provenance = provenanceRead?.value as Record<string, unknown> | undefined;
  let model: ModelFile | undefined;
  for (const rel of [RUN_FILES.model, RUN_FILES.spec]) {
    model = openModelFile(dir, rel);
    if (model !== undefined) break;
  }
  const modelPath = model?.rel;
  const modelFileHash = model?.hash;
  // FlowTime's run.json has neither mode nor start: its readers take the mode from
  // metadata.json, else the model; the start from the model's grid.
  const facts = model !== undefined && needsModelFacts(rawRun, metadata, model)
    ? modelFacts(model.text())
    : {};
  const runJson = normaliseRunJson(rawRun as Record<string, unknown>, folderName, {
    mode: modeOf(metadata?.mode) ?? facts.mode,
    start: facts.start,
  });
  const rawIndex = doc(RUN_FILES.seriesIndex);
  const index = rawIndex
    ? normaliseIndex(rawIndex as Record<string, unknown>, runJson)
    : indexFromRun(runJson);
  const byId = new Map(index.series.map((s) => [s.id, s]));
  const byNode = new Map<string, SeriesIndexEntry>();
  for (const s of index.series) {
    if (!byNode.has(nodeIdOfSeries(s.id))) byNode.set(nodeIdOfSeries(s.id), s);
  }
  const modelDir = modelPath === undefined ? "." : dirname(modelPath);
  // Series a FlowTime bundle keeps beside its model (`file:` semantics and sources), by the
  // model node that reads them; found on demand from the parsed model.
  let fileSeries: Map<string, RunSeriesEntry> | undefined;
  const fileEntries = (): Map<string, RunSeriesEntry> => {
    if (fileSeries) return fileSeries;
    fileSeries = new Map();
    let model;
    try {
      model = parsedModel().model;
    } catch {
      return fileSeries;
    }
    for (const node of model.nodes) {
      if (node.kind !== "const" || node.source === undefined || byNode.has(node.id)) continue;
      const rel = sourcePath(node.source);
      if (isAbsolute(rel)) continue;
      const path = normalize(join(modelDir, rel));
      fileSeries.set(node.id, { id: node.source, path, hash: "", source: node.source });
    }
    return fileSeries;
  };
  const entryOf = (idOrNode: string): RunSeriesEntry | undefined => {
    const s = byId.get(idOrNode) ?? byId.get(seriesIdOf(idOrNode)) ?? byNode.get(idOrNode);
    if (s) return { id: s.id, path: s.path, hash: s.hash };
    const files = fileEntries();
    return files.get(idOrNode) ?? [...files.values()].find((e) => e.id === idOrNode);
  };
  const inRun = insideResolver(dir);
  let parsed: ParsedModel | undefined;
  const parsedModel = (): ParsedModel => {
    if (parsed) return parsed;
    if (model === undefined) {
      throw new FlowTimeError(
        "bundle_invalid",
        `run ${runJson.runId} has no model/model.yaml or spec.yaml`,
        { file: dir },
      );
    }
    try {
      parsed = parseModel(model.text(), { file: join(dir, model.rel) });
    } catch (err) {
      if (err instanceof FlowTimeError && err.code !== "unsupported_feature") {
        throw new FlowTimeError(
          "bundle_invalid",
          `the run's model is unreadable: ${err.message}`,
          { cause: err, details: err.details },
        );
      }
      throw err;
    }
    return parsed;
  };
  const readSeries = (idOrNode: string): Float64Array => {
    const entry = entryOf(idOrNode);
    if (!entry) {
      throw new FlowTimeError("not_found", `run ${runJson.runId} has no series '${idOrNode}'`);
    }
    const path = inRun(entry.path, `series path of ${entry.id}`);
    let text = "";
    let plain: ParsedSeries | undefined;
    try {
      // The checks of a safe read are file-system calls for every file: synchronously they
      // cost a fraction of what they cost through the event loop (a state open reads
      // hundreds of series files, a few KB each).
      const bytes = files.read(path, {
        maxBytes: maxSeriesBytes(runJson.grid.bins),
        name: join(dir, entry.path),
      }, scratch);
      // the toolkit's own layout is read from the bytes; anything else as strict UTF-8 text
      plain = readPlainSeries(bytes, runJson.grid.bins);
      if (plain === undefined) text = decodeUtf8(bytes, join(dir, entry.path));
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) {
        throw entry.source
          ? new FlowTimeError(
            "not_found",
            `${entry.path}, which the model reads as ${entry.source}, is missing from the run folder`,
            { file: join(dir, entry.path) },
          )
          : new FlowTimeError(
            "bundle_invalid",
            `series file ${entry.path} listed in series/index.json is missing`,
            { file: join(dir, entry.path) },
          );
      }
      throw fsError(err, "reading", path);
    }
    if (plain !== undefined) return plain.values;
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
  };
  return {
    dir,
    runId: runJson.runId,
    runJson,
    index,
    manifest,
    metadata,
    provenance,
    ...(provenanceRead ? { provenanceHash: hashOf(provenanceRead.bytes) } : {}),
    get modelText() {
      return model?.text();
    },
    modelPath,
    modelFileHash,
    resolveSeriesId: (idOrNode: string) => entryOf(idOrNode)?.id,
    seriesEntry: entryOf,
    readSeries(idOrNode: string): Promise<Float64Array> {
      try {
        return Promise.resolve(readSeries(idOrNode));
      } catch (err) {
        return Promise.reject(err);
      }
    },
    parsedModel,
    modelLines: (visit) => model !== undefined && (model.lines(visit), true),
  };
}

// Parsing the model only for its mode and start costs as much as a capture: do it only when
// run.json (and metadata.json, for the mode) leave one of them open and the model may hold it.
function needsModelFacts(
  rawRun: unknown,
  metadata: ModelMetadataJson | undefined,
  model: ModelFile,
): boolean {
  const run = rawRun as { mode?: unknown; grid?: { start?: unknown; startTimeUtc?: unknown } };
  const needMode = modeOf(run.mode) === undefined && modeOf(metadata?.mode) === undefined;
  if (needMode) return true;
  if (run.grid?.start !== undefined || run.grid?.startTimeUtc !== undefined) return false;
  return /\bstart(TimeUtc)?[ \t]*:/.test(model.text());
}

/**
 * Open a run by id inside a runs folder, refusing ids that are not a single safe name.
 * @param runsDir the runs folder
 * @param runId the run id
 * @returns the bundle
 */
export async function openRun(runsDir: string, runId: string): Promise<RunBundle> {
  return await withRun(runsDir, runId, (bundle) => bundle);
}

/**
 * Open a run by id and use it, again from the start when the run was replaced meanwhile: a
 * file the use reads after the bundle was opened (a series, the model) may belong to the next
 * copy, or be missing in the gap between the two renames of a replacement.
 * @param runsDir the runs folder
 * @param runId the run id
 * @param use what to do with the opened bundle; its `run_not_found`, `bundle_invalid`,
 *   `not_found`, `hash_mismatch` and `provenance_mismatch` errors (and a file not found) make it
 *   start over when the run was replaced
 * @returns what `use` returned
 * @throws FlowTimeError as {@link openRun}, and whatever `use` throws
 */
export async function withRun<T>(
  runsDir: string,
  runId: string,
  use: (bundle: RunBundle) => T | Promise<T>,
): Promise<T> {
  // Replaced while being read (a replacement in progress, or its run.json another file than
  // when reading began): read the new copy once it is in place. Writers of one name take turns,
  // so a reader can meet several replacements in a row; it tries again a bounded number of times.
  for (let attempt = 1;; attempt++) {
    const dir = await runFolder(runsDir, runId);
    const before = await identityOf(join(dir, RUN_FILES.run));
    try {
      return await use(await readRunBundle(dir));
    } catch (err) {
      const replaced = attempt < MAX_READ_ATTEMPTS &&
        (err instanceof Deno.errors.NotFound ||
          isFlowTimeError(err, ...REPLACED_RUN_CODES)) &&
        ((await waitForReplacement(dir)) ||
          (await identityOf(join(dir, RUN_FILES.run))) !== before);
      if (!replaced) {
        // the folder gone in the middle of the read: no run (never a raw file-system error)
        throw err instanceof Deno.errors.NotFound ? runNotFound(runId) : err;
      }
    }
  }
}

export { MAX_READ_ATTEMPTS, REPLACED_RUN_CODES, runFolder };
