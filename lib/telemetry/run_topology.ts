// The topology of a captured run: node ids and the model node each metric names. Read from the
// `topology:` block alone when that is unambiguous, because composing a model's large const
// arrays costs more than the whole capture; anything unusual takes the full model parse.
import { parseYamlLocated } from "../base/located_yaml.ts";
import { RUN_FILES } from "../artifacts/layout.ts";
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
  const quick = topologyBlock(bundle);
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
// which turns them into synthesized node ids). The model's lines are gone through one by one:
// a large model is never whole in memory.
function topologyBlock(bundle: RunBundle): RunTopologyNode[] | undefined {
  const block: string[] = [];
  let starts = 0;
  let inBlock = false;
  let first = true;
  const hasModel = bundle.modelLines((line) => {
    const isFirst = first;
    first = false;
    if (line.startsWith("topology:") || isFirst) {
      const text = isFirst ? line.text().replace(/^\uFEFF/, "") : line.text();
      if (TOPOLOGY_LINE.test(text.replace(/\r$/, ""))) {
        if (++starts > 1) return false;
        inBlock = true;
        block.push(text);
        return;
      }
    }
    if (!inBlock) return;
    // a line that continues the block: indented, a comment, or blank
    if (line.startsWith(" ") || line.startsWith("\t") || line.startsWith("#")) {
      block.push(line.text());
    } else {
      const text = line.text();
      if (text === "" || text === "\r") block.push(text);
      else inBlock = false;
    }
  });
  if (!hasModel || starts !== 1) return undefined;
  let value: unknown;
  try {
    value = parseBlock(block);
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

// The block's value, through the toolkit's YAML reader: the one-line flow mappings generated
// models list their nodes as, and the block structure around them, are read without the yaml
// package (lib/base/_flow_maps.ts, _block_yaml.ts), so neither its first-parse compiling nor its
// tree (some 300 bytes per character) is paid for a plain topology; anything else goes to it.
function parseBlock(block: string[]): unknown {
  return parseYamlLocated(block.join("\n"), RUN_FILES.model).value;
}
