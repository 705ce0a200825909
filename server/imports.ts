// Import routes: `POST /v1/telemetry/imports` imports from a Prometheus query API into
// `<data>/telemetry/<name>` through the same library function as
// `flowtime telemetry import prometheus`. Credentials are the server's own (from its
// environment) and are sent only to the URL they were configured for.
import { type Context, Hono } from "hono";
import { join } from "node:path";
import { FlowTimeError } from "../lib/base/errors.ts";
import { parseUtc } from "../lib/base/clock.ts";
import { assertSafeId } from "../lib/base/paths.ts";
import { describeValue, isRawMap } from "../lib/base/issues.ts";
import { prometheusMappingFromValue } from "../lib/import/mapping.ts";
import { importPrometheus } from "../lib/import/prometheus.ts";
import { checkBaseUrl, type PrometheusCredentials } from "../lib/import/prometheus_client.ts";
import type { BinUnit } from "../lib/model/types.ts";
import type { AppEnv, ServerSettings } from "./app.ts";
import { limitBody, parseJsonBody } from "./body.ts";

/** The Prometheus the server imports from by default, and the credentials it holds for it. */
export interface PrometheusSettings {
  /** Default base URL (imports that name none use it); credentials go only to this URL. */
  url?: string;
  /** Credentials for `url`. */
  credentials?: PrometheusCredentials;
}

const BODY_KEYS = [
  "url",
  "mapping",
  "start",
  "bins",
  "binSize",
  "binUnit",
  "name",
  "tenant",
  "dryRun",
  "importedAt",
  "overwrite",
];

/**
 * The import routes, to be mounted at `/v1/telemetry`: `POST /imports`.
 * @param settings server folders and the default Prometheus
 * @returns the sub-app
 */
export function importRoutes(
  settings: ServerSettings & { prometheus?: PrometheusSettings },
): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const configured = settings.prometheus?.url ? checkBaseUrl(settings.prometheus.url) : undefined;
  app.post("/imports", limitBody("send a mapping with fewer queries"), async (c) => {
    c.set("requestFields", { overwrite: "overwrite" });
    const body = await readImportBody(c);
    const url = body.url ?? configured;
    if (url === undefined) {
      throw new FlowTimeError(
        "invalid_body",
        "url is missing and the server has no default Prometheus URL; send the base URL of the query API",
      );
    }
    const sameAsConfigured = configured !== undefined && checkBaseUrl(url) === configured;
    const mapping = prometheusMappingFromValue(body.mapping, "mapping");
    if (body.name !== undefined) assertSafeId(body.name, "name");
    if (body.importedAt !== undefined) parseUtc(body.importedAt, "importedAt");
    const result = await importPrometheus({
      url,
      mapping,
      grid: { start: body.start, bins: body.bins, binSize: body.binSize, binUnit: body.binUnit },
      ...(body.name !== undefined
        ? { outputDir: join(settings.dataDir, "telemetry", body.name) }
        : {}),
      dataDir: settings.dataDir,
      dryRun: body.dryRun,
      overwrite: body.overwrite,
      importedAt: body.importedAt ?? settings.fixedTime,
      tenant: body.tenant,
      ...(sameAsConfigured && settings.prometheus?.credentials
        ? { credentials: settings.prometheus.credentials }
        : {}),
    });
    const fields = c.get("logFields");
    Object.assign(fields, {
      importId: result.importId,
      files: result.manifest.files.length,
      warnings: result.manifest.warnings.length,
      requests: result.requests,
    });
    const name = body.name ?? result.importId;
    return c.json({
      dryRun: result.dryRun,
      importId: result.importId,
      outputDir: `telemetry/${name}`,
      manifestHash: result.manifestHash,
      requests: result.requests,
      sourceWarnings: result.sourceWarnings,
      manifest: result.manifest,
    }, result.dryRun ? 200 : 201);
  });
  return app;
}

interface ImportBody {
  url?: string;
  mapping: unknown;
  start: string;
  bins: number;
  binSize: number;
  binUnit: BinUnit;
  name?: string;
  tenant?: string;
  dryRun?: boolean;
  importedAt?: string;
  overwrite?: boolean;
}

async function readImportBody(c: Context<AppEnv>): Promise<ImportBody> {
  const value = parseJsonBody(
    await c.req.text(),
    '{"url": "...", "mapping": {"queries": [...]}, "start": "...", "bins": 288, "binSize": 5, "binUnit": "minutes"}',
  );
  if (!isRawMap(value)) {
    throw new FlowTimeError(
      "invalid_body",
      `request body must be a JSON object, got ${describeValue(value)}`,
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
  const fail = (key: string, want: string) => {
    throw new FlowTimeError(
      "invalid_body",
      `${key} must be ${want}, got ${describeValue(value[key])}`,
    );
  };
  for (const key of ["url", "name", "tenant", "importedAt"]) {
    if (value[key] !== undefined && typeof value[key] !== "string") fail(key, "a string");
  }
  if (typeof value.start !== "string") fail("start", "an ISO 8601 UTC timestamp string");
  for (const key of ["bins", "binSize"]) {
    if (typeof value[key] !== "number" || !Number.isInteger(value[key])) {
      fail(key, "a whole number");
    }
  }
  if (value.binUnit !== undefined && typeof value.binUnit !== "string") fail("binUnit", "a string");
  for (const key of ["dryRun", "overwrite"]) {
    if (value[key] !== undefined && typeof value[key] !== "boolean") fail(key, "true or false");
  }
  if (value.mapping === undefined) fail("mapping", 'an object {"queries": [...]}');
  return {
    ...(value.url !== undefined ? { url: value.url as string } : {}),
    mapping: value.mapping,
    start: value.start as string,
    bins: value.bins as number,
    binSize: value.binSize as number,
    binUnit: (value.binUnit ?? "minutes") as BinUnit,
    ...(value.name !== undefined ? { name: value.name as string } : {}),
    ...(value.tenant !== undefined ? { tenant: value.tenant as string } : {}),
    ...(value.dryRun !== undefined ? { dryRun: value.dryRun as boolean } : {}),
    ...(value.importedAt !== undefined ? { importedAt: value.importedAt as string } : {}),
    ...(value.overwrite !== undefined ? { overwrite: value.overwrite as boolean } : {}),
  };
}
