// `flowtime serve`: start the HTTP server (state queries, Sim API, captures).
import { FlowTimeError } from "../lib/base/errors.ts";
import { startServer } from "../server/listen.ts";
import { createLogger } from "../server/logger.ts";
import { createSimClient } from "../lib/sim/select.ts";
import { type Command, integerFlag, stringFlag } from "./command.ts";
import { PROMETHEUS_ENV, prometheusCredentials } from "./telemetry_import.ts";

export const serveCommand: Command = {
  name: "serve",
  summary: "start the HTTP server on 127.0.0.1",
  help: `flowtime serve: start the HTTP server

Usage:
  flowtime serve [--port 8080] [--hostname 127.0.0.1] [--max-window-bins 1000]

Options:
  --port <n>            port to listen on (default 8080; 0 picks a free port)
  --hostname <host>     address to bind (default 127.0.0.1). Binding anything other than a
                        loopback address must be asked for explicitly and logs a warning.
  --max-window-bins <n> widest /state_window answered, in bins (default 1000); windows of many
                        node-bins are streamed, so a month of 5-minute bins (8640) is one request

The data folder is $FLOWTIME_DATA_DIR (default ./data), templates $FLOWTIME_TEMPLATES_DIR
(default ./templates). POST /v1/runs generates models with the Sim service at $FLOWTIME_SIM_URL
when it is set, else with the templates folder. POST /v1/telemetry/imports imports from
$FLOWTIME_PROMETHEUS_URL unless the request names another URL; the credentials in
$FLOWTIME_PROMETHEUS_TOKEN (or _USERNAME and _PASSWORD) are sent to that URL only.
Logs are JSON lines on stderr, written in batches (at most 100 ms late; at once for warnings
and errors, on Ctrl-C and on SIGTERM).
`,
  flags: {
    port: { type: "string" },
    hostname: { type: "string" },
    "max-window-bins": { type: "string" },
  },
  async run(ctx) {
    const hostname = stringFlag(ctx, "hostname");
    if (hostname !== undefined && hostname.trim() === "") {
      throw new FlowTimeError(
        "usage",
        "--hostname is empty: give an address to bind, e.g. 127.0.0.1 (the default)",
      );
    }
    const port = integerFlag(ctx, "port", 0) ?? 8080;
    if (port > 65535) throw new FlowTimeError("usage", `--port must be 0..65535, got ${port}`);
    const maxWindowBins = integerFlag(ctx, "max-window-bins", 1);
    const env = ctx.env;
    const logger = createLogger();
    try {
      // a normal stop: write out the buffered log lines, then exit as SIGTERM would
      Deno.addSignalListener("SIGTERM", () => {
        logger.flush?.();
        Deno.exit(143);
      });
    } catch {
      // no SIGTERM on this platform
    }
    const server = startServer({
      port,
      hostname,
      logger,
      ...(maxWindowBins !== undefined ? { maxWindowBins } : {}),
      dataDir: env.dataDir,
      templatesDir: env.templatesDir,
      fixedTime: env.fixedTime(),
      sim: createSimClient({ simUrl: env.simUrl, templatesDir: env.templatesDir }),
      prometheus: {
        url: env.get(PROMETHEUS_ENV.url),
        credentials: prometheusCredentials(ctx),
      },
      onListen: (addr) =>
        ctx.err(`flowtime server listening on http://${addr.hostname}:${addr.port}`),
    });
    await server.finished;
    return 0;
  },
};
