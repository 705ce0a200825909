// The bundle step: turns a telemetry-mode model plus a capture folder into a run. Every file
// the model reads must be listed in the capture manifest with a matching hash, and every file of
// the manifest is bound onto the series its node's semantics name (as FlowTime does); the files
// and the manifest are copied into the run, so the run replays on its own.
import { basename, isAbsolute, join, relative, resolve } from "node:path";
import { FlowTimeError, fsError } from "../base/errors.ts";
import { hashOf } from "../base/hash.ts";
import { isWithin, resolveInside } from "../base/paths.ts";
import { maxSeriesBytes, readFileInside } from "../base/safe_read.ts";
import { type ParsedModel, parseModel } from "../model/parse.ts";
import { rewriteSources } from "../model/rewrite.ts";
import { binMinutes } from "../model/types.ts";
import { sourcePath } from "../telemetry/loader.ts";
import { runParsedModel } from "./run_model.ts";
import type { RunNaming, WrittenRun } from "../artifacts/writer.ts";
import type { TemplateOrigin } from "../artifacts/origin.ts";
import type { MetadataCaptureLink } from "../artifacts/types.ts";
import { CAPTURE_MANIFEST_FILE } from "../telemetry/manifest.ts";
import {
  isVerifiableHash,
  type ReadTelemetryManifest,
  readTelemetryManifest,
} from "../telemetry/manifest_read.ts";
import { bindCapture } from "./capture_binding.ts";
import { RUN_FILES, RUN_TELEMETRY_DIR, RUN_TELEMETRY_MANIFEST } from "../artifacts/layout.ts";

/** A capture folder read and checked. */
export interface CaptureFolder {
  /** Absolute folder path. */
  dir: string;
  /** Manifest bytes as read. */
  manifestBytes: Uint8Array;
  /** Hash of the manifest bytes. */
  manifestHash: string;
  /** The manifest, normalised (this toolkit's or FlowTime's). */
  manifest: ReadTelemetryManifest;
}

/**
 * Read a capture folder's manifest.json (this toolkit's, or FlowTime's v1 or v2 of class totals).
 * @param dir capture folder
 * @returns the manifest, its bytes and hash
 * @throws FlowTimeError `capture_invalid` when the manifest is missing or malformed
 */
export async function readCaptureFolder(dir: string): Promise<CaptureFolder> {
  try {
    const { manifest, manifestHash, bytes } = await readTelemetryManifest(dir);
    return { dir: resolve(dir), manifestBytes: bytes, manifestHash, manifest };
  } catch (err) {
    if (err instanceof FlowTimeError && err.code === "not_found") {
      if (!await exists(dir)) {
        throw new FlowTimeError("capture_invalid", `capture folder ${dir} does not exist`);
      }
      throw new FlowTimeError(
        "capture_invalid",
        `${dir} is not a capture folder: it has no manifest.json (capture a run into it first)`,
        { file: join(dir, CAPTURE_MANIFEST_FILE) },
      );
    }
    throw err;
  }
}

/** What {@link bundleTelemetryRun} needs. */
export interface BundleTelemetryRequest extends RunNaming {
  /** The capture folder, as the caller names it (recorded in provenance). */
  captureDir: string;
  /** The capture folder already read (else read from `captureDir`, resolved in `modelDir`). */
  captureFolder?: CaptureFolder;
  /** Text of the telemetry-mode model (e.g. generated from a template). */
  modelText: string;
  /** Model file name for messages. */
  modelFile?: string;
  /** Folder relative paths (the model's sources, `captureDir`) resolve in (default `.`). */
  modelDir?: string;
  /** Runs folder (default `./data/runs`). */
  runsDir?: string;
  /** Template origin (from generation); its provenance gains the capture link. */
  template?: TemplateOrigin;
}

/**
 * Check the model's telemetry files against the capture, copy them into a new run, rewrite the
 * model's sources to `file:telemetry/<name>`, then evaluate and write the run.
 * @param req capture, model and run options
 * @returns the written run
 * @throws FlowTimeError `capture_invalid` (no manifest, unlisted file, grid mismatch),
 *   `hash_mismatch` (a file changed after capture), `model_invalid` (not a telemetry model)
 */
export async function bundleTelemetryRun(req: BundleTelemetryRequest): Promise<WrittenRun> {
  const modelDir = resolve(req.modelDir ?? ".");
  const capture = req.captureFolder ?? await readCaptureFolder(resolve(modelDir, req.captureDir));
  const parsed = parseModel(req.modelText, { file: req.modelFile ?? "model.yaml" });
  const model = parsed.model;
  if (model.mode !== "telemetry") {
    throw new FlowTimeError(
      "model_invalid",
      "the model is not in telemetry mode (mode: telemetry); generate it in telemetry mode",
      { file: parsed.file },
    );
  }
  const g = capture.manifest.grid;
  if (
    g.bins !== model.grid.bins ||
    binMinutes(g) !== binMinutes(model.grid)
  ) {
    throw new FlowTimeError(
      "capture_invalid",
      `the capture's grid (${g.bins} bins of ${g.binSize} ${g.binUnit}) differs from the model's (${model.grid.bins} bins of ${model.grid.binSize} ${model.grid.binUnit}); generate the model with the capture's grid`,
      { file: parsed.file },
    );
  }
  const manifestPath = join(capture.dir, CAPTURE_MANIFEST_FILE);
  const { bindings, semantics, warnings } = bindCapture(parsed, {
    files: capture.manifest.files,
    fileOfSource: (source, nodeId) => captureRelative(source, capture.dir, modelDir, nodeId),
    manifestPath,
  });
  const rewrites = new Map<string, string>();
  const files = new Map<string, string>();
  const copies: Array<{ path: string; data: Uint8Array | string }> = [];
  const unverified: string[] = [];
  const semanticRewrites: Array<{ index: number; semantic: string; source: string }> = [];
  const targets = [
    ...[...bindings.values()].map((b) => ({ file: b.file, nodeId: b.nodeId })),
    ...semantics.map((b) => ({ file: b.file, semantic: b })),
  ];
  for (const target of targets) {
    const { file } = target;
    const name = basename(file.path);
    const inRun = `${RUN_TELEMETRY_DIR}/${name}`;
    if ("nodeId" in target) rewrites.set(target.nodeId, `file:${inRun}`);
    else {
      semanticRewrites.push({
        index: target.semantic.index,
        semantic: target.semantic.semantic,
        source: `file:${inRun}`,
      });
    }
    if (files.has(inRun)) continue;
    let bytes: Uint8Array;
    try {
      bytes = await readFileInside(resolveInside(capture.dir, file.path, "capture file"), {
        root: capture.dir,
        maxBytes: maxSeriesBytes(model.grid.bins),
        code: "capture_invalid",
      });
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) continue; // replayed as unresolved, with a warning
      throw fsError(err, "reading", join(capture.dir, file.path));
    }
    const actual = hashOf(bytes);
    if (!isVerifiableHash(file.hash)) unverified.push(file.path);
    else if (actual !== file.hash) {
      throw new FlowTimeError(
        "hash_mismatch",
        `${file.path} changed after capture: its hash is ${actual} but the manifest says ${file.hash}; capture the run again or restore the file`,
        { file: join(capture.dir, file.path) },
      );
    }
    files.set(inRun, new TextDecoder().decode(bytes));
    copies.push({ path: inRun, data: bytes });
  }
  if (unverified.length > 0) {
    warnings.push({
      code: "capture_hash_unverified",
      message: `the capture manifest gives no sha256 for ${unverified.join(", ")}; ${
        unverified.length === 1 ? "it was" : "they were"
      } replayed without a hash check`,
      severity: "info",
    });
  }
  copies.push({
    path: `${RUN_TELEMETRY_DIR}/${RUN_TELEMETRY_MANIFEST}`,
    data: capture.manifestBytes,
  });
  // FlowTime's manifests may name no source run: the capture folder's name stands in.
  const sourceRunId = capture.manifest.provenance.runId ?? basename(capture.dir);
  const telemetryLink = {
    captureDir: req.captureDir,
    manifestHash: capture.manifestHash,
    checksum: capture.manifest.checksum,
    runId: sourceRunId,
  };
  // The replay happened when the capture says: its start wins over the model's.
  const captureStart = capture.manifest.window?.startTimeUtc;
  let start: string | undefined;
  if (
    captureStart !== undefined && Date.parse(captureStart) !== Date.parse(model.grid.start ?? "")
  ) {
    if (Number.isNaN(Date.parse(captureStart))) {
      throw new FlowTimeError(
        "capture_invalid",
        `window.startTimeUtc '${captureStart}' is not a timestamp`,
        { file: manifestPath },
      );
    }
    start = captureStart;
    warnings.push({
      code: "capture_start_applied",
      message: `the model's grid start ${
        model.grid.start ?? "(none)"
      } was replaced by the capture's ${captureStart}`,
      severity: "info",
    });
  }
  const rewritten: ParsedModel = parseModel(
    rewriteSources(parsed, {
      sources: rewrites,
      semantics: semanticRewrites,
      provenance: { telemetry: telemetryLink },
      start,
    }),
    { file: parsed.file },
  );
  const captureLink: MetadataCaptureLink = {
    runId: sourceRunId,
    manifestPath: RUN_FILES.telemetryManifest,
    manifestHash: capture.manifestHash,
    checksum: capture.manifest.checksum,
    warningCount: capture.manifest.warnings.length,
  };
  const template = req.template
    ? {
      ...req.template,
      provenance: req.template.provenance
        ? { ...req.template.provenance, telemetry: telemetryLink }
        : undefined,
    }
    : undefined;
  return await runParsedModel(rewritten, {
    runsDir: req.runsDir,
    runId: req.runId,
    deterministic: req.deterministic,
    overwrite: req.overwrite,
    createdAt: req.createdAt,
    template,
    capture: captureLink,
    modelFiles: copies,
    sourceDir: "/",
    files,
    warnings,
  });
}

// A source names a file of the capture: an absolute path inside the capture folder, or a
// relative path that lands inside it from the model's folder or, failing that, from the
// current folder (templates write `${telemetryDir}/<file>` with telemetryDir as the caller
// gave it). Whatever resolves, it must lie inside the capture folder.
function captureRelative(
  source: string,
  captureDir: string,
  modelDir: string,
  nodeId: string,
): string {
  const ref = sourcePath(source);
  // deno-lint-ignore no-control-regex
  if (ref === "" || /[\u0000-\u001f\\]/.test(ref)) {
    throw new FlowTimeError("path_escape", `source of node '${nodeId}' is not a valid path`);
  }
  const candidates = isAbsolute(ref) ? [resolve(ref)] : [resolve(modelDir, ref), resolve(ref)];
  const inside = candidates.find((abs) => isWithin(captureDir, abs) && abs !== captureDir);
  if (inside === undefined) {
    throw new FlowTimeError(
      "path_escape",
      `source '${source}' of node '${nodeId}' is not a file of the capture folder ${captureDir}`,
    );
  }
  return relative(captureDir, inside);
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}
