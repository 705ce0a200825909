// Which addresses the server may bind without a warning: loopback only. Anything else exposes
// an unauthenticated API to the network and must be asked for with --hostname.
import type { LogRecord } from "./logger.ts";

/** Address bound when no hostname is given. */
export const DEFAULT_HOSTNAME = "127.0.0.1";

/**
 * True for loopback addresses: `localhost`, 127.0.0.0/8 and `::1` (bracketed or not).
 * @param hostname an address or host name
 * @returns whether only this machine can reach it
 */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.trim().toLowerCase().replace(/^\[(.*)\]$/, "$1");
  if (h === "localhost" || h === "::1" || h === "0:0:0:0:0:0:0:1") return true;
  const v4 = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(h);
  return v4 !== null && v4.slice(1).every((part) => Number(part) <= 255);
}

/**
 * The warning logged before binding a non-loopback address, if any.
 * @param hostname the address to bind
 * @returns a `bind_warning` log record, or undefined for loopback addresses
 */
export function bindWarning(hostname: string): LogRecord | undefined {
  if (isLoopbackHost(hostname)) return undefined;
  return {
    event: "bind_warning",
    level: "warn",
    hostname,
    message:
      `binding ${hostname}: the server has no authentication; anyone who can reach this address can read runs and start captures`,
  };
}
