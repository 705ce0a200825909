// `flowtime run`: evaluate a model (or a template) and write its run bundle.
import { runModelFile } from "../lib/workflow/run_model.ts";
import { runsDir } from "../lib/config.ts";
import { type Command, printJson, requireFlag, stringFlag } from "./command.ts";

export const runCommand: Command = {
  name: "run",
  summary: "evaluate a model and write its run bundle",
  help: `flowtime run: evaluate a model and write its canonical run bundle

Usage:
  flowtime run --model <model.yaml> [options]

Options:
  --model <path>        model to evaluate (file: sources resolve next to it)
  --out <runsDir>       runs folder (default $FLOWTIME_DATA_DIR/runs, data dir default ./data)
  --run-id <id>         use this run id (letters, digits, '.', '_', '-')
  --deterministic       derive the run id from the model (run_deterministic_<hash>)
  --overwrite           replace an existing run folder with the same id
  --created-at <iso>    fixed createdUtc (also SOURCE_DATE_EPOCH); with --deterministic the
                        bundle is byte-identical when repeated
  --json                print one JSON object instead of text
  --verbose             show stack traces and every validation problem

Examples:
  flowtime run --model fixtures/models/queue-buffer.yaml
  flowtime run --model model.yaml --deterministic --created-at 2025-10-07T00:00:00Z --json
`,
  flags: {
    model: { type: "string" },
    out: { type: "string" },
    "run-id": { type: "string" },
    deterministic: { type: "boolean" },
    overwrite: { type: "boolean" },
    "created-at": { type: "string" },
    json: { type: "boolean" },
  },
  async run(ctx) {
    const model = requireFlag(ctx, "model", "run");
    const written = await runModelFile(model, {
      runsDir: stringFlag(ctx, "out") ?? runsDir(),
      runId: stringFlag(ctx, "run-id"),
      deterministic: ctx.flags.deterministic === true,
      overwrite: ctx.flags.overwrite === true,
      createdAt: stringFlag(ctx, "created-at"),
    });
    const warnings = written.runJson.warnings;
    if (ctx.flags.json) {
      printJson(ctx, {
        runId: written.runId,
        runDir: written.runDir,
        mode: written.runJson.mode,
        modelHash: written.runJson.modelHash,
        series: written.runJson.series.length,
        warnings,
      });
    } else {
      ctx.out(`run ${written.runId} written to ${written.runDir}`);
      ctx.out(
        `  mode ${written.runJson.mode}, ${written.runJson.grid.bins} bins, ${written.runJson.series.length} series, ${warnings.length} warning(s)`,
      );
      for (const w of warnings) ctx.err(`warning: ${w.code}: ${w.message}`);
    }
    return 0;
  },
};
