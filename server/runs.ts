// Run routes: list, describe and delete runs, the time-travel state queries (/state,
// /state_window), and the run's index, series CSVs and model. Handlers parse input, call lib/,
// and shape responses.
import { type Context, Hono } from "hono";
import { join } from "node:path";
import { maxSeriesBytes, readFileInside } from "../lib/base/safe_read.ts";
import { MAX_YAML_BYTES } from "../lib/base/located_yaml.ts";
import { FlowTimeError, fsError } from "../lib/base/errors.ts";
import { type RunBundle, withRun } from "../lib/artifacts/reader.ts";
import { listRuns } from "../lib/artifacts/listing.ts";
import { deleteRun } from "../lib/workflow/delete_run.ts";
import { printable, resolveInside } from "../lib/base/paths.ts";
import { parseBinIndex, parseWindow } from "../lib/state/query.ts";
import type { StateQueryService } from "../lib/state/service.ts";
import type { AppEnv, ServerSettings } from "./app.ts";
import type { StateResponder } from "./state_http.ts";

const SERIES_REF = /^[A-Za-z0-9._@-]+$/;

/**
 * The `/v1/runs` routes, to be mounted at `/v1/runs`: list, describe and delete runs, state
 * queries, the series index, series CSVs and the model.
 * @param settings server folders and limits
 * @param parts the state query service over the runs folder and the state responder
 * @returns the sub-app
 */
export function runRoutes(
  settings: ServerSettings,
  parts: { state: StateQueryService; responder: StateResponder },
): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const { state, responder } = parts;
  // Open the run and use it; a run replaced meanwhile (by an overwrite) is read again from the
  // new copy, so a reader never sees a missing or mixed run while a writer replaces it.
  const useBundle = async <T>(c: Context<AppEnv>, use: (bundle: RunBundle) => T | Promise<T>) => {
    const runId = c.req.param("runId") ?? "";
    c.get("logFields").runId = runId;
    return await withRun(state.runsDir, runId, use);
  };

  app.get("/", async (c) => c.json({ runs: await listRuns(state.runsDir) }));

  app.get("/:runId", async (c) =>
    c.json(
      await useBundle(c, (bundle) => ({
        run: bundle.runJson,
        ...(bundle.metadata ? { metadata: bundle.metadata } : {}),
        ...(bundle.manifest ? { manifest: bundle.manifest } : {}),
      })),
    ));

  // DELETE /v1/runs/{runId}[?captures=true]: the run folder, and its captures only when asked.
  app.delete("/:runId", async (c) => {
    const runId = c.req.param("runId");
    c.get("logFields").runId = runId;
    const captures = singleParam(c, "captures");
    if (captures !== undefined && captures !== "true" && captures !== "false") {
      throw new FlowTimeError(
        "usage",
        `captures must be true or false, got '${printable(captures)}'`,
      );
    }
    const result = await deleteRun(settings.dataDir, {
      runId,
      withCaptures: captures === "true",
    });
    return c.json({
      runId: result.runId,
      deleted: result.deleted,
      keptCaptures: result.keptCaptures,
    });
  });

  app.get("/:runId/state", async (c) => {
    const fields = c.get("logFields");
    const runId = c.req.param("runId");
    Object.assign(fields, { query: "state", runId });
    const binText = singleParam(c, "binIndex");
    fields.binIndex = binText;
    const run = await state.openRun(runId);
    fields.mode = run.mode;
    const binIndex = parseBinIndex(binText, { bins: run.timeline.bins });
    fields.binIndex = binIndex;
    return await responder.respond(c, run, { kind: "snapshot", binIndex });
  });

  app.get("/:runId/state_window", async (c) => {
    const fields = c.get("logFields");
    const runId = c.req.param("runId");
    Object.assign(fields, { query: "state_window", runId });
    const startText = singleParam(c, "startBin");
    const endText = singleParam(c, "endBin");
    Object.assign(fields, { startBin: startText, endBin: endText });
    const run = await state.openRun(runId);
    fields.mode = run.mode;
    const query = parseWindow({ startBin: startText, endBin: endText }, {
      bins: run.timeline.bins,
      maxBins: settings.maxWindowBins,
    });
    Object.assign(fields, { startBin: query.startBin, endBin: query.endBin });
    return await responder.respond(c, run, query);
  });

  app.get("/:runId/index", async (c) => c.json(await useBundle(c, (bundle) => bundle.index)));

  app.get("/:runId/series/:seriesId", async (c) => {
    const ref = c.req.param("seriesId");
    if (!SERIES_REF.test(ref) || ref === "." || ref === "..") {
      throw new FlowTimeError(
        "invalid_id",
        `series id '${
          printable(ref)
        }' is not allowed: give a series id like order_served@ORDER_SERVED@DEFAULT or a node id`,
      );
    }
    const bytes = await useBundle(c, async (bundle) => {
      // A series id, a node id, or (FlowTime bundles) a node reading a file beside the model.
      const entry = bundle.seriesEntry(ref);
      if (!entry) {
        throw new FlowTimeError(
          "not_found",
          `run ${bundle.runId} has no series '${ref}' (GET /v1/runs/${bundle.runId}/index lists them)`,
        );
      }
      const path = resolveInside(bundle.dir, entry.path, `series path of ${entry.id}`);
      return await readRunFile(
        path,
        entry.path,
        bundle.dir,
        maxSeriesBytes(bundle.runJson.grid.bins),
      );
    });
    return c.body(bytes, 200, { "content-type": "text/csv; charset=utf-8" });
  });

  app.get("/:runId/model", async (c) => {
    const bytes = await useBundle(c, async (bundle) => {
      if (!bundle.modelPath) {
        throw new FlowTimeError("bundle_invalid", `run ${bundle.runId} has no model/model.yaml`);
      }
      return await readRunFile(
        join(bundle.dir, bundle.modelPath),
        bundle.modelPath,
        bundle.dir,
        MAX_YAML_BYTES,
      );
    });
    return c.body(bytes, 200, { "content-type": "text/yaml; charset=utf-8" });
  });
  return app;
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

// A file of a run folder, byte for byte: only a regular file inside the folder, at most
// `maxBytes` (a link out, a device or a named pipe is a 409, never read).
async function readRunFile(
  path: string,
  rel: string,
  runDir: string,
  maxBytes: number,
): Promise<Uint8Array<ArrayBuffer>> {
  try {
    return await readFileInside(path, { root: runDir, maxBytes }) as Uint8Array<ArrayBuffer>;
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      throw new FlowTimeError("bundle_invalid", `${rel} is missing from the run folder`);
    }
    throw fsError(err, "reading", path);
  }
}
