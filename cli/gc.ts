// `flowtime gc`: finish or undo replacements a killed writer left half done, and remove temp
// folders left behind by interrupted writes.
import { join } from "node:path";
// atomic.ts is light (no packages; cli/process.ts loads it anyway) and the help text needs it.
import { STALE_TEMP_MS } from "../lib/base/atomic.ts";
import { type Command, integerFlag, printJson, stringFlag } from "./command.ts";

const DEFAULT_MIN_AGE_S = STALE_TEMP_MS / 1000;

export const gcCommand: Command = {
  name: "gc",
  summary: "remove temp folders left by interrupted runs and captures",
  help: `flowtime gc: remove temp folders left by interrupted runs and captures

Usage:
  flowtime gc [--data-dir <dir>] [--min-age <seconds>] [--json]

A run or capture replaced by a writer that was killed half-way is put back first: the new
copy when it was complete, else the old one. Then temp folders at least --min-age old are
removed.

Options:
  --data-dir <dir>      data folder to clean (default $FLOWTIME_DATA_DIR or ./data)
  --min-age <seconds>   only remove temp folders at least this old (default ${DEFAULT_MIN_AGE_S}: younger
                        ones may belong to a write in progress; 0 removes them all)
  --json                print what was removed and put back as JSON
`,
  flags: {
    "data-dir": { type: "string", path: "write" },
    "min-age": { type: "string" },
    json: { type: "boolean" },
  },
  async run(ctx) {
    const base = stringFlag(ctx, "data-dir") ?? ctx.env.dataDir;
    const minAge = (integerFlag(ctx, "min-age", 0) ?? DEFAULT_MIN_AGE_S) * 1000;
    const { tidyFolder } = await import("../lib/base/tidy.ts");
    const removed: string[] = [];
    const recovered: string[] = [];
    for (const sub of ["runs", "telemetry"]) {
      // A folder that cannot be read is an error, not "nothing to clean".
      const report = await tidyFolder(join(base, sub), minAge);
      removed.push(...report.removed.map((name) => `${sub}/${name}`));
      recovered.push(...report.recovered.map((name) => `${sub}/${name}`));
    }
    if (ctx.flags.json) printJson(ctx, { dataDir: base, removed, recovered });
    else {
      for (const r of recovered) ctx.out(`put back ${r} (its replacement was interrupted)`);
      ctx.out(
        removed.length === 0
          ? `nothing to clean in ${base}`
          : `removed ${removed.length} temp folder(s) from ${base}: ${removed.join(", ")}`,
      );
    }
    return 0;
  },
};
