// RunArtifactReader: opens a run bundle written by this toolkit or by FlowTime itself, leniently
// (BOM, CRLF, `t,value` headers, string warnings), and reports a damaged bundle clearly.
import { dirname, isAbsolute, join, normalize } from "node:path";
import { FlowTimeError, fsError, isFlowTimeError } from "../base/errors.ts";
import { modelFacts, type ParsedModel, parseModel } from "../model/parse.ts";
import { sourcePath } from "../model/sources.ts";
import { nodeIdOfSeries, seriesIdOf } from "./ids.ts";
import { assertSafeId, isWithin, resolveInside } from "../base/paths.ts";
import { hashOf } from "../base/hash.ts";
import { waitForReplacement } from "../base/tidy.ts";
import {
  decodeUtf8,
  FolderReader,
  maxSeriesBytes,
  readChunksInsideSync,
  readFileInsideSync,
  type SafeReadOptions,
} from "../base/safe_read.ts";
import { createHash } from "node:crypto";
import { isUtf8 } from "node:buffer";
import { MAX_YAML_BYTES } from "../base/located_yaml.ts";
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
  BOM,
  indexFromRun,
  modeOf,
  normaliseIndex,
  normaliseRunJson,
  readJson,
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

// Model texts up to this size are kept with the bundle; larger ones are read again on demand.
const KEEP_MODEL_TEXT_BYTES = 1024 * 1024;
const UTF8_BOM = [0xef, 0xbb, 0xbf];

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
  const rawRun = await readJson(dir, RUN_FILES.run, true);
  const manifest = (await readJson(dir, RUN_FILES.manifest, false)) as RunManifest | undefined;
  const metadata = (await readJson(dir, RUN_FILES.metadata, false)) as
    | ModelMetadataJson
    | undefined;
  const provenance = (await readJson(dir, RUN_FILES.provenance, false)) as
    | Record<string, unknown>
    | undefined;
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
  const rawIndex = await readJson(dir, RUN_FILES.seriesIndex, false);
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
  // Series are read with the safe reader's checks, the folders' real paths resolved once.
  const files = new FolderReader(dir);
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
    const path = resolveInside(dir, entry.path, `series path of ${entry.id}`);
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

/** The model file of a run, opened: its hash, and its text kept or read again on demand. */
interface ModelFile {
  /** Path relative to the run folder. */
  rel: string;
  /** `sha256:` of its bytes (a leading BOM left out, as the text leaves it out). */
  hash: string;
  /** The text (a BOM removed). */
  text(): string;
  /** Its lines, in pieces. */
  lines(visit: (line: ModelLine) => boolean | void): void;
}

// Read a run's model file once in pieces (strict UTF-8 checked, hashed), keeping its text when
// it is small; undefined when there is none.
function openModelFile(dir: string, rel: string): ModelFile | undefined {
  const path = join(dir, rel);
  const options = { root: dirname(path), maxBytes: MAX_YAML_BYTES };
  const hash = createHash("sha256");
  // a small text is decoded as it comes; a large one only checked (no text at all)
  const decoder = new TextDecoder("utf-8", { fatal: true });
  const pieces: string[] = [];
  const utf8 = new Utf8Check();
  let keep = true;
  let first = true;
  try {
    readChunksInsideSync(path, options, (chunk, size) => {
      if (first) keep = size <= KEEP_MODEL_TEXT_BYTES;
      hash.update(first && startsWithBom(chunk) ? chunk.subarray(3) : chunk);
      first = false;
      if (keep) pieces.push(decoder.decode(chunk, { stream: true }));
      else if (!utf8.next(chunk)) throw new TypeError("not UTF-8");
    });
    if (keep) pieces.push(decoder.decode());
    else if (!utf8.end()) throw new TypeError("not UTF-8");
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return undefined;
    if (err instanceof TypeError) {
      // not UTF-8: the whole file's strict decoding names the first bad byte
      decodeUtf8(readFileInsideSync(path, options), path);
    }
    throw fsError(err, "reading", path);
  }
  const fileHash = `sha256:${hash.digest("hex")}`;
  const kept = keep ? pieces.join("").replace(BOM, "") : undefined;
  // a large text is read again each time it is asked for, and not kept
  const text = (): string =>
    kept ?? decodeUtf8(readSame(path, options, fileHash), path).replace(BOM, "");
  const lines = (visit: (line: ModelLine) => boolean | void): void => {
    if (kept === undefined) return modelFileLines(path, options, fileHash, visit);
    for (const line of kept.split("\n")) {
      if (visit({ startsWith: (prefix) => line.startsWith(prefix), text: () => line }) === false) {
        return;
      }
    }
  };
  return { rel, hash: fileHash, text, lines };
}

// Strict UTF-8 over pieces of bytes: a character cut by the end of a piece is checked with
// the start of the next.
class Utf8Check {
  #carry = new Uint8Array(0);

  next(chunk: Uint8Array): boolean {
    let start = 0;
    if (this.#carry.length > 0) {
      const take = sequenceLength(this.#carry[0]) - this.#carry.length;
      const joined = new Uint8Array(this.#carry.length + Math.min(take, chunk.length));
      joined.set(this.#carry);
      joined.set(chunk.subarray(0, take), this.#carry.length);
      if (chunk.length < take) {
        this.#carry = joined;
        return true;
      }
      this.#carry = new Uint8Array(0);
      if (!isUtf8(joined)) return false;
      start = take;
    }
    let end = chunk.length;
    for (let k = 1; k <= 3 && end - k >= start; k++) {
      const b = chunk[end - k];
      if ((b & 0xc0) === 0x80) continue; // a continuation byte: look further back
      if (sequenceLength(b) > k) {
        this.#carry = chunk.slice(end - k);
        end -= k;
      }
      break;
    }
    return isUtf8(chunk.subarray(start, end));
  }

  end(): boolean {
    return this.#carry.length === 0;
  }
}

// Bytes of the UTF-8 sequence a lead byte starts (0 for a byte that starts none).
function sequenceLength(b: number): number {
  return b < 0x80
    ? 1
    : b >= 0xc2 && b < 0xe0
    ? 2
    : b >= 0xe0 && b < 0xf0
    ? 3
    : b >= 0xf0 && b < 0xf5
    ? 4
    : 0;
}

function startsWithBom(bytes: Uint8Array): boolean {
  return bytes[0] === UTF8_BOM[0] && bytes[1] === UTF8_BOM[1] && bytes[2] === UTF8_BOM[2];
}

// The model file read again, refused when it is not the file the run was opened with.
function readSame(path: string, options: SafeReadOptions, fileHash: string): Uint8Array {
  let bytes: Uint8Array;
  try {
    bytes = readFileInsideSync(path, options);
  } catch (err) {
    throw fsError(err, "reading", path);
  }
  if (hashOf(startsWithBom(bytes) ? bytes.subarray(3) : bytes) !== fileHash) {
    throw modelChanged(path);
  }
  return bytes;
}

function modelChanged(path: string): FlowTimeError {
  return new FlowTimeError(
    "bundle_invalid",
    `${path} changed after the run was opened; open the run again`,
    { file: path },
  );
}

// The lines of a model file read in pieces: a line is decoded only when asked for (a line never
// ends inside a character), and the whole file is hashed and checked against the hash it was
// opened with once every line was visited.
function modelFileLines(
  path: string,
  options: SafeReadOptions,
  fileHash: string,
  visit: (line: ModelLine) => boolean | void,
): void {
  // every line decoded as it is (a line that starts with U+FEFF keeps it), apart from the
  // first, whose BOMs go as the text's do
  const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
  const hash = createHash("sha256");
  let line = new Uint8Array(64 * 1024);
  let from = 0;
  let length = 0;
  let first = true;
  const stop = {};
  const current: ModelLine = {
    startsWith(prefix: string): boolean {
      if (length - from < prefix.length) return false;
      for (let k = 0; k < prefix.length; k++) {
        if (line[from + k] !== prefix.charCodeAt(k)) return false;
      }
      return true;
    },
    text(): string {
      const text = decoder.decode(line.subarray(from, length));
      return first ? text.replace(BOM, "") : text;
    },
  };
  const emit = (): void => {
    from = first && startsWithBom(line.subarray(0, length)) ? 3 : 0;
    const go = visit(current);
    first = false;
    length = 0;
    if (go === false) throw stop;
  };
  const append = (bytes: Uint8Array): void => {
    if (length + bytes.length > line.length) {
      const grown = new Uint8Array(Math.max(line.length * 2, length + bytes.length));
      grown.set(line.subarray(0, length));
      line = grown;
    }
    line.set(bytes, length);
    length += bytes.length;
  };
  let hashedFirst = false;
  try {
    readChunksInsideSync(path, options, (chunk) => {
      hash.update(!hashedFirst && startsWithBom(chunk) ? chunk.subarray(3) : chunk);
      hashedFirst = true;
      let at = 0;
      for (let nl = chunk.indexOf(10); nl >= 0; nl = chunk.indexOf(10, at)) {
        append(chunk.subarray(at, nl));
        emit();
        at = nl + 1;
      }
      append(chunk.subarray(at));
    });
    emit();
  } catch (err) {
    if (err === stop) return;
    if (err instanceof TypeError) throw modelChanged(path); // it was UTF-8 when opened
    throw fsError(err, "reading", path);
  }
  if (`sha256:${hash.digest("hex")}` !== fileHash) throw modelChanged(path);
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
  // Replaced while being read (a replacement in progress, or its run.json another file than
  // when reading began): read the new copy once it is in place. Writers of one name take turns,
  // so a reader can meet several replacements in a row; it tries again a bounded number of times.
  for (let attempt = 1;; attempt++) {
    const dir = await runFolder(runsDir, runId);
    const before = await identityOf(join(dir, RUN_FILES.run));
    try {
      return await readRunBundle(dir);
    } catch (err) {
      const replaced = attempt < MAX_READ_ATTEMPTS &&
        isFlowTimeError(err, "run_not_found", "bundle_invalid", "not_found") &&
        ((await waitForReplacement(dir)) ||
          (await identityOf(join(dir, RUN_FILES.run))) !== before);
      if (!replaced) throw err;
    }
  }
}

// How many times a reader looks again at a run being replaced before giving up.
const MAX_READ_ATTEMPTS = 20;

// Which file is at a path (inode and modification time), or "" when none.
async function identityOf(path: string): Promise<string> {
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
    real = await Deno.realPath(dir).catch(async (err) => {
      // Not there while a replacement is in progress: look again once it is in place.
      if (err instanceof Deno.errors.NotFound && await waitForReplacement(dir)) {
        return await Deno.realPath(dir);
      }
      throw err;
    });
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
    `no run '${runId}' in the runs folder`,
  );
}
