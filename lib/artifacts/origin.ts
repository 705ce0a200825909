// Where a run's model came from: the template origin a generated model records (its metadata
// and provenance blocks), as the run writer stamps it into metadata.json and manifest.json.
import type { Model } from "../model/types.ts";

/** Where a model came from when it was generated from a template. */
export interface TemplateOrigin {
  /** Template id. */
  templateId: string;
  /** Template title. */
  templateTitle?: string;
  /** Template version. */
  templateVersion: string;
  /** Generator, e.g. `flowtime-sim/0.1.0`. */
  generator?: string;
  /** sha256 hex of the substituted template. */
  modelId?: string;
  /** When the model was generated. */
  generatedAtUtc?: string;
  /** Template input hash. */
  inputHash?: string;
  /** Parameters as merged. */
  parameters?: Record<string, unknown>;
  /** The full provenance document, written as `model/provenance.json`. */
  provenance?: Record<string, unknown>;
}

/**
 * Template origin recorded inside a generated model (its `metadata` and `provenance` blocks),
 * so a generated model run on its own still links to its template.
 * @param model the model
 * @returns the origin, or undefined for a hand-written model
 */
export function originFromModel(model: Model): TemplateOrigin | undefined {
  const prov = model.provenance;
  const meta = model.metadata;
  const templateId = str(prov?.templateId) ?? str(meta?.id);
  if (!templateId || !prov) return undefined;
  return templateOrigin(prov, {
    templateId,
    templateTitle: str(meta?.title),
    templateVersion: str(prov.templateVersion) ?? str(meta?.version),
  });
}

/**
 * The template origin of a provenance document (CONTRACTS 5.4): the one builder for runs of
 * generated models. The template's id, title and version come from the caller (who knows
 * them from the generation metadata or the model's metadata block).
 * @param provenance the provenance as generated
 * @param template id, title and version
 * @returns the origin for the run writer
 */
export function templateOrigin(
  provenance: Record<string, unknown>,
  template: { templateId: string; templateTitle?: string; templateVersion?: string },
): TemplateOrigin {
  const parameters = provenance.parameters;
  return {
    templateId: template.templateId,
    templateTitle: template.templateTitle ?? template.templateId,
    templateVersion: template.templateVersion ?? "0.0.0",
    ...optional("generator", str(provenance.generator)),
    ...optional("modelId", str(provenance.modelId)),
    ...optional("generatedAtUtc", str(provenance.generatedAt)),
    ...optional("inputHash", str(provenance.inputHash)),
    parameters: parameters && typeof parameters === "object" && !Array.isArray(parameters)
      ? { ...parameters as Record<string, unknown> }
      : {},
    provenance,
  };
}

function optional<K extends string>(key: K, value: string | undefined): { [k in K]?: string } {
  return (value === undefined ? {} : { [key]: value }) as { [k in K]?: string };
}

function str(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}
