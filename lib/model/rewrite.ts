// Edits to model text that keep its formatting and comments: used by the telemetry bundle
// step to point `source` references at the copies inside the run.
import { parseDocument } from "yaml";
import { FlowTimeError } from "../errors.ts";
import type { ParsedModel } from "./parse.ts";

/**
 * Replace the `source` of const nodes (or the `file:` semantic a legacy node came from).
 * @param parsed the parsed model
 * @param sources new source reference by node id
 * @returns the edited model text
 */
export function rewriteSources(parsed: ParsedModel, sources: ReadonlyMap<string, string>): string {
  const doc = parseDocument(parsed.text, { keepSourceTokens: false });
  for (const [nodeId, source] of sources) {
    const path = parsed.nodePaths.get(nodeId);
    if (!path) {
      throw new FlowTimeError("model_invalid", `no node '${nodeId}' to rewrite the source of`);
    }
    // Declared nodes carry `source`; nodes synthesized from a legacy `file:` semantic are the
    // semantic value itself.
    const target = path[0] === "nodes" ? [...path, "source"] : [...path];
    doc.setIn(target, source);
  }
  return doc.toString({ lineWidth: 0 });
}
