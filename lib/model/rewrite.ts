// Edits to model text that keep its formatting and comments: used by the telemetry bundle
// step to point `source` references at the copies inside the run.
import { parseDocument } from "../base/yaml.ts";
import { FlowTimeError } from "../base/errors.ts";
import type { ParsedModel } from "./parse.ts";

// The key a semantic may be written under in FlowTime's models (see legacy.ts).
const LEGACY_KEYS: Readonly<Record<string, string>> = {
  queueDepth: "queue",
  externalDemand: "external_demand",
};

/**
 * Point nodes at telemetry files: a const node gets the new `source` (its values stay, unused
 * in telemetry mode); any other node (an expression, a pmf, a queue) is replaced by
 * `{id, kind: const, source}`, as FlowTime binds captured series onto the node a semantic names;
 * a node synthesized from a legacy `file:` semantic gets the semantic itself rewritten. Keys are
 * added to the model's embedded `provenance` block when it has one.
 * Topology semantics listed in `semantics` are pointed at a `file:` reference themselves
 * (written under the key the model uses, `queue` included).
 * @param parsed the parsed model
 * @param edits new source reference by node id, semantics to point at files, and keys to set
 *   inside `provenance:` (ignored when the model has none)
 * @returns the edited model text
 */
export function rewriteSources(
  parsed: ParsedModel,
  edits: {
    sources: ReadonlyMap<string, string>;
    semantics?: ReadonlyArray<{ index: number; semantic: string; source: string }>;
    provenance?: Record<string, unknown>;
    /** A new grid start (written as `grid.start`, or `window.startTimeUtc` in models without
     * a grid). */
    start?: string;
  },
): string {
  const { sources, semantics = [], provenance = {} } = edits;
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
  for (const edit of semantics) {
    const path = ["topology", "nodes", edit.index, "semantics"];
    const legacy = LEGACY_KEYS[edit.semantic];
    const key = legacy && doc.hasIn([...path, legacy]) ? legacy : edit.semantic;
    doc.setIn([...path, key], edit.source);
  }
  if (edits.start !== undefined) {
    if (doc.has("grid")) {
      doc.deleteIn(["grid", "startTimeUtc"]);
      doc.setIn(["grid", "start"], edits.start);
    } else doc.setIn(["window", "startTimeUtc"], edits.start);
  }
  if (parsed.model.provenance) {
    for (const [key, value] of Object.entries(provenance)) doc.setIn(["provenance", key], value);
  }
  return doc.toString({ lineWidth: 0 });
}
