// Request bodies of the POST routes, handled in one place: a size limit (413 beyond it) and
// JSON parsing that turns malformed input into a 400 saying what to send.
import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { FlowTimeError } from "../lib/base/errors.ts";

/** Largest request body any route accepts (1 MiB). */
export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Middleware refusing bodies larger than {@link MAX_BODY_BYTES} with a 413 JSON error.
 * @param hint what to send instead, appended to the message
 * @returns the middleware
 */
export function limitBody(hint: string): MiddlewareHandler {
  return bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: () => {
      throw new FlowTimeError(
        "payload_too_large",
        `the request body is larger than ${MAX_BODY_BYTES} bytes; ${hint}`,
      );
    },
  });
}

/**
 * Parse a request body as JSON. An empty body is `emptyValue` when given, else an error.
 * @param text the body text
 * @param expected what the body should be, for the message (e.g. `{"runId": "..."}`)
 * @param emptyValue value of an empty body, if empty is allowed
 * @returns the parsed value
 * @throws FlowTimeError `invalid_body`
 */
export function parseJsonBody(text: string, expected: string, emptyValue?: unknown): unknown {
  if (text.trim() === "") {
    if (emptyValue !== undefined) return emptyValue;
    throw new FlowTimeError("invalid_body", `the request body is empty; send ${expected}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new FlowTimeError(
      "invalid_body",
      `the request body is not valid JSON (${(err as Error).message}); send ${expected}`,
    );
  }
}
