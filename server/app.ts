// The HTTP app: settings, the request log, the route groups mounted with app.route(), and the
// one place where a thrown error becomes its response and its log line.
import { Hono } from "hono";
import { join, resolve } from "node:path";
import { TOOLKIT_VERSION } from "../lib/base/version.ts";
import { StateQueryService } from "../lib/state/service.ts";
import { MAX_WINDOW_BINS } from "../lib/state/query.ts";
import { DEFAULT_STATE_CACHE_BYTES, StateResponder } from "./state_http.ts";
import { stateFastPath } from "./state_fast.ts";
import { createSimClient } from "../lib/sim/select.ts";
import type { SimClient } from "../lib/sim/client.ts";
import { errorResponse, isServerFault, statusFor } from "./errors.ts";
import { FlowTimeError } from "../lib/base/errors.ts";
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
  /** Widest `/state_window` answered, in bins (wider is `413 window_too_large`); windows of
   * many node-bins are streamed, so memory does not grow with the width.
   * @default MAX_WINDOW_BINS (1000)
   */
  maxWindowBins?: number;
  /** Byte budget of the cache of encoded state responses; 0 turns it off.
   * @default DEFAULT_STATE_CACHE_BYTES (32 MiB)
   */
  stateCacheBytes?: number;
  /** Milliseconds an opened run is answered from memory before its folder is looked at again
   * (runs written through this server are dropped at once; runs replaced on disk by another
   * process are noticed this much later).
   * @default 1
   */
  runRecheckMs?: number;
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
  /** Widest `/state_window` answered, in bins. */
  maxWindowBins: number;
  /** Byte budget of the state response cache. */
  stateCacheBytes: number;
  /** Milliseconds an opened run is answered before its folder is looked at again. */
  runRecheckMs: number;
}

// The path of a request URL, as `new URL(url).pathname` gives it: request URLs arrive parsed and
// normalised (`http://host/path?query`), so slicing is enough, and costs no URL parse.
function pathOf(url: string): string {
  const start = url.indexOf("/", url.indexOf("//") + 2);
  if (start < 0) return "/";
  const query = url.indexOf("?", start);
  const hash = url.indexOf("#", start);
  const end = Math.min(query < 0 ? url.length : query, hash < 0 ? url.length : hash);
  return url.slice(start, end);
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
    maxWindowBins: options.maxWindowBins ?? MAX_WINDOW_BINS,
    stateCacheBytes: options.stateCacheBytes ?? DEFAULT_STATE_CACHE_BYTES,
    runRecheckMs: options.runRecheckMs ?? 1,
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
      path: pathOf(c.req.url),
      status: c.res.status,
      durationMs: Math.round((performance.now() - started) * 1000) / 1000,
      ...c.get("logFields"),
    });
  });

  app.use(headLength());
  app.get("/healthz", (c) => c.json({ status: "ok", version: TOOLKIT_VERSION }));
  const state = new StateQueryService({
    runsDir: settings.runsDir,
    recheckAfterMs: settings.runRecheckMs,
  });
  // a run this server writes is answered from its new folder at once
  app.post("/v1/runs", async (c, next) => {
    await next();
    const runId = c.get("logFields").runId;
    if (typeof runId === "string") state.forget(runId);
  });
  const responder = new StateResponder(settings.stateCacheBytes);
  app.route("/v1/runs", runRoutes(settings, { state, responder }));
  app.route("/v1/runs", graphRoutes(state));
  app.route("/v1/runs", runCreateRoutes(settings, sim));
  app.route("/v1/telemetry", telemetryRoutes(settings));
  app.route("/v1/telemetry", importRoutes({ ...settings, prometheus: options.prometheus }));
  app.route("/v1/runs", exportRoutes(settings));
  app.route("/api/v1/templates", templateRoutes(settings));
  app.route("/", viewerRoutes({ windowLimit: settings.maxWindowBins }));

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
      // Every other 5xx (a Sim or Prometheus that failed, descriptors exhausted) also leaves its
      // error in the log, at warn: not the server's fault, but an operator's to look at. The
      // stack of resources_exhausted is never formatted: formatting a stack while the process
      // has no descriptor left can end Deno itself.
      const status = err instanceof FlowTimeError ? statusFor(err.code) : 500;
      if (status >= 500 && err instanceof FlowTimeError) {
        const cause = err.cause instanceof Error ? err.cause.message : undefined;
        logger.log({
          event: "error",
          level: "warn",
          method: c.req.method,
          path: new URL(c.req.url).pathname,
          status,
          code: err.code,
          message: err.message,
          ...(cause ? { cause } : {}),
          ...(err.code !== "resources_exhausted" && err.stack ? { stack: err.stack } : {}),
        });
      }
    }
    return errorResponse(c, err, hidePaths);
  });
  // cached snapshots are answered before the router (the same bytes, headers and log line)
  const fast = stateFastPath({ state, responder, logger });
  const dispatch = app.fetch;
  app.fetch = (request, ...rest) => fast(request) ?? dispatch(request, ...rest);
  return app;
}
