// Timestamps written into artifacts. Fixed by an explicit value so that repeated deterministic
// runs give the same bytes (the CLI passes SOURCE_DATE_EPOCH in); the clock otherwise.
import { FlowTimeError } from "./errors.ts";

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
 * The timestamp to write: the explicit value if given, else now.
 * @param explicit an ISO UTC timestamp, if the caller fixed one
 * @param what the option or field name, for the error message
 * @returns ISO UTC text with seconds precision
 */
export function resolveTimestamp(explicit?: string, what = "timestamp"): string {
  return formatUtc(explicit !== undefined ? parseUtc(explicit, what) : new Date());
}
