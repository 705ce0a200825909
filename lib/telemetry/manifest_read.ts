// Reading a capture folder's manifest.json: the ones this toolkit writes and those FlowTime
// writes (schemaVersion 1 at M-03.02: no checksum, no sourceSeries, bare-hex or placeholder
// hashes; schemaVersion 2 at HEAD: class fields). Checked against the lenient read schema, then
// normalised; per-class captures are refused, naming the classes.
import { join } from "node:path";
import { FlowTimeError, fsError } from "../base/errors.ts";
import { hashOf } from "../base/hash.ts";
import { MAX_DOCUMENT_BYTES, readFileInside } from "../base/safe_read.ts";
import { isRawMap, type RawMap } from "../base/issues.ts";
import { BIN_UNITS, type BinUnit } from "../model/types.ts";
import { checkSchema } from "../schema/validator.ts";
import { CAPTURE_MANIFEST_FILE, captureChecksum } from "./manifest.ts";
import type { CaptureMetric, TelemetryManifestGrid, TelemetryManifestWindow } from "./types.ts";

/** One file of a capture as read: node, metric and path always; the rest when the writer gave it. */
export interface ReadManifestFile {
  /** Topology node id. */
  nodeId: string;
  /** Metric, normalised to the manifest spelling (`Arrivals`, `QueueDepth`, ...). */
  metric: CaptureMetric;
  /** Path inside the capture folder. */
  path: string;
  /** `sha256:<hex>` (bare hex from FlowTime's examples gains the prefix); absent, or kept as
   * written when it is not a sha256 (then the file cannot be verified). */
  hash?: string;
  /** Data rows, when given. */
  points?: number;
  /** Run series the values came from, when given (the toolkit writes it, FlowTime does not). */
  sourceSeries?: string;
}

/** A capture warning as read (FlowTime's have no metric or severity). */
export interface ReadManifestWarning {
  /** Warning code. */
  code: string;
  /** What happened. */
  message: string;
  /** Topology node, when given. */
  nodeId?: string;
  /** Metric, when given. */
  metric?: string;
  /** Bins, when given. */
  bins?: number[];
  /** Severity, when given. */
  severity?: string;
}

/** A capture manifest as read, whoever wrote it. */
export interface ReadTelemetryManifest {
  /** 1 (this toolkit, FlowTime M-03.02) or 2 (FlowTime HEAD, class totals only). */
  schemaVersion: 1 | 2;
  /** Window, when given. */
  window?: Partial<TelemetryManifestWindow>;
  /** Grid (binUnit lower-cased, default minutes). */
  grid: TelemetryManifestGrid;
  /** Files in manifest order. */
  files: ReadManifestFile[];
  /** Warnings (empty when none are given). */
  warnings: ReadManifestWarning[];
  /** Provenance fields that were given. */
  provenance: {
    runId?: string;
    scenarioHash?: string;
    modelHash?: string;
    templateId?: string;
    templateVersion?: string;
    inputHash?: string;
    captureVersion?: string;
    capturedAtUtc?: string;
  };
  /** The manifest's checksum, or the toolkit's checksum computed from its files when absent. */
  checksum: string;
  /** True when `checksum` was computed here (FlowTime writes none). */
  checksumComputed: boolean;
}

const METRICS: readonly CaptureMetric[] = [
  "Arrivals",
  "Served",
  "Errors",
  "ExternalDemand",
  "QueueDepth",
  "Capacity",
];
const SHA256 = /^sha256:[0-9a-f]{64}$/;
const HEX64 = /^[0-9a-fA-F]{64}$/;

/**
 * Whether a hash can be checked against file bytes (`sha256:` and 64 lower-case hex digits).
 * @param hash the hash as normalised by {@link readTelemetryManifest}
 * @returns true when it is a real sha256
 */
export function isVerifiableHash(hash: string | undefined): hash is string {
  return hash !== undefined && SHA256.test(hash);
}

/**
 * Read a capture folder's manifest.json, as this toolkit or FlowTime wrote it.
 * @param captureDir the capture folder
 * @returns the normalised manifest, the manifest as written (parsed JSON), the hash of its bytes
 *   and the bytes
 * @throws FlowTimeError `not_found` when there is no manifest; `capture_invalid` when it is not
 *   valid JSON, does not match the read schema (the message names the field), uses an unknown
 *   metric or bin unit, or holds per-class files (FlowTime HEAD classes)
 */
export async function readTelemetryManifest(
  captureDir: string,
): Promise<
  {
    manifest: ReadTelemetryManifest;
    raw: Record<string, unknown>;
    manifestHash: string;
    bytes: Uint8Array;
  }
> {
  const path = join(captureDir, CAPTURE_MANIFEST_FILE);
  let bytes: Uint8Array;
  try {
    bytes = await readFileInside(path, {
      root: captureDir,
      maxBytes: MAX_DOCUMENT_BYTES,
      code: "capture_invalid",
    });
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      throw new FlowTimeError(
        "not_found",
        `${captureDir} is not a telemetry capture: it has no manifest.json`,
      );
    }
    throw fsError(err, "reading", path);
  }
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(bytes).replace(/^\uFEFF/, ""));
  } catch (err) {
    throw new FlowTimeError("capture_invalid", `not valid JSON: ${(err as Error).message}`, {
      file: path,
    });
  }
  const check = checkSchema("telemetry-manifest-read", value);
  if (!check.valid) {
    throw new FlowTimeError(
      "capture_invalid",
      `is not a capture manifest this toolkit can read: ${check.errors[0]}`,
      { file: path, details: check.errors },
    );
  }
  return {
    manifest: normaliseManifest(value as RawMap, path),
    raw: value as RawMap,
    manifestHash: hashOf(bytes),
    bytes,
  };
}

function normaliseManifest(raw: RawMap, file: string): ReadTelemetryManifest {
  const invalid = (message: string) => new FlowTimeError("capture_invalid", message, { file });
  refuseClasses(raw, invalid);
  const grid = raw.grid as RawMap;
  const unit = (typeof grid.binUnit === "string" ? grid.binUnit : "minutes").toLowerCase();
  if (!BIN_UNITS.includes(unit as BinUnit)) {
    throw invalid(`grid.binUnit '${grid.binUnit}' is not one of ${BIN_UNITS.join(", ")}`);
  }
  const files = (raw.files as RawMap[]).map((f, i): ReadManifestFile => {
    const metric = METRICS.find((m) => m.toLowerCase() === String(f.metric).toLowerCase());
    if (!metric) {
      throw invalid(
        `files[${i}].metric '${f.metric}' is not one of ${METRICS.join(", ")}`,
      );
    }
    const out: ReadManifestFile = { nodeId: f.nodeId as string, metric, path: f.path as string };
    const hash = normaliseHash(f.hash);
    if (hash !== undefined) out.hash = hash;
    if (typeof f.points === "number") out.points = f.points;
    if (typeof f.sourceSeries === "string" && f.sourceSeries !== "") {
      out.sourceSeries = f.sourceSeries;
    }
    return out;
  });
  const warnings = ((raw.warnings ?? []) as RawMap[]).map((w): ReadManifestWarning => ({
    code: w.code as string,
    message: typeof w.message === "string" && w.message !== "" ? w.message : w.code as string,
    ...(typeof w.nodeId === "string" ? { nodeId: w.nodeId } : {}),
    ...(typeof w.metric === "string" ? { metric: w.metric } : {}),
    ...(Array.isArray(w.bins) ? { bins: w.bins as number[] } : {}),
    ...(typeof w.severity === "string" ? { severity: w.severity } : {}),
  }));
  const provenance: ReadTelemetryManifest["provenance"] = {};
  if (isRawMap(raw.provenance)) {
    for (const [key, v] of Object.entries(raw.provenance)) {
      if (typeof v === "string" && v !== "") {
        (provenance as Record<string, string>)[key] = key.endsWith("Hash")
          ? normaliseHash(v) ?? v
          : v;
      }
    }
  }
  const given = typeof raw.checksum === "string" && raw.checksum !== ""
    ? normaliseHash(raw.checksum)
    : undefined;
  const window = isRawMap(raw.window) ? raw.window : undefined;
  return {
    schemaVersion: raw.schemaVersion as 1 | 2,
    ...(window
      ? {
        window: {
          ...(typeof window.startTimeUtc === "string" && window.startTimeUtc !== ""
            ? { startTimeUtc: window.startTimeUtc }
            : {}),
          ...(typeof window.durationMinutes === "number"
            ? { durationMinutes: window.durationMinutes }
            : {}),
        },
      }
      : {}),
    grid: { bins: grid.bins as number, binSize: grid.binSize as number, binUnit: unit as BinUnit },
    files,
    warnings,
    provenance,
    checksum: given ?? captureChecksum(files.map((f) => ({ path: f.path, hash: f.hash ?? "" }))),
    checksumComputed: given === undefined,
  };
}

// FlowTime HEAD captures per class of traffic (schemaVersion 2). The toolkit models one class:
// it reads the totals (classId DEFAULT or none) and refuses anything per class.
function refuseClasses(raw: RawMap, invalid: (message: string) => FlowTimeError): void {
  const classFiles = (raw.files as RawMap[]).filter((f) =>
    typeof f.classId === "string" && f.classId !== "" && f.classId.toUpperCase() !== "DEFAULT"
  );
  const classes = Array.isArray(raw.classes)
    ? raw.classes.filter((c) => typeof c === "string")
    : [];
  if (raw.supportsClassMetrics === true || classFiles.length > 0) {
    const named = [...new Set([...classes, ...classFiles.map((f) => f.classId as string)])];
    throw invalid(
      `this capture has per-class metrics (schemaVersion ${raw.schemaVersion}, supportsClassMetrics${
        named.length > 0 ? `, classes ${named.join(", ")}` : ""
      }): classes are not supported; the toolkit reads captures of class totals only (classId DEFAULT)`,
    );
  }
}

function normaliseHash(v: unknown): string | undefined {
  if (typeof v !== "string" || v === "") return undefined;
  if (HEX64.test(v)) return `sha256:${v.toLowerCase()}`;
  if (/^sha256:[0-9a-fA-F]{64}$/.test(v)) return `sha256:${v.slice(7).toLowerCase()}`;
  return v;
}
