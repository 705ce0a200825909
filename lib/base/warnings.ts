// The machine-readable warning shape shared by the engine, the telemetry loader, run.json and
// the state responses.

/** Severity of a warning. */
export type WarningSeverity = "info" | "warning" | "error";

/** A machine-readable warning: stable code, human message, and where it applies. */
export interface RunWarning {
  /** Stable code, e.g. `telemetry_gap`, `pmf_normalized`. */
  code: string;
  /** What happened, for people. */
  message: string;
  /** Model or topology node the warning is about, if any. */
  nodeId?: string;
  /** Bins affected, ascending, if the warning is about specific bins. */
  bins?: number[];
  /** How serious it is. */
  severity: WarningSeverity;
}

/**
 * Collapse a sorted list of bins into compact text: `[3, 4, 5, 9]` -> `3-5, 9`.
 * @param bins ascending bin indexes
 * @param limit at most this many ranges before "..."
 * @returns the text
 */
export function describeBins(bins: readonly number[], limit = 8): string {
  const parts: string[] = [];
  let i = 0;
  while (i < bins.length && parts.length < limit) {
    let j = i;
    while (j + 1 < bins.length && bins[j + 1] === bins[j] + 1) j++;
    parts.push(i === j ? `${bins[i]}` : `${bins[i]}-${bins[j]}`);
    i = j + 1;
  }
  return parts.join(", ") + (i < bins.length ? ", ..." : "");
}
