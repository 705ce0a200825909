// `flowtime serve`: start the HTTP server (state queries, Sim API, captures). The port and the
// folders are checked before the server says it is listening; a problem is one line naming it
// and what to change.
import { resolve } from "node:path";
import { FlowTimeError } from "../lib/base/errors.ts";
import { type Command, integerFlag, stringFlag } from "./command.ts";
import type { CliEnvironment } from "./config.ts";
import { PROMETHEUS_ENV, prometheusCredentials } from "./telemetry_import.ts";

export const serveCommand: Command = {
  name: "serve",
  summary: "start the HTTP server on 127.0.0.1",
  help: `flowtime serve: start the HTTP server

Usage:
  flowtime serve [--port 8080] [--hostname 127.0.0.1] [--max-connections 512]
                 [--max-window-bins 1000]

Options:
  --port <n>            port to listen on (default $FLOWTIME_PORT, else 8080; 0 picks a free
                        port)
  --hostname <host>     address to bind (default 127.0.0.1). Binding anything other than a
                        loopback address must be asked for explicitly and logs a warning.
  --max-connections <n> open connections at most (default 512; lowered to half of the
                        descriptors the process may still open). At the cap, connections
                        waiting on their clients are closed to make room; when every one is
                        busy, newcomers get 503.
  --max-window-bins <n> widest /state_window answered, in bins (default 1000); windows of many
                        node-bins are streamed, so a month of 5-minute bins (8640) is one request
  --json                print the address as {"listening": "http://..."} on stdout

The data folder is $FLOWTIME_DATA_DIR (default ./data; created when missing), templates
$FLOWTIME_TEMPLATES_DIR (default ./templates; must exist). POST /v1/runs generates models with
the Sim service at $FLOWTIME_SIM_URL when it is set, else with the templates folder. POST
/v1/telemetry/imports imports from $FLOWTIME_PROMETHEUS_URL unless the request names another
URL; the credentials in $FLOWTIME_PROMETHEUS_TOKEN (or _USERNAME and _PASSWORD) are sent to that
URL only. Logs are JSON lines on stderr, written in batches (at most 100 ms late; at once for
warnings and errors, on Ctrl-C and on SIGTERM). A port in use or a missing folder stops the server
before it listens, with one line naming the problem (exit 1). Under 'deno task', start it with
'deno task serve': the flowtime task has no network permission.
`,
  flags: {
    port: { type: "string" },
    hostname: { type: "string" },
    "max-connections": { type: "string" },
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
    const env = ctx.env;
    const port = integerFlag(ctx, "port", 0) ?? env.port() ?? 8080;
    if (port > 65535) throw new FlowTimeError("usage", `--port must be 0..65535, got ${port}`);
    const maxConnections = integerFlag(ctx, "max-connections", 1);
    const maxWindowBins = integerFlag(ctx, "max-window-bins", 1);
    await checkFolders(env);
    // Found now rather than at the first request: a data folder this process may not read.
    const dataDir = resolve(env.dataDir);
    if (Deno.permissions.querySync({ name: "read", path: dataDir }).state !== "granted") {
      throw new FlowTimeError(
        "permission_denied",
        `the data folder ${dataDir} may not be read by this process; run with --allow-read=${dataDir} (the serve task grants ./data)`,
      );
    }
    const { startServer } = await import("../server/listen.ts");
    const { createLogger } = await import("../server/logger.ts");
    const { createSimClient } = await import("../lib/sim/select.ts");
    // buffered request log; Ctrl-C and SIGTERM exit through Deno.exit, which writes it out
    const logger = createLogger();
    let server;
    try {
      server = startServer({
        port,
        hostname,
        logger,
        ...(maxWindowBins !== undefined ? { maxWindowBins } : {}),
        dataDir: env.dataDir,
        templatesDir: env.templatesDir,
        fixedTime: env.fixedTime(),
        limits: { maxConnections },
        sim: createSimClient({ simUrl: env.simUrl, templatesDir: env.templatesDir }),
        prometheus: {
          url: env.get(PROMETHEUS_ENV.url),
          credentials: prometheusCredentials(ctx),
        },
        onListen: (addr) => {
          const url = `http://${addr.hostname}:${addr.port}`;
          if (ctx.flags.json) ctx.out(JSON.stringify({ listening: url }));
          ctx.err(`flowtime server listening on ${url}`);
        },
      });
    } catch (err) {
      throw listenError(err, hostname ?? "127.0.0.1", port);
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

// The data folder must be a folder (it is created when missing, as the first write would);
// the templates folder must exist, or every POST /v1/runs would fail later. A folder the
// sandbox lets the server not even look at is left to the routes that use it (a server may be
// confined to its data folder on purpose).
async function checkFolders(env: CliEnvironment): Promise<void> {
  const stat = async (path: string) => {
    try {
      return await Deno.stat(path);
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) return undefined;
      if (err instanceof Deno.errors.NotCapable) return "unknown";
      throw err;
    }
  };
  const data = await stat(env.dataDir);
  if (data === "unknown") {
    // not ours to check
  } else if (data === undefined) {
    try {
      await Deno.mkdir(env.dataDir, { recursive: true });
    } catch (err) {
      if (err instanceof Deno.errors.NotCapable) throw err;
      throw new FlowTimeError(
        "io_error",
        `cannot create the data folder ${env.dataDir}: ${
          (err as Error).message
        }; create it or set FLOWTIME_DATA_DIR to another folder`,
      );
    }
  } else if (!data.isDirectory) {
    throw new FlowTimeError(
      "usage",
      `the data folder ${env.dataDir} is a file, not a folder; set FLOWTIME_DATA_DIR to a folder`,
    );
  }
  const templates = await stat(env.templatesDir);
  if (templates !== "unknown" && !templates?.isDirectory && env.simUrl === undefined) {
    throw new FlowTimeError(
      "usage",
      `the templates folder ${env.templatesDir} ${
        templates ? "is a file, not a folder" : "does not exist"
      }; set FLOWTIME_TEMPLATES_DIR to the folder holding <id>.yaml templates`,
    );
  }
}

function listenError(err: unknown, hostname: string, port: number): unknown {
  if (err instanceof Deno.errors.AddrInUse) {
    return new FlowTimeError(
      "io_error",
      `port ${port} on ${hostname} is already in use (another 'flowtime serve'?); stop that server or pick another port with --port <n> or FLOWTIME_PORT (0 picks a free one)`,
    );
  }
  if (err instanceof Deno.errors.AddrNotAvailable) {
    return new FlowTimeError(
      "usage",
      `cannot bind ${hostname}: no such address on this machine; give --hostname 127.0.0.1 or an address of this machine`,
    );
  }
  if (err instanceof Deno.errors.PermissionDenied) {
    return new FlowTimeError(
      "io_error",
      `the system refused port ${port} on ${hostname} (ports below 1024 need privileges); pick a port above 1023 with --port <n>`,
    );
  }
  return err;
}
