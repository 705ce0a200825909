// `flowtime export flowtime`: a copy of a run that FlowTime itself reads (its /state and its
// capture).
import { basename, join } from "node:path";
import { type Command, printJson, requireFlag, stringFlag } from "./command.ts";

export const exportFlowTimeCommand: Command = {
  name: "export flowtime",
  summary: "write a copy of a run that FlowTime (M-03.02 and HEAD) reads",
  help: `flowtime export flowtime: write a copy of a run that FlowTime itself reads

Usage:
  flowtime export flowtime --run-dir <dir> [--out <folder>] [--overwrite] [--json]

Options:
  --run-dir <dir|id>    the run to export: its folder or its id in $FLOWTIME_DATA_DIR/runs
  --out <folder>        the folder to write (default $FLOWTIME_DATA_DIR/export/<runId>; FlowTime
                        serves <its data folder>/<runId>, so keep the run id as the name)
  --overwrite           replace an existing folder
  --json                print {runId, outputDir, unset, files}

The copy has run.json with warnings as text, a topology-only model whose semantics are file:
references to the series (queue and queueDepth, startTimeUtc and start), and metadata.json and
manifest.json as FlowTime writes them. It is for FlowTime's /state and capture; it holds no
nodes to re-run. A semantic FlowTime requires that the run lacks (errors) reads an all-NaN
series and is listed under 'unset'. See docs/interop.md.
`,
  flags: {
    "run-dir": { type: "string", path: "read", dataRef: "run" },
    out: { type: "string", path: "write" },
    overwrite: { type: "boolean" },
    json: { type: "boolean" },
  },
  async run(ctx) {
    const runDir = requireFlag(ctx, "run-dir", "export flowtime");
    const outputDir = stringFlag(ctx, "out") ??
      join(ctx.env.dataDir, "export", basename(runDir.replace(/\/+$/, "")));
    const { exportForFlowTime } = await import("../lib/export/mod.ts");
    const result = await exportForFlowTime(runDir, {
      outputDir,
      overwrite: ctx.flags.overwrite === true,
    });
    if (ctx.flags.json) printJson(ctx, result);
    else {
      ctx.out(`exported run ${result.runId} for FlowTime into ${result.outputDir}`);
      for (const u of result.unset) {
        ctx.err(`note: ${u} is not in the run; the copy reads an all-NaN series for it`);
      }
    }
    return 0;
  },
};
