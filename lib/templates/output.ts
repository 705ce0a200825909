// Writes a generated model and its provenance to files chosen by the caller, each replaced
// atomically (temp file + rename) so a reader never sees half a file.
import { writeFileAtomically } from "../base/atomic.ts";
import { toJsonText } from "../base/json.ts";
import type { GeneratedModel } from "./types.ts";

/** Where to write a generated model. */
export interface GeneratedFiles {
  /** Model YAML path (the model text byte for byte). */
  model?: string;
  /** provenance.json path. */
  provenance?: string;
}

/**
 * Write the model text and/or its provenance.
 * @param generated what generation returned
 * @param files target paths (absent ones are skipped)
 */
export async function writeGeneratedFiles(
  generated: GeneratedModel,
  files: GeneratedFiles,
): Promise<void> {
  if (files.model) await writeFileAtomically(files.model, generated.model);
  if (files.provenance) {
    await writeFileAtomically(files.provenance, toJsonText(generated.provenance));
  }
}
