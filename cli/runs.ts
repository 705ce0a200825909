// `flowtime runs list|delete`: the runs of the data folder, and removing them (their captures
// only when asked).
import { type Command, printJson } from "./command.ts";

export const runsListCommand: Command = {
  name: "runs list",
  summary: "list the runs of the data folder, newest first",
  help: `flowtime runs list: list the runs of the data folder, newest first

Usage:
  flowtime runs list [--json]

One line per run of $FLOWTIME_DATA_DIR/runs: run id, template, mode, bins, warnings, created.
Folders that are not readable runs and temp folders of unfinished writes are left out.
--json prints {runs: [{runId, templateId, mode, createdUtc, warningCount, grid}]}, as
GET /v1/runs does.
`,
  flags: {},
  async run(ctx) {
    const { listRuns } = await import("../lib/artifacts/listing.ts");
    const runs = await listRuns(ctx.env.runsDir);
    if (ctx.flags.json) {
      printJson(ctx, { runs });
      return 0;
    }
    if (runs.length === 0) {
      ctx.out(`no runs in ${ctx.env.runsDir} (make one with '${ctx.invocation} run')`);
      return 0;
    }
    const rows = [
      ["run", "template", "mode", "bins", "warnings", "created"],
      ...runs.map((r) => [
        r.runId,
        r.templateId,
        r.mode,
        `${r.grid.bins} x ${r.grid.binSize} ${r.grid.binUnit}`,
        String(r.warningCount),
        r.createdUtc,
      ]),
    ];
    const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
    for (const r of rows) ctx.out(r.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd());
    return 0;
  },
};

export const runsDeleteCommand: Command = {
  name: "runs delete",
  summary: "delete runs from the data folder (their captures with --with-captures)",
  help: `flowtime runs delete: delete runs from the data folder

Usage:
  flowtime runs delete <runId>... [--with-captures] [--dry-run] [--json]

Options:
  --with-captures       also delete the run's captures: the folders of
                        $FLOWTIME_DATA_DIR/telemetry whose manifest names the run (kept otherwise)
  --dry-run             say what would be deleted, delete nothing
  --json                print {deleted: [{runId, deleted, keptCaptures, dryRun}]}

Only run folders are deleted: a folder of $FLOWTIME_DATA_DIR/runs holding a run.json, not a
link. Every id is checked before anything is deleted; an unknown id (exit 1) deletes nothing.
`,
  flags: {
    "with-captures": { type: "boolean" },
    "dry-run": { type: "boolean" },
  },
  positionals: { min: 1, max: 1000, names: "<runId>" },
  async run(ctx) {
    const { deleteRun } = await import("../lib/workflow/delete_run.ts");
    const withCaptures = ctx.flags["with-captures"] === true;
    const data = ctx.env.dataDir;
    // check all first, so a typo in the third id does not leave two runs deleted
    const ids = [...new Set(ctx.positionals)];
    for (const id of ids) await deleteRun(data, { runId: id, withCaptures, dryRun: true });
    const dryRun = ctx.flags["dry-run"] === true;
    const results = [];
    for (const id of ids) {
      results.push(await deleteRun(data, { runId: id, withCaptures, dryRun }));
    }
    if (ctx.flags.json) {
      printJson(ctx, { deleted: results });
      return 0;
    }
    for (const r of results) {
      ctx.out(`${dryRun ? "would delete" : "deleted"} ${r.deleted.join(", ")}`);
      if (r.keptCaptures.length > 0) {
        ctx.out(
          `  kept ${r.keptCaptures.length} capture(s) of ${r.runId}: ${
            r.keptCaptures.join(", ")
          } (add --with-captures to delete them too)`,
        );
      }
    }
    return 0;
  },
};
