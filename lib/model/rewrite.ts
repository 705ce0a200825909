// Edits to model text that keep its formatting and comments: used by the telemetry bundle
// step to point `source` references at the copies inside the run.
import { parseDocument } from "yaml";
import { FlowTimeError } from "../base/errors.ts";
import type { ParsedModel } from "./parse.ts";

/**
 * Point nodes at telemetry files: a const node gets the new `source` (its values stay, unused
 * in telemetry mode); any other node (an expression, a pmf, a queue) is replaced by
 * `{id, kind: const, source}`, as FlowTime binds captured series onto the node a semantic names;
 * a node synthesized from a legacy `file:` semantic gets the semantic itself rewritten. Keys are
 * added to the model's embedded `provenance` block when it has one.
 * @param parsed the parsed model
 * @param sources new source reference by node id
 * @param provenance keys to set inside `provenance:` (ignored when the model has none)
 * @returns the edited model text
 */
export function rewriteSources(
  parsed: ParsedModel,
  sources: ReadonlyMap<string, string>,
  provenance: Record<string, unknown> = {},
): string {
  const doc = parseDocument(parsed.text, { keepSourceTokens: false });
  for (const [nodeId, source] of sources) {
    const path = parsed.nodePaths.get(nodeId);
    if (!path) {
      throw new FlowTimeError("model_invalid", `no node '${nodeId}' to rewrite the source of`);
    }
    // Declared nodes carry `source`; nodes synthesized from a legacy `file:` semantic are the
    // semantic value itself.
    const node = parsed.model.nodes.find((n) => n.id === nodeId);
    if (path[0] !== "nodes") doc.setIn([...path], source);
    else if (node?.kind === "const") doc.setIn([...path, "source"], source);
    else doc.setIn([...path], doc.createNode({ id: nodeId, kind: "const", source }));
  }
  if (parsed.model.provenance) {
    for (const [key, value] of Object.entries(provenance)) doc.setIn(["provenance", key], value);
  }
  return doc.toString({ lineWidth: 0 });
}
