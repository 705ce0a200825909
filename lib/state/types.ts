// The time-travel state responses (CONTRACTS section 4): `/state` snapshots and `/state_window`
// slices. These interfaces match schemas/time-travel-state.schema.json; a test checks real output.
import type { RunMode, SemanticMetric, TopologyNodeKind } from "../model/types.ts";
import type { WarningSeverity } from "../base/warnings.ts";

/** Colour of a node in a bin: how close a service is to capacity, or a queue to its SLA. */
export type NodeColor = "green" | "yellow" | "red" | "gray";

/** A value in a response: a finite number, or `null` for missing and non-finite values. */
export type StateValue = number | null;

/** Which schema a response follows. */
export interface StateSchemaInfo {
  /** Always `time-travel/v1`. */
  id: "time-travel/v1";
  /** Always `1`. */
  version: "1";
  /** sha256 of the canonical JSON of schemas/time-travel-state.schema.json. */
  hash: string;
}

/** Where the run's documents are, relative to the run folder (never absolute). */
export interface StateStorage {
  /** The model, `model/model.yaml` (or `spec.yaml` in bundles without it). */
  modelPath: string;
  /** `model/metadata.json`, when the run has it. */
  metadataPath?: string;
  /** `model/provenance.json`, when the run has it. */
  provenancePath?: string;
}

/** The capture a telemetry-mode run replayed. */
export interface StateCaptureInfo {
  /** Run id of the captured (source) run. */
  runId: string;
  /** Hash of the capture manifest. */
  manifestHash: string;
  /** Number of warnings in the capture manifest. */
  warningCount: number;
}

/** The envelope every state response carries. */
export interface StateMetadata {
  /** Run id. */
  runId: string;
  /** Template id, `adhoc-model` for hand-written models. */
  templateId: string;
  /** Template title. */
  templateTitle: string;
  /** Template version, `0.0.0` for hand-written models. */
  templateVersion: string;
  /** Run mode. */
  mode: RunMode;
  /** Hash of model/provenance.json; omitted when the run has none. */
  provenanceHash?: string;
  /** Whether every telemetry source of the model was read (see docs/state.md). */
  telemetrySourcesResolved: boolean;
  /** Response schema. */
  schema: StateSchemaInfo;
  /** Document paths relative to the run folder. */
  storage: StateStorage;
  /** The replayed capture, when the run has a capture manifest. */
  capture?: StateCaptureInfo;
}

/** Where a warning came from. */
export type StateWarningSource = "run" | "state" | "capture";

/** A warning in a state response, restricted to the bins the query covers. */
export interface StateWarning {
  /** Stable code, e.g. `telemetry_gap`, `data_gap`. */
  code: string;
  /** What happened, for people. */
  message: string;
  /** How serious it is. */
  severity: WarningSeverity;
  /** `run` (run.json), `state` (found by this query) or `capture` (capture manifest). */
  source: StateWarningSource;
  /** Node the warning is about: a model node for `run`, a topology node otherwise. */
  nodeId?: string;
  /** Semantic metric the warning is about (`arrivals`, `queueDepth`, ...). */
  metric?: SemanticMetric | string;
  /** Bins affected within the query, ascending. */
  bins?: number[];
}

/** A warning attached to one topology node. */
export type NodeTelemetryWarning = Omit<StateWarning, "nodeId">;

/** Telemetry facts of a topology node. */
export interface NodeTelemetry {
  /** `source` references of the model nodes its semantics name. */
  sources: string[];
  /** Loader warnings of those model nodes and gaps found in the queried bins. */
  warnings: NodeTelemetryWarning[];
}

/** Raw metrics of a node in one bin. */
export interface NodeMetrics {
  /** Arrivals (null when undeclared or non-finite). */
  arrivals: StateValue;
  /** Served (null when undeclared or non-finite). */
  served: StateValue;
  /** Errors (null when undeclared or non-finite). */
  errors: StateValue;
  /** Queue depth, for nodes whose semantics name one. */
  queue?: StateValue;
  /** Capacity, for nodes whose semantics name one. */
  capacity?: StateValue;
  /** External demand, for nodes whose semantics name one. */
  externalDemand?: StateValue;
}

/** Metrics derived from the raw ones (CONTRACTS section 4). */
export interface NodeDerived {
  /** served / capacity; null when capacity is missing, <= 0 or served is missing. */
  utilization: StateValue;
  /** queue / served x bin minutes (nodes with a queue); null when served <= 0. */
  latencyMinutes?: StateValue;
  /** served / arrivals; null when arrivals is 0 or either is missing. Not clamped. */
  throughputRatio: StateValue;
  /** Colour by utilisation (services, sinks) or latency against `slaMin` (queues, DLQs). */
  color: NodeColor;
}

/** One topology node in a snapshot. */
export interface NodeSnapshot {
  /** Topology node id. */
  id: string;
  /** Topology node kind. */
  kind: TopologyNodeKind;
  /** Raw metrics in the bin. */
  metrics: NodeMetrics;
  /** Derived metrics in the bin. */
  derived: NodeDerived;
  /** Sources and warnings. */
  telemetry: NodeTelemetry;
}

/** The bin a snapshot describes. */
export interface StateBin {
  /** Bin index (0-based). */
  index: number;
  /** Start of the bin (ISO UTC), null when the grid has no start. */
  startUtc: string | null;
  /** End of the bin (ISO UTC), null when the grid has no start. */
  endUtc: string | null;
  /** Length of a bin in minutes. */
  durationMinutes: number;
}

/** `GET /v1/runs/{runId}/state?binIndex=i`. */
export interface StateSnapshot {
  /** Envelope. */
  metadata: StateMetadata;
  /** The bin. */
  bin: StateBin;
  /** Topology nodes in declaration order. */
  nodes: NodeSnapshot[];
  /** Run-level, query and capture warnings for the bin. */
  warnings: StateWarning[];
}

/** Series of one node over a window, one entry per bin. */
export interface NodeWindowSeries {
  /** Arrivals. */
  arrivals: StateValue[];
  /** Served. */
  served: StateValue[];
  /** Errors. */
  errors: StateValue[];
  /** Queue depth, for nodes with a queue. */
  queue?: StateValue[];
  /** Capacity, for nodes with a capacity. */
  capacity?: StateValue[];
  /** External demand, when declared. */
  externalDemand?: StateValue[];
  /** Utilisation per bin. */
  utilization: StateValue[];
  /** Latency per bin, for nodes with a queue. */
  latencyMinutes?: StateValue[];
  /** Throughput ratio per bin. */
  throughputRatio: StateValue[];
  /** Colour per bin. */
  color: NodeColor[];
}

/** One topology node in a window. */
export interface NodeWindow {
  /** Topology node id. */
  id: string;
  /** Topology node kind. */
  kind: TopologyNodeKind;
  /** Raw and derived series over the window. */
  series: NodeWindowSeries;
  /** Sources and warnings. */
  telemetry: NodeTelemetry;
}

/** The inclusive slice a window response covers. */
export interface StateWindowSlice {
  /** First bin. */
  startBin: number;
  /** Last bin (inclusive). */
  endBin: number;
  /** `endBin - startBin + 1`. */
  binCount: number;
}

/** `GET /v1/runs/{runId}/state_window?startBin=a&endBin=b`. */
export interface StateWindow {
  /** Envelope. */
  metadata: StateMetadata;
  /** The slice. */
  window: StateWindowSlice;
  /** Start of each bin (ISO UTC); null entries when the grid has no start. */
  timestampsUtc: Array<string | null>;
  /** Topology nodes in declaration order. */
  nodes: NodeWindow[];
  /** Run-level, query and capture warnings for the window. */
  warnings: StateWarning[];
}

/** A state query: one bin, or an inclusive window. */
export type StateQuery =
  | { kind: "snapshot"; binIndex: number }
  | { kind: "window"; startBin: number; endBin: number };

/** The response to a {@link StateQuery}. */
export type StateResponse = StateSnapshot | StateWindow;
