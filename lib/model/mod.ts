// Public face of the model folder: types, parsing and validation of model.yaml.
export * from "./types.ts";
export { loadModel, modelFacts, NODE_ID_PATTERN, parseModel } from "./parse.ts";
export type { ModelFacts, ParsedModel, ParseModelOptions } from "./parse.ts";
export { describeUnsupported, unsupportedFeatures } from "./features.ts";
export type { UnsupportedFeature } from "./features.ts";
export { dependencyMap, validateModelSemantics } from "./validate.ts";
export type { SemanticContext } from "./validate.ts";
export { formatPath, parseYamlLocated } from "../base/located_yaml.ts";
export type { FieldPath, LocatedYaml } from "../base/located_yaml.ts";
export {
  checkKeys,
  describeValue,
  isRawMap,
  IssueList,
  readNumber,
  readString,
} from "../base/issues.ts";
export type { Issue, NumberRule, ParseWarning, RawMap } from "../base/issues.ts";
