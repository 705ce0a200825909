// `flowtime run`: evaluate a model (or a template) and write its run bundle.
import { resolve } from "node:path";
import { FlowTimeError } from "../lib/base/errors.ts";
import type { WrittenRun } from "../lib/artifacts/writer.ts";
import { type Command, type CommandContext, stringFlag } from "./command.ts";
import { printWrittenRun, RUN_WRITE_FLAGS, runWriteOptions } from "./_run_output.ts";
import { modeFlag, paramFlags, simClientFor } from "./templates.ts";

export const runCommand: Command = {
  name: "run",
  summary: "evaluate a model and write its run bundle",
  help: `flowtime run: evaluate a model and write its canonical run bundle

Usage:
  flowtime run --model <model.yaml> [options]
  flowtime run --template <id> [--params <file>] [--param name=value]... [options]
  flowtime run --template <id> --mode telemetry --telemetry-dir <capture> [options]

Options:
  --model <path>        model to evaluate (file: sources resolve next to it)
  --template <id>       generate the model from this template first (through the Sim service)
  --params <file>       template parameter values, a JSON or YAML mapping
  --param name=value    one template parameter, parsed by its declared type; repeatable
  --mode <mode>         simulation (default; telemetry with --telemetry-dir) or telemetry
  --telemetry-dir <dir> replay this capture folder (from 'flowtime telemetry capture'; a path,
                        a path inside the data folder such as telemetry/<runId>, or the id of a
                        capture in $FLOWTIME_DATA_DIR/telemetry); implies --mode telemetry.
                        telemetryDir, bins, binSize and start are taken from its manifest unless
                        given with --param, and every file the model reads must match the
                        manifest's hash
  --allow-template-mismatch
                        replay a capture whose manifest names another template (refused by
                        default: the run would look plausible and be wrong)
  --sim-url <url>       generate on the Sim service at this URL (default $FLOWTIME_SIM_URL;
                        unset = the templates in $FLOWTIME_TEMPLATES_DIR)
  --out <runsDir>       runs folder (default $FLOWTIME_DATA_DIR/runs, data dir default ./data)
  --run-id <id>         use this run id (letters, digits, '.', '_', '-')
  --deterministic       derive the run id from the model (run_deterministic_<hash>), or for
                        a template from its inputs (run_<templateId>_<16 hex of inputHash>);
                        a run already there with the same content is kept ("unchanged")
  --overwrite           replace an existing run folder with the same id and other content
  --created-at <iso>    fixed createdUtc (also SOURCE_DATE_EPOCH); with --deterministic the
                        bundle is byte-identical when repeated
  --json                print one JSON object instead of text
  --verbose             show stack traces and every validation problem

Examples:
  flowtime run --model fixtures/models/queue-buffer.yaml
  flowtime run --model model.yaml --deterministic --created-at 2025-10-07T00:00:00Z --json
  flowtime run --template order-system --param bins=144 --deterministic
  flowtime run --template order-system \
    --telemetry-dir data/telemetry/run_order-system_16eac463cd745d0c --deterministic
`,
  flags: {
    model: { type: "string", path: "read" },
    template: { type: "string" },
    params: { type: "string", path: "read" },
    param: { type: "string", multiple: true },
    mode: { type: "string" },
    "telemetry-dir": { type: "string", path: "read", dataRef: "capture" },
    "allow-template-mismatch": { type: "boolean" },
    "sim-url": { type: "string" },
    ...RUN_WRITE_FLAGS,
  },
  async run(ctx) {
    printWrittenRun(ctx, await runModelOrTemplate(ctx));
    return 0;
  },
};

async function runModelOrTemplate(ctx: CommandContext): Promise<WrittenRun> {
  const model = stringFlag(ctx, "model");
  const template = stringFlag(ctx, "template");
  if ((model === undefined) === (template === undefined)) {
    throw new FlowTimeError(
      "usage",
      `give either --model or --template${model ? ", not both" : ""} (see 'flowtime run --help')`,
    );
  }
  const options = runWriteOptions(ctx);
  if (model !== undefined) {
    for (const flag of ["params", "param", "mode", "sim-url", "telemetry-dir"]) {
      if (ctx.flags[flag] !== undefined) {
        throw new FlowTimeError("usage", `--${flag} applies to --template runs only`);
      }
    }
    const { runModelFile } = await import("../lib/workflow/run_model.ts");
    return await runModelFile(model, options);
  }
  const telemetryDir = stringFlag(ctx, "telemetry-dir");
  const mode = modeFlag(ctx, "run") ?? (telemetryDir !== undefined ? "telemetry" : undefined);
  if (mode === "telemetry" && telemetryDir === undefined) {
    throw new FlowTimeError(
      "usage",
      "--mode telemetry needs --telemetry-dir <capture folder> (make one with 'flowtime telemetry capture')",
    );
  }
  if (telemetryDir !== undefined && mode !== "telemetry") {
    throw new FlowTimeError(
      "usage",
      "--telemetry-dir replays a capture, which is telemetry mode: leave out --mode simulation",
    );
  }
  if (ctx.flags["allow-template-mismatch"] && telemetryDir === undefined) {
    throw new FlowTimeError("usage", "--allow-template-mismatch applies to --telemetry-dir only");
  }
  const sim = await simClientFor(ctx, options.createdAt);
  const { collectParameters } = await import("../lib/sim/parameters.ts");
  const params = await collectParameters(sim, {
    templateId: template!,
    file: stringFlag(ctx, "params"),
    assignments: paramFlags(ctx),
  });
  if (mode === "telemetry") {
    const { replayCapture } = await import("../lib/workflow/replay.ts");
    // The capture is named relative to the data folder when it lies there (as the server and
    // the demo name it), so the same capture gives the same deterministic run id.
    return (await replayCapture(sim, {
      ...options,
      templateId: template!,
      captureDir: resolve(telemetryDir!),
      sourceDir: ctx.env.dataDir,
      parameters: params,
      allowTemplateMismatch: ctx.flags["allow-template-mismatch"] === true,
    })).written!;
  }
  const { runTemplate } = await import("../lib/workflow/run_template.ts");
  return (await runTemplate(sim, { ...options, templateId: template!, parameters: params, mode }))
    .written;
}
