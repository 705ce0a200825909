// The HTTP server: a Hono app built by createApp() (usable in-process with app.request) and
// startServer() binding it with Deno.serve on loopback by default.
import { Hono } from "hono";
import { join, resolve } from "node:path";
import { dataDir as defaultDataDir, templatesDir as defaultTemplatesDir } from "./lib/config.ts";
import { errorResponse } from "./server/errors.ts";
import { createLogger, type Logger } from "./server/logger.ts";
import { bindWarning, DEFAULT_HOSTNAME } from "./server/bind.ts";
import { registerTemplateRoutes } from "./server/templates.ts";
import { registerTelemetryRoutes } from "./server/telemetry.ts";
import { TOOLKIT_VERSION } from "./lib/version.ts";
import { StateQueryService } from "./lib/state/service.ts";
import { registerRunRoutes } from "./server/runs.ts";
import { registerRunCreateRoute } from "./server/run_create.ts";
import { graphRoutes } from "./server/graph.ts";
import { viewerRoutes } from "./server/viewer.ts";
import { createSimClient } from "./lib/sim/select.ts";
import type { SimClient } from "./lib/sim/client.ts";

/** Options for {@link createApp}. */
export interface AppOptions {
  /** Data folder (runs/, telemetry/); default $FLOWTIME_DATA_DIR or ./data. */
  dataDir?: string;
  /** Templates folder; default $FLOWTIME_TEMPLATES_DIR or ./templates. */
  templatesDir?: string;
  /** Request logger; `false` for silence. Default: JSON lines on stderr. */
  logger?: Logger | false;
  /** Sim service POST /v1/runs generates with: default a remote Sim at $FLOWTIME_SIM_URL when
   * set, else the templates folder in-process. */
  sim?: SimClient;
}

/** Values shared with route modules. */
export interface AppEnv {
  Variables: {
    /** Extra fields for the request's log line. */
    logFields: Record<string, unknown>;
  };
}

/** Resolved server settings handed to route modules. */
export interface ServerSettings {
  /** Absolute data folder. */
  dataDir: string;
  /** Absolute templates folder. */
  templatesDir: string;
  /** Turn an error into a JSON response with folders hidden. */
  fail(c: import("hono").Context, err: unknown): Response;
}

/**
 * Build the HTTP app.
 * @param options folders and logging
 * @returns the Hono app
 */
export function createApp(options: AppOptions = {}): Hono<AppEnv> {
  const settings: ServerSettings = {
    dataDir: resolve(options.dataDir ?? defaultDataDir()),
    templatesDir: resolve(options.templatesDir ?? defaultTemplatesDir()),
    fail: (c, err) =>
      errorResponse(c, err, [[settings.dataDir, "<data>"], [settings.templatesDir, "<templates>"]]),
  };
  const logger = options.logger === false ? createLogger(false) : options.logger ?? createLogger();
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

  app.get("/healthz", (c) => c.json({ status: "ok", version: TOOLKIT_VERSION }));
  const state = new StateQueryService({ runsDir: join(settings.dataDir, "runs") });
  registerRunRoutes(app, settings, state);
  registerTemplateRoutes(app, settings);
  registerTelemetryRoutes(app, settings);
  registerRunCreateRoute(
    app,
    settings,
    options.sim ?? createSimClient({ templatesDir: settings.templatesDir }),
  );
  app.route("/", graphRoutes(settings, state)).route("/", viewerRoutes());

  app.notFound((c) =>
    c.json({
      error: `no route for ${c.req.method} ${new URL(c.req.url).pathname}`,
      code: "not_found",
    }, 404)
  );
  app.onError((err, c) => {
    logger.log({
      event: "error",
      level: "error",
      message: err instanceof Error ? err.message : String(err),
    });
    return settings.fail(c, err);
  });
  return app;
}

/** Options for {@link startServer}. */
export interface StartOptions extends AppOptions {
  /** Port (default 8080; 0 picks a free one). */
  port?: number;
  /** Address to bind (default 127.0.0.1). */
  hostname?: string;
  /** Called once listening. */
  onListen?: (addr: { hostname: string; port: number }) => void;
}

/**
 * Start the server with Deno.serve. Binds 127.0.0.1 unless a hostname is given; binding a
 * non-loopback address logs a warning.
 * @param options folders, port and address
 * @returns the running server
 */
export function startServer(options: StartOptions = {}): Deno.HttpServer {
  const hostname = options.hostname ?? DEFAULT_HOSTNAME;
  const logger = options.logger === false ? createLogger(false) : options.logger ?? createLogger();
  const warning = bindWarning(hostname);
  if (warning) logger.log(warning);
  const app = createApp({ ...options, logger });
  return Deno.serve({
    port: options.port ?? 8080,
    hostname,
    onListen: (addr) => options.onListen?.({ hostname: addr.hostname, port: addr.port }),
  }, app.fetch);
}

// No top-level await here: cli/serve.ts imports this module, so awaiting the CLI while this
// module is still evaluating would deadlock the import cycle (`deno task serve` never started).
if (import.meta.main) {
  import("./cli/main.ts")
    .then(({ main }) =>
      main(["serve", ...Deno.args], {
        out: (t) => console.log(t),
        err: (t) => console.error(t),
        interactive: false,
      })
    )
    .then((code) => Deno.exit(code));
}
