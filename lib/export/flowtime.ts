// A FlowTime-readable copy of a run. The canonical bundle keeps what FlowTime M-03.02 cannot
// read (warnings as objects in run.json, topology semantics naming model nodes, `queueDepth`,
// a manifest with fields its schema forbids); this writes a copy its readers take as their own:
// run.json with string warnings, a topology-only model whose semantics are `file:` references
// to the series (`queue` and `queueDepth` both, `startTimeUtc` and `start` both), metadata.json
// and manifest.json as RunArtifactWriter writes them, and output aliases FlowTime's capture can
// bind. The copy is for time travel and capture: it holds no computation nodes to re-run.
import {
  decodeUtf8,
  MAX_DOCUMENT_BYTES,
  maxSeriesBytes,
  readFileInside,
} from "../base/safe_read.ts";
import { basename, join, normalize } from "node:path";
import { stringify } from "../base/yaml.ts";
import { FlowTimeError, fsError } from "../base/errors.ts";
import { writeFolderAtomically } from "../base/atomic.ts";
import { hashOf } from "../base/hash.ts";
import { toJsonText } from "../base/json.ts";
import { assertSafeId, resolveInside } from "../base/paths.ts";
import { readRunBundle, type RunBundle } from "../artifacts/reader.ts";
import { DEFAULT_RNG_SEED } from "../artifacts/writer.ts";
import { formatSeriesCsv, parseSeriesCsv } from "../artifacts/series_csv.ts";
import { RUN_FILES } from "../artifacts/layout.ts";
import { SEMANTIC_METRICS, type SemanticMetric } from "../model/types.ts";

/** Options for {@link exportForFlowTime}. */
export interface FlowTimeExportOptions {
  /** The folder to write: FlowTime serves `<data>/<runId>/`, so name it after the run id. */
  outputDir: string;
  /** Replace an existing folder.
   * @default false
   */
  overwrite?: boolean;
}

/** What {@link exportForFlowTime} wrote. */
export interface FlowTimeExport {
  /** The run exported. */
  runId: string;
  /** The folder written. */
  outputDir: string;
  /** Semantics FlowTime needs that the run lacks, filled with an all-NaN series
   * (`<topology node>.<metric>`). */
  unset: string[];
  /** Files written, relative to the folder. */
  files: string[];
}

// FlowTime M-03.02 names queue depth `queue`; HEAD `queueDepth`. Both are written.
const KEYS: Readonly<Record<SemanticMetric, string[]>> = {
  arrivals: ["arrivals"],
  served: ["served"],
  errors: ["errors"],
  externalDemand: ["externalDemand"],
  queueDepth: ["queue", "queueDepth"],
  capacity: ["capacity"],
};
// FlowTime's capture infers node and metric from an output alias's suffix.
const ALIAS_SUFFIX: Readonly<Record<SemanticMetric, string>> = {
  arrivals: "arrivals",
  served: "served",
  errors: "errors",
  externalDemand: "external_demand",
  queueDepth: "queue",
  capacity: "capacity",
};
// FlowTime M-03.02's /state refuses a topology node without these.
const REQUIRED: readonly SemanticMetric[] = ["arrivals", "served", "errors"];

/**
 * Write a copy of a run that FlowTime (M-03.02 and HEAD) reads: its /state serves it, its
 * capture captures it.
 * @param runDir the run folder (this toolkit's, or FlowTime's)
 * @param options the folder to write and whether to replace it
 * @returns what was written
 * @throws FlowTimeError `bundle_invalid` for a damaged run, `output_exists` unless `overwrite`
 */
export async function exportForFlowTime(
  runDir: string,
  options: FlowTimeExportOptions,
): Promise<FlowTimeExport> {
  const bundle = await readRunBundle(runDir);
  const parsed = bundle.parsedModel();
  const model = parsed.model;
  const topology = model.topology?.nodes ?? [];
  if (topology.length === 0) {
    throw new FlowTimeError(
      "bundle_invalid",
      `run ${bundle.runId} has no topology: FlowTime's /state serves topology nodes only`,
      { file: join(bundle.dir, bundle.modelPath ?? RUN_FILES.model) },
    );
  }
  const bins = bundle.runJson.grid.bins;
  const copies = new Map<string, string>(); // path in the export -> path in the run
  const unset: string[] = [];
  const unsetFiles = new Map<string, string>();
  const outputs: Array<{ series: string; as: string }> = [];
  const nodes = topology.map((tn) => {
    const semantics: Record<string, unknown> = {};
    for (const metric of SEMANTIC_METRICS) {
      const ref = tn.semantics[metric];
      const entry = typeof ref === "string" ? bundle.seriesEntry(ref) : undefined;
      let rel: string | undefined;
      if (entry) {
        rel = entry.source ? normalize(entry.path) : entry.path;
        copies.set(rel, entry.path);
        const seriesName = basename(entry.path).replace(/\.csv$/i, "").split("@")[0];
        outputs.push({ series: seriesName, as: `${tn.id}_${ALIAS_SUFFIX[metric]}.csv` });
      } else if (REQUIRED.includes(metric)) {
        rel = `${RUN_FILES.seriesDir}/unset_${safe(tn.id)}_${metric}.csv`;
        unsetFiles.set(rel, nanSeries(bins));
        unset.push(`${tn.id}.${metric}`);
      }
      if (rel === undefined) continue;
      for (const key of KEYS[metric]) semantics[key] = `file:../${rel}`;
    }
    if (tn.semantics.slaMin !== undefined) semantics.slaMin = tn.semantics.slaMin;
    return {
      id: tn.id,
      kind: tn.kind,
      semantics,
      ...(tn.initialCondition ? { initialCondition: tn.initialCondition } : {}),
    };
  });
  const start = bundle.runJson.grid.start;
  const meta = bundle.metadata;
  const templateId = meta?.templateId ?? str(model.metadata?.id) ?? "adhoc-model";
  const modelDoc = {
    schemaVersion: 1,
    mode: bundle.runJson.mode,
    metadata: {
      id: templateId,
      title: meta?.templateTitle ?? str(model.metadata?.title) ?? templateId,
      version: meta?.templateVersion ?? str(model.metadata?.version) ?? "0.0.0",
    },
    grid: {
      bins,
      binSize: bundle.runJson.grid.binSize,
      binUnit: bundle.runJson.grid.binUnit,
      ...(start ? { startTimeUtc: start, start } : {}),
    },
    topology: { nodes, edges: model.topology?.edges ?? [] },
    ...(outputs.length > 0 ? { outputs } : {}),
  };
  const modelText =
    `# Exported for FlowTime from run ${bundle.runId}: a topology-only model whose\n` +
    `# semantics read the run's series (time travel and capture; nothing to re-run).\n` +
    stringify(modelDoc, { lineWidth: 0 });
  const modelHash = hashOf(modelText);
  const files: string[] = [];
  await writeFolderAtomically(options.outputDir, async (tmp) => {
    const write = async (rel: string, data: string | Uint8Array) => {
      const path = join(tmp, rel);
      await Deno.mkdir(join(path, ".."), { recursive: true });
      try {
        if (typeof data === "string") await Deno.writeTextFile(path, data);
        else await Deno.writeFile(path, data);
      } catch (err) {
        throw fsError(err, "writing", join(options.outputDir, rel));
      }
      files.push(rel);
    };
    await write(RUN_FILES.model, modelText);
    await write(RUN_FILES.spec, modelText);
    const seriesHashes: Record<string, string> = {};
    const runSeries: Array<{ id: string; path: string; unit: string }> = [];
    for (const [rel, from] of copies) {
      // FlowTime's /state reads only the header `bin_index,value` (its own runs write `t,value`).
      const bytes = await readRunFile(bundle, from, maxSeriesBytes(bins));
      const values = parseSeriesCsv(decodeUtf8(bytes, join(bundle.dir, from)), {
        file: join(bundle.dir, from),
        bins,
        allowExtraRows: true,
      }).values;
      const written = new TextEncoder().encode(formatSeriesCsv(values));
      await write(rel, written);
      const id = basename(rel).replace(/\.csv$/i, "");
      seriesHashes[id] = hashOf(written);
      runSeries.push({ id, path: rel, unit: "entities/bin" });
    }
    for (const [rel, text] of unsetFiles) await write(rel, text);
    await copyTelemetry(bundle, write);
    if (bundle.provenance) {
      await write(
        RUN_FILES.provenance,
        await readRunFile(bundle, RUN_FILES.provenance, MAX_DOCUMENT_BYTES),
      );
    }
    await write(RUN_FILES.metadata, toJsonText(metadataOf(bundle, modelHash, templateId)));
    await write(
      RUN_FILES.run,
      toJsonText({
        schemaVersion: 1,
        runId: bundle.runId,
        engineVersion: bundle.runJson.engineVersion,
        source: "engine",
        grid: {
          bins,
          binSize: bundle.runJson.grid.binSize,
          binUnit: bundle.runJson.grid.binUnit,
          timezone: "UTC",
          align: "left",
        },
        modelHash,
        scenarioHash: bundle.runJson.scenarioHash || hashOf(bundle.modelText ?? ""),
        createdUtc: bundle.runJson.createdUtc || new Date().toISOString(),
        warnings: bundle.runJson.warnings.map((w) =>
          `${w.code}: ${w.nodeId ? `${w.nodeId}: ` : ""}${w.message}`
        ),
        series: runSeries,
      }),
    );
    await write(
      RUN_FILES.seriesIndex,
      toJsonText({
        schemaVersion: 1,
        grid: {
          bins,
          binSize: bundle.runJson.grid.binSize,
          binUnit: bundle.runJson.grid.binUnit,
          timezone: "UTC",
        },
        series: runSeries.map((s) => ({
          id: s.id,
          kind: "flow",
          path: s.path,
          unit: s.unit,
          componentId: s.id.split("@")[1] ?? s.id.toUpperCase(),
          class: "DEFAULT",
          points: bins,
          hash: seriesHashes[s.id],
        })),
      }),
    );
    const rngSeed = bundle.manifest?.rng?.seed ?? model.rng?.seed ?? DEFAULT_RNG_SEED;
    const provenanceRef = bundle.provenance
      ? {
        hasProvenance: true,
        modelId: str(bundle.provenance.modelId) ?? null,
        templateId: str(bundle.provenance.templateId) ?? null,
      }
      : undefined;
    await write(
      RUN_FILES.manifest,
      toJsonText({
        schemaVersion: 1,
        scenarioHash: realHash(bundle.runJson.scenarioHash) ?? hashOf(bundle.modelText ?? ""),
        rng: { kind: "pcg32", seed: rngSeed },
        seriesHashes,
        eventCount: 0,
        createdUtc: bundle.runJson.createdUtc || new Date().toISOString(),
        modelHash,
        ...(provenanceRef ? { provenance: provenanceRef } : {}),
      }),
    );
  }, { overwrite: options.overwrite, what: "export folder", marker: RUN_FILES.run });
  return { runId: bundle.runId, outputDir: options.outputDir, unset, files: files.sort() };
}

// RunArtifactWriter's EngineMetadataDocument (M-03.02), in its field order.
function metadataOf(bundle: RunBundle, modelHash: string, templateId: string) {
  const meta = bundle.metadata;
  return {
    schemaVersion: 1,
    templateId,
    templateTitle: meta?.templateTitle ?? templateId,
    templateVersion: meta?.templateVersion ?? "0.0.0",
    mode: bundle.runJson.mode,
    modelHash,
    source: null,
    generator: meta?.generator ?? null,
    modelId: meta?.modelId ?? null,
    generatedAtUtc: meta?.generatedAtUtc ?? null,
    receivedAtUtc: bundle.runJson.createdUtc || null,
    parameters: meta?.parameters ?? {},
  };
}

async function copyTelemetry(
  bundle: RunBundle,
  write: (rel: string, data: Uint8Array) => Promise<void>,
): Promise<void> {
  const dir = join(bundle.dir, RUN_FILES.telemetryDir);
  let entries: Deno.DirEntry[];
  try {
    entries = await Array.fromAsync(Deno.readDir(dir));
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return;
    throw fsError(err, "listing", dir);
  }
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (!e.isFile) continue;
    const rel = `${RUN_FILES.telemetryDir}/${e.name}`;
    // telemetry files are series of the run's grid
    await write(rel, await readRunFile(bundle, rel, maxSeriesBytes(bundle.runJson.grid.bins)));
  }
}

// A file of the run, read safely and no larger than its kind allows (a series: its grid's bound).
async function readRunFile(bundle: RunBundle, rel: string, maxBytes: number): Promise<Uint8Array> {
  const path = resolveInside(bundle.dir, rel, "run file");
  try {
    return await readFileInside(path, { root: bundle.dir, maxBytes });
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      throw new FlowTimeError("bundle_invalid", `${rel} is missing from run ${bundle.runId}`, {
        file: path,
      });
    }
    throw fsError(err, "reading", path);
  }
}

function nanSeries(bins: number): string {
  let out = "bin_index,value\n";
  for (let i = 0; i < bins; i++) out += `${i},NaN\n`;
  return out;
}

function safe(id: string): string {
  return assertSafeId(id, "topology node id");
}

function realHash(v: unknown): string | undefined {
  return typeof v === "string" && /^sha256:[0-9a-f]{64}$/.test(v) ? v : undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}
