// What every command that writes a run shares: the naming flags and how the written run is
// reported (text, or one JSON object with --json).
import { basename, dirname, resolve } from "node:path";
import { isSafeId } from "../lib/base/paths.ts";
import type { WrittenRun } from "../lib/artifacts/writer.ts";
import type { RunNaming } from "../lib/artifacts/writer.ts";
import { parseUtc } from "../lib/base/clock.ts";
import { FlowTimeError } from "../lib/base/errors.ts";
import { type CommandContext, type FlagSpec, printJson, stringFlag } from "./command.ts";

/** Flags of commands that write a run. */
export const RUN_WRITE_FLAGS: Record<string, FlagSpec> = {
  out: { type: "string", path: "write" },
  "run-id": { type: "string" },
  deterministic: { type: "boolean" },
  overwrite: { type: "boolean" },
  "created-at": { type: "string" },
  json: { type: "boolean" },
};

/**
 * The runs folder and naming options from the flags.
 * @param ctx command context
 * @returns runs folder, run id, deterministic, overwrite and creation time
 */
export function runWriteOptions(ctx: CommandContext): RunNaming & { runsDir: string } {
  if (ctx.flags.deterministic === true && stringFlag(ctx, "run-id") !== undefined) {
    throw new FlowTimeError(
      "usage",
      "give either --run-id <id> or --deterministic (which derives the id), not both",
    );
  }
  return {
    runsDir: stringFlag(ctx, "out") ?? ctx.env.runsDir,
    runId: stringFlag(ctx, "run-id"),
    deterministic: ctx.flags.deterministic === true,
    overwrite: ctx.flags.overwrite === true,
    createdAt: timestampFlag(ctx, "created-at"),
  };
}

/**
 * Report a written run: its id and folder (and the capture it replays), warnings on stderr; or
 * one JSON object `{runId, runDir, mode, modelHash, series, warnings, capture?}` with --json.
 * @param ctx command context
 * @param written the run
 */
export function printWrittenRun(ctx: CommandContext, written: WrittenRun): void {
  const warnings = written.runJson.warnings;
  const capture = written.metadata.capture;
  if (ctx.flags.json) {
    printJson(ctx, {
      runId: written.runId,
      runDir: written.runDir,
      mode: written.runJson.mode,
      modelHash: written.runJson.modelHash,
      series: written.runJson.series.length,
      warnings,
      ...(capture ? { capture } : {}),
      unchanged: written.unchanged === true,
    });
    return;
  }
  ctx.out(
    written.unchanged
      ? `run ${written.runId} unchanged: ${written.runDir} already holds this run (same model and results; kept as written at ${written.runJson.createdUtc})`
      : `run ${written.runId} written to ${written.runDir}`,
  );
  ctx.out(
    `  mode ${written.runJson.mode}, ${written.runJson.grid.bins} bins, ${written.runJson.series.length} series, ${warnings.length} warning(s)`,
  );
  if (capture) {
    ctx.out(
      `  replays capture of run ${capture.runId} (checksum ${capture.checksum}, ${capture.warningCount} capture warning(s))`,
    );
  }
  for (const w of warnings) ctx.err(`warning: ${w.code}: ${w.message}`);
  const run = runRef(ctx, written.runDir, written.runId);
  const bin = Math.floor(written.runJson.grid.bins / 2);
  const next = [`${ctx.invocation} state --run-dir ${run} --bin ${bin} --format table`];
  if (capture) {
    next.push(`${ctx.invocation} telemetry parity --run ${capture.runId} --run ${run}`);
  } else if (written.runJson.mode === "simulation") {
    next.push(`${ctx.invocation} telemetry capture --run-dir ${run}`);
  }
  printNext(ctx, next);
}

/**
 * How a next-step hint names a run: its id when it lies in the data folder's runs (every
 * `--run-dir` takes an id), else its folder.
 * @param ctx command context
 * @param runDir the run folder
 * @param runId the run id
 * @returns the id or the folder
 */
export function runRef(ctx: CommandContext, runDir: string, runId: string): string {
  return resolve(dirname(runDir)) === resolve(ctx.env.runsDir) ? runId : runDir;
}

/**
 * The id of a run folder that lies in the data folder's runs, so that a command reads it by id
 * as the server does (`withRun`: a run replaced while it is read is read again from its new
 * copy); undefined for any other folder, which is read as found. Reading by id needs the runs
 * folder itself readable and the run a real folder in it (a link to a run elsewhere is no run
 * by id), so a link, or permission to read the run alone, means the folder is read as found.
 * @param ctx command context
 * @param runDir the run folder a `--run-dir` named
 * @returns the run id, or undefined
 */
export function dataFolderRunId(ctx: CommandContext, runDir: string): string | undefined {
  const runId = basename(runDir);
  const runsDir = ctx.env.runsDir;
  return resolve(dirname(runDir)) === resolve(runsDir) && isSafeId(runId) &&
      Deno.permissions.querySync({ name: "read", path: runsDir }).state === "granted" &&
      isFolder(runDir)
    ? runId
    : undefined;
}

// A folder, not a link to one (Deno's own call: node:fs would cost every command's start some
// 60 ms to load).
function isFolder(path: string): boolean {
  try {
    return Deno.lstatSync(path).isDirectory;
  } catch {
    return false;
  }
}

/**
 * Print the commands that usually come next, as the demo does (text output only).
 * @param ctx command context
 * @param commands whole command lines
 */
export function printNext(ctx: CommandContext, commands: string[]): void {
  commands.forEach((c, i) => ctx.out(`${i === 0 ? "next: " : "      "}${c}`));
}

/**
 * A timestamp flag (`--created-at`, `--captured-at`), checked, or the fixed time
 * SOURCE_DATE_EPOCH asks for.
 * @param ctx command context
 * @param name flag name
 * @returns ISO UTC text, or undefined for "now"
 */
export function timestampFlag(ctx: CommandContext, name: string): string | undefined {
  const text = stringFlag(ctx, name);
  if (text !== undefined) {
    parseUtc(text, `--${name}`);
    return text;
  }
  return ctx.env.fixedTime();
}
