// Opens a run folder for state queries: checks it is consistent, reads the series every topology
// node names, and prepares the metadata envelope and warnings once, so queries are pure slicing.
import { join } from "node:path";
import { FlowTimeError } from "../base/errors.ts";
import { hashOf } from "../base/hash.ts";
import { canonicalJson } from "../base/json.ts";
import { readRunBundle, type RunBundle } from "../artifacts/reader.ts";
import type { RunMode, SemanticMetric, TopologyEdge, TopologyNodeKind } from "../model/types.ts";
import { SEMANTIC_METRICS } from "../model/types.ts";
import { SCHEMAS } from "../schema/schemas.ts";
import { readCaptureFacts } from "./_capture.ts";
import { type Timeline, timelineOf } from "./timeline.ts";
import type {
  NodeTelemetryWarning,
  StateMetadata,
  StateSchemaInfo,
  StateWarning,
} from "./types.ts";
import { routeRunWarnings } from "./warnings.ts";
import { RUN_FILES } from "../artifacts/layout.ts";
import { TOOLKIT_VERSION } from "../base/version.ts";
import { EventLoopTurns } from "../base/turn.ts";

/** A topology node with the series its semantics name. */
export interface StateNode {
  /** Topology node id. */
  id: string;
  /** Topology node kind. */
  kind: TopologyNodeKind;
  /** Latency target in minutes, if declared. */
  slaMin?: number;
  /** Model node id named by each declared metric. */
  refs: Partial<Record<SemanticMetric, string>>;
  /** The series of each declared metric the run holds. */
  series: Partial<Record<SemanticMetric, Float64Array>>;
  /** `source` references of the named model nodes. */
  sources: string[];
  /** run.json loader warnings of the named model nodes (all bins). */
  warnings: NodeTelemetryWarning[];
}

/** A run opened for state queries. */
export interface StateRun {
  /** The run folder. */
  dir: string;
  /** Run id. */
  runId: string;
  /** Run mode. */
  mode: RunMode;
  /** Bin length and timestamps. */
  timeline: Timeline;
  /** The response envelope. */
  metadata: StateMetadata;
  /** Topology nodes in declaration order. */
  nodes: StateNode[];
  /** Topology edges in declaration order. */
  edges: TopologyEdge[];
  /** Model nodes that carry a loader warning (gaps there are already reported). */
  flaggedModelNodes: ReadonlySet<string>;
  /** Run-level warnings (run.json and run checks), all bins. */
  warnings: StateWarning[];
  /** Capture manifest warnings, all bins. */
  captureWarnings: StateWarning[];
  /** `sha256:` over everything a response depends on (the envelope, warnings, topology, the
   * series' recorded hashes, and the values of series without one), with the toolkit version:
   * equal identities give byte-equal responses to the same query. */
  identity: string;
}

let schemaInfo: StateSchemaInfo | undefined;

/**
 * The `schema` block of every response: id, version and the hash of the published schema.
 * @returns the schema info
 */
export function stateSchemaInfo(): StateSchemaInfo {
  schemaInfo ??= {
    id: "time-travel/v1",
    version: "1",
    hash: hashOf(canonicalJson(SCHEMAS["time-travel-state"])),
  };
  return schemaInfo;
}

/**
 * Open a run folder for state queries.
 * @param runDir the run folder
 * @returns the run, ready for {@link import("./query_state.ts").queryState}
 * @throws FlowTimeError `run_not_found` when the folder is missing; `bundle_invalid` when a
 *   document, the model or a series is unreadable; `provenance_mismatch` when metadata.json or
 *   manifest.json record a different model hash than run.json
 */
export async function loadStateRun(runDir: string): Promise<StateRun> {
  const bundle = await readRunBundle(runDir);
  checkProvenance(bundle);
  const runJson = bundle.runJson;
  const timeline = timelineOf(runJson.grid, join(bundle.dir, RUN_FILES.run));
  const model = bundle.parsedModel().model;
  if (model.grid.bins !== runJson.grid.bins) {
    throw new FlowTimeError(
      "bundle_invalid",
      `the model has ${model.grid.bins} bins but run.json has ${runJson.grid.bins}; the run folder is inconsistent`,
      { file: join(bundle.dir, bundle.modelPath ?? RUN_FILES.model) },
    );
  }
  const topology = model.topology?.nodes ?? [];
  const sourceOf = new Map<string, string>();
  for (const n of model.nodes) if (n.kind === "const" && n.source) sourceOf.set(n.id, n.source);
  const routed = routeRunWarnings(runJson.warnings, topology);

  // Every series the topology names, in topology order (so warnings and errors come out as
  // they would one by one), one after another: the run reader reads a series synchronously, as
  // its file-system calls cost several times more through the event loop (the state bench's
  // 210 series with the same checks through it, 16 or all at a time: 46-54 ms, against 17-18 ms
  // one after another).
  const wanted: Array<{ id: string; ref: string; hash: string; source: boolean }> = [];
  const seen = new Set<string>();
  for (const tn of topology) {
    for (const metric of SEMANTIC_METRICS) {
      const ref = tn.semantics[metric];
      const entry = typeof ref === "string" ? bundle.seriesEntry(ref) : undefined;
      if (entry === undefined || seen.has(entry.id)) continue;
      seen.add(entry.id);
      wanted.push({ id: entry.id, ref: ref as string, hash: entry.hash, source: !!entry.source });
    }
  }
  const loaded = new Map<string, Float64Array>();
  const seriesHashes: Array<[string, string]> = [];
  const fileProblems = new Map<string, NodeTelemetryWarning>();
  const turns = new EventLoopTurns();
  for (const w of wanted) {
    // a large run takes a while to read: a server keeps answering other requests meanwhile
    await turns.maybe();
    const values = w.source
      ? await readBesideModel(bundle, w.id, { ref: w.ref, fileProblems })
      : await bundle.readSeries(w.id);
    const problem = fileProblems.get(w.id);
    loaded.set(w.id, values);
    seriesHashes.push([
      w.id,
      w.hash !== "" && !problem
        ? w.hash
        : hashOf(new Uint8Array(values.buffer, values.byteOffset, values.byteLength)),
    ]);
  }
  const flagged = new Set(routed.flaggedModelNodes);
  const nodes: StateNode[] = [];
  for (const tn of topology) {
    const node: StateNode = {
      id: tn.id,
      kind: tn.kind,
      refs: {},
      series: {},
      sources: [],
      warnings: routed.byNode.get(tn.id) ?? [],
    };
    if (tn.semantics.slaMin !== undefined) node.slaMin = tn.semantics.slaMin;
    for (const metric of SEMANTIC_METRICS) {
      const ref = tn.semantics[metric];
      if (typeof ref !== "string") continue;
      node.refs[metric] = ref;
      const source = sourceOf.get(ref);
      if (source !== undefined && !node.sources.includes(source)) node.sources.push(source);
      const entry = bundle.seriesEntry(ref);
      if (entry === undefined) continue;
      const values = loaded.get(entry.id)!;
      const problem = fileProblems.get(entry.id);
      if (problem) {
        node.warnings.push({ ...problem, metric });
        flagged.add(ref);
      }
      node.series[metric] = values;
    }
    nodes.push(node);
  }

  const telemetrySources = bundle.metadata?.telemetrySources ?? [...sourceOf.values()];
  const warnings = [...routed.runLevel];
  const unresolved = fileProblems.size > 0 ||
    runJson.warnings.some((w) =>
      w.code === "telemetry_sources_unresolved" || w.code === "telemetry_series_invalid"
    );
  const noSources = runJson.mode === "telemetry" && telemetrySources.length === 0;
  if (noSources) {
    warnings.push({
      code: "telemetry_sources_missing",
      message:
        `run ${bundle.runId} is a telemetry-mode run but its model reads no telemetry sources; its values come from the model`,
      severity: "warning",
      source: "state",
    });
  }
  for (const [id, problem] of fileProblems) {
    if (problem.code !== "telemetry_sources_unresolved") continue;
    warnings.push({
      code: "telemetry_sources_missing",
      message:
        `telemetry source ${id} is missing from the run folder; the series that read it are null`,
      severity: "warning",
      source: "state",
    });
  }
  const capture = await readCaptureFacts(bundle.dir, bundle.metadata);
  warnings.push(...capture.problems);

  const metadata: StateMetadata = {
    runId: bundle.runId,
    templateId: bundle.metadata?.templateId ?? "adhoc-model",
    templateTitle: bundle.metadata?.templateTitle ?? adhocTitle(model.metadata),
    templateVersion: bundle.metadata?.templateVersion ?? "0.0.0",
    mode: runJson.mode,
    ...(bundle.provenanceHash ? { provenanceHash: bundle.provenanceHash } : {}),
    telemetrySourcesResolved: !unresolved && !noSources,
    schema: stateSchemaInfo(),
    storage: {
      modelPath: bundle.modelPath ?? RUN_FILES.model,
      ...(bundle.metadata ? { metadataPath: RUN_FILES.metadata } : {}),
      ...(bundle.provenance ? { provenancePath: RUN_FILES.provenance } : {}),
    },
    ...(capture.info ? { capture: capture.info } : {}),
  };
  const edges = model.topology?.edges ?? [];
  const identity = hashOf(JSON.stringify([
    TOOLKIT_VERSION,
    timeline,
    metadata,
    nodes.map((n) => [n.id, n.kind, n.slaMin, n.refs, n.sources, n.warnings]),
    edges,
    [...flagged].sort(),
    warnings,
    capture.warnings,
    seriesHashes,
  ]));
  return {
    dir: bundle.dir,
    runId: bundle.runId,
    mode: runJson.mode,
    timeline,
    metadata,
    nodes,
    edges,
    flaggedModelNodes: flagged,
    warnings,
    captureWarnings: capture.warnings,
    identity,
  };
}

// A series FlowTime keeps beside the model (`file:` semantics of its test and telemetry
// bundles). In a telemetry run a missing or malformed file is a warning and a NaN series (as
// the toolkit's loader does; FlowTime shows zeros); in a simulation run it is a damaged bundle.
async function readBesideModel(
  bundle: RunBundle,
  id: string,
  context: { ref: string; fileProblems: Map<string, NodeTelemetryWarning> },
): Promise<Float64Array> {
  try {
    return await bundle.readSeries(id);
  } catch (err) {
    if (!(err instanceof FlowTimeError) || err.code === "io_error") throw err;
    if (bundle.runJson.mode !== "telemetry") {
      throw new FlowTimeError(
        "bundle_invalid",
        `model node '${context.ref}' reads ${id}: ${err.message}`,
        { cause: err },
      );
    }
    const missing = err.code === "not_found";
    context.fileProblems.set(id, {
      code: missing ? "telemetry_sources_unresolved" : "telemetry_series_invalid",
      message: missing
        ? `source ${id} of node '${context.ref}': file not found; its series is null`
        : `source ${id} of node '${context.ref}' is not a valid series: ${
          err.message.split(bundle.dir + "/").join("")
        }`,
      severity: "warning",
      source: "state",
    });
    return new Float64Array(bundle.runJson.grid.bins).fill(NaN);
  }
}

function checkProvenance(bundle: RunBundle): void {
  const expected = bundle.runJson.modelHash;
  if (!expected) return;
  const others: Array<[string, string | undefined]> = [
    [RUN_FILES.metadata, bundle.metadata?.modelHash],
    [RUN_FILES.manifest, bundle.manifest?.modelHash],
  ];
  for (const [file, hash] of others) {
    if (typeof hash === "string" && hash !== "" && hash !== expected) {
      throw new FlowTimeError(
        "provenance_mismatch",
        `modelHash ${hash} differs from run.json's ${expected}; the run folder was changed after it was written (re-run the model to get a consistent bundle)`,
        { file: join(bundle.dir, file) },
      );
    }
  }
}

function adhocTitle(meta: Record<string, unknown> | undefined): string {
  for (const key of ["title", "id"]) {
    const v = meta?.[key];
    if (typeof v === "string" && v !== "") return v;
  }
  return "adhoc-model";
}
