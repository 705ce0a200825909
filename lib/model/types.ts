// The engine's input model (CONTRACTS section 1) after parsing and normalisation. Legacy
// FlowTime shapes are converted to this form by the parser, so nothing downstream sees them.

/** Unit of a grid bin. */
export type BinUnit = "minutes" | "hours" | "days" | "weeks";

/** Run mode: values from the model, or from captured telemetry. */
export type RunMode = "simulation" | "telemetry";

/** The time grid every series lives on. */
export interface Grid {
  /** Number of bins (1..10000). */
  bins: number;
  /** Size of one bin in `binUnit` (1..1000). */
  binSize: number;
  /** Unit of `binSize`. */
  binUnit: BinUnit;
  /** Start of bin 0, ISO 8601 UTC, if known. */
  start?: string;
}

/** A node with fixed values (or, in telemetry mode, values read from `source`). */
export interface ConstNode {
  /** Node id (an identifier usable in expressions). */
  id: string;
  /** Kind discriminator. */
  kind: "const";
  /** Exactly `bins` numbers; may be absent when `source` supplies them. */
  values?: number[];
  /** `file:` reference (or path) of a series CSV, used in telemetry mode. */
  source?: string;
}

/** A node whose value in every bin is the expected value of a discrete distribution. */
export interface PmfNode {
  /** Node id. */
  id: string;
  /** Kind discriminator. */
  kind: "pmf";
  /** The distribution. */
  pmf: { values: number[]; probabilities: number[] };
}

/** A node computed from an expression over other nodes. */
export interface ExprNode {
  /** Node id. */
  id: string;
  /** Kind discriminator. */
  kind: "expr";
  /** The expression text (CONTRACTS section 2 grammar). */
  expr: string;
}

/** A queue: `Q[t] = max(0, Q[t-1] + inflow[t] - outflow[t] - loss[t])`. */
export interface ServiceWithBufferNode {
  /** Node id. */
  id: string;
  /** Kind discriminator. */
  kind: "serviceWithBuffer";
  /** Node id of the inflow series. */
  inflow: string;
  /** Node id of the outflow series. */
  outflow: string;
  /** Node id of the loss series, if any. */
  loss?: string;
}

/** Any model node. */
export type ModelNode = ConstNode | PmfNode | ExprNode | ServiceWithBufferNode;

/** Kind of a model node. */
export type ModelNodeKind = ModelNode["kind"];

/** Kind of a topology node. */
export type TopologyNodeKind = "service" | "queue" | "dlq" | "sink";

/** The series semantics a topology node can name, in capture order. */
export const SEMANTIC_METRICS = [
  "arrivals",
  "served",
  "errors",
  "externalDemand",
  "queueDepth",
  "capacity",
] as const;

/** One of the semantic series keys. */
export type SemanticMetric = typeof SEMANTIC_METRICS[number];

/** What each metric of a topology node refers to: a model node id (after normalisation). */
export type Semantics = { [K in SemanticMetric]?: string | null } & {
  /** Latency target in minutes (queues). */
  slaMin?: number;
};

/** A node operators know (a service or a queue) and the series that describe it. */
export interface TopologyNode {
  /** The operator-facing id, e.g. `OrderService`. */
  id: string;
  /** Service, queue, dead-letter queue or sink. */
  kind: TopologyNodeKind;
  /** Series references. `file:` references are replaced by synthesized const node ids. */
  semantics: Semantics;
  /** Initial queue depth for backlog recurrences. */
  initialCondition?: { queueDepth?: number };
}

/** A directed edge between topology nodes. */
export interface TopologyEdge {
  /** Edge id (generated `e<n>` when absent). */
  id: string;
  /** Source endpoint, `Node` or `Node:port`. */
  from: string;
  /** Target endpoint, `Node` or `Node:port`. */
  to: string;
  /** Share of the flow along the edge. */
  weight?: number;
}

/** An output request: which series to write. */
export interface OutputSpec {
  /** Node id, `*`, or `prefix/*`. */
  series: string;
  /** FlowTime file name alias; recorded, not used for file names. */
  as?: string;
}

/** Descriptive model metadata (set by template generation). */
export interface ModelMetadata {
  /** Template or model id. */
  id?: string;
  /** Human title. */
  title?: string;
  /** Semver version. */
  version?: string;
  /** Free-form description. */
  description?: string;
  /** Other descriptive keys are kept as given. */
  [key: string]: unknown;
}

/** A normalised model. */
export interface Model {
  /** Always 1. */
  schemaVersion: 1;
  /** Simulation (default) or telemetry. */
  mode: RunMode;
  /** Descriptive metadata, if any. */
  metadata?: ModelMetadata;
  /** The time grid. */
  grid: Grid;
  /** Computation nodes, in declaration order. */
  nodes: ModelNode[];
  /** Operator-facing topology, if any. */
  topology?: { nodes: TopologyNode[]; edges: TopologyEdge[] };
  /** Output requests; absent means all series. */
  outputs?: OutputSpec[];
  /** Random number generator settings. */
  rng?: { kind: string; seed?: number };
  /** Provenance block embedded by template generation. */
  provenance?: Record<string, unknown>;
}

/** Run modes, in the order messages list them. */
export const RUN_MODES: readonly RunMode[] = ["simulation", "telemetry"];

/** Bin units. */
export const BIN_UNITS: readonly BinUnit[] = ["minutes", "hours", "days", "weeks"];

/** Minutes in one unit of `binUnit`. */
export const MINUTES_PER_UNIT: Readonly<Record<BinUnit, number>> = {
  minutes: 1,
  hours: 60,
  days: 1440,
  weeks: 10080,
};

/**
 * Length of one bin in minutes.
 * @param grid bin size and unit (a unit outside {@link BIN_UNITS} gives NaN)
 * @returns minutes per bin
 */
export function binMinutes(grid: { binSize: number; binUnit?: string }): number {
  return grid.binSize * (MINUTES_PER_UNIT[(grid.binUnit ?? "minutes") as BinUnit] ?? NaN);
}

/** Model node kinds. */
export const MODEL_NODE_KINDS: readonly ModelNodeKind[] = [
  "const",
  "pmf",
  "expr",
  "serviceWithBuffer",
];

/** Topology node kinds. */
export const TOPOLOGY_NODE_KINDS: readonly TopologyNodeKind[] = ["service", "queue", "dlq", "sink"];

/** Fields a topology node may have (`ui`, `description`, `label`, `group` are carried, not
 * used). */
export const TOPOLOGY_NODE_FIELDS: readonly string[] = [
  "id",
  "kind",
  "semantics",
  "initialCondition",
  "ui",
  "description",
  "label",
  "group",
];
