// Run routes: list and describe runs, the time-travel state queries (/state, /state_window), and
// the run's index, series CSVs and model. Handlers parse input, call lib/, and shape responses.
import type { Context, Hono } from "hono";
import { join } from "node:path";
import { FlowTimeError, fsError, isFlowTimeError } from "../lib/base/errors.ts";
import { listRuns, readRunBundle } from "../lib/artifacts/reader.ts";
import { printable, resolveInside } from "../lib/base/paths.ts";
import { parseBinIndex, parseWindow } from "../lib/state/query.ts";
import { queryState, type StateQueryService, stateResponseText } from "../lib/state/service.ts";
import type { AppEnv, ServerSettings } from "../server.ts";

const SERIES_REF = /^[A-Za-z0-9._@-]+$/;

/**
 * Register the `/v1/runs` routes.
 * @param app the Hono app
 * @param settings server folders and the error responder
 * @param state the state query service over `<dataDir>/runs`
 */
export function registerRunRoutes(
  app: Hono<AppEnv>,
  settings: ServerSettings,
  state: StateQueryService,
): void {
  const guarded = (
    handler: (c: Context<AppEnv>) => Promise<Response>,
  ) =>
  async (c: Context<AppEnv>): Promise<Response> => {
    try {
      return await handler(c);
    } catch (err) {
      if (!isFlowTimeError(err)) throw err;
      c.get("logFields").errorCode = err.code;
      return settings.fail(c, err);
    }
  };
  const openBundle = async (c: Context<AppEnv>) => {
    const runId = c.req.param("runId") ?? "";
    c.get("logFields").runId = runId;
    return await readRunBundle(await state.runDir(runId));
  };

  app.get(
    "/v1/runs",
    guarded(async (c) => c.json({ runs: await listRuns(state.runsDir) })),
  );

  app.get(
    "/v1/runs/:runId",
    guarded(async (c) => {
      const bundle = await openBundle(c);
      return c.json({
        run: bundle.runJson,
        ...(bundle.metadata ? { metadata: bundle.metadata } : {}),
        ...(bundle.manifest ? { manifest: bundle.manifest } : {}),
      });
    }),
  );

  app.get(
    "/v1/runs/:runId/state",
    guarded(async (c) => {
      const fields = c.get("logFields");
      const runId = c.req.param("runId") ?? "";
      Object.assign(fields, { query: "state", runId });
      const binText = singleParam(c, "binIndex");
      fields.binIndex = binText;
      const run = await state.openRun(runId);
      fields.mode = run.mode;
      const binIndex = parseBinIndex(binText, run.timeline.bins, "binIndex");
      fields.binIndex = binIndex;
      return jsonText(c, stateResponseText(queryState(run, { kind: "snapshot", binIndex })));
    }),
  );

  app.get(
    "/v1/runs/:runId/state_window",
    guarded(async (c) => {
      const fields = c.get("logFields");
      const runId = c.req.param("runId") ?? "";
      Object.assign(fields, { query: "state_window", runId });
      const startText = singleParam(c, "startBin");
      const endText = singleParam(c, "endBin");
      Object.assign(fields, { startBin: startText, endBin: endText });
      const run = await state.openRun(runId);
      fields.mode = run.mode;
      const query = parseWindow(startText, endText, run.timeline.bins);
      Object.assign(fields, { startBin: query.startBin, endBin: query.endBin });
      return jsonText(c, stateResponseText(queryState(run, query)));
    }),
  );

  app.get(
    "/v1/runs/:runId/index",
    guarded(async (c) => c.json((await openBundle(c)).index)),
  );

  app.get(
    "/v1/runs/:runId/series/:seriesId",
    guarded(async (c) => {
      const ref = c.req.param("seriesId") ?? "";
      if (!SERIES_REF.test(ref) || ref === "." || ref === "..") {
        throw new FlowTimeError(
          "invalid_id",
          `series id '${
            printable(ref)
          }' is not allowed: give a series id like order_served@ORDER_SERVED@DEFAULT or a node id`,
        );
      }
      const bundle = await openBundle(c);
      const id = bundle.resolveSeriesId(ref);
      const entry = id === undefined ? undefined : bundle.index.series.find((s) => s.id === id);
      if (!entry) {
        throw new FlowTimeError(
          "not_found",
          `run ${bundle.runId} has no series '${ref}' (GET /v1/runs/${bundle.runId}/index lists them)`,
        );
      }
      const path = resolveInside(bundle.dir, entry.path, `series path of ${entry.id}`);
      const bytes = await readRunFile(path, entry.path);
      return c.body(bytes, 200, { "content-type": "text/csv; charset=utf-8" });
    }),
  );

  app.get(
    "/v1/runs/:runId/model",
    guarded(async (c) => {
      const bundle = await openBundle(c);
      if (!bundle.modelPath) {
        throw new FlowTimeError("bundle_invalid", `run ${bundle.runId} has no model/model.yaml`);
      }
      const bytes = await readRunFile(join(bundle.dir, bundle.modelPath), bundle.modelPath);
      return c.body(bytes, 200, { "content-type": "text/yaml; charset=utf-8" });
    }),
  );
}

function singleParam(c: Context<AppEnv>, name: string): string | undefined {
  const all = c.req.queries(name);
  if (all && all.length > 1) {
    throw new FlowTimeError(
      "bin_invalid",
      `${name} is given ${all.length} times; give it once`,
    );
  }
  return all?.[0];
}

function jsonText(c: Context<AppEnv>, text: string): Response {
  return c.body(text, 200, { "content-type": "application/json; charset=utf-8" });
}

async function readRunFile(path: string, rel: string): Promise<Uint8Array<ArrayBuffer>> {
  try {
    return await Deno.readFile(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      throw new FlowTimeError("bundle_invalid", `${rel} is missing from the run folder`);
    }
    throw fsError(err, "reading", path);
  }
}
