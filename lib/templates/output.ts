// Writes a generated model and its provenance to files chosen by the caller, each replaced
// atomically (temp file + rename) so a reader never sees half a file. Missing folders above a
// file are created (`--out data/model.yaml` in a fresh checkout).
import { dirname } from "node:path";
import { writeFileAtomically } from "../base/atomic.ts";
import { fsError } from "../base/errors.ts";
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
  if (files.model) {
    await makeParent(files.model);
    await writeFileAtomically(files.model, generated.model);
  }
  if (files.provenance) {
    await makeParent(files.provenance);
    await writeFileAtomically(files.provenance, toJsonText(generated.provenance));
  }
}

async function makeParent(path: string): Promise<void> {
  try {
    await Deno.mkdir(dirname(path), { recursive: true });
  } catch (err) {
    throw fsError(err, "creating the folder of", path);
  }
}
