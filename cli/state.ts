// `flowtime state`: print the time-travel state of a run folder, one bin or a window, as exactly
// the JSON `GET /v1/runs/{runId}/state` and `/state_window` return.
import { FlowTimeError } from "../lib/base/errors.ts";
import { loadStateRun } from "../lib/state/load.ts";
import { parseBinIndex, parseWindowSpec } from "../lib/state/query.ts";
import { queryState, stateResponseText } from "../lib/state/service.ts";
import type { StateQuery } from "../lib/state/types.ts";
import { type Command, requireFlag, stringFlag } from "./command.ts";

export const stateCommand: Command = {
  name: "state",
  summary: "print a run's state in one bin or a window (same JSON as /state)",
  help: `flowtime state: print the time-travel state of a run

Usage:
  flowtime state --run-dir <dir> --bin <i>
  flowtime state --run-dir <dir> --window <start>:<end>

Options:
  --run-dir <dir>       the run folder (e.g. data/runs/run_deterministic_e673448a)
  --bin <i>             one bin (0-based): prints what GET /v1/runs/{id}/state?binIndex=i returns
  --window <a>:<b>      bins a to b inclusive (at most 1000): prints what
                        GET /v1/runs/{id}/state_window?startBin=a&endBin=b returns

Exactly one of --bin and --window. The output is the server's response byte for byte; see
docs/state.md for every field. A simulation run with missing or non-numeric arrivals/served
fails (exit 1, error code mode_validation_failed); a telemetry run always answers, with
warnings.

Examples:
  flowtime state --run-dir fixtures/runs/run_deterministic_e673448a --bin 5
  flowtime state --run-dir fixtures/runs/run_deterministic_e673448a --window 0:11
`,
  flags: {
    "run-dir": { type: "string" },
    bin: { type: "string" },
    window: { type: "string" },
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
    const run = await loadStateRun(runDir);
    const bins = run.timeline.bins;
    const query: StateQuery = bin !== undefined
      ? { kind: "snapshot", binIndex: parseBinIndex(bin, { bins, name: "--bin" }) }
      : parseWindowSpec(window!, { bins });
    ctx.out(stateResponseText(queryState(run, query)).replace(/\n$/, ""));
    return 0;
  },
};
