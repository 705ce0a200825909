// Which files a capture writes: every topology node metric whose semantics resolve to a series
// of the run becomes `<NodeId>_<metric lower-cased>.csv`, one file per node even when shared.
import { join } from "node:path";
import { FlowTimeError } from "../base/errors.ts";
import type { RunBundle } from "../artifacts/reader.ts";
import { isSafeId, printable } from "../base/paths.ts";
import { SEMANTIC_METRICS, type SemanticMetric } from "../model/types.ts";
import { runTopology } from "./run_topology.ts";
import type { CaptureMetric, SkippedBinding } from "./types.ts";
import { RUN_FILES } from "../artifacts/layout.ts";

/** Manifest metric name of each semantic key, in capture order. */
export const CAPTURE_METRICS: Readonly<Record<SemanticMetric, CaptureMetric>> = {
  arrivals: "Arrivals",
  served: "Served",
  errors: "Errors",
  externalDemand: "ExternalDemand",
  queueDepth: "QueueDepth",
  capacity: "Capacity",
};

/** One file to capture and the run series it comes from. */
export interface CaptureBinding {
  /** Topology node id (names the file). */
  nodeId: string;
  /** Semantic key, e.g. `queueDepth`. */
  semantic: SemanticMetric;
  /** Manifest metric name, e.g. `QueueDepth`. */
  metric: CaptureMetric;
  /** File name in the capture folder. */
  path: string;
  /** Model node the semantics name. */
  reference: string;
  /** Series id in the run. */
  sourceSeries: string;
  /** Path of the series CSV relative to the run folder. */
  seriesPath: string;
  /** Hash recorded for the series in series/index.json (empty when the run records none). */
  seriesHash: string;
}

/** The files of a capture and the semantics left out. */
export interface CaptureBindings {
  /** Files to write, node by node in topology order, metrics in capture order. */
  bindings: CaptureBinding[];
  /** Semantics that name no series of the run. */
  skipped: SkippedBinding[];
  /** Topology node ids of the run, in order. */
  nodes: string[];
}

/**
 * The capture file name of a node metric: `<NodeId>_<metric lower-cased>.csv`.
 * @param nodeId topology node id
 * @param semantic semantic key
 * @returns e.g. `SupportQueue_queuedepth.csv`
 */
export function captureFileName(nodeId: string, semantic: SemanticMetric): string {
  return `${nodeId}_${semantic.toLowerCase()}.csv`;
}

/**
 * List the files a capture of a run writes.
 * @param bundle the opened run
 * @returns bindings and skipped semantics
 * @throws FlowTimeError `capture_invalid` when a node id cannot name a file, when two files
 *   would differ only in letter case, or when nothing can be captured; `bundle_invalid` when
 *   the run's model is unreadable
 */
export function captureBindings(bundle: RunBundle): CaptureBindings {
  const modelFile = join(bundle.dir, bundle.modelPath ?? RUN_FILES.model);
  const topology = runTopology(bundle);
  if (topology.length === 0) {
    throw new FlowTimeError(
      "capture_invalid",
      `run ${bundle.runId} has no topology nodes; capture writes one file per topology node and metric, so add a topology to the model and run it again`,
      { file: modelFile },
    );
  }
  const bindings: CaptureBinding[] = [];
  const skipped: SkippedBinding[] = [];
  const byLowerName = new Map<string, string>();
  for (const node of topology) {
    if (!isSafeId(node.id)) {
      throw new FlowTimeError(
        "capture_invalid",
        `topology node id '${
          printable(node.id)
        }' cannot name a capture file: node ids used by capture may contain only letters, digits, '.', '_' and '-'; rename the node in the model`,
        { file: modelFile },
      );
    }
    for (const semantic of SEMANTIC_METRICS) {
      const reference = node.semantics[semantic];
      if (typeof reference !== "string") continue;
      const metric = CAPTURE_METRICS[semantic];
      const entry = bundle.seriesEntry(reference);
      if (entry === undefined) {
        skipped.push({
          nodeId: node.id,
          metric,
          reference,
          reason: `the run has no series for model node '${reference}'`,
        });
        continue;
      }
      const path = captureFileName(node.id, semantic);
      const clash = byLowerName.get(path.toLowerCase());
      if (clash !== undefined) {
        throw new FlowTimeError(
          "capture_invalid",
          `capture files ${clash} and ${path} differ only in letter case and would overwrite each other on some file systems; rename one of the topology nodes`,
          { file: modelFile },
        );
      }
      byLowerName.set(path.toLowerCase(), path);
      bindings.push({
        nodeId: node.id,
        semantic,
        metric,
        path,
        reference,
        sourceSeries: entry.id,
        seriesPath: entry.path,
        seriesHash: entry.hash,
      });
    }
  }
  if (bindings.length === 0) {
    throw new FlowTimeError(
      "capture_invalid",
      `run ${bundle.runId}: no topology semantics name a series of the run, so there is nothing to capture${
        skipped.length > 0
          ? ` (${skipped[0].nodeId} ${skipped[0].metric}: ${skipped[0].reason})`
          : ""
      }`,
      { file: modelFile },
    );
  }
  return { bindings, skipped, nodes: topology.map((n) => n.id) };
}
