// FlowTime M-03.02's reader rules (3166256c), written down as checks: what its /state
// (StateQueryService.LoadContextAsync, FileSeriesReader.ReadRunInfoAsync, ModelParser,
// RunManifestReader, UriResolver, CsvReader), its capture (RunArtifactReader) and a strict
// manifest consumer (docs/schemas/manifest.schema.json, FileSeriesReader.ReadManifestAsync)
// require of a run folder. See /work/notes/flowtime-interop.md sections 3, 6.1-6.2 and 10. It
// also computes what FlowTime's /state would answer for a bin, with FlowTime's formulas
// (StateQueryService, ColoringRules), from the files alone.
import assert from "node:assert/strict";
import { join, normalize } from "node:path";
import { parse } from "../../lib/base/yaml.ts";
import { hashOf } from "../../lib/base/hash.ts";

type Json = Record<string, unknown>;

const decoder = new TextDecoder();

async function text(path: string): Promise<string> {
  return decoder.decode(await Deno.readFile(path)).replace(/^\uFEFF/, "");
}

/** A run folder FlowTime M-03.02's /state can load, with its series as FlowTime reads them. */
export interface OldReadableRun {
  bins: number;
  binMinutes: number;
  startMs?: number;
  mode: string;
  nodes: Array<{
    id: string;
    kind: string;
    slaMin?: number;
    series: Record<string, Float64Array>;
  }>;
}

/**
 * Check a run folder against FlowTime M-03.02's /state reader and load it as FlowTime does.
 * @param runDir the run folder
 * @returns the data FlowTime would compute /state from
 */
export async function loadAsFlowTimeOld(runDir: string): Promise<OldReadableRun> {
  // run.json (FileSeriesReader.ReadRunInfoAsync): required fields and types; warnings strings.
  const run = JSON.parse(await text(join(runDir, "run.json"))) as Json;
  assert.equal(typeof run.schemaVersion, "number");
  for (const key of ["runId", "engineVersion", "source", "scenarioHash", "createdUtc"]) {
    assert.equal(typeof run[key], "string", `run.json ${key}`);
  }
  assert.ok(!Number.isNaN(Date.parse(run.createdUtc as string)), "run.json createdUtc is a date");
  const grid = run.grid as Json;
  assert.ok(Number.isInteger(grid.bins) && Number.isInteger(grid.binSize));
  assert.equal(typeof grid.binUnit, "string");
  assert.ok(Array.isArray(run.series));
  for (const s of run.series as Json[]) {
    for (const key of ["id", "path", "unit"]) {
      assert.equal(typeof s[key], "string", `series ${key}`);
    }
  }
  assert.ok(Array.isArray(run.warnings), "warnings is an array");
  for (const w of run.warnings as unknown[]) {
    assert.equal(typeof w, "string", "warnings are strings");
  }
  // The model: model/model.yaml (else spec.yaml, but RunManifestReader then fails), metadata.
  const modelDir = join(runDir, "model");
  const modelPath = join(modelDir, "model.yaml");
  const model = parse(await text(modelPath)) as Json;
  const metadata = JSON.parse(await text(join(modelDir, "metadata.json"))) as Json;
  const meta = (model.metadata ?? {}) as Json;
  assert.ok(typeof metadata.templateId === "string" || typeof meta.id === "string", "templateId");
  const modelHash = (metadata.modelHash as string | undefined) ??
    hashOf(await Deno.readFile(modelPath));
  if (typeof run.modelHash === "string" && run.modelHash !== "") {
    assert.equal(
      (run.modelHash as string).toLowerCase(),
      modelHash.toLowerCase(),
      "provenance_mismatch",
    );
  }
  const mgrid = model.grid as Json;
  assert.ok(
    Number.isInteger(mgrid.bins) && (mgrid.bins as number) >= 1 && (mgrid.bins as number) <= 10000,
  );
  assert.ok(
    Number.isInteger(mgrid.binSize) && (mgrid.binSize as number) >= 1 &&
      (mgrid.binSize as number) <= 1000,
  );
  assert.ok(typeof mgrid.binUnit === "string" && mgrid.binUnit !== "");
  const perUnit = { minutes: 1, hours: 60, days: 1440, weeks: 10080 }[
    (mgrid.binUnit as string).toLowerCase() as "minutes"
  ];
  // Only grid.startTimeUtc is read at M-03.02.
  const start = typeof mgrid.startTimeUtc === "string" ? Date.parse(mgrid.startTimeUtc) : undefined;
  const topology = model.topology as Json | undefined;
  assert.ok(topology && Array.isArray(topology.nodes), "a topology (else 412)");
  const mode =
    ((metadata.mode ?? model.mode ?? (model.provenance as Json)?.mode ?? "simulation") as string)
      .toLowerCase();
  const bins = mgrid.bins as number;
  const nodes: OldReadableRun["nodes"] = [];
  for (const n of topology.nodes as Json[]) {
    assert.equal(typeof n.id, "string");
    const semantics = n.semantics as Json;
    const series: Record<string, Float64Array> = {};
    // ModelParser: arrivals, served and errors are required and non-empty.
    for (const key of ["arrivals", "served", "errors"]) {
      assert.ok(typeof semantics[key] === "string" && semantics[key] !== "", `${n.id}.${key}`);
    }
    // The DTO keys of M-03.02: queue (not queueDepth), externalDemand, capacity.
    for (const key of ["arrivals", "served", "errors", "externalDemand", "queue", "capacity"]) {
      const ref = semantics[key];
      if (ref === undefined || ref === null) continue;
      series[key] = await readSemantic(ref as string, modelDir, runDir, bins);
    }
    nodes.push({
      id: n.id as string,
      kind: typeof n.kind === "string" ? n.kind : "service",
      ...(typeof semantics.slaMin === "number" ? { slaMin: semantics.slaMin } : {}),
      series,
    });
  }
  return {
    bins,
    binMinutes: (mgrid.binSize as number) * perUnit,
    ...(start !== undefined ? { startMs: start } : {}),
    mode,
    nodes,
  };
}

// UriResolver.ResolveFilePath + CsvReader.ReadTimeSeries (M-03.02).
async function readSemantic(
  ref: string,
  modelDir: string,
  runDir: string,
  bins: number,
): Promise<Float64Array> {
  assert.ok(ref.startsWith("file:"), `semantic ${ref} is a file: reference (else 500)`);
  let segment = ref.slice(5);
  let path: string;
  if (segment.startsWith("//telemetry/")) path = join(modelDir, "telemetry", segment.slice(12));
  else {
    segment = segment.replace(/^\/+(?=[^/])/, (m) => (m.length > 1 ? m : ""));
    path = normalize(join(modelDir, segment));
  }
  assert.ok(path.startsWith(normalize(runDir)), `${ref} stays in the run folder`);
  const csv = await text(path);
  const lines = csv.split(/\r?\n|\r/);
  assert.equal(lines[0].trim().toLowerCase(), "bin_index,value", `${ref}: header bin_index,value`);
  const values = new Float64Array(bins); // missing rows stay 0 in FlowTime
  const seen = new Set<number>();
  for (const line of lines.slice(1)) {
    if (line.trim() === "") continue;
    const cells = line.split(",");
    assert.equal(cells.length, 2, `${ref}: two fields per row`);
    const index = Number(cells[0]);
    assert.ok(Number.isInteger(index) && index >= 0 && index < bins, `${ref}: index ${cells[0]}`);
    assert.ok(!seen.has(index), `${ref}: index ${index} twice`);
    seen.add(index);
    const cell = cells[1].trim();
    values[index] = cell === "" || cell.toLowerCase() === "nan" ? NaN : Number(cell);
    assert.ok(!Number.isNaN(values[index]) || cell === "" || /nan/i.test(cell), `${ref}: ${cell}`);
  }
  return values;
}

/** FlowTime M-03.02's snapshot numbers for one node and bin (StateQueryService, ColoringRules). */
export function flowTimeOldDerived(
  node: OldReadableRun["nodes"][number],
  bin: number,
  binMinutes: number,
): {
  utilization: number | null;
  latencyMinutes: number | null;
  throughputRatio: number | null;
  color: string;
} {
  const v = (key: string) => {
    const x = node.series[key]?.[bin];
    return x === undefined || !Number.isFinite(x) ? null : x;
  };
  const served = v("served");
  const arrivals = v("arrivals");
  const capacity = v("capacity");
  const queue = v("queue");
  const utilization = served !== null && capacity !== null && capacity > 0
    ? served / capacity
    : null;
  const isQueue = node.kind.toLowerCase() === "queue";
  const latencyMinutes = isQueue && queue !== null && served !== null && served > 0
    ? (queue / served) * binMinutes
    : null;
  const throughputRatio =
    served !== null && arrivals !== null && Math.abs(arrivals) >= Number.EPSILON
      ? served / arrivals
      : null;
  let color: string;
  if (isQueue) {
    const sla = node.slaMin;
    if (latencyMinutes === null || sla === undefined || sla <= 0) color = "gray";
    else if (latencyMinutes <= sla) color = "green";
    else if (latencyMinutes <= sla * 1.5) color = "yellow";
    else color = "red";
  } else if (utilization === null) color = "gray";
  else color = utilization < 0.7 ? "green" : utilization < 0.9 ? "yellow" : "red";
  return { utilization, latencyMinutes, throughputRatio, color };
}

/**
 * A strict consumer of manifest.json (FlowTime's docs/schemas/manifest.schema.json, M-03.02).
 * @param runDir the run folder
 */
export async function assertOldManifest(runDir: string): Promise<void> {
  const m = JSON.parse(await text(join(runDir, "manifest.json"))) as Json;
  const allowed = [
    "schemaVersion",
    "scenarioHash",
    "rng",
    "seriesHashes",
    "eventCount",
    "createdUtc",
    "modelHash",
    "provenance",
  ];
  for (const key of Object.keys(m)) {
    assert.ok(allowed.includes(key), `manifest.json: ${key} not allowed`);
  }
  for (
    const key of [
      "schemaVersion",
      "scenarioHash",
      "rng",
      "seriesHashes",
      "eventCount",
      "createdUtc",
    ]
  ) {
    assert.ok(key in m, `manifest.json: ${key} required`);
  }
  const hash = /^sha256:[a-f0-9]{64}$/;
  assert.match(m.scenarioHash as string, hash);
  const rng = m.rng as Json;
  assert.equal(typeof rng.kind, "string");
  assert.ok(Number.isInteger(rng.seed), "rng.seed");
  for (const [id, h] of Object.entries(m.seriesHashes as Json)) {
    assert.match(id, /^[A-Za-z0-9._@-]+$/);
    assert.match(h as string, hash);
  }
  if (m.provenance !== undefined) {
    for (const key of Object.keys(m.provenance as Json)) {
      assert.ok(["hasProvenance", "modelId", "templateId"].includes(key), `provenance.${key}`);
    }
  }
}

/**
 * FlowTime M-03.02's capture (RunArtifactReader): series/index.json complete, and the bindings
 * it finds (semantics naming indexed nodes, else output aliases by suffix).
 * @param runDir the run folder
 * @returns `<node>:<Metric>` of every file it would capture
 */
export async function oldCaptureBindings(runDir: string): Promise<string[]> {
  const index = JSON.parse(await text(join(runDir, "series", "index.json"))) as Json;
  for (const key of ["bins", "binSize", "binUnit"]) assert.ok(key in (index.grid as Json));
  const entries = index.series as Json[];
  for (const e of entries) {
    for (const key of ["id", "kind", "path", "unit", "componentId", "class", "points", "hash"]) {
      assert.ok(key in e, `index entry ${e.id}: ${key}`);
    }
  }
  const indexed = new Set(entries.map((e) => String(e.id).split("@")[0]));
  const spec = parse(await text(join(runDir, "spec.yaml"))) as Json;
  const out: string[] = [];
  const metrics: Array<[string, string]> = [
    ["arrivals", "Arrivals"],
    ["served", "Served"],
    ["errors", "Errors"],
    ["externalDemand", "ExternalDemand"],
    ["queue", "QueueDepth"],
    ["capacity", "Capacity"],
  ];
  for (const n of ((spec.topology as Json)?.nodes ?? []) as Json[]) {
    for (const [key, metric] of metrics) {
      const ref = (n.semantics as Json)?.[key];
      if (typeof ref === "string" && indexed.has(ref)) out.push(`${n.id}:${metric}`);
    }
  }
  if (out.length > 0) return out;
  const suffixes: Array<[string, string]> = [
    ["_arrivals", "Arrivals"],
    ["_served", "Served"],
    ["_errors", "Errors"],
    ["_queue_depth", "QueueDepth"],
    ["_queue", "QueueDepth"],
    ["_external_demand", "ExternalDemand"],
    ["_capacity", "Capacity"],
  ];
  for (const o of (spec.outputs ?? []) as Json[]) {
    if (!indexed.has(String(o.series))) continue;
    const stem = String(o.as ?? "").replace(/\.csv$/i, "");
    const hit = suffixes.find(([s]) => stem.toLowerCase().endsWith(s));
    if (hit) out.push(`${stem.slice(0, stem.length - hit[0].length).replace(/_+$/, "")}:${hit[1]}`);
  }
  return out;
}
