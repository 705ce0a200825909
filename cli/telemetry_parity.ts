// `flowtime telemetry parity`: compare two runs bin by bin for every topology node and metric.
import { FlowTimeError } from "../lib/base/errors.ts";
import { type Command, printJson, stringFlag } from "./command.ts";

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
    run: { type: "string", multiple: true, path: "read", dataRef: "run" },
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
    const { readRunBundle } = await import("../lib/artifacts/reader.ts");
    const { compareRuns } = await import("../lib/workflow/parity.ts");
    const [a, b] = await Promise.all(runs.map((r) => readRunBundle(r)));
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
