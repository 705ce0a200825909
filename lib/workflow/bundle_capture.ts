// The bundle step: turns a telemetry-mode model plus a capture folder into a run. Every file
// the model reads must be listed in the capture manifest with a matching hash; the files and
// the manifest are copied into the run, so the run replays on its own.
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
import type { RunNaming, TemplateOrigin, WrittenRun } from "../artifacts/writer.ts";
import type { MetadataCaptureLink } from "../artifacts/types.ts";
import { CAPTURE_MANIFEST_FILE, readTelemetryManifest } from "../telemetry/manifest.ts";
import type { TelemetryManifest } from "../telemetry/types.ts";
import { RUN_FILES, RUN_TELEMETRY_DIR, RUN_TELEMETRY_MANIFEST } from "../artifacts/layout.ts";

/** A capture folder read and checked. */
export interface CaptureFolder {
  /** Absolute folder path. */
  dir: string;
  /** Manifest bytes as read. */
  manifestBytes: Uint8Array;
  /** Hash of the manifest bytes. */
  manifestHash: string;
  /** The manifest (schema-checked). */
  manifest: TelemetryManifest;
}

/**
 * Read a capture folder's manifest.json (checked against the telemetry-manifest schema).
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
  const listed = new Map(capture.manifest.files.map((f) => [f.path, f]));
  const rewrites = new Map<string, string>();
  const files = new Map<string, string>();
  const copies: Array<{ path: string; data: Uint8Array | string }> = [];
  for (const node of model.nodes) {
    if (node.kind !== "const" || node.source === undefined) continue;
    const rel = captureRelative(node.source, capture.dir, modelDir, node.id);
    const entry = listed.get(rel);
    if (!entry) {
      throw new FlowTimeError(
        "capture_invalid",
        `node '${node.id}' reads ${rel}, which the capture manifest does not list; the model and the capture do not match`,
        { file: join(capture.dir, CAPTURE_MANIFEST_FILE) },
      );
    }
    const name = basename(rel);
    rewrites.set(node.id, `file:${RUN_TELEMETRY_DIR}/${name}`);
    let bytes: Uint8Array;
    try {
      bytes = await readFileInside(resolveInside(capture.dir, rel, "capture file"), {
        root: capture.dir,
        maxBytes: maxSeriesBytes(model.grid.bins),
        code: "capture_invalid",
      });
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) continue; // replayed as unresolved, with a warning
      throw fsError(err, "reading", join(capture.dir, rel));
    }
    const actual = hashOf(bytes);
    if (actual !== entry.hash) {
      throw new FlowTimeError(
        "hash_mismatch",
        `${rel} changed after capture: its hash is ${actual} but the manifest says ${entry.hash}; capture the run again or restore the file`,
        { file: join(capture.dir, rel) },
      );
    }
    if (!files.has(`${RUN_TELEMETRY_DIR}/${name}`)) {
      files.set(`${RUN_TELEMETRY_DIR}/${name}`, new TextDecoder().decode(bytes));
      copies.push({ path: `${RUN_TELEMETRY_DIR}/${name}`, data: bytes });
    }
  }
  copies.push({
    path: `${RUN_TELEMETRY_DIR}/${RUN_TELEMETRY_MANIFEST}`,
    data: capture.manifestBytes,
  });
  const telemetryLink = {
    captureDir: req.captureDir,
    manifestHash: capture.manifestHash,
    checksum: capture.manifest.checksum,
    runId: capture.manifest.provenance.runId,
  };
  const rewritten: ParsedModel = parseModel(
    rewriteSources(parsed, rewrites, { telemetry: telemetryLink }),
    { file: parsed.file },
  );
  const captureLink: MetadataCaptureLink = {
    runId: capture.manifest.provenance.runId,
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
