// The topology of a captured run: node ids and the model node each metric names. Read from the
// `topology:` block alone when that is unambiguous, because composing a model's large const
// arrays costs more than the whole capture; anything unusual takes the full model parse.
import { parse } from "../base/yaml.ts";
import { readFlowBlock } from "./_flow_block.ts";
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

const YAML_OPTIONS = { uniqueKeys: true, strict: true, logLevel: "error" } as const;
// `nodes:` of the block, and an item of it written as a one-line flow mapping (no anchor, alias
// or tag, which could tie it to the rest of the text).
const NODES_LINE = /^( +)nodes:[ \t]*\r?$/;
const FLOW_ITEM = /^( +)- (\{[^&*!]*\})[ \t]*\r?$/;

// The block's value. A `nodes:` list of one-line flow mappings (a thousand services are a
// thousand such lines) is parsed an item at a time, each alone giving the value it has in the
// list, so the yaml package's tree is never built for all of them at once (some 300 bytes per
// character); anything else parses as one text.
function parseBlock(block: string[]): unknown {
  // the plainest form without the yaml package at all
  const plain = readFlowBlock(block);
  if (plain !== undefined) return plain;
  const at = block.findIndex((line) => NODES_LINE.test(line));
  const indent = at < 0 ? "" : NODES_LINE.exec(block[at])![1];
  let end = at + 1;
  let itemIndent: string | undefined;
  for (; at >= 0 && end < block.length; end++) {
    const item = FLOW_ITEM.exec(block[end]);
    if (!item || (itemIndent ?? item[1]) !== item[1] || item[1].length < indent.length) break;
    itemIndent = item[1];
  }
  // the list must end where a line less indented than its items starts (or the block ends)
  const next = block[end];
  if (
    itemIndent === undefined || end - at < 16 ||
    (next !== undefined && (/^\s*\r?$/.test(next) || leading(next) > indent.length))
  ) {
    return parse(block.join("\n"), YAML_OPTIONS);
  }
  const rest = [...block.slice(0, at), `${indent}nodes: []`, ...block.slice(end)];
  const value = parse(rest.join("\n"), YAML_OPTIONS);
  const topology = isRawMap(value) ? value.topology : undefined;
  if (!isRawMap(topology) || !Array.isArray(topology.nodes) || topology.nodes.length > 0) {
    return parse(block.join("\n"), YAML_OPTIONS);
  }
  topology.nodes = block.slice(at + 1, end).map((line) =>
    parse(FLOW_ITEM.exec(line)![2], YAML_OPTIONS)
  );
  return value;
}

function leading(line: string): number {
  let n = 0;
  while (line[n] === " ") n++;
  return n;
}
