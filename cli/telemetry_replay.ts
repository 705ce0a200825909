// `flowtime telemetry bundle` (a telemetry-mode model plus a capture folder become a run) and
// `flowtime telemetry parity` (compare two runs bin by bin).
import { dirname, join } from "node:path";
import { FlowTimeError, fsError } from "../lib/base/errors.ts";
import { readRunBundle } from "../lib/artifacts/reader.ts";
import { isSafeId } from "../lib/base/paths.ts";
import { bundleTelemetryRun } from "../lib/workflow/bundle_capture.ts";
import { originFromModel } from "../lib/artifacts/writer.ts";
import { parseModel } from "../lib/model/parse.ts";
import { compareRuns } from "../lib/workflow/parity.ts";
import { type Command, printJson, requireFlag, stringFlag } from "./command.ts";
import { printWrittenRun, RUN_WRITE_FLAGS, runWriteOptions } from "./_run_output.ts";

export const telemetryBundleCommand: Command = {
  name: "telemetry bundle",
  summary: "turn a telemetry-mode model and a capture folder into a run",
  help: `flowtime telemetry bundle: turn a telemetry-mode model and a capture folder into a run

Checks that every file the model reads is listed in the capture's manifest.json with a
matching hash, copies the files and the manifest into <run>/model/telemetry/, points the
model's sources at the copies (file:telemetry/<name>), then evaluates and writes the run.
'flowtime run --template <id> --mode telemetry --telemetry-dir <capture>' does the same after
generating the model.

Usage:
  flowtime telemetry bundle --capture-dir <dir> --model <model.yaml> [options]

Options:
  --capture-dir <dir>   the capture folder (holds manifest.json)
  --model <path>        a telemetry-mode model (mode: telemetry), e.g. from 'flowtime templates
                        generate <id> --mode telemetry --param telemetryDir=<dir>'; relative
                        sources resolve next to it
  --provenance <file>   provenance.json of the generated model (written as model/provenance.json;
                        default: the model's embedded provenance block, if any)
  --out <runsDir>       runs folder (default $FLOWTIME_DATA_DIR/runs)
  --run-id <id>         use this run id
  --deterministic       derive the run id from the model (or template inputs)
  --overwrite           replace an existing run folder with the same id
  --created-at <iso>    fixed createdUtc (also SOURCE_DATE_EPOCH)
  --json                print one JSON object instead of text

Errors (exit 1): no manifest.json; a file the model reads is not in the manifest; a file's
hash differs from the manifest (edited after capture); the capture's grid differs from the
model's. A file deleted after capture is not an error: its series is NaN and the run carries a
telemetry_sources_unresolved warning that /state shows on the node.
`,
  flags: {
    "capture-dir": { type: "string" },
    model: { type: "string" },
    provenance: { type: "string" },
    ...RUN_WRITE_FLAGS,
  },
  async run(ctx) {
    const captureDir = requireFlag(ctx, "capture-dir", "telemetry bundle");
    const modelPath = requireFlag(ctx, "model", "telemetry bundle");
    let modelText: string;
    try {
      modelText = await Deno.readTextFile(modelPath);
    } catch (err) {
      throw fsError(err, "reading model", modelPath);
    }
    const provenancePath = stringFlag(ctx, "provenance");
    let template = originFromModel(parseModel(modelText, { file: modelPath }).model);
    if (provenancePath !== undefined) {
      let provenance: Record<string, unknown>;
      try {
        provenance = JSON.parse(await Deno.readTextFile(provenancePath));
      } catch (err) {
        if (err instanceof SyntaxError) {
          throw new FlowTimeError("usage", `${provenancePath} is not valid JSON: ${err.message}`);
        }
        throw fsError(err, "reading provenance", provenancePath);
      }
      if (!template) {
        throw new FlowTimeError(
          "usage",
          `--provenance given but ${modelPath} has no template metadata to attach it to`,
        );
      }
      template = { ...template, provenance };
    }
    const written = await bundleTelemetryRun({
      captureDir,
      modelText,
      modelFile: modelPath,
      modelDir: dirname(modelPath),
      ...runWriteOptions(ctx),
      template,
    });
    printWrittenRun(ctx, written);
    return 0;
  },
};

export const telemetryParityCommand: Command = {
  name: "telemetry parity",
  summary: "compare two runs bin by bin for every topology node and metric",
  help: `flowtime telemetry parity: compare two runs bin by bin for every topology node and metric

Prints the largest differences. Replaying the capture of a simulation run without gaps gives
parity 0. Two NaN values are equal; NaN against a number is an infinite difference.

Usage:
  flowtime telemetry parity --run <a> --run <b> [--tolerance 0] [--top 10] [--json]

Options:
  --run <run>           a run folder, or a run id in $FLOWTIME_DATA_DIR/runs; give it twice
  --tolerance <x>       allowed absolute difference per bin (default 0)
  --top <n>             how many node metrics to list (default 10)
  --json                print the full report as one JSON object

Exit codes: 0 parity within the tolerance, 1 some bin differs by more (or a metric is missing
from one run), 2 usage.
`,
  flags: {
    run: { type: "string", multiple: true },
    tolerance: { type: "string" },
    top: { type: "string" },
    json: { type: "boolean" },
  },
  async run(ctx) {
    const runs = (ctx.flags.run as string[] | undefined) ?? [];
    if (runs.length !== 2) {
      throw new FlowTimeError(
        "usage",
        `give --run exactly twice, got ${runs.length} (see 'flowtime telemetry parity --help')`,
      );
    }
    const tolerance = numberFlag(stringFlag(ctx, "tolerance") ?? "0", "--tolerance");
    const top = numberFlag(stringFlag(ctx, "top") ?? "10", "--top");
    const [a, b] = await Promise.all(runs.map((r) => readRunBundle(runFolder(r, ctx.env.runsDir))));
    const report = await compareRuns([a, b], { tolerance });
    if (ctx.flags.json) printJson(ctx, report);
    else {
      ctx.out(
        `parity ${report.runs[0]} vs ${
          report.runs[1]
        }: ${report.comparisons.length} node metrics over ${report.bins} bins, largest difference ${report.maxAbsDiff} (tolerance ${tolerance}) -> ${
          report.passed ? "PASS" : "FAIL"
        }`,
      );
      for (const c of report.comparisons.slice(0, top)) {
        ctx.out(
          `  ${`${c.nodeId}.${c.metric}`.padEnd(32)} max |diff| ${
            String(c.maxAbsDiff).padEnd(22)
          } ${c.bin >= 0 ? `at bin ${c.bin}, ` : ""}${c.differingBins} bin(s) over tolerance`,
        );
      }
      for (const m of report.missing) {
        ctx.out(`  ${m.nodeId}.${m.metric} only in ${report.runs[m.onlyIn === "a" ? 0 : 1]}`);
      }
    }
    return report.passed ? 0 : 1;
  },
};

function numberFlag(text: string, flag: string): number {
  const n = Number(text);
  if (text.trim() === "" || !Number.isFinite(n) || n < 0) {
    throw new FlowTimeError("usage", `${flag} must be a number >= 0, got '${text}'`);
  }
  return n;
}

// A bare run id names a run in the data folder; anything else is a folder path.
function runFolder(ref: string, runsDir: string): string {
  if (isSafeId(ref) && !ref.startsWith(".")) {
    try {
      Deno.statSync(ref);
      return ref;
    } catch {
      return join(runsDir, ref);
    }
  }
  return ref;
}
