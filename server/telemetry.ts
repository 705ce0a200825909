// Telemetry routes: `POST /v1/telemetry/captures` captures a run of the data folder into
// `<data>/telemetry/<runId>` through the same library function as `flowtime telemetry capture`.
import { type Context, Hono } from "hono";
import { join } from "node:path";
import { FlowTimeError } from "../lib/base/errors.ts";
import { parseUtc } from "../lib/base/clock.ts";
import { assertSafeId } from "../lib/base/paths.ts";
import { captureRunById } from "../lib/telemetry/capture.ts";
import { gapConfigFromValue } from "../lib/telemetry/gap_config.ts";
import { describeValue, isRawMap } from "../lib/base/issues.ts";
import type { AppEnv, ServerSettings } from "./app.ts";
import { limitBody, parseJsonBody } from "./body.ts";

const BODY_KEYS = ["runId", "gaps", "dryRun", "capturedAt", "overwrite"];

/**
 * The telemetry routes, to be mounted at `/v1/telemetry`: `POST /captures`.
 * @param settings server folders
 * @returns the sub-app
 */
export function telemetryRoutes(settings: ServerSettings): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.post(
    "/captures",
    limitBody('send the gap rules with fewer explicit bins (use ranges like "20-23")'),
    async (c) => {
      c.set("requestFields", { overwrite: "overwrite" });
      const body = await readCaptureBody(c);
      const runId = assertSafeId(body.runId, "runId");
      c.get("logFields").runId = runId;
      const gaps = body.gaps === undefined ? undefined : gapConfigFromValue(body.gaps, "gaps");
      if (body.capturedAt !== undefined) parseUtc(body.capturedAt, "capturedAt");
      const result = await captureRunById(settings.runsDir, runId, {
        outputDir: join(settings.dataDir, "telemetry", runId),
        gaps,
        dryRun: body.dryRun,
        capturedAt: body.capturedAt ?? settings.fixedTime,
        overwrite: body.overwrite,
      });
      c.get("logFields").files = result.manifest.files.length;
      c.get("logFields").warnings = result.manifest.warnings.length;
      // the same capture already there is kept: 200 instead of 201
      if (!result.dryRun) return c.json(result.manifest, result.unchanged ? 200 : 201);
      return c.json({
        dryRun: true,
        runId: result.runId,
        outputDir: `telemetry/${result.runId}`,
        files: result.manifest.files,
        warnings: result.manifest.warnings,
        ...(result.manifest.gaps ? { gaps: result.manifest.gaps } : {}),
        checksum: result.manifest.checksum,
        manifestHash: result.manifestHash,
        ...(result.skipped.length > 0 ? { skipped: result.skipped } : {}),
        manifest: result.manifest,
      }, 200);
    },
  );
  return app;
}

interface CaptureBody {
  runId: string;
  gaps?: unknown;
  dryRun?: boolean;
  capturedAt?: string;
  overwrite?: boolean;
}

async function readCaptureBody(c: Context<AppEnv>): Promise<CaptureBody> {
  const value = parseJsonBody(await c.req.text(), '{"runId": "...", "gaps": {...}}');
  if (!isRawMap(value)) {
    throw new FlowTimeError(
      "invalid_body",
      `request body must be a JSON object with runId, got ${describeValue(value)}`,
    );
  }
  for (const key of Object.keys(value)) {
    if (!BODY_KEYS.includes(key)) {
      throw new FlowTimeError(
        "invalid_body",
        `unknown field '${key}' in the request body (allowed: ${BODY_KEYS.join(", ")})`,
      );
    }
  }
  if (typeof value.runId !== "string") {
    throw new FlowTimeError(
      "invalid_body",
      `runId must be a string naming a run in the data folder, got ${describeValue(value.runId)}`,
    );
  }
  for (const key of ["dryRun", "overwrite"]) {
    if (value[key] !== undefined && typeof value[key] !== "boolean") {
      throw new FlowTimeError(
        "invalid_body",
        `${key} must be true or false, got ${describeValue(value[key])}`,
      );
    }
  }
  if (value.capturedAt !== undefined && typeof value.capturedAt !== "string") {
    throw new FlowTimeError(
      "invalid_body",
      `capturedAt must be an ISO 8601 UTC timestamp string, got ${describeValue(value.capturedAt)}`,
    );
  }
  return {
    runId: value.runId,
    ...(value.gaps !== undefined && value.gaps !== null ? { gaps: value.gaps } : {}),
    ...(value.dryRun !== undefined ? { dryRun: value.dryRun as boolean } : {}),
    ...(value.capturedAt !== undefined ? { capturedAt: value.capturedAt as string } : {}),
    ...(value.overwrite !== undefined ? { overwrite: value.overwrite as boolean } : {}),
  };
}
