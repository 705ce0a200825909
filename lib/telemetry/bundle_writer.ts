// Writing a telemetry folder from series already in memory (imports): the same CSV encoding,
// manifest, checksum and atomic output folder as a capture, so nothing downstream can tell an
// import from a capture except by its provenance.
import { basename, join } from "node:path";
import { FlowTimeError, fsError } from "../base/errors.ts";
import { writeFolderAtomically } from "../base/atomic.ts";
import { hashOf } from "../base/hash.ts";
import { toJsonText } from "../base/json.ts";
import { isSafeId, printable } from "../base/paths.ts";
import { encodeSeriesCsv } from "../artifacts/series_csv.ts";
import type { RunGrid } from "../artifacts/types.ts";
import type { SemanticMetric } from "../model/types.ts";
import { CAPTURE_METRICS, captureFileName } from "./bindings.ts";
import { encodeText, PooledWriter } from "./_file_io.ts";
import { checkReplaceable, missingAncestors } from "./_output_folder.ts";
import { buildTelemetryManifest, CAPTURE_MANIFEST_FILE } from "./manifest.ts";
import type {
  CaptureWarning,
  TelemetryManifest,
  TelemetryManifestFile,
  TelemetryManifestProvenance,
} from "./types.ts";

const WRITES_IN_FLIGHT = 8;

/** One series of a telemetry folder, on the folder's grid. */
export interface TelemetrySeries {
  /** Topology node id (names the file). */
  nodeId: string;
  /** Semantic key of the metric (names the file). */
  semantic: SemanticMetric;
  /** What the values came from (a query, a CSV column), recorded as `sourceSeries`. */
  sourceSeries: string;
  /** One value per bin of the grid. */
  values: Float64Array;
  /** Bins without a row (missing data). */
  dropBins?: ReadonlySet<number>;
  /** Bins written with an empty value cell (NaN in the source). */
  emptyBins?: ReadonlySet<number>;
}

/** Options for {@link writeTelemetryFolder}. */
export interface TelemetryFolderOptions {
  /** The grid every series lives on (`start` is recorded as the window start). */
  grid: Pick<RunGrid, "bins" | "binSize" | "binUnit" | "start">;
  /** The series, in file order. */
  series: readonly TelemetrySeries[];
  /** Warnings, in file order. */
  warnings: CaptureWarning[];
  /** Provenance block of the manifest. */
  provenance: TelemetryManifestProvenance;
  /** Replace an existing telemetry folder (only one holding a manifest.json).
   * @default false
   */
  overwrite?: boolean;
  /** Compute every file, hash and the manifest, write nothing.
   * @default false
   */
  dryRun?: boolean;
  /** What the folder is, for messages.
   * @default "telemetry folder"
   */
  what?: string;
}

/**
 * Write a telemetry folder (one `<Node>_<metric>.csv` per series plus manifest.json) built in a
 * temp sibling and renamed into place, or, dry, only compute it. The bytes are exactly those a
 * capture of the same values would write.
 * @param outputDir the folder to write
 * @param options grid, series, warnings, provenance and overwrite policy
 * @returns the manifest and the hash of its bytes
 * @throws FlowTimeError `capture_invalid` (a node id that cannot name a file, two files that
 *   collide), `output_exists`, IO codes
 */
export async function writeTelemetryFolder(
  outputDir: string,
  options: TelemetryFolderOptions,
): Promise<{ manifest: TelemetryManifest; manifestHash: string }> {
  const what = options.what ?? "telemetry folder";
  const bins = options.grid.bins;
  const seen = new Map<string, string>();
  for (const s of options.series) {
    if (!isSafeId(s.nodeId)) {
      throw new FlowTimeError(
        "capture_invalid",
        `node id '${
          printable(s.nodeId)
        }' cannot name a telemetry file: use only letters, digits, '.', '_' and '-'`,
      );
    }
    const path = captureFileName(s.nodeId, s.semantic);
    const clash = seen.get(path.toLowerCase());
    if (clash !== undefined) {
      throw new FlowTimeError(
        "capture_invalid",
        clash === path
          ? `two series would both be written to ${path}`
          : `files ${clash} and ${path} differ only in letter case and would overwrite each other on some file systems`,
      );
    }
    seen.set(path.toLowerCase(), path);
    if (s.values.length !== bins) {
      throw new FlowTimeError(
        "capture_invalid",
        `${path} has ${s.values.length} values for a ${bins}-bin grid`,
      );
    }
  }
  const produce = async (
    write: (path: string, encode: (buffer: Uint8Array) => Uint8Array) => Promise<string>,
  ) => {
    const files: TelemetryManifestFile[] = [];
    for (const s of options.series) {
      const path = captureFileName(s.nodeId, s.semantic);
      const hash = await write(path, (buffer) =>
        encodeSeriesCsv(s.values, {
          ...(s.dropBins && s.dropBins.size > 0 ? { dropBins: s.dropBins } : {}),
          ...(s.emptyBins && s.emptyBins.size > 0 ? { emptyBins: s.emptyBins } : {}),
        }, buffer));
      files.push({
        nodeId: s.nodeId,
        metric: CAPTURE_METRICS[s.semantic],
        path,
        hash,
        points: bins - (s.dropBins?.size ?? 0),
        sourceSeries: s.sourceSeries,
      });
    }
    const manifest = buildTelemetryManifest({
      grid: { ...options.grid, timezone: "UTC", align: "left" },
      files,
      warnings: options.warnings,
      provenance: options.provenance,
    });
    const text = toJsonText(manifest);
    await write(CAPTURE_MANIFEST_FILE, (buffer) => encodeText(text, buffer));
    return { manifest, manifestHash: hashOf(text) };
  };

  if (options.dryRun) {
    let scratch = new Uint8Array(64 * 1024);
    return await produce((_path, encode) => {
      const bytes = encode(scratch);
      scratch = new Uint8Array(bytes.buffer as ArrayBuffer);
      return Promise.resolve(hashOf(bytes));
    });
  }
  checkReplaceable(outputDir, options.overwrite === true, what);
  const missing = missingAncestors(outputDir);
  try {
    return await writeFolderAtomically(outputDir, async (tmp) => {
      const writer = new PooledWriter(
        WRITES_IN_FLIGHT,
        (err, path) => fsError(err, "writing", join(outputDir, basename(path))),
      );
      try {
        const result = await produce((path, encode) => writer.write(join(tmp, path), encode));
        await writer.drain();
        return result;
      } finally {
        await writer.settle();
      }
    }, { overwrite: options.overwrite, what, marker: CAPTURE_MANIFEST_FILE });
  } catch (err) {
    // a failed write leaves the file system as it found it, parents included
    for (const dir of missing) await Deno.remove(dir).catch(() => {});
    throw err;
  }
}
