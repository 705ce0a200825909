// RunArtifactWriter: turns an evaluated model into the canonical run bundle (CONTRACTS
// section 3), built in a temp folder and renamed into place so readers never see half a run.
import { dirname, join } from "node:path";
import { FlowTimeError, fsError } from "../base/errors.ts";
import type { Evaluation } from "../engine/evaluate.ts";
import type { Model } from "../model/types.ts";
import { SEMANTIC_METRICS } from "../model/types.ts";
import { ENGINE_VERSION } from "../base/version.ts";
import type { RunWarning } from "../base/warnings.ts";
import { writeFolderAtomically } from "../base/atomic.ts";
import { resolveTimestamp } from "../base/clock.ts";
import { hashOf } from "../base/hash.ts";
import { chooseRunId, seriesIdOf } from "./ids.ts";
import { toJsonText } from "../base/json.ts";
import { resolveInside } from "../base/paths.ts";
import { encodeSeriesCsv } from "./series_csv.ts";
import type {
  ManifestProvenance,
  MetadataCaptureLink,
  ModelMetadataJson,
  RunGrid,
  RunJson,
  RunManifest,
  SeriesIndex,
  SeriesIndexEntry,
} from "./types.ts";
import { RUN_FILES, seriesPath } from "./layout.ts";
import { originFromModel, type TemplateOrigin } from "./origin.ts";
import { holdsFiles, readWrittenDocuments, RunComparison } from "./_unchanged.ts";
import { EventLoopTurns } from "../base/turn.ts";

/** How a run is named and stamped; shared by every entry point that writes a run. */
export interface RunNaming {
  /** Explicit run id. */
  runId?: string;
  /** Content-derived run id (`run_deterministic_<hash>` or `run_<templateId>_<hash>`). */
  deterministic?: boolean;
  /** Replace an existing run with the same id. */
  overwrite?: boolean;
  /** Fixed creation time (ISO UTC); default now. */
  createdAt?: string;
}

/** What to write. */
export interface WriteRunRequest extends RunNaming {
  /** Folder that holds runs (`<dataDir>/runs`). */
  runsDir: string;
  /** Model text, written byte-for-byte as model/model.yaml and spec.yaml. */
  modelText: string;
  /** The normalised model. */
  model: Model;
  /** The evaluation result. */
  evaluation: Evaluation;
  /** Warnings beyond the evaluation's (e.g. from the telemetry loader). */
  warnings?: RunWarning[];
  /** Template origin (else taken from the model's metadata and provenance blocks). */
  template?: TemplateOrigin;
  /** Capture link for telemetry-mode runs. */
  capture?: MetadataCaptureLink;
  /** Extra files to place under `model/` (e.g. telemetry CSVs), by relative path. */
  modelFiles?: ReadonlyArray<{ path: string; data: Uint8Array | string }>;
}

/** What was written. */
export interface WrittenRun {
  /** The run id. */
  runId: string;
  /** The run folder. */
  runDir: string;
  /** run.json content. */
  runJson: RunJson;
  /** manifest.json content. */
  manifest: RunManifest;
  /** model/metadata.json content. */
  metadata: ModelMetadataJson;
  /** series/index.json content. */
  index: SeriesIndex;
  /** True when the run folder already held this run (the same model, series and provenance,
   * written at another time) and was kept as it was; the documents are then the kept ones. */
  unchanged?: boolean;
}

const UNIT = "entities/bin";
const WRITES_IN_FLIGHT = 4;
// Files up to this size (a series of some 3,000 bins) are written synchronously: creating a small
// file is most of its cost, and through Deno's IO threads it costs more. Measured, a 50 x 288 run
// (60 files of 2-3 KB): the model files 7-10 -> 0.7-0.9 ms, the series 29-69 -> 14-33 ms. Larger
// series go through the IO threads, overlapping the encoding of the next (1,000 series of 93 KB:
// 380 ms so, 841 ms written synchronously). The capture, which copies series and has no encoding
// to overlap, writes files up to 128 KB synchronously (lib/telemetry/_file_io.ts).
const SYNC_WRITE_BYTES = 32 * 1024;
const ENCODER = new TextEncoder();

/** The seed written into manifest.json when the model sets none (FlowTime HEAD's default). */
export const DEFAULT_RNG_SEED = 123;

/**
 * Compute FlowTime's scenario hash: sha256 of `trim(modelText) + "\n" + seed + "\n" + "null"`.
 * @param modelText the model text
 * @param seed RNG seed, if any
 * @returns `sha256:<hex>`
 */
export function scenarioHashOf(modelText: string, seed?: number): string {
  return hashOf(`${modelText.trim()}\n${seed ?? "null"}\nnull`);
}

/**
 * The node ids a run writes: the requested outputs (all nodes when absent or `*`) plus every
 * node a topology semantic refers to, in declaration order.
 * @param model the model
 * @returns node ids to write
 */
export function seriesToWrite(model: Model): string[] {
  const all = model.nodes.map((n) => n.id);
  const wanted = new Set<string>();
  const outputs = model.outputs;
  if (!outputs || outputs.length === 0) all.forEach((id) => wanted.add(id));
  else {
    for (const o of outputs) {
      if (o.series === "*") all.forEach((id) => wanted.add(id));
      else if (o.series.endsWith("/*")) {
        const prefix = o.series.slice(0, -2).toLowerCase();
        all.filter((id) => id.toLowerCase().startsWith(prefix)).forEach((id) => wanted.add(id));
      } else wanted.add(o.series);
    }
    for (const tn of model.topology?.nodes ?? []) {
      for (const m of SEMANTIC_METRICS) {
        const ref = tn.semantics[m];
        if (typeof ref === "string") wanted.add(ref);
      }
    }
  }
  return all.filter((id) => wanted.has(id));
}

/**
 * Write a run bundle atomically. When the run folder exists and `overwrite` is off, the write
 * succeeds as "unchanged" if the folder already holds this run: the same files with the same
 * bytes, apart from when it was written (`createdUtc`, the generation time `generatedAt` and
 * the hashes of the model text that carries it). Any other difference is `run_exists`.
 * @param req model, evaluation and naming options
 * @returns the run id, folder and the JSON documents written (or kept)
 */
export async function writeRunBundle(req: WriteRunRequest): Promise<WrittenRun> {
  const { model, modelText } = req;
  const createdUtc = resolveTimestamp(req.createdAt, "createdAt");
  const seed = model.rng?.seed;
  const scenarioHash = scenarioHashOf(modelText, seed);
  const modelBytes = ENCODER.encode(modelText);
  const modelHash = hashOf(modelBytes);
  const origin = req.template ?? originFromModel(model);
  const runId = chooseRunId({
    runId: req.runId,
    deterministic: req.deterministic,
    scenarioHash,
    template: origin?.inputHash
      ? { id: origin.templateId, inputHash: origin.inputHash }
      : undefined,
    createdUtc,
  });
  const runDir = join(req.runsDir, runId);
  const grid: RunGrid = {
    bins: model.grid.bins,
    binSize: model.grid.binSize,
    binUnit: model.grid.binUnit,
    ...(model.grid.start ? { start: model.grid.start } : {}),
    timezone: "UTC",
    align: "left",
  };

  const build = async (write: FileSink): Promise<WrittenRun> => {
    await write(RUN_FILES.model, modelBytes);
    await write(RUN_FILES.spec, modelBytes);

    const entries: SeriesIndexEntry[] = [];
    const seriesHashes: Record<string, string> = {};
    // Series go straight to bytes (no text per series for the collector) in a few pooled
    // buffers; a large one is stored while the next series is encoded (the write runs on Deno's
    // IO threads, the encoding on this one), a small one at once (SYNC_WRITE_BYTES).
    const free: Uint8Array[] = [];
    const inFlight = new Set<Promise<void>>();
    let failure: { error: unknown } | undefined;
    const turns = new EventLoopTurns();
    for (const nodeId of seriesToWrite(model)) {
      const values = req.evaluation.series.get(nodeId);
      if (!values) continue;
      while (inFlight.size >= WRITES_IN_FLIGHT) await Promise.race(inFlight);
      if (failure !== undefined) break;
      // a server writing a large run keeps answering other requests
      await turns.maybe();
      const id = seriesIdOf(nodeId);
      const path = seriesPath(id);
      const csv = encodeSeriesCsv(values, {}, free.pop() ?? new Uint8Array(64 * 1024));
      const hash = hashOf(csv);
      const storing: Promise<void> = write(path, csv)
        .catch((error) => {
          failure ??= { error };
        })
        .finally(() => {
          inFlight.delete(storing);
          free.push(new Uint8Array(csv.buffer as ArrayBuffer));
        });
      inFlight.add(storing);
      seriesHashes[id] = hash;
      entries.push({
        id,
        kind: "flow",
        path,
        unit: UNIT,
        componentId: nodeId.toUpperCase(),
        class: "DEFAULT",
        points: values.length,
        hash,
      });
    }

    // every series is stored before the folder is renamed (or removed on failure)
    while (inFlight.size > 0) await Promise.all([...inFlight]);
    if (failure !== undefined) throw failure.error;

    for (const file of req.modelFiles ?? []) {
      resolveInside(join(runDir, RUN_FILES.modelDir), file.path, "model file");
      await write(`${RUN_FILES.modelDir}/${file.path}`, file.data);
    }

    const index: SeriesIndex = { schemaVersion: 1, grid, series: entries };
    await write(RUN_FILES.seriesIndex, toJsonText(index));

    const warnings = [...req.evaluation.warnings, ...(req.warnings ?? [])];
    const runJson: RunJson = {
      schemaVersion: 1,
      runId,
      engineVersion: ENGINE_VERSION,
      source: "engine",
      mode: model.mode,
      grid,
      modelHash,
      scenarioHash,
      ...(origin?.inputHash ? { inputHash: origin.inputHash } : {}),
      createdUtc,
      warnings,
      series: entries.map((e) => ({ id: e.id, path: e.path, unit: e.unit })),
    };
    await write(RUN_FILES.run, toJsonText(runJson));

    let provenance: ManifestProvenance | undefined;
    if (origin) {
      provenance = {
        templateId: origin.templateId,
        templateVersion: origin.templateVersion,
        ...(origin.modelId ? { modelId: origin.modelId } : {}),
        ...(origin.inputHash ? { inputHash: origin.inputHash } : {}),
        ...(req.capture
          ? {
            capture: {
              runId: req.capture.runId,
              manifestHash: req.capture.manifestHash,
              checksum: req.capture.checksum,
            },
          }
          : {}),
      };
    }
    const manifest: RunManifest = {
      schemaVersion: 1,
      runId,
      scenarioHash,
      modelHash,
      ...(origin?.inputHash ? { inputHash: origin.inputHash } : {}),
      // FlowTime's manifest requires a seed (it draws one when none is given; HEAD uses 123).
      // The engine samples nothing, so without a model seed FlowTime HEAD's default is written.
      rng: { kind: model.rng?.kind ?? "pcg32", seed: seed ?? DEFAULT_RNG_SEED },
      seriesHashes,
      eventCount: 0,
      createdUtc,
      ...(provenance ? { provenance } : {}),
    };
    await write(RUN_FILES.manifest, toJsonText(manifest));

    const metadata: ModelMetadataJson = {
      schemaVersion: 1,
      templateId: origin?.templateId ?? "adhoc-model",
      templateTitle: origin?.templateTitle ?? str(model.metadata?.title) ??
        str(model.metadata?.id) ??
        "adhoc-model",
      templateVersion: origin?.templateVersion ?? "0.0.0",
      mode: model.mode,
      modelHash,
      ...(origin?.generator ? { generator: origin.generator } : {}),
      ...(origin?.modelId ? { modelId: origin.modelId } : {}),
      ...(origin?.generatedAtUtc ? { generatedAtUtc: origin.generatedAtUtc } : {}),
      parameters: origin?.parameters ?? {},
      telemetrySources: model.nodes.flatMap((
        n,
      ) => (n.kind === "const" && n.source ? [n.source] : [])),
      ...(req.capture ? { capture: req.capture } : {}),
    };
    await write(RUN_FILES.metadata, toJsonText(metadata));
    if (origin?.provenance) await write(RUN_FILES.provenance, toJsonText(origin.provenance));

    return { runId, runDir, runJson, manifest, metadata, index };
  };

  if (!req.overwrite && await holdsFiles(runDir)) {
    // The run may not be replaced: build it against the folder (writing nothing) and keep the
    // folder if it already holds this run.
    const comparison = new RunComparison(runDir);
    const fresh = await build((rel, data) => comparison.file(rel, data));
    if (!await comparison.same()) {
      throw new FlowTimeError(
        "run_exists",
        `run folder ${runDir} already exists with different content`,
        { fix: { option: "overwrite", effect: "replace it" } },
      );
    }
    return { ...await readWrittenDocuments(runDir, fresh), unchanged: true };
  }
  return await writeFolderAtomically(runDir, (tmp) => {
    const made = new Set<string>();
    return build(async (rel, data) => {
      const path = join(tmp, rel);
      try {
        const dir = dirname(path);
        if (!made.has(dir)) {
          Deno.mkdirSync(dir, { recursive: true });
          made.add(dir);
        }
        const bytes = typeof data === "string" ? ENCODER.encode(data) : data;
        if (bytes.length <= SYNC_WRITE_BYTES) Deno.writeFileSync(path, bytes);
        else await Deno.writeFile(path, bytes);
      } catch (err) {
        throw fsError(err, "writing", join(runDir, rel));
      }
    });
  }, {
    overwrite: req.overwrite,
    existsCode: "run_exists",
    what: "run folder",
    marker: RUN_FILES.run,
  });
}

/** Stores one file of a run, by its path relative to the run folder. */
type FileSink = (rel: string, data: Uint8Array | string) => Promise<void>;

function str(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}
