// The capture a telemetry-mode run replayed: the link in model/metadata.json and the warnings
// of the copied capture manifest (CONTRACTS section 6), read leniently but never trusted blindly.
import { join } from "node:path";
import { MAX_DOCUMENT_BYTES, readFileInside } from "../base/safe_read.ts";
import { FlowTimeError, fsError } from "../base/errors.ts";
import { hashOf } from "../base/hash.ts";
import { resolveInside } from "../base/paths.ts";
import type { ModelMetadataJson } from "../artifacts/types.ts";
import { SEMANTIC_METRICS } from "../model/types.ts";
import type { WarningSeverity } from "../base/warnings.ts";
import type { StateCaptureInfo, StateWarning } from "./types.ts";
import { binsOf } from "./warnings.ts";
import { RUN_FILES } from "../artifacts/layout.ts";

/** Where the telemetry bundle step copies the capture manifest, relative to the run folder. */
export const CAPTURE_MANIFEST_PATH = RUN_FILES.telemetryManifest;

/** What a run says about its capture. */
export interface CaptureFacts {
  /** The envelope's `capture`, when metadata.json links a capture. */
  info?: StateCaptureInfo;
  /** The manifest's warnings (all bins), as state warnings with `source: "capture"`. */
  warnings: StateWarning[];
  /** Problems with the link itself (missing or changed manifest), `source: "state"`. */
  problems: StateWarning[];
}

const SEVERITIES: ReadonlySet<string> = new Set(["info", "warning", "error"]);

/**
 * Read the capture link of a run and the warnings of its copied manifest.
 * @param runDir the run folder
 * @param metadata the run's model/metadata.json, if any
 * @returns capture info, its warnings, and problems with the link
 * @throws FlowTimeError `bundle_invalid` when the manifest is not a JSON object with a
 *   `warnings` list
 */
export async function readCaptureFacts(
  runDir: string,
  metadata: ModelMetadataJson | undefined,
): Promise<CaptureFacts> {
  const link = metadata?.capture;
  if (!link || typeof link !== "object") return { warnings: [], problems: [] };
  const rel = typeof link.manifestPath === "string" && link.manifestPath !== ""
    ? link.manifestPath
    : CAPTURE_MANIFEST_PATH;
  const path = resolveInside(runDir, rel, "metadata.json capture.manifestPath");
  let bytes: Uint8Array;
  try {
    bytes = await readFileInside(path, { root: runDir, maxBytes: MAX_DOCUMENT_BYTES });
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw fsError(err, "reading", path);
    return {
      info: infoOf(link, undefined),
      warnings: [],
      problems: [{
        code: "capture_manifest_missing",
        message:
          `${RUN_FILES.metadata} links capture ${link.runId} but ${rel} is missing; capture warnings cannot be shown`,
        severity: "warning",
        source: "state",
      }],
    };
  }
  const manifest = parseManifest(bytes, join(runDir, rel), rel);
  const warnings = manifest.warnings.map(captureWarningOf);
  const problems: StateWarning[] = [];
  const actual = hashOf(bytes);
  if (typeof link.manifestHash === "string" && link.manifestHash !== actual) {
    problems.push({
      code: "capture_manifest_mismatch",
      message:
        `${rel} hashes to ${actual} but ${RUN_FILES.metadata} records ${link.manifestHash}; the copied manifest was changed`,
      severity: "warning",
      source: "state",
    });
  }
  return { info: infoOf(link, warnings.length), warnings, problems };
}

function infoOf(link: NonNullable<ModelMetadataJson["capture"]>, count?: number): StateCaptureInfo {
  return {
    runId: String(link.runId ?? ""),
    manifestHash: String(link.manifestHash ?? ""),
    warningCount: typeof link.warningCount === "number" ? link.warningCount : count ?? 0,
  };
}

function parseManifest(
  bytes: Uint8Array,
  file: string,
  rel: string,
): { warnings: Record<string, unknown>[] } {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(bytes).replace(/^\uFEFF/, ""));
  } catch (err) {
    throw new FlowTimeError(
      "bundle_invalid",
      `${rel} is not valid JSON (${(err as Error).message}); the run folder is damaged`,
      { file },
    );
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new FlowTimeError("bundle_invalid", `${rel} is not a JSON object`, { file });
  }
  const warnings = (value as Record<string, unknown>).warnings ?? [];
  if (!Array.isArray(warnings)) {
    throw new FlowTimeError("bundle_invalid", `${rel}: 'warnings' is not a list`, { file });
  }
  warnings.forEach((w, i) => {
    if (typeof w !== "object" || w === null || typeof (w as { code?: unknown }).code !== "string") {
      throw new FlowTimeError(
        "bundle_invalid",
        `${rel}: warnings[${i}] is not an object with a 'code'`,
        { file },
      );
    }
  });
  return { warnings: warnings as Record<string, unknown>[] };
}

function captureWarningOf(w: Record<string, unknown>): StateWarning {
  const out: StateWarning = {
    code: w.code as string,
    message: typeof w.message === "string" && w.message !== "" ? w.message : (w.code as string),
    severity: typeof w.severity === "string" && SEVERITIES.has(w.severity)
      ? w.severity as WarningSeverity
      : "warning",
    source: "capture",
  };
  if (typeof w.nodeId === "string") out.nodeId = w.nodeId;
  if (typeof w.metric === "string") out.metric = metricName(w.metric);
  return { ...out, ...binsOf(w.bins) };
}

// Capture manifests name metrics `Arrivals`, `QueueDepth`...; responses use semantic keys.
function metricName(metric: string): string {
  return SEMANTIC_METRICS.find((m) => m.toLowerCase() === metric.toLowerCase()) ?? metric;
}
