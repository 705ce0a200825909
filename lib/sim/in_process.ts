// The Sim service in this process: templates read from a folder on every call, so edits to the
// folder are seen without a restart.
import { detailOf, loadCatalog, loadTemplate, summaryOf } from "../templates/catalog.ts";
import { generateModel } from "../templates/generate.ts";
import type { GeneratedModel, TemplateDetail, TemplateList } from "../templates/types.ts";
import type { GenerateRequest, SimClient } from "./client.ts";

/** Options for {@link InProcessSimClient}. */
export interface InProcessSimOptions {
  /** Fixed `generatedAt` (ISO UTC); default the clock. */
  generatedAt?: string;
}

/** A {@link SimClient} over a templates folder (`<dir>/<id>.yaml`). */
export class InProcessSimClient implements SimClient {
  /** The templates folder. */
  readonly templatesDir: string;
  readonly #generatedAt?: string;

  /**
   * Serve the templates of a folder.
   * @param templatesDir folder holding `<id>.yaml` templates
   * @param options fixed generation time
   */
  constructor(templatesDir: string, options: InProcessSimOptions = {}) {
    this.templatesDir = templatesDir;
    this.#generatedAt = options.generatedAt;
  }

  /**
   * List the templates of the folder; files that do not load are reported, not fatal.
   * @returns summaries and problems
   */
  async listTemplates(): Promise<TemplateList> {
    const catalog = await loadCatalog(this.templatesDir);
    return { templates: catalog.templates.map(summaryOf), problems: catalog.problems };
  }

  /**
   * Describe one template.
   * @param id template id
   * @returns the detail with parameter declarations
   */
  async getTemplate(id: string): Promise<TemplateDetail> {
    return detailOf(await loadTemplate(this.templatesDir, id));
  }

  /**
   * Generate a model from a template of the folder.
   * @param id template id
   * @param request caller values and mode (default the template's mode)
   * @returns the generated model
   */
  async generate(id: string, request: GenerateRequest = {}): Promise<GeneratedModel> {
    const template = await loadTemplate(this.templatesDir, id);
    return generateModel(template, {
      parameters: request.parameters ?? {},
      mode: request.mode,
      generatedAt: this.#generatedAt,
    });
  }
}
