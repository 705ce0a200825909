// Caller parameter values from a parameter file and `name=value` assignments, typed by the
// template's declarations as the Sim service describes them.
import { parseParameterAssignments, readParameterFile } from "../templates/param_text.ts";
import type { SimClient } from "./client.ts";

/** Where caller values come from. */
export interface ParameterSources {
  /** The template the values are for (its declarations type the assignments). */
  templateId: string;
  /** A JSON or YAML file holding a mapping of values. */
  file?: string;
  /** `name=value` texts (later ones win over earlier ones and over the file). */
  assignments?: readonly string[];
}

/**
 * Gather caller values: the file first, then each assignment parsed by the declared type of
 * its parameter (the template is fetched only when there are assignments).
 * @param sim the Sim service that describes the template
 * @param sources template id, parameter file and assignments
 * @returns values by name, ready for `SimClient.generate`
 */
export async function collectParameters(
  sim: SimClient,
  sources: ParameterSources,
): Promise<Record<string, unknown>> {
  const fromFile = sources.file ? await readParameterFile(sources.file) : {};
  const assignments = sources.assignments ?? [];
  if (assignments.length === 0) return fromFile;
  const detail = await sim.getTemplate(sources.templateId);
  return { ...fromFile, ...parseParameterAssignments(detail.parameters, assignments) };
}
