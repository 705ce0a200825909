// Structured logs: one JSON line per event on stderr (or a supplied sink), silent when asked.

/** A log record. */
export type LogRecord = Record<string, unknown> & {
  event: string;
  level?: "info" | "warn" | "error";
};

/** Writes log records. */
export interface Logger {
  /** Write one record (a `ts` field is added). */
  log(record: LogRecord): void;
}

/**
 * A logger writing JSON lines.
 * @param sink where lines go (default stderr); `false` discards everything
 * @returns the logger
 */
export function createLogger(
  sink: ((line: string) => void) | false = (l) => console.error(l),
): Logger {
  if (sink === false) return { log() {} };
  return {
    log(record) {
      sink(
        JSON.stringify({ ts: new Date().toISOString(), level: record.level ?? "info", ...record }),
      );
    },
  };
}
