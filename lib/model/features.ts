// FlowTime features the toolkit's engine does not implement (FlowTime HEAD: classes, routers,
// retries, dispatch schedules, constraints, time-of-day profiles, parallelism, WIP limits, queues
// it synthesizes). They change the numbers, so a model or template using them is refused with a
// message naming the feature and the node, never read past. Shared by the model and template
// readers (both have the same node shapes).
import type { FieldPath } from "../base/located_yaml.ts";
import { formatPath } from "../base/located_yaml.ts";
import { isRawMap, type RawMap } from "../base/issues.ts";

/** One use of an unsupported FlowTime feature. */
export interface UnsupportedFeature {
  /** Feature name, e.g. `routers`, `retries`, `classes`. */
  feature: string;
  /** Field path of the use, e.g. `topology.nodes[2].semantics.attempts`. */
  path: string;
  /** What is not supported, naming the node, e.g. `node 'Dispatch': kind 'router' is not supported`. */
  message: string;
}

/** Semantics keys of FlowTime's retry modelling (HEAD). */
export const RETRY_SEMANTICS: readonly string[] = [
  "attempts",
  "failures",
  "exhaustedFailures",
  "retryEcho",
  "retryKernel",
  "retryBudgetRemaining",
  "maxAttempts",
  "backoffStrategy",
  "exhaustedPolicy",
];

const TOPOLOGY_KINDS_UNSUPPORTED: Readonly<Record<string, string>> = {
  router: "routers",
  dependency: "constraints",
  constraint: "constraints",
  serviceWithBuffer: "serviceWithBuffer topology nodes",
};
const WIP_KEYS = ["wipLimit", "wipLimitSeries", "wipOverflow"];

/**
 * Find every unsupported FlowTime feature a model or template document uses.
 * @param doc the document root (model or template, before normalisation)
 * @returns the uses found, in document order (empty when none)
 */
export function unsupportedFeatures(doc: unknown): UnsupportedFeature[] {
  const out: UnsupportedFeature[] = [];
  if (!isRawMap(doc)) return out;
  const add = (feature: string, path: FieldPath, message: string) =>
    out.push({ feature, path: formatPath(path), message });
  if (nonEmpty(doc.classes)) {
    const ids = Array.isArray(doc.classes)
      ? doc.classes.map((c) => (isRawMap(c) ? c.id : c)).filter((c) => typeof c === "string")
      : [];
    add(
      "classes",
      ["classes"],
      `classes are not supported${ids.length > 0 ? ` (declared: ${ids.join(", ")})` : ""}`,
    );
  }
  if (nonEmpty(doc.traffic)) {
    add("classes", ["traffic"], "class traffic ('traffic') is not supported");
  }
  const topology = isRawMap(doc.topology) ? doc.topology : undefined;
  if (topology && nonEmpty(topology.constraints)) {
    add(
      "constraints",
      ["topology", "constraints"],
      "constraints (topology.constraints) are not supported",
    );
  }
  const tnodes = Array.isArray(topology?.nodes) ? topology!.nodes as unknown[] : [];
  tnodes.forEach((n, i) => {
    if (isRawMap(n)) topologyNodeFeatures(n, ["topology", "nodes", i], add);
  });
  const nodes = Array.isArray(doc.nodes) ? doc.nodes : [];
  nodes.forEach((n, i) => {
    if (isRawMap(n)) modelNodeFeatures(n, ["nodes", i], add);
  });
  return out;
}

type Add = (feature: string, path: FieldPath, message: string) => void;

function topologyNodeFeatures(n: RawMap, path: FieldPath, add: Add): void {
  const who = `topology node '${typeof n.id === "string" ? n.id : formatPath(path)}'`;
  const kind = typeof n.kind === "string" ? n.kind : undefined;
  if (kind !== undefined && Object.hasOwn(TOPOLOGY_KINDS_UNSUPPORTED, kind)) {
    add(
      TOPOLOGY_KINDS_UNSUPPORTED[kind],
      [...path, "kind"],
      `${who}: kind '${kind}' is not supported`,
    );
  }
  if (nonEmpty(n.constraints)) {
    add("constraints", [...path, "constraints"], `${who}: constraints are not supported`);
  }
  if (nonEmpty(n.dispatchSchedule)) {
    add(
      "dispatch schedules",
      [...path, "dispatchSchedule"],
      `${who}: dispatch schedules (dispatchSchedule) are not supported`,
    );
  }
  for (const key of WIP_KEYS) {
    if (nonEmpty(n[key])) {
      add("WIP limits", [...path, key], `${who}: WIP limits (${key}) are not supported`);
    }
  }
  const semantics = isRawMap(n.semantics) ? n.semantics : undefined;
  if (!semantics) return;
  const retries = RETRY_SEMANTICS.filter((k) => nonEmpty(semantics[k]));
  if (retries.length > 0) {
    add(
      "retries",
      [...path, "semantics", retries[0]],
      `${who}: retries (semantics ${retries.join(", ")}) are not supported`,
    );
  }
  if (nonEmpty(semantics.parallelism) && semantics.parallelism !== 1) {
    add(
      "parallelism",
      [...path, "semantics", "parallelism"],
      `${who}: parallelism (semantics.parallelism) is not supported`,
    );
  }
  for (const key of ["queueDepth", "queue"]) {
    if (semantics[key] === "self") {
      add(
        "synthesized queues",
        [...path, "semantics", key],
        `${who}: semantics.${key} 'self' (a queue FlowTime synthesizes) is not supported; name the model node that holds the queue depth`,
      );
    }
  }
}

function modelNodeFeatures(n: RawMap, path: FieldPath, add: Add): void {
  const who = `node '${typeof n.id === "string" ? n.id : formatPath(path)}'`;
  if (n.kind === "router" || nonEmpty(n.routes) || nonEmpty(n.inputs)) {
    add(
      "routers",
      [...path, n.kind === "router" ? "kind" : "routes"],
      `${who}: kind 'router' is not supported`,
    );
  }
  if (nonEmpty(n.profile)) {
    const name = isRawMap(n.profile) && typeof n.profile.name === "string"
      ? ` '${n.profile.name}'`
      : "";
    add(
      "time-of-day profiles",
      [...path, "profile"],
      `${who}: time-of-day profile${name} (profile) is not supported`,
    );
  }
  if (nonEmpty(n.dispatchSchedule)) {
    add(
      "dispatch schedules",
      [...path, "dispatchSchedule"],
      `${who}: dispatch schedules (dispatchSchedule) are not supported`,
    );
  }
  for (const key of WIP_KEYS) {
    if (nonEmpty(n[key])) {
      add("WIP limits", [...path, key], `${who}: WIP limits (${key}) are not supported`);
    }
  }
}

function nonEmpty(v: unknown): boolean {
  if (v === undefined || v === null || v === false) return false;
  if (Array.isArray(v)) return v.length > 0;
  if (isRawMap(v)) return Object.keys(v).length > 0;
  if (typeof v === "string") return v.trim() !== "";
  return true;
}

/**
 * The one-line summary of unsupported features: the first message, and how many more.
 * @param features the uses found (non-empty)
 * @returns e.g. `node 'Dispatch': kind 'router' is not supported (and 3 more unsupported features: retries, classes)`
 */
export function describeUnsupported(features: readonly UnsupportedFeature[]): string {
  const first = features[0].message;
  if (features.length === 1) return first;
  const others = [...new Set(features.slice(1).map((f) => f.feature))].join(", ");
  return `${first} (and ${features.length - 1} more use(s) of unsupported features: ${others})`;
}
