// Serving the app on a socket with Deno.serve: loopback by default, a warning for any other
// address.
import { type AppOptions, createApp } from "./app.ts";
import { bindWarning, DEFAULT_HOSTNAME } from "./bind.ts";
import { createLogger } from "./logger.ts";

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
  /** Called once listening. */
  onListen?: (addr: { hostname: string; port: number }) => void;
}

/**
 * Start the server with Deno.serve. Binding a non-loopback address logs a warning.
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
