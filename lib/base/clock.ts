// Timestamps written into artifacts. Fixed by an explicit value or SOURCE_DATE_EPOCH so that
// repeated deterministic runs give the same bytes; the clock otherwise.
import { FlowTimeError } from "./errors.ts";
import { readEnv } from "../../cli/config.ts";

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]00:00)$/;

/**
 * Format a date as ISO 8601 UTC with seconds and `Z`, e.g. `2025-10-07T00:05:00Z`.
 * @param date the instant
 * @returns the text
 */
export function formatUtc(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/**
 * Parse an ISO 8601 UTC timestamp given by a user (must end in `Z` or `+00:00`).
 * @param text the timestamp
 * @param what the flag or field name, for the error message
 * @returns the date
 */
export function parseUtc(text: string, what: string): Date {
  const date = new Date(text);
  if (!ISO_UTC.test(text) || Number.isNaN(date.getTime())) {
    throw new FlowTimeError(
      "usage",
      `${what}: '${text}' is not an ISO 8601 UTC timestamp (write e.g. 2025-10-07T00:00:00Z)`,
    );
  }
  return date;
}

/**
 * The timestamp to write: the explicit value if given, else `SOURCE_DATE_EPOCH`, else now.
 * @param explicit an ISO timestamp from `--created-at`/`--captured-at`, if any
 * @param what flag name for errors
 * @returns ISO UTC text with seconds precision
 */
export function resolveTimestamp(explicit?: string, what = "--created-at"): string {
  if (explicit !== undefined) return formatUtc(parseUtc(explicit, what));
  const epoch = readEnv("SOURCE_DATE_EPOCH");
  if (epoch !== undefined) {
    if (!/^\d+$/.test(epoch)) {
      throw new FlowTimeError(
        "usage",
        `SOURCE_DATE_EPOCH: '${epoch}' is not a whole number of seconds since 1970-01-01`,
      );
    }
    return formatUtc(new Date(Number(epoch) * 1000));
  }
  return formatUtc(new Date());
}
