// POST /v1/runs: the loop over HTTP. Generates a model from a template through the Sim client
// (in-process, or a remote Sim when FLOWTIME_SIM_URL is set) and writes a run; in telemetry
// mode it replays a capture folder that must lie inside the data folder.
import { type Context, Hono } from "hono";
import { FlowTimeError } from "../lib/base/errors.ts";
import { assertRealPathInside, assertSafeId, resolveInside } from "../lib/base/paths.ts";
import { parseUtc } from "../lib/base/clock.ts";
import { checkKeys, describeValue, isRawMap, IssueList } from "../lib/base/issues.ts";
import type { RunMode } from "../lib/model/types.ts";
import type { SimClient } from "../lib/sim/client.ts";
import { runTemplate } from "../lib/workflow/run_template.ts";
import { replayCapture } from "../lib/workflow/replay.ts";
import type { WrittenRun } from "../lib/artifacts/writer.ts";
import type { AppEnv, ServerSettings } from "./app.ts";
import { limitBody, parseJsonBody } from "./body.ts";
import { relative } from "node:path";

/** A validated POST /v1/runs body. */
interface RunRequest {
  templateId: string;
  mode: RunMode;
  parameters: Record<string, unknown>;
  captureDirectory?: string;
  deterministicRunId: boolean;
  dryRun: boolean;
  overwrite: boolean;
  allowTemplateMismatch: boolean;
  createdAt?: string;
}

const EXPECTED = '{"templateId": "...", "mode": "simulation|telemetry", "parameters": {...}, ' +
  '"telemetry": {"captureDirectory": "telemetry/<runId>"}, "options": {...}}';

/**
 * `POST /v1/runs`, to be mounted at `/v1/runs`.
 * @param settings server folders
 * @param sim the Sim client models are generated with
 * @returns the sub-app
 */
export function runCreateRoutes(settings: ServerSettings, sim: SimClient): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.post("/", limitBody("send parameter values, not data"), async (c) => {
    c.set("requestFields", {
      overwrite: "options.overwrite",
      allowTemplateMismatch: "options.allowTemplateMismatch",
    });
    const req = readRunRequest(parseJsonBody(await c.req.text(), EXPECTED));
    const fields = c.get("logFields");
    Object.assign(fields, { templateId: req.templateId, mode: req.mode, dryRun: req.dryRun });
    const options = {
      runsDir: settings.runsDir,
      deterministic: req.deterministicRunId,
      overwrite: req.overwrite,
      createdAt: req.createdAt ?? settings.fixedTime,
    };
    if (req.mode === "telemetry") {
      // Capture folders are named relative to the data folder and may not leave it.
      const captureAbs = resolveInside(
        settings.dataDir,
        req.captureDirectory!,
        "telemetry.captureDirectory",
      );
      await assertRealPathInside(settings.dataDir, captureAbs, "telemetry.captureDirectory");
      const captureDir = relative(settings.dataDir, captureAbs);
      const replay = await replayCapture(sim, {
        ...options,
        templateId: req.templateId,
        captureDir,
        parameters: req.parameters,
        sourceDir: settings.dataDir,
        dryRun: req.dryRun,
        allowTemplateMismatch: req.allowTemplateMismatch,
      });
      if (!replay.written) {
        return c.json({
          dryRun: true,
          templateId: req.templateId,
          mode: req.mode,
          captureDirectory: captureDir,
          parameters: replay.parameters,
          boundFromCapture: replay.boundFromCapture,
          metadata: replay.generated.metadata,
          provenance: replay.generated.provenance,
        });
      }
      fields.runId = replay.written.runId;
      return created(c, replay.written, {
        parameters: replay.parameters,
        boundFromCapture: replay.boundFromCapture,
      });
    }
    if (req.dryRun) {
      const generated = await sim.generate(req.templateId, {
        parameters: req.parameters,
        mode: req.mode,
      });
      return c.json({
        dryRun: true,
        templateId: req.templateId,
        mode: req.mode,
        parameters: generated.provenance.parameters,
        metadata: generated.metadata,
        provenance: generated.provenance,
      });
    }
    const { written, generated } = await runTemplate(sim, {
      ...options,
      templateId: req.templateId,
      parameters: req.parameters,
      mode: req.mode,
    });
    fields.runId = written.runId;
    return created(c, written, { parameters: generated.provenance.parameters });
  });
  return app;
}

function created(
  c: Context<AppEnv>,
  written: WrittenRun,
  extra: Record<string, unknown>,
): Response {
  c.header("Location", `/v1/runs/${written.runId}`);
  // a deterministic run that was already there, with the same content, is kept: 200, not 201
  return c.json({
    runId: written.runId,
    runPath: `runs/${written.runId}`,
    mode: written.runJson.mode,
    templateId: written.metadata.templateId,
    templateVersion: written.metadata.templateVersion,
    modelHash: written.runJson.modelHash,
    ...(written.runJson.inputHash ? { inputHash: written.runJson.inputHash } : {}),
    ...(written.metadata.capture ? { capture: written.metadata.capture } : {}),
    ...extra,
    warnings: written.runJson.warnings,
    ...(written.unchanged ? { unchanged: true } : {}),
  }, written.unchanged ? 200 : 201);
}

function readRunRequest(value: unknown): RunRequest {
  if (!isRawMap(value)) {
    throw new FlowTimeError(
      "invalid_body",
      `the request body must be a JSON object ${EXPECTED}, got ${describeValue(value)}`,
    );
  }
  const issues = new IssueList("request body");
  checkKeys(issues, value, [], ["templateId", "mode", "parameters", "telemetry", "options"]);
  const options = value.options ?? {};
  if (!isRawMap(options)) {
    issues.add(["options"], `must be an object, got ${describeValue(options)}`);
  } else {checkKeys(issues, options, ["options"], [
      "deterministicRunId",
      "dryRun",
      "overwrite",
      "allowTemplateMismatch",
      "createdAt",
    ]);}
  const telemetry = value.telemetry;
  if (telemetry !== undefined && !isRawMap(telemetry)) {
    issues.add(
      ["telemetry"],
      `must be an object {captureDirectory}, got ${describeValue(telemetry)}`,
    );
  } else if (telemetry) checkKeys(issues, telemetry, ["telemetry"], ["captureDirectory"]);
  const parameters = value.parameters ?? {};
  if (!isRawMap(parameters)) {
    issues.add(
      ["parameters"],
      `must be an object of parameter values, got ${describeValue(parameters)}`,
    );
  }
  if (typeof value.templateId !== "string") {
    issues.add(
      ["templateId"],
      `must be a template id string, got ${describeValue(value.templateId)}`,
    );
  }
  const mode = value.mode ?? (telemetry ? "telemetry" : "simulation");
  if (mode !== "simulation" && mode !== "telemetry") {
    issues.add(["mode"], `must be simulation or telemetry, got ${describeValue(mode)}`);
  }
  const captureDirectory = isRawMap(telemetry) ? telemetry.captureDirectory : undefined;
  if (mode === "telemetry" && (typeof captureDirectory !== "string" || captureDirectory === "")) {
    issues.add(
      ["telemetry", "captureDirectory"],
      "telemetry mode needs the capture folder, relative to the data folder (e.g. telemetry/<runId>)",
    );
  }
  if (mode === "simulation" && captureDirectory !== undefined) {
    issues.add(["telemetry"], "applies to mode telemetry only");
  }
  const opts = isRawMap(options) ? options : {};
  for (const key of ["deterministicRunId", "dryRun", "overwrite", "allowTemplateMismatch"]) {
    if (opts[key] !== undefined && typeof opts[key] !== "boolean") {
      issues.add(["options", key], `must be true or false, got ${describeValue(opts[key])}`);
    }
  }
  if (opts.createdAt !== undefined && typeof opts.createdAt !== "string") {
    issues.add(["options", "createdAt"], "must be an ISO 8601 UTC timestamp");
  }
  if (issues.length > 0) {
    const first = issues.items[0];
    throw new FlowTimeError(
      "invalid_body",
      `${first.path ? `${first.path}: ` : ""}${first.message}`,
      { details: issues.items },
    );
  }
  if (typeof opts.createdAt === "string") parseUtc(opts.createdAt, "options.createdAt");
  return {
    templateId: assertSafeId(value.templateId as string, "templateId"),
    mode: mode as RunMode,
    parameters: parameters as Record<string, unknown>,
    captureDirectory: captureDirectory as string | undefined,
    deterministicRunId: opts.deterministicRunId === true,
    dryRun: opts.dryRun === true,
    overwrite: opts.overwrite === true,
    allowTemplateMismatch: opts.allowTemplateMismatch === true,
    createdAt: opts.createdAt as string | undefined,
  };
}
