// Public face of the templates folder: template types, parsing, the parameter binder, typed
// substitution, generation and the templates catalog.
export * from "./types.ts";
export { arrayElementType } from "./_declarations.ts";
export { loadTemplateFile, parseTemplate, type ParseTemplateOptions } from "./parse.ts";
export {
  asParameterInput,
  bindParameters,
  type BoundParameters,
  seriesLengthIssues,
  throwParameterIssues,
} from "./binder.ts";
export {
  interpolationText,
  PARAMETER_NAME,
  type PlaceholderUse,
  splitPlaceholders,
  type SplitText,
  substitutePlaceholders,
  type Substitution,
  type TextPart,
  wholePlaceholder,
} from "./placeholders.ts";
export { parseParameterAssignments, parseParameterText, readParameterFile } from "./param_text.ts";
export { generateModel, type GenerateOptions, GENERATOR, resolveMode } from "./generate.ts";
export {
  type Catalog,
  defaultValueText,
  detailOf,
  loadCatalog,
  loadTemplate,
  summaryOf,
  TEMPLATE_EXTENSION,
} from "./catalog.ts";
export { type GeneratedFiles, writeGeneratedFiles } from "./output.ts";
