// Public face of the templates folder (published through lib/sim/mod.ts, the `./sim` entry):
// what a Sim client answers. Templates themselves are reached through a Sim client.
export type {
  ArrayElementType,
  GeneratedModel,
  GeneratedModelMetadata,
  ModelProvenance,
  ParameterIssue,
  ParameterType,
  ParameterValue,
  ParameterValues,
  TemplateDetail,
  TemplateDetailParameter,
  TemplateList,
  TemplateParameter,
  TemplateProblem,
  TemplateSummary,
} from "./types.ts";
