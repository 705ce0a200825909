// Serving the app on a socket: the server's own accept loop and HTTP/1.1 connections
// (server/connections.ts) in front of the Hono app, loopback by default, a warning for any other
// address. Deno.serve is not used: it has no connection cap or timeouts, and it ends the
// process when accepting fails for lack of file descriptors.
import { type AppOptions, createApp } from "./app.ts";
import { bindWarning, DEFAULT_HOSTNAME } from "./bind.ts";
import {
  type ConnectionLimits,
  type ConnectionStats,
  DEFAULT_MAX_CONNECTIONS,
  serveConnections,
} from "./connections.ts";
import { createLogger } from "./logger.ts";
import { join, resolve } from "node:path";
import { tidyFolder } from "../lib/base/tidy.ts";

/** Options for {@link startServer}. */
export interface StartOptions extends AppOptions {
  /** Port; 0 picks a free one.
   * @default 8080
   */
  port?: number;
  /** Address to bind.
   * @default "127.0.0.1"
   */
  hostname?: string;
  /** Connection cap, timeouts and the request body budget (defaults in ConnectionLimits). */
  limits?: ConnectionLimits;
  /** Called once listening. */
  onListen?: (addr: { hostname: string; port: number }) => void;
}

/** A running server. */
export interface FlowTimeServer {
  /** The address it listens on. */
  addr: Deno.NetAddr;
  /** Resolves when the server has stopped. */
  finished: Promise<void>;
  /** Stop accepting, finish the requests in progress, close every connection. */
  shutdown(): Promise<void>;
  /** Counters of the connection layer. */
  stats(): ConnectionStats;
  /** Same as shutdown. */
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * Start the server. Binding a non-loopback address logs a warning first.
 * @param options folders, port, address and connection limits
 * @returns the running server
 */
export function startServer(options: StartOptions = {}): FlowTimeServer {
  const hostname = options.hostname ?? DEFAULT_HOSTNAME;
  const logger = options.logger === false ? createLogger(false) : options.logger ?? createLogger();
  const warning = bindWarning(hostname);
  if (warning) logger.log(warning);
  const app = createApp({ ...options, logger });
  // Put back runs and captures whose replacement a killed writer left half done (needs write
  // permission; a read-only server skips it).
  const dataDir = resolve(options.dataDir ?? "./data");
  for (const sub of ["runs", "telemetry"]) {
    void tidyFolder(join(dataDir, sub)).then((report) => {
      for (const name of report.recovered) {
        logger.log({ event: "recovered", level: "warn", folder: `${sub}/${name}` });
      }
    }, () => {});
  }
  const listener = Deno.listen({ hostname, port: options.port ?? 8080, transport: "tcp" });
  const addr = listener.addr as Deno.NetAddr;
  const host = addr.hostname.includes(":") ? `[${addr.hostname}]` : addr.hostname;
  const loop = serveConnections(listener, {
    handler: async (request) => await app.fetch(request),
    baseUrl: `http://${host}:${addr.port}`,
    logger,
    limits: options.limits,
  });
  options.onListen?.({ hostname: addr.hostname, port: addr.port });
  const { cap } = loop.stats();
  const configured = options.limits?.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
  if (cap < configured) {
    logger.log({
      event: "connection_cap",
      cap,
      configured,
      reason: "the open-file limit leaves room for this many connections",
    });
  }
  return {
    addr,
    finished: loop.finished,
    shutdown: () => loop.shutdown(),
    stats: () => loop.stats(),
    [Symbol.asyncDispose]: () => loop.shutdown(),
  };
}
