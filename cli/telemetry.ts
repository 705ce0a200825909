// `flowtime telemetry ...`: the telemetry command group. `telemetry capture` (also reachable as
// `flowtime capture`) turns a run into a telemetry bundle; later verbs join the same group.
import { dirname, join, resolve } from "node:path";
import { FlowTimeError, fsError } from "../lib/base/errors.ts";
import { isWithin } from "../lib/base/paths.ts";
import type { CaptureOptions } from "../lib/telemetry/capture.ts";
import type { CaptureLogEvent, CaptureResult } from "../lib/telemetry/types.ts";
import {
  type Command,
  type CommandContext,
  type FlagSpec,
  printJson,
  requireFlag,
  stringFlag,
} from "./command.ts";
import { dataFolderRunId, printNext, timestampFlag } from "./_run_output.ts";

/** Captures with at least this many files show progress on a terminal. */
const PROGRESS_MIN_FILES = 100;

const CAPTURE_FLAGS: Record<string, FlagSpec> = {
  "run-dir": { type: "string", path: "read", dataRef: "run" },
  output: { type: "string", path: "write" },
  gaps: { type: "string", path: "read" },
  "dry-run": { type: "boolean" },
  "captured-at": { type: "string" },
  overwrite: { type: "boolean" },
  log: { type: "string", path: "write" },
  json: { type: "boolean" },
};

function captureHelp(name: string): string {
  return `flowtime ${name}: capture a run as a telemetry bundle (one CSV per topology node and
metric, plus manifest.json), optionally with injected gaps

Usage:
  flowtime ${name} --run-dir <dir> [options]

Options:
  --run-dir <dir|id>    the run to capture: its folder (e.g. data/runs/<runId>) or the id of a
                        run in $FLOWTIME_DATA_DIR/runs
  --output <dir>        capture folder (default $FLOWTIME_DATA_DIR/telemetry/<runId>); must not
                        be inside the run folder. A capture already there with the same files
                        is kept ("unchanged")
  --gaps <file>         gap configuration, YAML or JSON (see docs/operations/telemetry-capture-guide.md)
  --dry-run             print the plan (files, warnings, checksum) and write nothing at all
  --captured-at <iso>   fixed capture time (also SOURCE_DATE_EPOCH); with the same run and gaps
                        the bundle is then byte-identical when repeated
  --overwrite           replace an existing capture folder that holds other files
  --log <file>          write the structured log (JSON lines) to this file; not with --dry-run
  --json                print one JSON object (the plan or the result) instead of text
  --verbose             show stack traces and every problem found

Exit codes: 0 ok, 1 failure (bad run, bad gaps, existing output), 2 usage.

Examples:
  flowtime ${name} --run-dir data/runs/run_deterministic_d9dfa8a0
  flowtime ${name} --run-dir <runId> --gaps gaps.yaml --dry-run
  flowtime ${name} --run-dir <runId> --captured-at 2025-10-07T00:00:00Z --log data/capture.log
`;
}

/**
 * Run a capture from parsed flags: the one implementation behind `flowtime telemetry capture`
 * and `flowtime capture`.
 * @param ctx command context
 * @param name the command name used, for messages
 * @returns the exit code
 */
async function runCapture(ctx: CommandContext, name: string): Promise<number> {
  const runDir = requireFlag(ctx, "run-dir", name);
  const dryRun = ctx.flags["dry-run"] === true;
  const capturedAt = timestampFlag(ctx, "captured-at");
  const logPath = stringFlag(ctx, "log");
  if (logPath !== undefined && dryRun) {
    throw new FlowTimeError(
      "usage",
      `--log cannot be combined with --dry-run: a dry run writes nothing (use --json to keep the plan)`,
    );
  }
  const { captureRun, captureRunById, defaultCaptureDir } = await import(
    "../lib/telemetry/capture.ts"
  );
  const { loadGapConfig } = await import("../lib/telemetry/gap_config.ts");
  const gapsPath = stringFlag(ctx, "gaps");
  const gaps = gapsPath === undefined ? undefined : await loadGapConfig(gapsPath);
  let output = stringFlag(ctx, "output");
  if (logPath !== undefined) {
    // The capture folder is replaced as a whole and the run must stay unchanged, so the log
    // may live in neither; the default folder is known once the run id is.
    const { readRunBundle } = await import("../lib/artifacts/reader.ts");
    output ??= defaultCaptureDir((await readRunBundle(runDir)).runId, ctx.env.dataDir);
    for (const [folder, what] of [[output, "capture folder"], [runDir, "run folder"]]) {
      if (isWithin(folder, logPath)) {
        throw new FlowTimeError(
          "usage",
          `--log ${logPath} is inside the ${what} ${folder}; write the log elsewhere`,
        );
      }
    }
  }

  const log = logPath === undefined ? undefined : await openLog(logPath);
  let result: CaptureResult;
  try {
    const options = {
      outputDir: output,
      dataDir: ctx.env.dataDir,
      gaps,
      dryRun,
      capturedAt,
      overwrite: ctx.flags.overwrite === true,
      onLog: log?.write,
      onProgress: ctx.interactive && !ctx.flags.json ? progressPrinter(ctx) : undefined,
    };
    // A run of the data folder's runs is captured by id, as the server does: one replaced while
    // the capture read it is captured again from its new copy.
    const runId = dataFolderRunId(ctx, runDir);
    result = runId !== undefined
      ? await captureRunById(ctx.env.runsDir, runId, options)
      : await captureRun({ ...options, runDir });
  } finally {
    log?.close();
  }

  if (ctx.flags.json) {
    printJson(ctx, summaryOf(result));
    return 0;
  }
  printText(ctx, result);
  return 0;
}

async function openLog(path: string): Promise<{ write(e: CaptureLogEvent): void; close(): void }> {
  let file: Deno.FsFile;
  try {
    await Deno.mkdir(dirname(resolve(path)), { recursive: true });
    file = await Deno.open(path, { write: true, create: true, truncate: true });
  } catch (err) {
    throw fsError(err, "creating log file", path);
  }
  const encoder = new TextEncoder();
  return {
    write(event) {
      const bytes = encoder.encode(JSON.stringify(event) + "\n");
      let written = 0;
      while (written < bytes.length) written += file.writeSync(bytes.subarray(written));
    },
    close() {
      file.close();
    },
  };
}

function progressPrinter(ctx: CommandContext): CaptureOptions["onProgress"] {
  let shown = 0;
  return ({ done, total }) => {
    if (total < PROGRESS_MIN_FILES) return;
    const tenth = Math.floor((done * 10) / total);
    if (tenth > shown) {
      shown = tenth;
      ctx.err(`capturing: ${done}/${total} files (${tenth * 10}%)`);
    }
  };
}

function summaryOf(result: CaptureResult): Record<string, unknown> {
  const m = result.manifest;
  return {
    dryRun: result.dryRun,
    runId: result.runId,
    outputDir: result.outputDir,
    files: m.files,
    warnings: m.warnings,
    ...(m.gaps ? { gaps: m.gaps } : {}),
    checksum: m.checksum,
    manifestHash: result.manifestHash,
    ...(result.skipped.length > 0 ? { skipped: result.skipped } : {}),
    ...(result.dryRun ? { manifest: m } : {}),
    ...(result.dryRun ? {} : { unchanged: result.unchanged === true }),
  };
}

function printText(ctx: CommandContext, result: CaptureResult): void {
  const m = result.manifest;
  if (result.dryRun) {
    ctx.out(`dry run: capture of run ${result.runId} into ${result.outputDir} (nothing written)`);
    const width = Math.max(...m.files.map((f) => f.path.length));
    for (const f of m.files) {
      ctx.out(
        `  ${
          f.path.padEnd(width)
        }  ${f.nodeId} ${f.metric} <- ${f.sourceSeries} (${f.points} points)`,
      );
    }
  } else if (result.unchanged) {
    ctx.out(
      `capture of run ${result.runId} unchanged: ${result.outputDir} already holds it (same files; kept as captured at ${m.provenance.capturedAtUtc})`,
    );
  } else {
    ctx.out(`captured run ${result.runId} into ${result.outputDir}`);
  }
  ctx.out(
    `  ${m.files.length} file(s), ${m.warnings.length} warning(s)${
      m.gaps ? `, gaps ${m.gaps.hash}` : ""
    }, checksum ${m.checksum}`,
  );
  for (const s of result.skipped) {
    ctx.err(`note: ${s.nodeId} ${s.metric} not captured: ${s.reason}`);
  }
  for (const w of m.warnings) {
    if (result.dryRun) ctx.out(`  would warn: ${w.code}: ${w.message}`);
    else ctx.err(`warning: ${w.code}: ${w.message}`);
  }
  if (result.dryRun) return;
  const capture = resolve(dirname(result.outputDir)) ===
      resolve(join(ctx.env.dataDir, "telemetry"))
    ? result.runId
    : result.outputDir;
  const template = m.provenance.templateId;
  printNext(ctx, [
    template
      ? `${ctx.invocation} run --template ${template} --telemetry-dir ${capture} --deterministic`
      : `${ctx.invocation} telemetry bundle --capture-dir ${result.outputDir} --model <telemetry-mode model>`,
  ]);
}

/** `flowtime telemetry capture`. */
export const telemetryCaptureCommand: Command = {
  name: "telemetry capture",
  summary: "capture a run as a telemetry bundle (CSV per node metric + manifest, optional gaps)",
  help: captureHelp("telemetry capture"),
  flags: CAPTURE_FLAGS,
  run: (ctx) => runCapture(ctx, "telemetry capture"),
};

/** `flowtime capture`: the same command under a short name. */
export const captureCommand: Command = {
  name: "capture",
  summary: "same as 'telemetry capture'",
  help: captureHelp("capture"),
  flags: CAPTURE_FLAGS,
  run: (ctx) => runCapture(ctx, "capture"),
};
