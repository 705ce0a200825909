// The capture pipeline: read a run bundle, write one CSV per topology node metric (with gaps
// applied) plus manifest.json into a temp folder renamed into place; or, dry, only plan it.
import { basename, join, resolve } from "node:path";
import { FlowTimeError, fsError } from "../base/errors.ts";
import { writeFolderAtomically } from "../base/atomic.ts";
import { resolveTimestamp } from "../base/clock.ts";
import { hashOf } from "../base/hash.ts";
import { toJsonText } from "../base/json.ts";
import { insideResolver } from "../base/paths.ts";
import { readRunBundle, type RunBundle, withRun } from "../artifacts/reader.ts";
import { RUN_FILES } from "../artifacts/layout.ts";
import { MAX_SERIES_BINS } from "../artifacts/series_csv.ts";
import { type CaptureBinding, captureBindings } from "./bindings.ts";
import { captureFile, type SeriesSource } from "./_capture_file.ts";
import { checkGapConfig } from "./gap_config.ts";
import { encodeText, PooledWriter, ReusingReader } from "./_file_io.ts";
import { gapPlanFor } from "./gaps.ts";
import { checkOutput, missingAncestors, sameCapture } from "./_output_folder.ts";
import {
  buildTelemetryManifest,
  CAPTURE_MANIFEST_FILE,
  captureProvenance,
  templateOf,
} from "./manifest.ts";
import type {
  CaptureLogEvent,
  CaptureResult,
  CaptureWarning,
  GapConfigDocument,
  TelemetryManifest,
  TelemetryManifestFile,
} from "./types.ts";
import { EventLoopTurns } from "../base/turn.ts";

// Series files are read with synchronous calls into one reused buffer (small files, several
// times faster than the async calls, and no buffer per file for the garbage collector) and
// written a few at a time from pooled buffers, which keeps file-system latency from dominating.
// A dry run yields to the event loop now and then instead.
const WRITES_IN_FLIGHT = 8;

/** Progress of a capture, reported after each file. */
export interface CaptureProgress {
  /** Files done so far. */
  done: number;
  /** Files in all. */
  total: number;
  /** File just done. */
  path: string;
}

/** Options for {@link captureRun}. */
export interface CaptureOptions {
  /** The run folder to capture. */
  runDir: string;
  /** Capture folder; default `<dataDir>/telemetry/<runId>`. Must not overlap the run folder. */
  outputDir?: string;
  /** Data folder for the default capture folder.
   * @default "./data"
   */
  dataDir?: string;
  /** Gap configuration (see `parseGapConfig`, `loadGapConfig`, `gapConfigFromValue`). */
  gaps?: GapConfigDocument;
  /** Plan only: read and check everything, compute every hash, write nothing at all.
   * @default false
   */
  dryRun?: boolean;
  /** Capture time (ISO UTC); default now. */
  capturedAt?: string;
  /** Replace an existing capture folder (only one holding a manifest.json).
   * @default false
   */
  overwrite?: boolean;
  /** Receives the structured log events (start, file, warning, finish, error). */
  onLog?: (event: CaptureLogEvent) => void;
  /** Receives progress after each file; throwing from it aborts the capture cleanly. */
  onProgress?: (progress: CaptureProgress) => void;
  /** Abort between files; nothing is left behind. */
  signal?: AbortSignal;
}

/**
 * The default capture folder of a run: `<dataDir>/telemetry/<runId>`.
 * @param runId the run id
 * @param base data folder
 * @returns the folder path
 */
export function defaultCaptureDir(runId: string, base = "./data"): string {
  return join(base, "telemetry", runId);
}

/**
 * {@link captureRun} of the run `runId` of a runs folder, made again from the new copy when the
 * run was replaced while the capture read it (a failed capture writes nothing). The server's
 * captures and the CLI's capture of a data-folder run go through here.
 * @param runsDir the runs folder
 * @param runId the run id (a single safe name)
 * @param options output, gaps, timestamps and callbacks
 * @returns as captureRun
 * @throws FlowTimeError `invalid_id`, and as captureRun
 */
export async function captureRunById(
  runsDir: string,
  runId: string,
  options: Omit<CaptureOptions, "runDir">,
): Promise<CaptureResult> {
  return await withRun(
    runsDir,
    runId,
    (bundle) => capture({ ...options, runDir: bundle.dir }, () => Promise.resolve(bundle)),
  );
}

/**
 * Capture a run as a telemetry bundle (CONTRACTS section 6). Series are processed one at a
 * time, so memory stays flat however many nodes the run has. The folder is built in a temp
 * sibling and renamed into place: a failure or abort leaves no capture folder. An existing
 * capture folder is kept, and the result says `unchanged`, when it holds the same capture
 * (captured at another time); any other difference needs `overwrite`.
 * @param options run folder, output, gaps, timestamps and callbacks
 * @returns the manifest written (or, for a dry run, the one that would be) and its hash
 * @throws FlowTimeError `run_not_found`, `bundle_invalid`, `hash_mismatch` (damaged run),
 *   `capture_invalid` (nothing to capture, bad node ids, output overlapping the run),
 *   `gaps_invalid`, `output_exists`, `interrupted`, IO codes
 */
export async function captureRun(options: CaptureOptions): Promise<CaptureResult> {
  return await capture(options, () => readRunBundle(options.runDir));
}

// The capture of the run `open` gives (read here, or already open by captureRunById's withRun).
async function capture(
  options: CaptureOptions,
  open: () => Promise<RunBundle>,
): Promise<CaptureResult> {
  const started = performance.now();
  const base: Record<string, unknown> = { runId: basename(resolve(options.runDir)) };
  const log = (level: CaptureLogEvent["level"], event: string, fields: object = {}) =>
    options.onLog?.(
      { ts: new Date().toISOString(), level, event, ...base, ...fields } as CaptureLogEvent,
    );
  try {
    const capturedAtUtc = resolveTimestamp(options.capturedAt, "capturedAt");
    const bundle = await open();
    base.runId = bundle.runId;
    const template = templateOf(bundle);
    if (template) base.templateId = template.templateId;
    if (options.gaps) base.gapsHash = options.gaps.hash;

    const bins = bundle.runJson.grid.bins;
    if (bins > MAX_SERIES_BINS) {
      throw new FlowTimeError(
        "bundle_invalid",
        `grid.bins is ${bins}; a run's series hold at most ${
          MAX_SERIES_BINS.toLocaleString("en-US")
        } bins, so the run folder is damaged`,
        { file: join(bundle.dir, RUN_FILES.run) },
      );
    }
    const { bindings, skipped, nodes } = captureBindings(bundle);
    if (options.gaps) {
      checkGapConfig(options.gaps, {
        bins,
        nodes,
        files: bindings,
      });
    }
    const outputDir = options.outputDir ??
      defaultCaptureDir(bundle.runId, options.dataDir);
    const existing = checkOutput(bundle.dir, outputDir, options.overwrite === true);

    log("info", "capture.start", {
      outputDir,
      dryRun: options.dryRun === true,
      files: bindings.length,
      bins,
      capturedAtUtc,
      ...(options.gaps?.config.seed !== undefined ? { gapsSeed: options.gaps.config.seed } : {}),
    });

    let written;
    let unchanged = false;
    const job: CaptureJob = { bundle, bindings, bins, options, capturedAtUtc, log };
    if (options.dryRun) written = await produceFiles(job);
    else if (existing) {
      // A capture is there and may not be replaced: plan this one (writing nothing) and keep
      // the folder if it already holds the same capture.
      const planned = await produceFiles(job);
      const kept = await sameCapture(outputDir, planned.manifest);
      if (!kept) {
        throw new FlowTimeError(
          "output_exists",
          `capture folder ${outputDir} already exists with different content`,
          { fix: { option: "overwrite", effect: "replace it" } },
        );
      }
      written = kept;
      unchanged = true;
    } else {
      const missing = missingAncestors(outputDir);
      try {
        written = await writeFolderAtomically(
          outputDir,
          async (tmp) => {
            const writer = new PooledWriter(
              WRITES_IN_FLIGHT,
              (err, path) => fsError(err, "writing", join(outputDir, basename(path))),
            );
            try {
              const result = await produceFiles(
                job,
                (path, encode, hash) => writer.write(join(tmp, path), encode, hash),
              );
              await writer.drain();
              return result;
            } finally {
              // no write may land in the temp folder after it is removed on failure
              await writer.settle();
            }
          },
          { overwrite: options.overwrite, what: "capture folder", marker: CAPTURE_MANIFEST_FILE },
        );
      } catch (err) {
        // a failed capture leaves the file system as it found it, parents included
        for (const dir of missing) await Deno.remove(dir).catch(() => {});
        throw err;
      }
    }
    const { manifest, manifestHash } = written;
    const durationMs = Math.round((performance.now() - started) * 1000) / 1000;
    log("info", "capture.finish", {
      dryRun: options.dryRun === true,
      files: manifest.files.length,
      warnings: manifest.warnings.length,
      checksum: manifest.checksum,
      manifestHash,
      durationMs,
    });
    return {
      dryRun: options.dryRun === true,
      runId: bundle.runId,
      runDir: bundle.dir,
      outputDir,
      manifest,
      manifestHash,
      skipped,
      durationMs,
      ...(unchanged ? { unchanged } : {}),
    };
  } catch (err) {
    log("error", "capture.error", {
      code: err instanceof FlowTimeError ? err.code : "internal_error",
      message: err instanceof Error ? err.message : String(err),
    });
    throw err;
  }
}

/** Everything one capture works from. */
interface CaptureJob {
  bundle: RunBundle;
  bindings: CaptureBinding[];
  bins: number;
  options: CaptureOptions;
  capturedAtUtc: string;
  log: (level: CaptureLogEvent["level"], event: string, fields?: object) => void;
}

/** Stores one file (encoding it into the buffer it is handed) and returns its hash (`hash`
 * when the caller knows it already). */
type FileSink = (
  path: string,
  encode: (buffer: Uint8Array) => Uint8Array,
  hash?: string,
) => Promise<string>;

// Builds every file in capture order, then the manifest; `write` (absent in a dry run) stores
// them. One series is in memory at a time.
async function produceFiles(
  job: CaptureJob,
  write?: FileSink,
): Promise<{ manifest: TelemetryManifest; manifestHash: string }> {
  const { bundle, bins, options, log } = job;
  // the run's series read into one reused buffer, their paths resolved against the run
  // folder's absolute path, found once
  const source: SeriesSource = {
    bundle,
    reader: new ReusingReader(),
    inRun: insideResolver(bundle.dir),
    bins,
  };
  let scratch = new Uint8Array(64 * 1024);
  const files: TelemetryManifestFile[] = [];
  const warnings: CaptureWarning[] = [];
  const turns = new EventLoopTurns();
  for (const binding of job.bindings) {
    if (options.signal?.aborted) {
      throw new FlowTimeError(
        "interrupted",
        `capture of run ${bundle.runId} interrupted; nothing was written`,
      );
    }
    const plan = options.gaps
      ? gapPlanFor(options.gaps.config, {
        nodeId: binding.nodeId,
        semantic: binding.semantic,
        bins,
      })
      : undefined;
    const captured = captureFile(source, binding, plan);
    let hash: string;
    if (write) hash = await write(binding.path, captured.encode, captured.hash);
    else {
      const bytes = captured.encode(scratch);
      scratch = new Uint8Array(bytes.buffer as ArrayBuffer);
      hash = captured.hash ?? hashOf(bytes);
      // a dry run does no IO of its own to wait on: let the event loop breathe
      await turns.maybe();
    }
    const file: TelemetryManifestFile = {
      nodeId: binding.nodeId,
      metric: binding.metric,
      path: binding.path,
      hash,
      points: captured.points,
      sourceSeries: binding.sourceSeries,
    };
    files.push(file);
    log("info", "capture.file", file);
    for (const w of captured.warnings) {
      warnings.push(w);
      log("warn", "capture.warning", w);
    }
    options.onProgress?.({ done: files.length, total: job.bindings.length, path: binding.path });
  }
  const gaps = options.gaps;
  const manifest = buildTelemetryManifest({
    grid: bundle.runJson.grid,
    files,
    warnings,
    ...(gaps
      ? {
        gaps: {
          hash: gaps.hash,
          ...(gaps.config.seed !== undefined ? { seed: gaps.config.seed } : {}),
        },
      }
      : {}),
    provenance: captureProvenance(bundle, job.capturedAtUtc),
  });
  const manifestText = toJsonText(manifest);
  if (write) await write(CAPTURE_MANIFEST_FILE, (buffer) => encodeText(manifestText, buffer));
  return { manifest, manifestHash: hashOf(manifestText) };
}
