// Golden state responses: snapshot and window JSON (exactly as `flowtime state` and the server
// return it) for runs of fixture models, each run made afresh in a temp folder.
import { join } from "node:path";
import { runModelFile } from "../../lib/workflow/run_model.ts";
import { loadStateRun } from "../../lib/state/load.ts";
import { queryState, stateResponseText } from "../../lib/state/service.ts";
import type { StateQuery } from "../../lib/state/types.ts";
import { GOLDEN_TIME, PROJECT_ROOT } from "./common.ts";
import type { GoldenSet } from "./registry.ts";

/** A fixture model and the queries whose responses are checked in. */
export interface StateGoldenCase {
  /** Folder name under fixtures/state/. */
  name: string;
  /** Model path relative to the project root. */
  model: string;
  /** Queries to answer. */
  queries: StateQuery[];
}

/** The checked-in cases: what each covers is in docs/state.md ("Golden responses"). */
export const STATE_GOLDEN_CASES: readonly StateGoldenCase[] = [
  {
    // OrderService has a capacity; SupportQueue has slaMin 10 and serves 0 in bin 5.
    name: "queue-buffer",
    model: "fixtures/models/queue-buffer.yaml",
    queries: [
      { kind: "snapshot", binIndex: 0 },
      { kind: "snapshot", binIndex: 5 },
      { kind: "window", startBin: 0, endBin: 11 },
    ],
  },
  {
    // A queue with capacity and slaMin 60 on hourly bins (backlog carried by SHIFT).
    name: "backlog-shift",
    model: "fixtures/models/backlog-shift.yaml",
    queries: [
      { kind: "snapshot", binIndex: 3 },
      { kind: "window", startBin: 0, endBin: 7 },
    ],
  },
  {
    // FlowTime's legacy topology-only model: file: semantics, window.startTimeUtc.
    name: "http-service",
    model: "fixtures/reference/flowtime/http-service/model.yaml",
    queries: [
      { kind: "snapshot", binIndex: 0 },
      { kind: "window", startBin: 90, endBin: 95 },
    ],
  },
  {
    // Telemetry mode with a gap, an unresolved source and a run-level engine warning.
    name: "telemetry-gaps",
    model: "fixtures/models/telemetry-gaps/model.yaml",
    queries: [
      { kind: "snapshot", binIndex: 0 },
      { kind: "snapshot", binIndex: 2 },
      { kind: "window", startBin: 0, endBin: 5 },
    ],
  },
];

/**
 * File name of a query's golden response.
 * @param query the query
 * @returns `state_bin_<i>.json` or `state_window_<a>_<b>.json`
 */
export function goldenFileName(query: StateQuery): string {
  return query.kind === "snapshot"
    ? `state_bin_${query.binIndex}.json`
    : `state_window_${query.startBin}_${query.endBin}.json`;
}

/** State responses of fixture runs, in fixtures/state/<case>/. */
export const stateGoldens: GoldenSet = {
  name: "state",
  dir: "state",
  async generate(outDir) {
    await Deno.mkdir(join(PROJECT_ROOT, ".tmp"), { recursive: true });
    const runsDir = await Deno.makeTempDir({
      dir: join(PROJECT_ROOT, ".tmp"),
      prefix: "golden-state-runs-",
    });
    try {
      for (const c of STATE_GOLDEN_CASES) {
        const written = await runModelFile(join(PROJECT_ROOT, c.model), {
          runsDir,
          deterministic: true,
          createdAt: GOLDEN_TIME,
        });
        const run = await loadStateRun(written.runDir);
        await Deno.mkdir(join(outDir, c.name), { recursive: true });
        for (const q of c.queries) {
          await Deno.writeTextFile(
            join(outDir, c.name, goldenFileName(q)),
            stateResponseText(queryState(run, q)),
          );
        }
      }
    } finally {
      await Deno.remove(runsDir, { recursive: true });
    }
  },
};
