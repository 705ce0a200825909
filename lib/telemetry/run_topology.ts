// The topology of a captured run: node ids and the model node each metric names. Read from the
// `topology:` block alone when that is unambiguous, because composing a model's large const
// arrays costs more than the whole capture; anything unusual takes the full model parse.
import { parse } from "../base/yaml.ts";
import type { RunBundle } from "../artifacts/reader.ts";
import { isRawMap } from "../base/issues.ts";
import { SEMANTIC_METRICS, type SemanticMetric } from "../model/types.ts";

/** A topology node as capture needs it. */
export interface RunTopologyNode {
  /** Topology node id. */
  id: string;
  /** Model node id named by each metric (null or absent when none). */
  semantics: Partial<Record<SemanticMetric, string | null>>;
}

const TOPOLOGY_LINE = /^topology:[ \t]*(#.*)?$/;

/**
 * The topology nodes of a run's model, in declaration order.
 * @param bundle the run
 * @returns its topology nodes (empty when the model has none)
 * @throws FlowTimeError `bundle_invalid` when the model is missing or unreadable
 */
export function runTopology(bundle: RunBundle): RunTopologyNode[] {
  const quick = bundle.modelText === undefined ? undefined : topologyBlock(bundle.modelText);
  if (quick) return quick;
  return (bundle.parsedModel().model.topology?.nodes ?? []).map((n) => ({
    id: n.id,
    semantics: Object.fromEntries(
      SEMANTIC_METRICS.filter((m) => n.semantics[m] !== undefined).map((m) => [m, n.semantics[m]]),
    ),
  }));
}

// The block-style `topology:` section cut out of the text and parsed on its own. Returns
// undefined (use the full parse) unless the section is found exactly once at the top level,
// parses alone, and has only plain node references (`file:` references need the full parse,
// which turns them into synthesized node ids).
function topologyBlock(text: string): RunTopologyNode[] | undefined {
  const lines = text.replace(/^\uFEFF/, "").split("\n");
  const starts = lines.flatMap((l, i) => (TOPOLOGY_LINE.test(l.replace(/\r$/, "")) ? [i] : []));
  if (starts.length !== 1) return undefined;
  let end = starts[0] + 1;
  while (end < lines.length && /^([ \t#]|\r?$)/.test(lines[end])) end++;
  let value: unknown;
  try {
    value = parse(lines.slice(starts[0], end).join("\n"), {
      uniqueKeys: true,
      strict: true,
      logLevel: "error",
    });
  } catch {
    return undefined;
  }
  const topology = isRawMap(value) ? value.topology : undefined;
  if (!isRawMap(topology) || !Array.isArray(topology.nodes)) return undefined;
  const out: RunTopologyNode[] = [];
  for (const raw of topology.nodes) {
    if (!isRawMap(raw) || typeof raw.id !== "string" || raw.id.trim() === "") return undefined;
    const semantics: RunTopologyNode["semantics"] = {};
    if (raw.semantics !== undefined && raw.semantics !== null) {
      if (!isRawMap(raw.semantics)) return undefined;
      for (const metric of SEMANTIC_METRICS) {
        const ref = raw.semantics[metric];
        if (ref === undefined) continue;
        if (
          ref !== null && (typeof ref !== "string" || ref.trim() === "" || ref.startsWith("file:"))
        ) {
          return undefined;
        }
        semantics[metric] = ref;
      }
    }
    out.push({ id: raw.id, semantics });
  }
  return out;
}
