// Export routes: `GET /v1/runs/{runId}/openmetrics` streams a run's node metrics as OpenMetrics
// text, the same bytes as `flowtime export openmetrics`.
import { Hono } from "hono";
import { FlowTimeError } from "../lib/base/errors.ts";
import { parseUtc } from "../lib/base/clock.ts";
import { withRun } from "../lib/artifacts/reader.ts";
import { OPENMETRICS_CONTENT_TYPE, openMetricsOfRun } from "../lib/export/openmetrics.ts";
import type { AppEnv, ServerSettings } from "./app.ts";

/**
 * The export routes, to be mounted at `/v1/runs`: `GET /{runId}/openmetrics[?start=<iso>]`.
 * @param settings server folders
 * @returns the sub-app
 */
export function exportRoutes(settings: ServerSettings): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get("/:runId/openmetrics", async (c) => {
    const runId = c.req.param("runId");
    c.get("logFields").runId = runId;
    const starts = c.req.queries("start") ?? [];
    if (starts.length > 1) {
      throw new FlowTimeError("usage", "give start once");
    }
    const start = starts[0];
    if (start !== undefined) parseUtc(start, "start");
    // the run is opened and every series read once before the first byte, so errors keep their
    // status; a run replaced during that read is opened again from its new copy
    const exported = await withRun(
      settings.runsDir,
      runId,
      (bundle) => openMetricsOfRun(bundle, { start }),
    );
    c.get("logFields").series = exported.summary.series;
    const encoder = new TextEncoder();
    const chunks = exported.chunks;
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const next = await chunks.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(next.value));
      },
      async cancel() {
        await chunks.return(undefined);
      },
    });
    return new Response(body, {
      status: 200,
      headers: { "content-type": OPENMETRICS_CONTENT_TYPE },
    });
  });
  return app;
}
