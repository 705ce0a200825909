// The HTTP app: settings, the request log, the route groups mounted with app.route(), and the
// one place where a thrown error becomes its response and its log line.
import { Hono } from "hono";
import { join, resolve } from "node:path";
import { TOOLKIT_VERSION } from "../lib/base/version.ts";
import { StateQueryService } from "../lib/state/service.ts";
import { createSimClient } from "../lib/sim/select.ts";
import type { SimClient } from "../lib/sim/client.ts";
import { errorResponse, isServerFault } from "./errors.ts";
import { createLogger, type Logger } from "./logger.ts";
import { runRoutes } from "./runs.ts";
import { runCreateRoutes } from "./run_create.ts";
import { templateRoutes } from "./templates.ts";
import { headLength, methodsByPath } from "./methods.ts";
import { telemetryRoutes } from "./telemetry.ts";
import { graphRoutes } from "./graph.ts";
import { viewerRoutes } from "./viewer.ts";
import { importRoutes, type PrometheusSettings } from "./imports.ts";
import { exportRoutes } from "./export.ts";

/** Options for {@link createApp}. */
export interface AppOptions {
  /** Data folder (runs/, telemetry/).
   * @default "./data"
   */
  dataDir?: string;
  /** Templates folder.
   * @default "./templates"
   */
  templatesDir?: string;
  /** Request logger; `false` for silence. Default: JSON lines on stderr. */
  logger?: Logger | false;
  /** Sim service `POST /v1/runs` generates with. Default: the templates folder in-process. */
  sim?: SimClient;
  /** Fixed timestamp (ISO UTC) for runs and captures that do not give one; default now. */
  fixedTime?: string;
  /** Default Prometheus for `POST /v1/telemetry/imports`, with its credentials. */
  prometheus?: PrometheusSettings;
}

/** Values shared with route modules through the request context. */
export interface AppEnv {
  Variables: {
    /** Extra fields for the request's log line. */
    logFields: Record<string, unknown>;
    /** Request body fields that set library options (e.g. `overwrite` -> `options.overwrite`),
     * so error messages can name them. */
    requestFields?: Record<string, string>;
  };
}

/** Resolved server settings handed to route modules. */
export interface ServerSettings {
  /** Absolute data folder. */
  dataDir: string;
  /** Absolute runs folder (`<dataDir>/runs`). */
  runsDir: string;
  /** Absolute templates folder. */
  templatesDir: string;
  /** Fixed timestamp for writes that do not give one. */
  fixedTime?: string;
}

/**
 * Build the HTTP app. Usable in-process with `app.request(...)`, or served by server/listen.ts.
 * @param options folders, logging, the Sim client and a fixed timestamp
 * @returns the Hono app
 */
export function createApp(options: AppOptions = {}): Hono<AppEnv> {
  const dataDir = resolve(options.dataDir ?? "./data");
  const settings: ServerSettings = {
    dataDir,
    runsDir: join(dataDir, "runs"),
    templatesDir: resolve(options.templatesDir ?? "./templates"),
    fixedTime: options.fixedTime,
  };
  const hidePaths: Array<[string, string]> = [
    [settings.dataDir, "<data>"],
    [settings.templatesDir, "<templates>"],
  ];
  const logger = options.logger === false ? createLogger(false) : options.logger ?? createLogger();
  const sim = options.sim ?? createSimClient({ templatesDir: settings.templatesDir });
  const app = new Hono<AppEnv>();

  app.use(async (c, next) => {
    const started = performance.now();
    c.set("logFields", {});
    await next();
    logger.log({
      event: "request",
      method: c.req.method,
      path: new URL(c.req.url).pathname,
      status: c.res.status,
      durationMs: Math.round((performance.now() - started) * 1000) / 1000,
      ...c.get("logFields"),
    });
  });

  app.use(headLength());
  app.get("/healthz", (c) => c.json({ status: "ok", version: TOOLKIT_VERSION }));
  const state = new StateQueryService({ runsDir: settings.runsDir });
  app.route("/v1/runs", runRoutes(settings, state));
  app.route("/v1/runs", graphRoutes(state));
  app.route("/v1/runs", runCreateRoutes(settings, sim));
  app.route("/v1/telemetry", telemetryRoutes(settings));
  app.route("/v1/telemetry", importRoutes({ ...settings, prometheus: options.prometheus }));
  app.route("/v1/runs", exportRoutes(settings));
  app.route("/api/v1/templates", templateRoutes(settings));
  app.route("/", viewerRoutes());

  const allowed = methodsByPath(app);
  app.notFound((c) => {
    const path = new URL(c.req.url).pathname;
    const methods = allowed(path);
    // A route of this method exists and said "not found" itself: that stays a 404.
    if (methods.length > 0 && !methods.includes(c.req.method)) {
      return c.json(
        {
          error: `${c.req.method} is not allowed on ${path}; use ${methods.join(", ")}`,
          code: "method_not_allowed",
        },
        405,
        { allow: methods.join(", ") },
      );
    }
    return c.json({ error: `no route for ${c.req.method} ${path}`, code: "not_found" }, 404);
  });
  app.onError((err, c) => {
    if (isServerFault(err)) {
      logger.log({
        event: "error",
        level: "error",
        method: c.req.method,
        path: new URL(c.req.url).pathname,
        message: err instanceof Error ? err.message : String(err),
        ...(err instanceof Error && err.stack ? { stack: err.stack } : {}),
      });
    } else {
      const code = (err as { code?: unknown }).code;
      if (typeof code === "string") c.get("logFields").errorCode = code;
    }
    return errorResponse(c, err, hidePaths);
  });
  return app;
}
