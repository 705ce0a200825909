// `flowtime export openmetrics`: a run's topology node metrics as OpenMetrics text, for
// `promtool tsdb create-blocks-from openmetrics` to backfill into Prometheus.
import type { RunBundle } from "../lib/artifacts/reader.ts";
import { parseUtc } from "../lib/base/clock.ts";
import { type Command, printJson, requireFlag, stringFlag } from "./command.ts";
import { dataFolderRunId } from "./_run_output.ts";

export const exportOpenMetricsCommand: Command = {
  name: "export openmetrics",
  summary: "export a run's node metrics as OpenMetrics text (for promtool backfill)",
  help: `flowtime export openmetrics: export a run's topology node metrics as OpenMetrics text

One gauge family per metric, flowtime_<metric> (flowtime_arrivals, flowtime_served,
flowtime_errors, flowtime_externaldemand, flowtime_queuedepth, flowtime_capacity), labels node
and run_id, one sample per bin at the bin's end time; NaN bins are left out; '# EOF' last.

Usage:
  flowtime export openmetrics --run-dir <dir> [--output <file>] [--start <iso>] [--overwrite]

Options:
  --run-dir <dir|id>    the run: its folder (e.g. data/runs/<runId>) or its id
  --output <file>       write the text here (atomically) instead of to stdout
  --start <iso>         time of bin 0, replacing the run's grid start (needed when it has none)
  --overwrite           replace an existing --output file
  --json                with --output: print {runId, output, families, series, samples, omitted}

Backfill into Prometheus (then start it with that storage folder):
  flowtime export openmetrics --run-dir data/runs/<runId> --output data/run.om
  promtool tsdb create-blocks-from openmetrics data/run.om <prometheus storage folder>
`,
  flags: {
    "run-dir": { type: "string", path: "read", dataRef: "run" },
    output: { type: "string", path: "write" },
    start: { type: "string" },
    overwrite: { type: "boolean" },
    json: { type: "boolean" },
  },
  async run(ctx) {
    const runDir = requireFlag(ctx, "run-dir", "export openmetrics");
    const start = stringFlag(ctx, "start");
    if (start !== undefined) parseUtc(start, "--start");
    const output = stringFlag(ctx, "output");
    const { withRun } = await import("../lib/artifacts/reader.ts");
    const { openMetricsOfRun, writeOpenMetrics } = await import("../lib/export/openmetrics.ts");
    // A run of the data folder's runs is read by id, as the server does: one replaced while it is
    // read is read again from its new copy (to stdout, up to the first line; to a file, whole).
    const runId = dataFolderRunId(ctx, runDir);
    const byId = <T>(use: (run: string | RunBundle) => Promise<T>): Promise<T> =>
      runId === undefined ? use(runDir) : withRun(ctx.env.runsDir, runId, use);
    if (output === undefined) {
      const exported = await byId((run) => openMetricsOfRun(run, { start }));
      for await (const chunk of exported.chunks) ctx.out(chunk.replace(/\n$/, ""));
      return 0;
    }
    const summary = await byId((run) =>
      writeOpenMetrics(run, { output, start, overwrite: ctx.flags.overwrite === true })
    );
    if (ctx.flags.json) {
      printJson(ctx, { ...summary, output });
      return 0;
    }
    ctx.out(
      `exported run ${summary.runId} to ${output}: ${summary.series} series in ${summary.families.length} families, ${summary.samples} samples${
        summary.omitted > 0 ? `, ${summary.omitted} NaN bin(s) left out` : ""
      }`,
    );
    return 0;
  },
};
