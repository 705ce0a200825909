/**
 * Templates and the Sim service ("FlowTime-Sim"): templates with typed parameters generate
 * models. A {@link SimClient} lists, describes and generates, either in this process over a
 * templates folder ({@link InProcessSimClient}) or against any FlowTime-Sim compatible HTTP
 * service ({@link HttpSimClient}); both give the same bytes.
 *
 * @example Generate a model from a bundled template
 * ```ts
 * import { InProcessSimClient } from "@flowtime/toolkit/sim";
 *
 * const sim = new InProcessSimClient("templates");
 * const { templates } = await sim.listTemplates();
 * console.log(templates.map((t) => t.id));
 * const generated = await sim.generate("order-system", { parameters: { bins: 12 } });
 * console.log(generated.metadata.modelHash, generated.model.split("\n").length, "lines");
 * ```
 *
 * @module
 */
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
} from "../templates/mod.ts";
export type { GenerateRequest, SimClient } from "./client.ts";
export { InProcessSimClient, type InProcessSimOptions } from "./in_process.ts";
export { HttpSimClient, type HttpSimOptions } from "./http.ts";
export { createSimClient, type SimClientChoice } from "./select.ts";
