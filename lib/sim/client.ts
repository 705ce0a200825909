// The one interface the engine side uses to reach the Sim service, whether it runs in this
// process (a templates folder) or behind HTTP (this toolkit's server or a real FlowTime-Sim).
import type { RunMode } from "../model/types.ts";
import type { GeneratedModel, TemplateDetail, TemplateList } from "../templates/types.ts";

/** A Sim service: lists templates, describes one, generates models from it. */
export interface SimClient {
  /**
   * List the templates, and the template files that could not be loaded.
   * @returns summaries sorted by id, and problems with file and line
   */
  listTemplates(): Promise<TemplateList>;
  /**
   * Describe one template with its parameter declarations (typed defaults).
   * @param id template id
   * @returns the detail
   * @throws FlowTimeError `invalid_id`, `template_not_found`, `template_invalid`
   */
  getTemplate(id: string): Promise<TemplateDetail>;
  /**
   * Generate a model.
   * @param id template id
   * @param request caller values by parameter name (defaults fill the rest) and the mode
   * @returns model YAML, provenance and summary
   * @throws FlowTimeError `invalid_mode`, `template_not_found`, `invalid_parameters` (details
   *   name each parameter), `template_invalid`, `sim_unavailable`, `sim_error`
   */
  generate(id: string, request?: GenerateRequest): Promise<GeneratedModel>;
}

/** What to generate a model with. */
export interface GenerateRequest {
  /** Caller values by parameter name; declared defaults fill the rest. */
  parameters?: Record<string, unknown>;
  /** `simulation` or `telemetry`; default the template's mode. */
  mode?: RunMode;
}
