// The hottest request, answered before the router: `GET /v1/runs/{runId}/state?binIndex=<n>`
// on a run already open and a response already encoded. Anything else (another query string,
// a run to open, a response to encode, any error) goes through the app's routes as usual; the
// request's log line is the one the routes would write.
import type { StateQueryService } from "../lib/state/service.ts";
import type { Logger } from "./logger.ts";
import type { StateResponder } from "./state_http.ts";

const STATE_URL =
  /^https?:\/\/[^/?#]+\/v1\/runs\/([A-Za-z0-9._-]{1,200})\/state\?binIndex=(\d{1,15})$/;

/**
 * A request handler that answers cached snapshots, or returns undefined.
 * @param parts the service the routes open runs with, their responder and the request log
 * @returns the handler
 */
export function stateFastPath(
  parts: { state: StateQueryService; responder: StateResponder; logger: Logger },
): (request: Request) => Response | undefined {
  const { state, responder, logger } = parts;
  return (request) => {
    if (request.method !== "GET") return undefined;
    const started = performance.now();
    const url = request.url;
    const m = STATE_URL.exec(url);
    if (m === null || m[1] === "." || m[1] === "..") return undefined;
    const runId = m[1];
    const run = state.openedRun(runId);
    if (run === undefined) return undefined;
    const binIndex = Number(m[2]);
    if (binIndex >= run.timeline.bins) return undefined;
    const response = responder.cached(request.headers, run, { kind: "snapshot", binIndex });
    if (response === undefined) return undefined;
    const path = url.slice(url.indexOf("/v1/runs/"), url.indexOf("?"));
    logger.log({
      event: "request",
      method: "GET",
      path,
      status: response.status,
      durationMs: Math.round((performance.now() - started) * 1000) / 1000,
      query: "state",
      runId,
      binIndex,
      mode: run.mode,
    });
    return response;
  };
}
