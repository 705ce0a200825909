// Structured logs: one JSON line per event on stderr (or a supplied sink), silent when asked.
// On stderr the lines are buffered and written in batches (every 100 ms, at 64 KB, at once for
// warnings and errors, and on exit), so logging a request is not a write system call each.

/** A log record. */
export type LogRecord = Record<string, unknown> & {
  event: string;
  level?: "info" | "warn" | "error";
};

/** Writes log records. */
export interface Logger {
  /** Write one record (a `ts` field is added). */
  log(record: LogRecord): void;
  /** Write out any buffered lines now (before the process exits). */
  flush?(): void;
}

const FLUSH_EVERY_MS = 100;
const FLUSH_AT_BYTES = 64 * 1024;

// The default sink: buffered lines on stderr.
const toStderr = (line: string) => console.error(line);

/**
 * A logger writing JSON lines.
 * @param sink where lines go (default stderr, buffered); `false` discards everything
 * @returns the logger
 */
export function createLogger(
  sink: ((line: string) => void) | false = toStderr,
): Logger {
  if (sink === false) return { log() {} };
  const lineOf = (record: LogRecord) =>
    // the common record (no level of its own) skips building a merged object
    record.level === undefined
      ? `{"ts":"${timestamp()}","level":"info",${JSON.stringify(record).slice(1)}`
      : JSON.stringify({ ts: timestamp(), level: record.level, ...record });
  if (sink === toStderr) {
    return {
      log: (record) => stderrBuffer.write(lineOf(record), (record.level ?? "info") !== "info"),
      flush: () => stderrBuffer.flush(),
    };
  }
  return { log: (record) => sink(lineOf(record)) };
}

let lastMs = -1;
let lastIso = "";

// new Date().toISOString(), once per millisecond
function timestamp(): string {
  const now = Date.now();
  if (now !== lastMs) {
    lastMs = now;
    lastIso = new Date(now).toISOString();
  }
  return lastIso;
}

/** Lines waiting for one write to stderr; shared by every logger on stderr, in order. */
class LineBuffer {
  #lines: string[] = [];
  #bytes = 0;
  #timer: number | undefined;
  #hooked = false;

  write(line: string, urgent: boolean): void {
    this.#lines.push(line, "\n");
    this.#bytes += line.length + 1;
    if (!this.#hooked) {
      this.#hooked = true;
      // Deno.exit (Ctrl-C included) dispatches unload: nothing buffered is lost
      globalThis.addEventListener("unload", () => this.flush());
    }
    if (urgent || this.#bytes >= FLUSH_AT_BYTES) this.flush();
    else if (this.#timer === undefined) {
      this.#timer = setTimeout(() => this.flush(), FLUSH_EVERY_MS) as unknown as number;
      Deno.unrefTimer(this.#timer);
    }
  }

  flush(): void {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    if (this.#lines.length === 0) return;
    const bytes = new TextEncoder().encode(this.#lines.join(""));
    this.#lines = [];
    this.#bytes = 0;
    let written = 0;
    try {
      while (written < bytes.length) written += Deno.stderr.writeSync(bytes.subarray(written));
    } catch {
      // stderr closed: the lines have nowhere to go
    }
  }
}

const stderrBuffer = new LineBuffer();
