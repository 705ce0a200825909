// What every command that writes a run shares: the naming flags and how the written run is
// reported (text, or one JSON object with --json).
import type { WrittenRun } from "../lib/artifacts/writer.ts";
import type { RunNaming } from "../lib/artifacts/writer.ts";
import { parseUtc } from "../lib/base/clock.ts";
import { type CommandContext, type FlagSpec, printJson, stringFlag } from "./command.ts";

/** Flags of commands that write a run. */
export const RUN_WRITE_FLAGS: Record<string, FlagSpec> = {
  out: { type: "string" },
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
    });
    return;
  }
  ctx.out(`run ${written.runId} written to ${written.runDir}`);
  ctx.out(
    `  mode ${written.runJson.mode}, ${written.runJson.grid.bins} bins, ${written.runJson.series.length} series, ${warnings.length} warning(s)`,
  );
  if (capture) {
    ctx.out(
      `  replays capture of run ${capture.runId} (checksum ${capture.checksum}, ${capture.warningCount} capture warning(s))`,
    );
  }
  for (const w of warnings) ctx.err(`warning: ${w.code}: ${w.message}`);
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
