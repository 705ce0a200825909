// The one mapping from FlowTimeError codes to HTTP statuses. Bad input is always 4xx; only
// genuine server faults are 5xx. Every error body is JSON {error, code[, details]}.
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { FlowTimeError, type FlowTimeErrorCode } from "../lib/base/errors.ts";
import type { AppEnv } from "./app.ts";

const STATUS: Partial<Record<FlowTimeErrorCode, ContentfulStatusCode>> = {
  usage: 400,
  invalid_id: 400,
  path_escape: 400,
  bin_invalid: 400,
  bin_out_of_range: 400,
  window_invalid: 400,
  invalid_mode: 400,
  invalid_body: 400,
  gaps_invalid: 400,
  mapping_invalid: 400,
  not_found: 404,
  run_not_found: 404,
  template_not_found: 404,
  bundle_invalid: 409,
  provenance_mismatch: 409,
  run_exists: 409,
  output_exists: 409,
  hash_mismatch: 409,
  template_mismatch: 409,
  payload_too_large: 413,
  window_too_large: 413,
  yaml_syntax: 422,
  model_invalid: 422,
  expr_invalid: 422,
  cycle: 422,
  invalid_parameters: 422,
  mode_validation_failed: 422,
  template_invalid: 422,
  unsupported_feature: 422,
  capture_invalid: 422,
  telemetry_invalid: 422,
  parity_failed: 422,
  import_invalid: 422,
  query_failed: 422,
  sim_unavailable: 502,
  sim_error: 502,
  source_unavailable: 502,
  source_error: 502,
  resources_exhausted: 503,
};

/**
 * True when an error is the server's own fault (answered 500 and logged with its stack):
 * anything that is not a FlowTimeError with a code mapped to a 4xx or 502.
 * @param err what was thrown
 * @returns whether it is a server fault
 */
export function isServerFault(err: unknown): boolean {
  return !(err instanceof FlowTimeError) || statusFor(err.code) === 500;
}

/**
 * True when a status means the server could not serve at the moment (answered with a
 * `Retry-After`): 503.
 * @param status HTTP status
 * @returns whether a retry later may succeed
 */
export function isTemporary(status: number): boolean {
  return status === 503;
}

/**
 * HTTP status for an error code.
 * @param code a FlowTimeError code
 * @returns the status (500 for codes that mean a server fault)
 */
export function statusFor(code: FlowTimeErrorCode): ContentfulStatusCode {
  return STATUS[code] ?? 500;
}

/** JSON error body. */
export interface ErrorBody {
  /** Human message. */
  error: string;
  /** Stable code. */
  code: string;
  /** Structured details (e.g. invalid parameters). */
  details?: unknown;
}

/**
 * Build the JSON response for a thrown value. Messages never carry absolute paths of the
 * server's folders; a fix is phrased as the request field that sets it, where the route
 * declared one (`requestFields`), and left out otherwise.
 * @param c Hono context
 * @param err what was thrown
 * @param hidePaths absolute folders to replace by their role in messages
 * @returns the response
 */
export function errorResponse(
  c: Context<AppEnv>,
  err: unknown,
  hidePaths: Array<[string, string]> = [],
): Response {
  if (err instanceof FlowTimeError) {
    const fields = c.get("requestFields") as Record<string, string> | undefined;
    const message = err.messageWith((fix) => {
      const field = fields?.[fix.option];
      return field ? `send "${field}": true to ${fix.effect}` : undefined;
    });
    const hint = err.code === "run_not_found" ? " (GET /v1/runs lists the runs)" : "";
    const body: ErrorBody = { error: scrub(message + hint, hidePaths), code: err.code };
    if (err.details !== undefined) body.details = scrubDeep(err.details, hidePaths);
    const status = statusFor(err.code);
    return c.json(body, status, isTemporary(status) ? { "retry-after": "1" } : {});
  }
  return c.json({ error: "internal error; see the server log", code: "internal_error" }, 500);
}

function scrub(text: string, hidePaths: Array<[string, string]>): string {
  let out = text;
  for (const [abs, label] of hidePaths) if (abs) out = out.split(abs).join(label);
  return out;
}

function scrubDeep(value: unknown, hidePaths: Array<[string, string]>): unknown {
  if (typeof value === "string") return scrub(value, hidePaths);
  if (Array.isArray(value)) return value.map((v) => scrubDeep(v, hidePaths));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrubDeep(v, hidePaths)]));
  }
  return value;
}
