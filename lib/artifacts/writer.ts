// RunArtifactWriter: turns an evaluated model into the canonical run bundle (CONTRACTS
// section 3), built in a temp folder and renamed into place so readers never see half a run.
import { join } from "node:path";
import { fsError } from "../base/errors.ts";
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
import { formatSeriesCsv } from "./series_csv.ts";
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

/** Where a model came from when it was generated from a template. */
export interface TemplateOrigin {
  /** Template id. */
  templateId: string;
  /** Template title. */
  templateTitle?: string;
  /** Template version. */
  templateVersion: string;
  /** Generator, e.g. `flowtime-sim/0.1.0`. */
  generator?: string;
  /** sha256 hex of the substituted template. */
  modelId?: string;
  /** When the model was generated. */
  generatedAtUtc?: string;
  /** Template input hash. */
  inputHash?: string;
  /** Parameters as merged. */
  parameters?: Record<string, unknown>;
  /** The full provenance document, written as `model/provenance.json`. */
  provenance?: Record<string, unknown>;
}

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
}

const UNIT = "entities/bin";

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
 * Write a run bundle atomically.
 * @param req model, evaluation and naming options
 * @returns the run id, folder and the JSON documents written
 */
export async function writeRunBundle(req: WriteRunRequest): Promise<WrittenRun> {
  const { model, modelText } = req;
  const createdUtc = resolveTimestamp(req.createdAt, "createdAt");
  const seed = model.rng?.seed;
  const scenarioHash = scenarioHashOf(modelText, seed);
  const modelBytes = new TextEncoder().encode(modelText);
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

  return await writeFolderAtomically(runDir, async (tmp) => {
    const write = async (rel: string, data: Uint8Array | string) => {
      const path = join(tmp, rel);
      try {
        if (typeof data === "string") await Deno.writeTextFile(path, data);
        else await Deno.writeFile(path, data);
      } catch (err) {
        throw fsError(err, "writing", join(runDir, rel));
      }
    };
    await Deno.mkdir(join(tmp, RUN_FILES.modelDir));
    await Deno.mkdir(join(tmp, RUN_FILES.seriesDir));
    await write(RUN_FILES.model, modelBytes);
    await write(RUN_FILES.spec, modelBytes);

    const entries: SeriesIndexEntry[] = [];
    const seriesHashes: Record<string, string> = {};
    for (const nodeId of seriesToWrite(model)) {
      const values = req.evaluation.series.get(nodeId);
      if (!values) continue;
      const id = seriesIdOf(nodeId);
      const path = seriesPath(id);
      const csv = formatSeriesCsv(values);
      await write(path, csv);
      const hash = hashOf(csv);
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

    for (const file of req.modelFiles ?? []) {
      const target = resolveInside(join(tmp, RUN_FILES.modelDir), file.path, "model file");
      await Deno.mkdir(join(target, ".."), { recursive: true });
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
  }, {
    overwrite: req.overwrite,
    existsCode: "run_exists",
    what: "run folder",
    marker: RUN_FILES.run,
  });
}

/**
 * Template origin recorded inside a generated model (its `metadata` and `provenance` blocks),
 * so a generated model run on its own still links to its template.
 * @param model the model
 * @returns the origin, or undefined for a hand-written model
 */
export function originFromModel(model: Model): TemplateOrigin | undefined {
  const prov = model.provenance;
  const meta = model.metadata;
  const templateId = str(prov?.templateId) ?? str(meta?.id);
  if (!templateId || !prov) return undefined;
  return templateOrigin(prov, {
    templateId,
    templateTitle: str(meta?.title),
    templateVersion: str(prov.templateVersion) ?? str(meta?.version),
  });
}

/**
 * The template origin of a provenance document (CONTRACTS 5.4): the one builder for runs of
 * generated models. The template's id, title and version come from the caller (who knows
 * them from the generation metadata or the model's metadata block).
 * @param provenance the provenance as generated
 * @param template id, title and version
 * @returns the origin for the run writer
 */
export function templateOrigin(
  provenance: Record<string, unknown>,
  template: { templateId: string; templateTitle?: string; templateVersion?: string },
): TemplateOrigin {
  const parameters = provenance.parameters;
  return {
    templateId: template.templateId,
    templateTitle: template.templateTitle ?? template.templateId,
    templateVersion: template.templateVersion ?? "0.0.0",
    ...optional("generator", str(provenance.generator)),
    ...optional("modelId", str(provenance.modelId)),
    ...optional("generatedAtUtc", str(provenance.generatedAt)),
    ...optional("inputHash", str(provenance.inputHash)),
    parameters: parameters && typeof parameters === "object" && !Array.isArray(parameters)
      ? { ...parameters as Record<string, unknown> }
      : {},
    provenance,
  };
}

function optional<K extends string>(key: K, value: string | undefined): { [k in K]?: string } {
  return (value === undefined ? {} : { [key]: value }) as { [k in K]?: string };
}

function str(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}
