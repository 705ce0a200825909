// Writes fixtures/flowtime/: run bundles and capture folders shaped byte for byte the way the
// .NET FlowTime project writes them (UTF-8 BOMs, `t,value` series, .NET JSON escaping and
// 7-digit timestamps, G17 capture values, FlowTime-Sim's YAML), so tests read what FlowTime
// produces without copying any FlowTime file. Each folder's README names the FlowTime file and
// commit whose writer it follows. Re-run after changing this script:
//   deno run --allow-read=. --allow-write=./fixtures scripts/flowtime_fixtures.ts
import { dirname, join } from "node:path";
import { hashOf, sha256Hex } from "../lib/base/hash.ts";

const ROOT = join(dirname(new URL(import.meta.url).pathname), "..");
let OUT = join(ROOT, "fixtures", "flowtime");
const OLD = "3166256c";
const HEAD = "d90831b5";
const BOM = "\uFEFF";

// ---------------------------------------------------------------- .NET formatting helpers

/** System.Text.Json, `WriteIndented`, default encoder: `+ < > & '` and non-ASCII escaped. */
function netJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(
    /"(?:[^"\\]|\\.)*"/g,
    (s) =>
      s.replace(
        /[+<>&']|[^ -~]/g,
        (c) => `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`,
      ),
  );
}

/** `double.ToString(CultureInfo.InvariantCulture)` (shortest round trip) for ordinary values. */
function netNumber(x: number): string {
  if (Number.isNaN(x)) return "NaN";
  if (!Number.isFinite(x)) return x > 0 ? "Infinity" : "-Infinity";
  return String(x).replace(/e([+-])(\d)$/, "E$10$2").replace(/e/, "E");
}

/** `double.ToString("G17", CultureInfo.InvariantCulture)` for ordinary values. */
function g17(x: number): string {
  if (Number.isNaN(x)) return "NaN";
  if (!Number.isFinite(x)) return x > 0 ? "Infinity" : "-Infinity";
  const text = x.toPrecision(17);
  if (text.includes("e")) {
    const [m, e] = text.split("e");
    const mant = m.includes(".") ? m.replace(/0+$/, "").replace(/\.$/, "") : m;
    const exp = Number(e);
    return `${mant}E${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
  }
  return text.includes(".") ? text.replace(/0+$/, "").replace(/\.$/, "") : text;
}

const enc = new TextEncoder();

async function write(path: string, text: string): Promise<Uint8Array> {
  await Deno.mkdir(dirname(path), { recursive: true });
  const bytes = enc.encode(text);
  await Deno.writeFile(path, bytes);
  return bytes;
}

function hashText(text: string): string {
  return hashOf(enc.encode(text));
}

/** A RunArtifactWriter series file: BOM, `t,value`, LF, invariant shortest numbers (OLD). */
function runSeriesCsv(values: readonly number[]): string {
  return BOM + "t,value\n" + values.map((v, t) => `${t},${netNumber(v)}\n`).join("");
}

/** A TelemetryCapture file (OLD): no BOM, `bin_index,value`, G17 values, empty for a gap. */
function captureCsvV1(values: ReadonlyArray<number | null>): string {
  return "bin_index,value\n" +
    values.map((v, i) => `${i},${v === null ? "" : g17(v)}\n`).join("");
}

/** A TelemetryCapture file (HEAD): `bin_index,classId,value`, class DEFAULT for totals. */
function captureCsvV2(values: readonly number[], classId = "DEFAULT"): string {
  return "bin_index,classId,value\n" + values.map((v, i) => `${i},${classId},${g17(v)}\n`).join("");
}

/** StateEndpointTests.WriteSeries: no BOM, `bin_index,value`, `{i},{value}` invariant. */
function stateCsv(values: readonly number[]): string {
  return "bin_index,value\n" + values.map((v, i) => `${i},${netNumber(v)}\n`).join("");
}

async function readme(dir: string, text: string): Promise<void> {
  await write(join(dir, "README.md"), text.trimStart());
}

// ------------------------------------------------- the state fixture (StateEndpointTests.cs)

const STATE_START = "2025-01-01T00:00:00.0000000Z";
const STATE_SERIES: Record<string, number[]> = {
  "OrderService_arrivals.csv": [10, 10, 10, 10],
  "OrderService_served.csv": [9, 6, 9, 4],
  "OrderService_errors.csv": [1, 1, 1, 1],
  "OrderService_capacity.csv": [12, 7, 9, 4],
  "SupportQueue_arrivals.csv": [9, 7, 9, 5],
  "SupportQueue_served.csv": [9, 6, 9, 4],
  "SupportQueue_errors.csv": [0, 0, 0, 0],
  "SupportQueue_queue.csv": [2, 10, 20, 0],
};

function stateModelYaml(servedFile = "OrderService_served.csv"): string {
  return `schemaVersion: 1

grid:
  bins: 4
  binSize: 5
  binUnit: minutes
  startTimeUtc: "${STATE_START}"

topology:
  nodes:
    - id: "OrderService"
      kind: "service"
      semantics:
        arrivals: "file:OrderService_arrivals.csv"
        served: "file:${servedFile}"
        errors: "file:OrderService_errors.csv"
        externalDemand: null
        queueDepth: null
        capacity: "file:OrderService_capacity.csv"
        slaMin: null
    - id: "SupportQueue"
      kind: "queue"
      semantics:
        arrivals: "file:SupportQueue_arrivals.csv"
        served: "file:SupportQueue_served.csv"
        errors: "file:SupportQueue_errors.csv"
        externalDemand: null
        queue: "file:SupportQueue_queue.csv"
        capacity: null
        slaMin: 5
  edges: []

`;
}

async function stateRun(
  runs: string,
  runId: string,
  options: { mode: string; overrides?: Record<string, number[]>; servedFile?: string },
): Promise<void> {
  const runDir = join(runs, runId);
  const modelDir = join(runDir, "model");
  for (const [file, values] of Object.entries({ ...STATE_SERIES, ...options.overrides })) {
    await write(join(modelDir, file), stateCsv(values));
  }
  // File.WriteAllText(path, text, Encoding.UTF8) writes a BOM.
  await write(join(modelDir, "model.yaml"), BOM + stateModelYaml(options.servedFile));
  await write(
    join(modelDir, "metadata.json"),
    BOM + netJson({
      templateId: "order-system",
      templateTitle: "Order System Fixture",
      templateVersion: "1.0.0",
      schemaVersion: 1,
      mode: options.mode,
      modelHash: `sha256:${runId}`,
    }),
  );
  await write(
    join(modelDir, "provenance.json"),
    BOM + netJson({
      source: "flowtime-sim",
      templateId: "order-system",
      templateVersion: "1.0.0",
      mode: "telemetry",
      modelId: runId,
      schemaVersion: 1,
    }),
  );
  await write(
    join(runDir, "run.json"),
    BOM + netJson({
      schemaVersion: 1,
      runId,
      engineVersion: "0.0-test",
      source: options.mode,
      grid: {
        bins: 4,
        binSize: 5,
        binUnit: "minutes",
        binMinutes: 5,
        timezone: "UTC",
        align: "left",
      },
      modelHash: `sha256:${runId}`,
      scenarioHash: "sha256:test",
      createdUtc: STATE_START,
      warnings: [],
      series: [],
    }),
  );
}

// ------------------------------- a simulation run of FlowTime-Sim's transportation-basic model

const TB = {
  demand: [10, 15, 20, 25, 18, 12],
  capacity: [15, 18, 25, 30, 22, 16],
};
const TB_SERVED = TB.demand.map((d, i) => Math.min(d, TB.capacity[i]));
const TB_UNMET = TB.demand.map((d, i) => Math.max(0, d - TB.capacity[i]));
const TB_UTIL = TB_SERVED.map((s, i) => s / TB.capacity[i]);
const TB_MODEL_ID = sha256Hex("transportation-basic template text, parameters substituted");

function yamlList(values: readonly number[], indent: string): string {
  return values.map((v) => `${indent}- ${v}\n`).join("");
}

/** SimModelArtifact as FlowTime-Sim (OLD) serialises it with YamlDotNet's defaults. */
function transportationSimYaml(): string {
  const node = (
    id: string,
    kind: string,
    body: { values?: number[]; expr?: string; source?: string },
  ) =>
    `- id: ${id}
  kind: ${kind}
${body.values ? `  values:\n${yamlList(body.values, "  ")}` : "  values: \n"}  expr: ${
      body.expr ?? ""
    }
  source: ${body.source === undefined ? "" : "''"}
  pmf: 
  initial: 
`;
  return `schemaVersion: 1
generator: flowtime-sim
mode: simulation
metadata:
  id: transportation-basic
  title: Transportation Network
  description: Simple transportation flow with demand and capacity constraints, ideal for logistics learning
  version: 1.0.0
  tags:
  - beginner
  - transportation
  - logistics
  - capacity
window:
  start: 2025-01-01T00:00:00Z
  timezone: UTC
grid:
  bins: 6
  binSize: 60
  binUnit: minutes
  start: 
topology:
  nodes:
  - id: TransitLine
    kind: service
    group: 
    semantics:
      arrivals: passenger_demand
      served: passengers_served
      errors: unmet_demand
      queue: 
      capacity: 
      external_demand: 
    initialCondition: 
    ui: 
  edges: []
nodes:
${node("passenger_demand", "const", { values: TB.demand, source: "" })}${
    node("vehicle_capacity", "const", { values: TB.capacity })
  }${node("passengers_served", "expr", { expr: "MIN(passenger_demand, vehicle_capacity)" })}${
    node("unmet_demand", "expr", { expr: "MAX(0, passenger_demand - vehicle_capacity)" })
  }${node("utilization", "expr", { expr: "passengers_served / vehicle_capacity" })}outputs:
- series: passenger_demand
  exclude: 
  as: demand.csv
- series: passengers_served
  exclude: 
  as: served.csv
- series: unmet_demand
  exclude: 
  as: overcrowding.csv
- series: utilization
  exclude: 
  as: utilization.csv
provenance:
  source: flowtime-sim
  generator: flowtime-sim/1.0.0
  generatedAt: 2025-10-19T10:46:31.1234567+00:00
  templateId: transportation-basic
  templateVersion: 1.0.0
  mode: simulation
  modelId: ${TB_MODEL_ID}
  schemaVersion: 1
  parameters:
    bins: 6
    binSize: 60
    demandPattern: '[10, 15, 20, 25, 18, 12]'
    capacityPattern: '[15, 18, 25, 30, 22, 16]'
    telemetryDemandSource: '""'
`;
}

interface WrittenFlowTimeRun {
  runId: string;
  runDir: string;
  modelHash: string;
  scenarioHash: string;
}

/** RunArtifactWriter.WriteArtifactsAsync (OLD), deterministic run id. */
async function flowTimeRun(
  runs: string,
  options: {
    specText: string;
    seed: number | null;
    rngSeed: number;
    series: Array<[string, number[]]>;
    grid: { bins: number; binSize: number; binUnit: string };
    metadata: Record<string, unknown>;
    provenanceJson?: string;
    createdUtc: string;
    manifestCreatedUtc: string;
  },
): Promise<WrittenFlowTimeRun> {
  const canonical = `${options.specText.trim()}\n${options.seed ?? "null"}\nnull`;
  const scenarioHash = hashText(canonical);
  const runId = `run_deterministic_${scenarioHash.slice(7, 15)}`;
  const runDir = join(runs, runId);
  await write(join(runDir, "spec.yaml"), BOM + options.specText);
  const modelBytes = await write(join(runDir, "model", "model.yaml"), BOM + options.specText);
  const modelHash = hashOf(modelBytes);
  await write(
    join(runDir, "model", "metadata.json"),
    BOM + netJson({ schemaVersion: 1, ...options.metadata, modelHash, ...metadataTail(options) }),
  );
  if (options.provenanceJson) {
    await write(join(runDir, "model", "provenance.json"), BOM + options.provenanceJson);
  }
  const metas: Array<Record<string, unknown>> = [];
  const seriesHashes: Record<string, string> = {};
  for (const [nodeId, values] of options.series) {
    const id = `${nodeId}@${nodeId.toUpperCase()}@DEFAULT`;
    const bytes = await write(join(runDir, "series", `${id}.csv`), runSeriesCsv(values));
    const hash = hashOf(bytes);
    seriesHashes[id] = hash;
    metas.push({
      id,
      kind: "flow",
      path: `series/${id}.csv`,
      unit: "entities/bin",
      componentId: nodeId.toUpperCase(),
      class: "DEFAULT",
      points: values.length,
      hash,
    });
  }
  await write(
    join(runDir, "run.json"),
    BOM + netJson({
      schemaVersion: 1,
      runId,
      engineVersion: "0.1.0",
      source: "engine",
      grid: { ...options.grid, timezone: "UTC", align: "left" },
      modelHash,
      scenarioHash,
      createdUtc: options.createdUtc,
      warnings: [],
      series: metas.map((m) => ({ id: m.id, path: m.path, unit: m.unit })),
    }),
  );
  await write(
    join(runDir, "series", "index.json"),
    BOM + netJson({
      schemaVersion: 1,
      grid: { ...options.grid, timezone: "UTC" },
      series: metas,
      formats: {
        goldTable: {
          path: "gold/node_time_bin.parquet",
          dimensions: ["time_bin", "component_id", "class"],
          measures: ["arrivals", "served", "errors"],
        },
      },
    }),
  );
  let provenance: Record<string, unknown> | undefined;
  if (options.provenanceJson) {
    const p = JSON.parse(options.provenanceJson);
    provenance = {
      hasProvenance: true,
      modelId: p.modelId ?? null,
      templateId: p.templateId ?? null,
    };
  }
  await write(
    join(runDir, "manifest.json"),
    BOM + netJson({
      schemaVersion: 1,
      scenarioHash,
      rng: { kind: "pcg32", seed: options.seed ?? options.rngSeed },
      seriesHashes,
      eventCount: 0,
      createdUtc: options.manifestCreatedUtc,
      modelHash,
      ...(provenance ? { provenance } : {}),
    }),
  );
  return { runId, runDir, modelHash, scenarioHash };
}

function metadataTail(options: { provenanceJson?: string; createdUtc: string }) {
  const p = options.provenanceJson ? JSON.parse(options.provenanceJson) : {};
  return {
    source: p.source ?? null,
    generator: p.generator ?? null,
    modelId: p.modelId ?? null,
    generatedAtUtc: p.generatedAt ?? p.generatedAtUtc ?? null,
    receivedAtUtc: options.createdUtc,
    parameters: p.parameters ?? {},
  };
}

// ------------------------------------------------------------------- the capture manifests

interface CaptureFile {
  nodeId: string;
  metric: string;
  path: string;
  values: Array<number | null>;
}

/** TelemetryCapture + CaptureManifestWriter (OLD): WhenWritingNull, no BOM. */
async function captureV1(
  dir: string,
  options: {
    files: CaptureFile[];
    grid: { bins: number; binSize: number; binUnit: string };
    startTimeUtc?: string;
    provenance: Record<string, string | undefined>;
    bareHex?: boolean;
    warnings?: unknown[];
  },
): Promise<string> {
  const files = [];
  for (const f of options.files) {
    const bytes = await write(join(dir, f.path), captureCsvV1(f.values));
    const hex = sha256Hex(bytes);
    files.push({
      nodeId: f.nodeId,
      metric: f.metric,
      path: f.path,
      hash: options.bareHex ? hex : `sha256:${hex}`,
      points: options.grid.bins,
    });
  }
  const manifest = {
    schemaVersion: 1,
    window: {
      ...(options.startTimeUtc ? { startTimeUtc: options.startTimeUtc } : {}),
      durationMinutes: options.grid.bins * options.grid.binSize,
    },
    grid: options.grid,
    files,
    warnings: options.warnings ?? [],
    provenance: Object.fromEntries(
      Object.entries(options.provenance).filter(([, v]) => v !== undefined),
    ),
  };
  const text = netJson(manifest);
  await write(join(dir, "manifest.json"), text);
  return text;
}

/** TelemetryCapture + CaptureManifestWriter (HEAD): schemaVersion 2, classId on every file. */
async function captureV2(
  dir: string,
  options: {
    files: Array<CaptureFile & { classId?: string }>;
    grid: { bins: number; binSize: number; binUnit: string };
    startTimeUtc: string;
    provenance: Record<string, string>;
    classes?: string[];
  },
): Promise<void> {
  const files = [];
  for (const f of options.files) {
    const bytes = await write(
      join(dir, f.path),
      captureCsvV2(f.values as number[], f.classId ?? "DEFAULT"),
    );
    files.push({
      nodeId: f.nodeId,
      metric: f.metric,
      path: f.path,
      hash: hashOf(bytes),
      points: options.grid.bins,
      classId: f.classId ?? "DEFAULT",
    });
  }
  const withClasses = options.classes !== undefined;
  await write(
    join(dir, "manifest.json"),
    netJson({
      schemaVersion: 2,
      window: {
        startTimeUtc: options.startTimeUtc,
        durationMinutes: options.grid.bins * options.grid.binSize,
      },
      grid: options.grid,
      files,
      warnings: [],
      provenance: options.provenance,
      supportsClassMetrics: withClasses,
      ...(withClasses ? { classes: options.classes } : {}),
      classCoverage: withClasses ? "full" : "missing",
    }),
  );
}

// ----------------------------------------------------- TelemetryRunFactory's order system

const ORDER = {
  order_arrivals: [10, 11, 12, 13],
  order_served: [8, 9, 10, 11],
  order_errors: [1, 1, 1, 1],
  payment_arrivals: [5, 6, 7, 8],
  payment_served: [4, 5, 6, 7],
  payment_errors: [0, 0, 0, 0],
};
const ORDER_FILES: CaptureFile[] = [
  ["OrderService", "Arrivals", "order_arrivals"],
  ["OrderService", "Served", "order_served"],
  ["OrderService", "Errors", "order_errors"],
  ["PaymentService", "Arrivals", "payment_arrivals"],
  ["PaymentService", "Served", "payment_served"],
  ["PaymentService", "Errors", "payment_errors"],
].map(([nodeId, metric, series]) => ({
  nodeId,
  metric,
  path: `${nodeId}_${metric.toLowerCase()}.csv`,
  values: ORDER[series as keyof typeof ORDER],
}));

/** TelemetryStateGoldenTests.BuildTemplateYaml after TelemetryBundleBuilder's rewrites. */
function orderTelemetryModel(): string {
  const node = (series: string, file: string) =>
    `  - id: ${series}\n    kind: const\n    values: [0, 0, 0, 0]\n    source: file://telemetry/${file}\n\n`;
  const files = Object.keys(ORDER).map((s, i) => [s, ORDER_FILES[i].path]);
  return `schemaVersion: 1
mode: telemetry
metadata:
  id: order-system
  title: Order System Fixture
  version: 1.0.0
grid:
  bins: 4
  binSize: 5
  binUnit: minutes
  startTimeUtc: "2025-01-01T00:00:00Z"
topology:
  nodes:
    - id: OrderService
      kind: service
      semantics:
        arrivals: file://telemetry/OrderService_arrivals.csv
        served: file://telemetry/OrderService_served.csv
        errors: file://telemetry/OrderService_errors.csv
    - id: PaymentService
      kind: service
      semantics:
        arrivals: file://telemetry/PaymentService_arrivals.csv
        served: file://telemetry/PaymentService_served.csv
        errors: file://telemetry/PaymentService_errors.csv
  edges: []

nodes:
${files.map(([s, f]) => node(s, f)).join("")}outputs:
${files.map(([s, f]) => `  - series: ${s}\n    as: ${f}`).join("\n")}`;
}

// ------------------------------------------------------------------------------- main

/**
 * Write the generated fixtures (runs/, captures/ and their READMEs).
 * @param outDir folder to write into (default fixtures/flowtime)
 */
export async function writeFlowTimeFixtures(outDir?: string): Promise<void> {
  if (outDir) OUT = outDir;
  // templates/ is written by hand (see its README); only the generated folders are replaced.
  for (const dir of ["runs", "captures"]) {
    await Deno.remove(join(OUT, dir), { recursive: true }).catch(() => {});
  }
  const runs = join(OUT, "runs");

  // 1. StateEndpointTests' run folders
  await stateRun(runs, "run_state_fixture", { mode: "telemetry" });
  await stateRun(runs, "run_state_warning", {
    mode: "telemetry",
    overrides: { "OrderService_served.csv": [NaN, 6, 9, 4] },
  });
  await stateRun(runs, "run_state_sim_invalid", {
    mode: "simulation",
    overrides: { "OrderService_served.csv": [NaN, NaN, NaN, NaN] },
  });
  await stateRun(runs, "run_state_missing_source", {
    mode: "telemetry",
    servedFile: "OrderService_served_missing.csv",
  });

  // 2. a simulation run of FlowTime-Sim's transportation-basic model, seed 123
  const simProvenance = netJson({
    source: "flowtime-sim",
    generator: "flowtime-sim/1.0.0",
    generatedAt: "2025-10-19T10:46:31.1234567+00:00",
    templateId: "transportation-basic",
    templateVersion: "1.0.0",
    mode: "simulation",
    modelId: TB_MODEL_ID,
    schemaVersion: 1,
    parameters: {
      bins: "6",
      binSize: "60",
      demandPattern: "[10, 15, 20, 25, 18, 12]",
      capacityPattern: "[15, 18, 25, 30, 22, 16]",
      telemetryDemandSource: '""',
    },
  });
  const sim = await flowTimeRun(runs, {
    specText: transportationSimYaml(),
    seed: 123,
    rngSeed: 123,
    series: [
      ["passenger_demand", TB.demand],
      ["passengers_served", TB_SERVED],
      ["unmet_demand", TB_UNMET],
      ["utilization", TB_UTIL],
    ],
    grid: { bins: 6, binSize: 60, binUnit: "minutes" },
    metadata: {
      templateId: "transportation-basic",
      templateTitle: "Transportation Network",
      templateVersion: "1.0.0",
      mode: "simulation",
    },
    provenanceJson: simProvenance,
    createdUtc: "2025-10-19T10:46:32.1234567Z",
    manifestCreatedUtc: "2025-10-19T10:46:32.2345678Z",
  });

  // 3. its capture (TelemetryCapture: files named by outputs[].as)
  const captures = join(OUT, "captures");
  await captureV1(join(captures, "transportation-basic"), {
    files: [
      { nodeId: "TransitLine", metric: "Arrivals", path: "demand.csv", values: TB.demand },
      { nodeId: "TransitLine", metric: "Served", path: "served.csv", values: TB_SERVED },
      { nodeId: "TransitLine", metric: "Errors", path: "overcrowding.csv", values: TB_UNMET },
    ],
    grid: { bins: 6, binSize: 60, binUnit: "minutes" },
    provenance: {
      runId: sim.runId,
      scenarioHash: sim.scenarioHash,
      modelHash: sim.modelHash,
      capturedAtUtc: "2025-10-19T11:02:03.4567891Z",
    },
  });

  // 4. TelemetryRunFactory's order system, captured (TelemetryCapture, OLD)
  const orderCapture = join(captures, "run_order_system");
  const orderManifest = await captureV1(orderCapture, {
    files: ORDER_FILES,
    grid: { bins: 4, binSize: 5, binUnit: "minutes" },
    startTimeUtc: "2025-01-01T00:00:00Z",
    provenance: {
      runId: "run_order_system",
      scenarioHash: "sha256:1111111111111111111111111111111111111111111111111111111111111111",
      capturedAtUtc: "2025-10-19T10:46:33.3456789Z",
    },
  });

  // 5. ... and bundled (TelemetryBundleBuilder, OLD): file://telemetry/ semantics
  const telemetryRun = await flowTimeRun(runs, {
    specText: orderTelemetryModel(),
    seed: null,
    rngSeed: 1482375621,
    series: Object.entries(ORDER),
    grid: { bins: 4, binSize: 5, binUnit: "minutes" },
    metadata: {
      templateId: "order-system",
      templateTitle: "Order System Fixture",
      templateVersion: "1.0.0",
      mode: "telemetry",
    },
    createdUtc: "2025-10-19T10:46:34.1234567Z",
    manifestCreatedUtc: "2025-10-19T10:46:34.2345678Z",
  });
  for (const f of ORDER_FILES) {
    await write(join(telemetryRun.runDir, "model", "telemetry", f.path), captureCsvV1(f.values));
  }
  // The bundle builder re-serialises the capture manifest with nulls written.
  const reread = JSON.parse(orderManifest);
  reread.provenance = {
    runId: reread.provenance.runId,
    scenarioHash: reread.provenance.scenarioHash,
    modelHash: null,
    capturedAtUtc: reread.provenance.capturedAtUtc,
  };
  await write(
    join(telemetryRun.runDir, "model", "telemetry", "telemetry-manifest.json"),
    netJson(reread),
  );

  // 6. a hand-written capture like examples/time-travel/it-system-telemetry (bare-hex hashes)
  const it = {
    LoadBalancer: {
      arrivals: [120, 150, 180, 210, 170, 130],
      served: [118, 149, 172, 190, 165, 130],
      errors: [2, 1, 8, 20, 5, 0],
    },
    AuthService: {
      arrivals: [118, 149, 172, 190, 165, 130],
      served: [110, 140, 150, 152, 150, 128],
      errors: [8, 9, 22, 38, 15, 2],
    },
    Database: {
      arrivals: [110, 140, 150, 152, 150, 128],
      served: [108, 136, 141, 140, 146, 127],
      errors: [2, 4, 9, 12, 4, 1],
    },
  };
  await captureV1(join(captures, "it-system-telemetry"), {
    files: Object.entries(it).flatMap(([node, m]) =>
      Object.entries(m).map(([metric, values]) => ({
        nodeId: node,
        metric: metric[0].toUpperCase() + metric.slice(1),
        path: `${node}_${metric}.csv`,
        values,
      }))
    ),
    grid: { bins: 6, binSize: 60, binUnit: "minutes" },
    startTimeUtc: "2025-10-01T00:00:00Z",
    bareHex: true,
    provenance: {
      runId: "time_travel_demo",
      scenarioHash: "sha256:demo",
      modelHash: "sha256:demo-model",
      capturedAtUtc: "2025-10-15T00:00:00Z",
    },
  });

  // 7. HEAD captures (schemaVersion 2): class totals, and per-class files
  const v2Provenance = {
    runId: "run_order_system",
    scenarioHash: "sha256:1111111111111111111111111111111111111111111111111111111111111111",
    capturedAtUtc: "2026-05-04T09:00:00.1234567Z",
  };
  await captureV2(join(captures, "order-system-v2"), {
    files: ORDER_FILES,
    grid: { bins: 4, binSize: 5, binUnit: "minutes" },
    startTimeUtc: "2025-01-01T00:00:00Z",
    provenance: v2Provenance,
  });
  await captureV2(join(captures, "order-system-v2-classes"), {
    files: [
      ...ORDER_FILES.slice(0, 1),
      {
        ...ORDER_FILES[0],
        path: "OrderService_arrivals_Priority.csv",
        values: [4, 4, 5, 5],
        classId: "Priority",
      },
      {
        ...ORDER_FILES[0],
        path: "OrderService_arrivals_Standard.csv",
        values: [6, 7, 7, 8],
        classId: "Standard",
      },
    ],
    grid: { bins: 4, binSize: 5, binUnit: "minutes" },
    startTimeUtc: "2025-01-01T00:00:00Z",
    provenance: v2Provenance,
    classes: ["Priority", "Standard"],
  });

  await writeReadmes(sim.runId, telemetryRun.runId);
}

async function writeReadmes(simRunId: string, telemetryRunId: string): Promise<void> {
  await readme(
    OUT,
    `
# FlowTime's own artifacts, rebuilt

Run bundles and capture folders shaped the way the .NET FlowTime project
(github.com/23min/FlowTime) writes them, for the interop tests (tests/interop/). Nothing here is
copied from FlowTime: \`scripts/flowtime_fixtures.ts\` writes every file by following FlowTime's
writer code at the commits named in each folder's README (\`${OLD}\` = M-03.02 close, October
2025; \`${HEAD}\` = HEAD, May 2026), including what only a byte-level reader notices: UTF-8 BOMs,
\`t,value\` series headers, .NET JSON escaping (\`+\` as \`\\u002B\`), 7-digit timestamps, G17
capture values, YamlDotNet's empty fields. Regenerate with

    deno run --allow-read=. --allow-write=./fixtures scripts/flowtime_fixtures.ts

| folder | what |
| --- | --- |
| runs/ | a runs folder: FlowTime's state test runs, a simulation run, a telemetry bundle |
| captures/ | capture folders: manifest v1 (FlowTime's capture, the bare-hex example), v2 (HEAD) |
| templates/m0302/, templates/head/ | templates written after FlowTime's five (M-03.02) and twelve (HEAD) templates |
`,
  );
  await readme(
    join(OUT, "runs"),
    `
# Run folders as FlowTime writes them

| run | follows | what it holds |
| --- | --- | --- |
| run_state_fixture | \`tests/FlowTime.Api.Tests/StateEndpointTests.cs\` @ ${OLD} (\`CreateFixtureRun\`, \`CreateRun\`, \`WriteSeries\`, \`WriteMetadata\`, \`BuildRunJson\`, \`BuildValidModelYaml\`) | the run behind FlowTime's state goldens (\`Golden/state-approved.json\`, \`state-window-approved.json\`): no \`series/\`, data in \`model/*.csv\` reached through \`file:\` semantics, \`queue\` for queue depth, \`startTimeUtc\` with 7 fraction digits, run.json without mode or start (\`source\` holds the mode), a fake \`sha256:<runId>\` model hash; model.yaml, metadata.json, provenance.json and run.json start with a BOM |
| run_state_warning | same file, \`CreateTelemetryWarningRun\` | OrderService_served.csv = NaN, 6, 9, 4 |
| run_state_sim_invalid | same file, \`CreateSimulationInvalidRun\` | simulation mode, OrderService_served.csv all NaN |
| run_state_missing_source | same file, \`CreateTelemetryMissingSourceRun\` | served names \`file:OrderService_served_missing.csv\`, which does not exist |
| ${simRunId} | \`src/FlowTime.Core/Artifacts/RunArtifactWriter.cs\` @ ${OLD} (\`WriteArtifactsAsync\`, \`WriteMetadataAsync\`, the DTOs), its model as \`src/FlowTime.Sim.Core/Templates/SimModelArtifact.cs\` + \`SimModelBuilder.cs\` serialise it (YamlDotNet defaults, \`TemplateService.cs\`) | a simulation run of FlowTime-Sim's transportation-basic model (template defaults, seed 123): \`generator\`, \`window\` beside \`grid\`, empty fields (\`expr: \`, \`source: ''\`, \`queue: \`, \`external_demand: \`), \`series/*.csv\` with BOM and \`t,value\`, only the \`outputs\` series written (vehicle_capacity is not), run.json without mode or start, manifest.json with \`eventCount\` |
| ${telemetryRunId} | \`src/FlowTime.Generator/TelemetryBundleBuilder.cs\` @ ${OLD} (\`BuildAsync\`, \`NormalizeTelemetrySources\`, \`NormalizeTelemetrySemantics\`, \`WriteTelemetryManifestAsync\`) over \`tests/TestSupport/TelemetryRunFactory.cs\` (order system) and \`tests/FlowTime.Generator.Tests/TelemetryStateGoldenTests.cs\` (\`BuildTemplateYaml\`) | a telemetry bundle: semantics and sources rewritten to \`file://telemetry/<file>\`, the capture's CSVs (G17, no BOM) and its manifest (nulls written) in \`model/telemetry/\`, the outputs' series in \`series/\` |

The \`gold/\` folder FlowTime creates empty is left out (git keeps no empty folders).
`,
  );
  await readme(
    join(OUT, "captures"),
    `
# Capture folders as FlowTime writes them

| capture | follows | what it holds |
| --- | --- | --- |
| run_order_system | \`src/FlowTime.Generator/TelemetryCapture.cs\` + \`Artifacts/CaptureManifestWriter.cs\` @ ${OLD}, capturing \`tests/TestSupport/TelemetryRunFactory.cs\` (order system) | manifest v1 without checksum, sourceSeries or captureVersion (nulls omitted, no model hash: the factory's run.json has none); CSVs \`bin_index,value\` with G17 values, no BOM |
| transportation-basic | the same capture code @ ${OLD}, capturing \`runs/${simRunId}\` (\`Capture/RunArtifactReader.cs\`: files named by \`outputs[].as\`) | \`demand.csv\`, \`served.csv\`, \`overcrowding.csv\` for TransitLine; no window start (FlowTime-Sim's model has no \`grid.startTimeUtc\`) |
| it-system-telemetry | the hand-written \`examples/time-travel/it-system-telemetry/manifest.json\` @ ${OLD} (its shape; the values are this project's) | LoadBalancer, AuthService, Database x arrivals/served/errors, 6 bins of 60 minutes; **bare hex hashes**, placeholder \`sha256:demo\` provenance hashes |
| order-system-v2 | \`src/FlowTime.TimeMachine/TelemetryCapture.cs\` + \`Artifacts/CaptureManifestWriter.cs\` @ ${HEAD} | manifest schemaVersion 2 of class totals: \`files[].classId: DEFAULT\`, \`supportsClassMetrics: false\`, \`classCoverage: missing\`; CSVs \`bin_index,classId,value\` |
| order-system-v2-classes | the same @ ${HEAD} | per-class files (\`supportsClassMetrics: true\`, classes Priority and Standard): refused by the toolkit |
`,
  );
}

if (import.meta.main) {
  await writeFlowTimeFixtures();
  console.log(`wrote ${OUT}`);
}
