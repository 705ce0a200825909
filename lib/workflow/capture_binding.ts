// Which capture file feeds which model node when a capture is replayed. FlowTime binds every
// file of the manifest onto the topology semantics of its node (TelemetryBundleBuilder): the
// file of (OrderService, Served) replaces the series OrderService's `semantics.served` names.
// The toolkit does the same, after the explicit `source` references of the model's const nodes.
import { FlowTimeError } from "../base/errors.ts";
import type { RunWarning } from "../base/warnings.ts";
import type { ParsedModel } from "../model/parse.ts";
import type { SemanticMetric } from "../model/types.ts";
import type { ReadManifestFile } from "../telemetry/manifest_read.ts";
import type { CaptureMetric } from "../telemetry/types.ts";

/** Semantic key each manifest metric binds onto. */
export const METRIC_SEMANTICS: Readonly<Record<CaptureMetric, SemanticMetric>> = {
  Arrivals: "arrivals",
  Served: "served",
  Errors: "errors",
  ExternalDemand: "externalDemand",
  QueueDepth: "queueDepth",
  Capacity: "capacity",
};

/** A model node that takes its series from a capture file. */
export interface FileBinding {
  /** Model node id. */
  nodeId: string;
  /** The manifest entry. */
  file: ReadManifestFile;
  /** How it was bound: the node's own `source`, or the manifest's node and metric. */
  by: "source" | "manifest";
}

/** A topology node's semantic pointed straight at a capture file (the model node it named
 * already reads another file: several topology nodes share it). */
export interface SemanticBinding {
  /** Index of the topology node. */
  index: number;
  /** Topology node id. */
  topologyNodeId: string;
  /** Semantic key. */
  semantic: SemanticMetric;
  /** The manifest entry. */
  file: ReadManifestFile;
}

/**
 * Bind a capture onto a model: first every const node's explicit `source` (each must be a file
 * the manifest lists), then every manifest file onto the model node its topology node's
 * semantic names (node ids compared without letter case, as FlowTime does). When that model
 * node already reads another file (topology nodes sharing one series, e.g. one errors series
 * for three services), the semantic itself is pointed at the file, as FlowTime M-03.02 rewrites
 * it, so every topology node shows its own captured values. A file whose node or metric the
 * model does not have is not bound and gives a warning.
 * @param parsed the telemetry-mode model
 * @param capture the manifest's files, and how to find the file a `source` names
 * @returns the bindings by model node and the warnings
 * @throws FlowTimeError `capture_invalid` when a `source` names a file the manifest does not list
 */
export function bindCapture(
  parsed: ParsedModel,
  capture: {
    files: readonly ReadManifestFile[];
    fileOfSource: (source: string, nodeId: string) => string;
    manifestPath: string;
  },
): { bindings: Map<string, FileBinding>; semantics: SemanticBinding[]; warnings: RunWarning[] } {
  const model = parsed.model;
  const listed = new Map(capture.files.map((f) => [f.path, f]));
  const bindings = new Map<string, FileBinding>();
  const semantics: SemanticBinding[] = [];
  const warnings: RunWarning[] = [];
  for (const node of model.nodes) {
    if (node.kind !== "const" || node.source === undefined) continue;
    const rel = capture.fileOfSource(node.source, node.id);
    const file = listed.get(rel);
    if (!file) {
      throw new FlowTimeError(
        "capture_invalid",
        `node '${node.id}' reads ${rel}, which the capture manifest does not list; the model and the capture do not match`,
        { file: capture.manifestPath },
      );
    }
    bindings.set(node.id, { nodeId: node.id, file, by: "source" });
  }
  const topology = model.topology?.nodes ?? [];
  for (const file of capture.files) {
    const where = `capture file ${file.path} (${file.nodeId} ${file.metric})`;
    const index = topology.findIndex((n) => n.id.toLowerCase() === file.nodeId.toLowerCase());
    const tn = topology[index];
    if (!tn) {
      warnings.push(unbound(`${where}: the model has no topology node '${file.nodeId}'; not used`));
      continue;
    }
    const semantic = METRIC_SEMANTICS[file.metric];
    const ref = tn.semantics[semantic];
    if (typeof ref !== "string") {
      warnings.push(
        unbound(`${where}: topology node '${tn.id}' declares no ${semantic}; not used`),
      );
      continue;
    }
    const bound = bindings.get(ref);
    if (bound?.file.path === file.path) continue;
    if (bound) {
      semantics.push({ index, topologyNodeId: tn.id, semantic, file });
      continue;
    }
    bindings.set(ref, { nodeId: ref, file, by: "manifest" });
  }
  return { bindings, semantics, warnings };
}

function unbound(message: string): RunWarning {
  return { code: "capture_file_unbound", message, severity: "warning" };
}
