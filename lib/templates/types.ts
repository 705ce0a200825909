// The template document (schemas/template.schema.json, CONTRACTS 5.1) and the shapes the Sim
// service returns for it (5.3, 5.4). Values that may hold a `${name}` placeholder are typed so.
import type { BinUnit, RunMode, TopologyNodeKind } from "../model/types.ts";
import type { ParseWarning } from "../base/issues.ts";
import type { UnsupportedFeature } from "../model/features.ts";

/** A whole-value placeholder, `${name}`: the parameter's typed value replaces it. */
export type Placeholder = `\${${string}}`;

/** A value written literally or as a placeholder. */
export type Templated<T> = T | Placeholder;

/** The declared type of a parameter. */
export type ParameterType = "integer" | "number" | "boolean" | "string" | "array";

/** Element type of an array parameter. */
export type ArrayElementType = "integer" | "number";

/** A parameter value after binding. */
export type ParameterValue = number | boolean | string | number[];

/** Parameter values by name. */
export type ParameterValues = Record<string, ParameterValue>;

/** A parameter declaration (FlowTime-Sim's `minimum`/`maximum`/`int`/`double` are normalised). */
export interface TemplateParameter {
  /** Name used in placeholders: `[A-Za-z_][A-Za-z0-9_]*`. */
  name: string;
  /** Declared type. */
  type: ParameterType;
  /** Short label for forms. */
  title?: string;
  /** What the parameter means, with its unit. */
  description?: string;
  /** Value used when the caller gives none. */
  default?: ParameterValue;
  /** The caller must give a value (a required parameter has no default). */
  required?: boolean;
  /** Smallest allowed value (integer, number, and each element of an array). */
  min?: number;
  /** Largest allowed value (integer, number, and each element of an array). */
  max?: number;
  /** Element type of an array (default `number`). */
  arrayOf?: ArrayElementType;
}

/** Template metadata. */
export interface TemplateMetadata {
  /** Template id; equals the file name without `.yaml`. */
  id: string;
  /** Human title. */
  title: string;
  /** What the template models. */
  description?: string;
  /** Semantic version, e.g. `1.0.0`. */
  version: string;
  /** Free-form tags. */
  tags?: string[];
  /** A longer story of what the template shows (FlowTime HEAD). */
  narrative?: string;
  /** Name of the capture folder this template replays (FlowTime HEAD). */
  captureKey?: string;
}

/** A node of a template: a model node that may also name a telemetry `source`. */
export interface TemplateNode {
  /** Node id (literal). */
  id: string;
  /** Node kind. */
  kind: "const" | "pmf" | "expr" | "serviceWithBuffer";
  /** Telemetry CSV used in telemetry mode, e.g. `${telemetryDir}/OrderService_arrivals.csv`. */
  source?: string;
  /** const: one number per bin, or a placeholder of an array parameter. */
  values?: Templated<Array<Templated<number>>>;
  /** pmf: the distribution. */
  pmf?: {
    values: Templated<Array<Templated<number>>>;
    probabilities: Templated<Array<Templated<number>>>;
  };
  /** expr: the expression (placeholders inside are interpolated as text). */
  expr?: string | number;
  /** serviceWithBuffer: inflow node id. */
  inflow?: string;
  /** serviceWithBuffer: outflow node id. */
  outflow?: string;
  /** serviceWithBuffer: loss node id. */
  loss?: string;
}

/** A topology node of a template. */
export interface TemplateTopologyNode {
  /** Operator-facing id, also the prefix of capture file names. */
  id: string;
  /** Service, queue, dead-letter queue or sink. */
  kind?: TopologyNodeKind;
  /** Series references and the queue latency target. */
  semantics?: {
    arrivals?: string | null;
    served?: string | null;
    errors?: string | null;
    externalDemand?: string | null;
    queueDepth?: string | null;
    capacity?: string | null;
    slaMin?: Templated<number>;
  };
  /** Initial queue depth. */
  initialCondition?: { queueDepth?: Templated<number> };
  /** Free text. */
  description?: string;
  /** Display label. */
  label?: string;
}

/** A topology edge of a template. */
export interface TemplateEdge {
  /** Edge id. */
  id?: string;
  /** `Node` or `Node:port`. */
  from: string;
  /** `Node` or `Node:port`. */
  to: string;
  /** Share of the flow along the edge. */
  weight?: Templated<number>;
}

/** A template document as written in `templates/<id>.yaml`. */
export interface TemplateDocument {
  /** Always 1. */
  schemaVersion: 1;
  /** Always `flowtime-sim` when present. */
  generator?: "flowtime-sim";
  /** Mode used when the caller does not ask for one (default simulation). */
  mode?: RunMode;
  /** Id, title, version. */
  metadata: TemplateMetadata;
  /** Start of the window (used as `grid.start` when the grid has none). */
  window?: { start?: Templated<string>; timezone?: "UTC" };
  /** Parameter declarations. */
  parameters?: TemplateParameter[];
  /** The time grid. */
  grid: {
    bins: Templated<number>;
    binSize: Templated<number>;
    binUnit?: Templated<BinUnit>;
    start?: Templated<string>;
  };
  /** Computation nodes. */
  nodes: TemplateNode[];
  /** Operator-facing topology. */
  topology?: { nodes?: TemplateTopologyNode[]; edges?: TemplateEdge[] };
  /** Which series runs write. */
  outputs?: "*" | Array<{ series: string; as?: string }>;
  /** Random number generator settings. */
  rng?: { kind?: "pcg32"; seed?: Templated<number> };
}

/** A validated template and what is needed to report problems in its file. */
export interface Template {
  /** File name used in messages. */
  file: string;
  /** The validated document with parameter declarations normalised. */
  document: TemplateDocument;
  /** 1-based line of a field path in the template file. */
  lineOf(path: ReadonlyArray<string | number>): number | undefined;
  /** Fields read past (`unknown_field`): FlowTime ignores them, and so does the toolkit. */
  warnings: ParseWarning[];
  /** FlowTime features the template uses that the engine does not implement; a template with
   * any lists and shows, and refuses to generate. */
  unsupported: UnsupportedFeature[];
}

/** One entry of `GET /api/v1/templates`. */
export interface TemplateSummary {
  /** Template id. */
  id: string;
  /** Title. */
  title: string;
  /** Description (empty when the template has none). */
  description: string;
  /** Version. */
  version: string;
  /** Tags (empty when none). */
  tags: string[];
  /** Always `general` (FlowTime-Sim lists one category). */
  category?: string;
  /** FlowTime HEAD's longer story, when the template has one. */
  narrative?: string;
  /** FlowTime HEAD's capture folder name, when the template has one. */
  captureKey?: string;
}

/** A parameter as the template detail describes it. */
export type TemplateDetailParameter = TemplateParameter & {
  /** Always present. */
  required: boolean;
  /** The default as text, as FlowTime-Sim sends it (its UI reads this field). */
  defaultValue?: string;
};

/** `GET /api/v1/templates/{id}`: the summary plus parameter declarations. */
export interface TemplateDetail extends TemplateSummary {
  /** Parameter declarations, with typed defaults; `required` is always present. */
  parameters: TemplateDetailParameter[];
  /** Fields the template reader read past (`unknown_field`), when there are any. */
  warnings?: Array<{ code: string; path: string; line?: number; message: string }>;
  /** FlowTime features the template uses that the engine does not implement (generation
   * refuses it), when there are any. */
  unsupported?: Array<{ feature: string; path: string; message: string }>;
}

/** A template file that could not be loaded, as listings report it. */
export interface TemplateProblem {
  /** File name, relative to the templates folder. */
  file: string;
  /** 1-based line, when known. */
  line?: number;
  /** Field path, when known. */
  path?: string;
  /** What is wrong and what to change. */
  message: string;
}

/** A listing: the templates that load, and the files that do not. */
export interface TemplateList {
  /** Loadable templates, sorted by id. */
  templates: TemplateSummary[];
  /** Files that could not be loaded, sorted by file name. */
  problems: TemplateProblem[];
}

/** Provenance of a generated model (CONTRACTS 5.4), embedded as its last root key. */
export interface ModelProvenance {
  /** `flowtime-sim/<toolkit version>`. */
  generator: string;
  /** When the model was generated (ISO UTC). */
  generatedAt: string;
  /** Template id. */
  templateId: string;
  /** Template version. */
  templateVersion: string;
  /** Mode the model was generated for. */
  mode: RunMode;
  /** sha256 hex of the model text before its provenance block. */
  modelId: string;
  /** Parameter values as merged with defaults, typed. */
  parameters: ParameterValues;
  /** `sha256:` of canonical JSON {templateId, templateVersion, mode, parameters}. */
  inputHash: string;
  /** The capture a telemetry model was bound to. */
  telemetry?: { captureDir: string; manifestHash: string; checksum: string; runId: string };
  /** Template fields read past (`unknown_field`), when there were any. */
  warnings?: Array<{ code: string; path: string; line?: number; message: string }>;
}

/** Summary returned with a generated model. */
export interface GeneratedModelMetadata {
  /** Template id. */
  templateId: string;
  /** Template title. */
  templateTitle: string;
  /** Template version. */
  templateVersion: string;
  /** Mode of the model. */
  mode: RunMode;
  /** `sha256:` of the model text. */
  modelHash: string;
  /** Whether any const node reads a telemetry `source`. */
  hasTelemetrySources: boolean;
}

/** What generation returns (the body of `POST /api/v1/templates/{id}/generate`). */
export interface GeneratedModel {
  /** The model YAML, provenance embedded as the last root key. */
  model: string;
  /** The provenance, also written as provenance.json. */
  provenance: ModelProvenance;
  /** Summary of the model. */
  metadata: GeneratedModelMetadata;
}

/** One invalid parameter, as `details` of an `invalid_parameters` error lists it. */
export interface ParameterIssue {
  /** Parameter name. */
  parameter: string;
  /** What is wrong and what to change. */
  message: string;
}
