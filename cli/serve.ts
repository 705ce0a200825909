// `flowtime serve`: start the HTTP server (state queries, Sim API, captures).
import { resolve } from "node:path";
import { FlowTimeError } from "../lib/base/errors.ts";
import { startServer } from "../server/listen.ts";
import { createSimClient } from "../lib/sim/select.ts";
import { type Command, integerFlag, stringFlag } from "./command.ts";
import { PROMETHEUS_ENV, prometheusCredentials } from "./telemetry_import.ts";

export const serveCommand: Command = {
  name: "serve",
  summary: "start the HTTP server on 127.0.0.1",
  help: `flowtime serve: start the HTTP server

Usage:
  flowtime serve [--port 8080] [--hostname 127.0.0.1] [--max-connections 512]

Options:
  --port <n>              port to listen on (default 8080; 0 picks a free port)
  --hostname <host>       address to bind (default 127.0.0.1). Binding anything other than a
                          loopback address must be asked for explicitly and logs a warning.
  --max-connections <n>   open connections at most (default 512; lowered to half of the
                          descriptors the process may still open). At the cap, connections
                          waiting on their clients are closed to make room; when every one is
                          busy, newcomers get 503.

The data folder is $FLOWTIME_DATA_DIR (default ./data), templates $FLOWTIME_TEMPLATES_DIR
(default ./templates). POST /v1/runs generates models with the Sim service at $FLOWTIME_SIM_URL
when it is set, else with the templates folder. POST /v1/telemetry/imports imports from
$FLOWTIME_PROMETHEUS_URL unless the request names another URL; the credentials in
$FLOWTIME_PROMETHEUS_TOKEN (or _USERNAME and _PASSWORD) are sent to that URL only.
Logs are JSON lines on stderr.
`,
  flags: {
    port: { type: "string" },
    hostname: { type: "string" },
    "max-connections": { type: "string" },
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
    const maxConnections = integerFlag(ctx, "max-connections", 1);
    const env = ctx.env;
    // Found now rather than at the first request: a data folder this process may not read.
    const dataDir = resolve(env.dataDir);
    if (Deno.permissions.querySync({ name: "read", path: dataDir }).state !== "granted") {
      throw new FlowTimeError(
        "permission_denied",
        `the data folder ${dataDir} may not be read by this process; run with --allow-read=${dataDir} (the serve task grants ./data)`,
      );
    }
    let server;
    try {
      server = startServer({
        port,
        hostname,
        dataDir: env.dataDir,
        templatesDir: env.templatesDir,
        fixedTime: env.fixedTime(),
        limits: { maxConnections },
        sim: createSimClient({ simUrl: env.simUrl, templatesDir: env.templatesDir }),
        prometheus: {
          url: env.get(PROMETHEUS_ENV.url),
          credentials: prometheusCredentials(ctx),
        },
        onListen: (addr) =>
          ctx.err(`flowtime server listening on http://${addr.hostname}:${addr.port}`),
      });
    } catch (err) {
      if (err instanceof Deno.errors.AddrInUse) {
        throw new FlowTimeError(
          "io_error",
          `port ${port} on ${
            hostname ?? "127.0.0.1"
          } is already in use: give another --port (0 picks a free one)`,
        );
      }
      throw err;
    }
    if (
      Deno.permissions.querySync({ name: "env", variable: "FLOWTIME_SIM_URL" }).state !== "granted"
    ) {
      ctx.err(
        "warning: FLOWTIME_SIM_URL cannot be read under this process's permissions (grant --allow-env=FLOWTIME_SIM_URL); templates are generated in-process",
      );
    }
    await server.finished;
    return 0;
  },
};
