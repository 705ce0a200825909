// The capture manifest (CONTRACTS section 6): its window and grid, provenance taken from the
// run's documents and the bundle checksum. Reading manifests back: manifest_read.ts.
import { hashOf } from "../base/hash.ts";
import type { RunBundle } from "../artifacts/reader.ts";
import type { RunGrid } from "../artifacts/types.ts";
import { scenarioHashOf } from "../artifacts/writer.ts";
import { binMinutes } from "../model/types.ts";
import { TOOLKIT_VERSION } from "../base/version.ts";
import type {
  CaptureWarning,
  TelemetryManifest,
  TelemetryManifestFile,
  TelemetryManifestGaps,
  TelemetryManifestProvenance,
} from "./types.ts";

/** File name of a capture folder's manifest. */
export const CAPTURE_MANIFEST_FILE = "manifest.json";

/**
 * The bundle checksum: sha256 over the lines `<path> <hash>\n` of every file, sorted by path
 * (code-unit order). It identifies the data of a capture independently of its manifest text.
 * @param files path and hash of each captured file
 * @returns `sha256:<hex>`
 */
export function captureChecksum(files: ReadonlyArray<{ path: string; hash: string }>): string {
  const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return hashOf(sorted.map((f) => `${f.path} ${f.hash}\n`).join(""));
}

/**
 * Where a run came from, as a capture records it. Template fields are included only when the
 * run was generated from a template (model/metadata.json, else manifest.json provenance, else
 * model/provenance.json).
 * @param bundle the captured run
 * @param capturedAtUtc capture time (ISO UTC)
 * @returns the provenance block
 */
export function captureProvenance(
  bundle: RunBundle,
  capturedAtUtc: string,
): TelemetryManifestProvenance {
  const run = bundle.runJson;
  // FlowTime's test bundles record placeholders (`sha256:test`): only real hashes are copied.
  const modelHash = realHash(run.modelHash) ?? realHash(bundle.manifest?.modelHash) ??
    bundle.modelFileHash ?? hashOf(bundle.modelText ?? "");
  const scenarioHash = realHash(run.scenarioHash) ?? realHash(bundle.manifest?.scenarioHash) ??
    scenarioHashOf(bundle.modelText ?? "");
  const template = templateOf(bundle);
  return {
    runId: bundle.runId,
    scenarioHash,
    modelHash,
    ...(template
      ? {
        templateId: template.templateId,
        templateVersion: template.templateVersion,
        ...(template.inputHash ? { inputHash: template.inputHash } : {}),
      }
      : {}),
    captureVersion: TOOLKIT_VERSION,
    capturedAtUtc,
  };
}

/** Template identity of a run, if it was generated from one. */
export interface RunTemplate {
  /** Template id. */
  templateId: string;
  /** Template version. */
  templateVersion: string;
  /** Template input hash, when recorded. */
  inputHash?: string;
}

/**
 * The template a run was generated from, read from its documents.
 * @param bundle the run
 * @returns template id, version and input hash, or undefined for ad-hoc models
 */
export function templateOf(bundle: RunBundle): RunTemplate | undefined {
  const meta = bundle.metadata;
  const prov = bundle.manifest?.provenance;
  const file = bundle.provenance;
  const inputHash = str(bundle.runJson.inputHash) ?? str(bundle.manifest?.inputHash) ??
    str(prov?.inputHash) ?? str(file?.inputHash);
  const pick = (templateId?: unknown, templateVersion?: unknown): RunTemplate | undefined => {
    const id = str(templateId);
    if (!id || id === "adhoc-model") return undefined;
    return {
      templateId: id,
      templateVersion: str(templateVersion) ?? "0.0.0",
      ...(inputHash ? { inputHash } : {}),
    };
  };
  if (meta) return pick(meta.templateId, meta.templateVersion);
  return pick(prov?.templateId, prov?.templateVersion) ??
    pick(file?.templateId, file?.templateVersion);
}

/** The parts a manifest is built from. */
export interface ManifestParts {
  /** The run's grid. */
  grid: RunGrid;
  /** Captured files in capture order. */
  files: TelemetryManifestFile[];
  /** Warnings in file order. */
  warnings: CaptureWarning[];
  /** Gap configuration used, if any. */
  gaps?: TelemetryManifestGaps;
  /** Provenance block. */
  provenance: TelemetryManifestProvenance;
}

/**
 * Assemble a capture manifest, computing its window and checksum.
 * @param parts grid, files, warnings, gaps and provenance
 * @returns the manifest
 */
export function buildTelemetryManifest(parts: ManifestParts): TelemetryManifest {
  const { grid } = parts;
  return {
    schemaVersion: 1,
    window: {
      ...(grid.start ? { startTimeUtc: grid.start } : {}),
      durationMinutes: grid.bins * binMinutes(grid),
    },
    grid: { bins: grid.bins, binSize: grid.binSize, binUnit: grid.binUnit },
    files: parts.files,
    warnings: parts.warnings,
    ...(parts.gaps ? { gaps: parts.gaps } : {}),
    provenance: parts.provenance,
    checksum: captureChecksum(parts.files),
  };
}

function realHash(v: unknown): string | undefined {
  return typeof v === "string" && /^sha256:[0-9a-f]{64}$/.test(v) ? v : undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}
