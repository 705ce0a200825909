// `flowtime gc`: remove temp folders left behind by interrupted writes.
import { join } from "node:path";
import { removeStaleTemps } from "../lib/base/atomic.ts";
import { type Command, integerFlag, printJson, stringFlag } from "./command.ts";

export const gcCommand: Command = {
  name: "gc",
  summary: "remove temp folders left by interrupted runs and captures",
  help: `flowtime gc: remove temp folders left by interrupted runs and captures

Usage:
  flowtime gc [--data-dir <dir>] [--min-age <seconds>] [--json]

Options:
  --data-dir <dir>      data folder to clean (default $FLOWTIME_DATA_DIR or ./data)
  --min-age <seconds>   only remove temp folders at least this old (default 0: all of them;
                        do not run while a write is in progress)
  --json                print the removed folders as JSON
`,
  flags: {
    "data-dir": { type: "string", path: "write" },
    "min-age": { type: "string" },
    json: { type: "boolean" },
  },
  async run(ctx) {
    const base = stringFlag(ctx, "data-dir") ?? ctx.env.dataDir;
    const minAge = (integerFlag(ctx, "min-age", 0) ?? 0) * 1000;
    const removed: string[] = [];
    for (const sub of ["runs", "telemetry"]) {
      for (const name of await removeStaleTemps(join(base, sub), minAge)) {
        removed.push(`${sub}/${name}`);
      }
    }
    if (ctx.flags.json) printJson(ctx, { dataDir: base, removed });
    else {ctx.out(
        removed.length === 0
          ? `nothing to clean in ${base}`
          : `removed ${removed.length} temp folder(s) from ${base}: ${removed.join(", ")}`,
      );}
    return 0;
  },
};
