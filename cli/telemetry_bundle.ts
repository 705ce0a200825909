// `flowtime telemetry bundle`: a telemetry-mode model plus a capture folder become a run (the
// lower-level form of `flowtime run --mode telemetry`).
import { dirname, resolve } from "node:path";
import { FlowTimeError, fsError } from "../lib/base/errors.ts";
import { type Command, requireFlag, stringFlag } from "./command.ts";
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
  --capture-dir <dir>   the capture folder (holds manifest.json): a path, a path inside the data
                        folder (telemetry/<runId>) or the id of a capture in
                        $FLOWTIME_DATA_DIR/telemetry
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
    "capture-dir": { type: "string", path: "read", dataRef: "capture" },
    model: { type: "string", path: "read" },
    provenance: { type: "string", path: "read" },
    ...RUN_WRITE_FLAGS,
  },
  async run(ctx) {
    const captureDir = requireFlag(ctx, "capture-dir", "telemetry bundle");
    const modelPath = requireFlag(ctx, "model", "telemetry bundle");
    const { MAX_DOCUMENT_BYTES, readUserText } = await import("../lib/base/safe_read.ts");
    const { MAX_YAML_BYTES } = await import("../lib/base/located_yaml.ts");
    const { parseModel } = await import("../lib/model/parse.ts");
    const { originFromModel } = await import("../lib/artifacts/origin.ts");
    const { bundleTelemetryRun, readCaptureFolder } = await import(
      "../lib/workflow/bundle_capture.ts"
    );
    const { canonicalCaptureRef } = await import("../lib/workflow/replay.ts");
    let modelText: string;
    try {
      // a regular file of strict UTF-8, like every model file a user names
      modelText = await readUserText(modelPath, { maxBytes: MAX_YAML_BYTES, code: "yaml_syntax" });
    } catch (err) {
      if (err instanceof FlowTimeError) throw err;
      throw fsError(err, "reading model", modelPath);
    }
    const provenancePath = stringFlag(ctx, "provenance");
    let template = originFromModel(parseModel(modelText, { file: modelPath }).model);
    if (provenancePath !== undefined) {
      let provenance: Record<string, unknown>;
      try {
        provenance = JSON.parse(
          await readUserText(provenancePath, { maxBytes: MAX_DOCUMENT_BYTES, code: "usage" }),
        );
      } catch (err) {
        if (err instanceof FlowTimeError) throw err;
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
    // Paths are taken from where the user stands; the capture is recorded relative to the
    // data folder when it lies there, as `run --telemetry-dir` and the server record it.
    const captureFolder = await readCaptureFolder(resolve(captureDir));
    const written = await bundleTelemetryRun({
      captureDir: canonicalCaptureRef(ctx.env.dataDir, resolve(captureDir)),
      captureFolder,
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
