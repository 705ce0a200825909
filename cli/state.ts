// `flowtime state`: print the time-travel state of a run, one bin or a window: as exactly the
// JSON `GET /v1/runs/{runId}/state` and `/state_window` return, as a table, or as CSV.
import { FlowTimeError } from "../lib/base/errors.ts";
import type { StateQuery } from "../lib/state/types.ts";
import { type Command, requireFlag, stringFlag } from "./command.ts";
import { stateCsv, stateTable } from "./_state_text.ts";

const FORMATS = ["json", "table", "csv"] as const;

export const stateCommand: Command = {
  name: "state",
  summary: "print a run's state in one bin or a window (JSON as /state, a table or CSV)",
  help: `flowtime state: print the time-travel state of a run

Usage:
  flowtime state --run-dir <dir|id> --bin <i> [--format json|table|csv]
  flowtime state --run-dir <dir|id> --window <start>:<end> [--format json|table|csv]

Options:
  --run-dir <dir|id>    the run: its folder (e.g. data/runs/run_deterministic_e673448a) or the
                        id of a run in $FLOWTIME_DATA_DIR/runs
  --bin <i>             one bin (0-based): prints what GET /v1/runs/{id}/state?binIndex=i returns
  --window <a>:<b>      bins a to b inclusive (at most 1000): prints what
                        GET /v1/runs/{id}/state_window?startBin=a&endBin=b returns
  --format <f>          json (default: the server's response byte for byte), table (one
                        aligned row per node, per bin for a window, then the warnings) or csv
                        (one row per node and bin: bin, startUtc, nodeId, kind, the metrics,
                        the derived metrics, color, warnings)
  --json                the same as --format json

Exactly one of --bin and --window. See docs/state.md for every field. A simulation run with
missing or non-numeric arrivals/served fails (exit 1, error code mode_validation_failed); a
telemetry run always answers, with warnings.

Examples:
  flowtime state --run-dir run_deterministic_e673448a --bin 5 --format table
  flowtime state --run-dir fixtures/runs/run_deterministic_e673448a --window 0:11 --format csv
`,
  flags: {
    "run-dir": { type: "string", path: "read", dataRef: "run" },
    bin: { type: "string" },
    window: { type: "string" },
    format: { type: "string" },
  },
  async run(ctx) {
    const runDir = requireFlag(ctx, "run-dir", "state");
    const bin = stringFlag(ctx, "bin");
    const window = stringFlag(ctx, "window");
    if ((bin === undefined) === (window === undefined)) {
      throw new FlowTimeError(
        "usage",
        "give exactly one of --bin <i> and --window <start>:<end> (see 'flowtime state --help')",
      );
    }
    const format = stringFlag(ctx, "format") ?? "json";
    if (!(FORMATS as readonly string[]).includes(format)) {
      throw new FlowTimeError("usage", `--format must be json, table or csv, got '${format}'`);
    }
    if (ctx.flags.json && format !== "json") {
      throw new FlowTimeError("usage", `--json and --format ${format} disagree; give one of them`);
    }
    const { loadStateRun } = await import("../lib/state/load.ts");
    const { parseBinIndex, parseWindowSpec } = await import("../lib/state/query.ts");
    const { queryState, stateResponseText } = await import("../lib/state/service.ts");
    const run = await loadStateRun(runDir);
    const bins = run.timeline.bins;
    const query: StateQuery = bin !== undefined
      ? { kind: "snapshot", binIndex: parseBinIndex(bin, { bins, name: "--bin" }) }
      : parseWindowSpec(window!, { bins });
    const state = queryState(run, query);
    if (format === "table") { for (const line of stateTable(state)) ctx.out(line); }
    else if (format === "csv") ctx.out(stateCsv(state).replace(/\n$/, ""));
    else ctx.out(stateResponseText(state).replace(/\n$/, ""));
    return 0;
  },
};
