// The viewer's HTTP client: typed calls to the toolkit's JSON routes (runs, run documents, graph,
// /state and /state_window), turning error bodies {error, code} into ApiError.
// @ts-check
/// <reference lib="dom" />

/**
 * @typedef {{bins: number, binSize: number, binUnit: string}} GridSummary
 * @typedef {{runId: string, templateId: string, mode: string, createdUtc: string,
 *   warningCount: number, grid: GridSummary}} RunSummary
 * @typedef {{code: string, message: string, severity?: string, source?: string, nodeId?: string,
 *   metric?: string, bins?: number[]}} StateWarning
 * @typedef {{id: string, kind: string, semantics: Record<string, string | number>}} GraphNode
 * @typedef {{id: string, from: string, to: string, weight?: number}} GraphEdge
 * @typedef {{runId: string, nodes: GraphNode[], edges: GraphEdge[]}} RunGraph
 * @typedef {{run: {runId: string, mode: string, createdUtc: string, modelHash?: string,
 *   grid: GridSummary & {start?: string}, warnings: unknown[]},
 *   metadata?: {templateId?: string, templateTitle?: string, templateVersion?: string,
 *   parameters?: Record<string, unknown>, modelHash?: string, generatedAtUtc?: string,
 *   capture?: {runId?: string, manifestHash?: string, warningCount?: number}}}} RunDetail
 * @typedef {Record<string, Array<number | null>> & {color: string[]}} WindowSeries
 * @typedef {{id: string, kind: string, series: WindowSeries,
 *   telemetry: {sources: string[], warnings: StateWarning[]}}} WindowNode
 * @typedef {{metadata: Record<string, unknown>, window: {startBin: number, endBin: number,
 *   binCount: number}, timestampsUtc: Array<string | null>, nodes: WindowNode[],
 *   warnings: StateWarning[]}} StateWindow
 * @typedef {{id: string, kind: string, metrics: Record<string, number | null>,
 *   derived: Record<string, number | string | null>,
 *   telemetry: {sources: string[], warnings: StateWarning[]}}} SnapshotNode
 * @typedef {{bin: {index: number, startUtc: string | null}, nodes: SnapshotNode[],
 *   warnings: StateWarning[]}} StateSnapshot
 */

/** An error answer of the server, or a network failure (status 0). */
export class ApiError extends Error {
  /**
   * @param {string} message what went wrong
   * @param {number} status HTTP status, 0 when the server was not reached
   * @param {string} code the server's error code
   */
  constructor(message, status, code) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
  }
}

/**
 * GET a JSON document from the server.
 * @template T
 * @param {string} path absolute path with query
 * @param {AbortSignal} [signal] cancels the request
 * @returns {Promise<T>} the parsed body
 */
export async function getJson(path, signal) {
  let res;
  try {
    res = await fetch(path, { signal, headers: { accept: "application/json" } });
  } catch (err) {
    if (err instanceof DOMException && err.name === "AbortError") throw err;
    throw new ApiError(`the server did not answer (${path})`, 0, "unreachable");
  }
  const text = await res.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ApiError(
      `${path} answered ${res.status} with a body that is not JSON`,
      res.status,
      "bad_body",
    );
  }
  if (!res.ok) {
    throw new ApiError(
      body?.error ?? `${path} answered ${res.status}`,
      res.status,
      body?.code ?? "http_error",
    );
  }
  return body;
}

const run = (/** @type {string} */ id) => `/v1/runs/${encodeURIComponent(id)}`;

/** The routes the viewer reads. */
export const api = {
  /** @returns {Promise<{runs: RunSummary[]}>} */
  runs: () => getJson("/v1/runs"),
  /** @param {string} runId @returns {Promise<RunDetail>} */
  run: (runId) => getJson(run(runId)),
  /** @param {string} runId @returns {Promise<RunGraph>} */
  graph: (runId) => getJson(`${run(runId)}/graph`),
  /**
   * @param {string} runId
   * @param {number} startBin first bin
   * @param {number} endBin last bin, inclusive
   * @param {AbortSignal} [signal]
   * @returns {Promise<StateWindow>}
   */
  window: (runId, startBin, endBin, signal) =>
    getJson(`${run(runId)}/state_window?startBin=${startBin}&endBin=${endBin}`, signal),
  /** @param {string} runId @param {number} bin @returns {Promise<StateSnapshot>} */
  state: (runId, bin) => getJson(`${run(runId)}/state?binIndex=${bin}`),
};
