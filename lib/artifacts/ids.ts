// Run and series ids (CONTRACTS section 3).
import { FlowTimeError } from "../base/errors.ts";
import { assertSafeId } from "../base/paths.ts";
import { randomHexId } from "../base/atomic.ts";

/**
 * The series id of a node: `<nodeId>@<NODEID>@DEFAULT`.
 * @param nodeId model node id
 * @returns the series id
 */
export function seriesIdOf(nodeId: string): string {
  return `${nodeId}@${nodeId.toUpperCase()}@DEFAULT`;
}

/**
 * The node id inside a series id (the part before the first `@`).
 * @param seriesId a series id (or a bare node id)
 * @returns the node id
 */
export function nodeIdOfSeries(seriesId: string): string {
  const at = seriesId.indexOf("@");
  return at < 0 ? seriesId : seriesId.slice(0, at);
}

/** How to name a run. */
export interface RunIdRequest {
  /** An explicit id (validated). */
  runId?: string;
  /** Derive the id from content instead of clock and randomness. */
  deterministic?: boolean;
  /** Scenario hash (`sha256:...`), for deterministic ids. */
  scenarioHash: string;
  /** Template id and input hash, for deterministic template runs. */
  template?: { id: string; inputHash?: string };
  /** Creation time (ISO UTC), for default ids. */
  createdUtc: string;
}

/**
 * Choose a run id: explicit, deterministic (`run_deterministic_<8 hex>` or
 * `run_<templateId>_<16 hex of inputHash>`), or `run_<yyyyMMddTHHmmssZ>_<8 random hex>`.
 * @param req what to derive it from
 * @returns a safe run id
 */
export function chooseRunId(req: RunIdRequest): string {
  if (req.runId !== undefined) return assertSafeId(req.runId, "run id");
  if (req.deterministic) {
    if (req.template?.inputHash) {
      return assertSafeId(
        `run_${req.template.id}_${hexOf(req.template.inputHash).slice(0, 16)}`,
        "run id",
      );
    }
    return `run_deterministic_${hexOf(req.scenarioHash).slice(0, 8)}`;
  }
  const stamp = req.createdUtc.replace(/[-:]/g, "").replace(/\.\d+/, "").replace(/Z$/, "Z");
  if (!/^\d{8}T\d{6}Z$/.test(stamp)) {
    throw new FlowTimeError("usage", `cannot derive a run id from timestamp '${req.createdUtc}'`);
  }
  return `run_${stamp}_${randomHexId(4)}`;
}

function hexOf(hash: string): string {
  return hash.startsWith("sha256:") ? hash.slice(7) : hash;
}
