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
  if (!isValidUtc(text)) {
    throw new FlowTimeError(
      "usage",
      `${what}: '${
        String(text).slice(0, 40)
      }' is not an ISO 8601 UTC timestamp of a real date and time between ${FIRST_YEAR} and ${LAST_YEAR} (write e.g. 2025-10-07T00:00:00Z)`,
    );
  }
  return new Date(text);
}

/** Earliest and latest years of timestamps the toolkit accepts. */
const FIRST_YEAR = 1900;
const LAST_YEAR = 2999;
const PARTS =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/;

/**
 * True when `text` is an ISO 8601 UTC timestamp of a date and time that exist: month 1-12, a
 * day the month has (leap years included), hours 0-23, minutes and seconds 0-59, a year from
 * 1900 to 2999. JavaScript's own parser would move `2025-02-30` to March 2 and `T24:00` to the
 * next day without a word.
 * @param text candidate timestamp
 * @returns whether it is one
 */
export function isValidUtc(text: string): boolean {
  return typeof text === "string" && ISO_UTC.test(text) && isRealDateTime(text);
}

/**
 * True when an ISO 8601 timestamp (any offset) names a date and time that exist, with a year
 * from 1900 to 2999 (see {@link isValidUtc}).
 * @param text candidate timestamp, `YYYY-MM-DDThh:mm[:ss[.f]]` then an offset
 * @returns whether its parts are a real date and time
 */
export function isRealDateTime(text: string): boolean {
  const m = PARTS.exec(text);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1).map((v) => Number(v ?? 0));
  if (year < FIRST_YEAR || year > LAST_YEAR || month < 1 || month > 12) return false;
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day >= 1 && day <= days && hour <= 23 && minute <= 59 && second <= 59;
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
