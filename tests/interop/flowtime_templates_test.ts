// FlowTime's templates load as FlowTime's Sim loads them: the five M-03.02 templates generate
// and run in simulation mode and generate in telemetry mode with their defaults; the twelve
// HEAD templates list and show, and generation names the unsupported feature and node. Run on
// this project's equivalents (fixtures/flowtime/templates/), and on FlowTime's own files when
// they are present in .tmp/flowtime-templates/ (never committed, never fetched).
import assert from "node:assert/strict";
import { join } from "node:path";
import { InProcessSimClient } from "../../lib/sim/in_process.ts";
import { runTemplate } from "../../lib/workflow/run_template.ts";
import { loadCatalog, loadTemplate } from "../../lib/templates/catalog.ts";
import { parseTemplate } from "../../lib/templates/parse.ts";
import { generateModel } from "../../lib/templates/generate.ts";
import { parseModel } from "../../lib/model/parse.ts";
import { FlowTimeError } from "../../lib/base/errors.ts";
import {
  assertMatchesSchema,
  assertThrowsCode,
  cli,
  FIXED_TIME,
  ROOT,
  tempDir,
} from "../_helpers.ts";
import { FLOWTIME_FIXTURES } from "./_flowtime.ts";

const OURS = {
  m0302: join(FLOWTIME_FIXTURES, "templates", "m0302"),
  head: join(FLOWTIME_FIXTURES, "templates", "head"),
};
const REAL = {
  m0302: join(ROOT, ".tmp", "flowtime-templates", "m0302"),
  head: join(ROOT, ".tmp", "flowtime-templates", "head"),
};
const M0302_IDS = [
  "it-system-microservices",
  "manufacturing-line",
  "network-reliability",
  "supply-chain-multi-tier",
  "transportation-basic",
];
const HEAD_IDS = [
  "dependency-constraints-attached",
  "dependency-constraints-minimal",
  "it-document-processing-continuous",
  "it-system-microservices",
  "manufacturing-line",
  "network-reliability",
  "supply-chain-incident-retry",
  "supply-chain-multi-tier",
  "supply-chain-multi-tier-classes",
  "transportation-basic",
  "transportation-basic-classes",
  "warehouse-picker-waves",
];

async function checkM0302(dir: string): Promise<void> {
  const catalog = await loadCatalog(dir);
  assert.deepEqual(catalog.problems, []);
  assert.deepEqual(catalog.templates.map((t) => t.document.metadata.id), M0302_IDS);
  const sim = new InProcessSimClient(dir, { generatedAt: FIXED_TIME });
  await using dataTmp = await tempDir("ft-templates-m0302");
  const data = dataTmp.path;
  for (const id of M0302_IDS) {
    // Simulation mode: generate and run with the defaults.
    const { written } = await runTemplate(sim, {
      templateId: id,
      runsDir: join(data, "runs"),
      deterministic: true,
      createdAt: FIXED_TIME,
    });
    assert.equal(written.runJson.mode, "simulation", id);
    assert.deepEqual(written.runJson.warnings, [], id);
    assert.ok(written.index.series.length > 0, id);
    // Telemetry mode with defaults: the source parameters default to "", which means "no
    // telemetry for this node": the node keeps its values, and the model is valid.
    const telemetry = await sim.generate(id, { mode: "telemetry" });
    assert.equal(telemetry.metadata.hasTelemetrySources, false, id);
    const parsed = parseModel(telemetry.model);
    assert.equal(parsed.model.mode, "telemetry");
    const sourced = parsed.model.nodes.find((n) => n.kind === "const" && n.values !== undefined);
    assert.ok(sourced, `${id}: the node with an empty source keeps its values`);
    // The detail answers FlowTime-Sim's fields.
    const detail = await sim.getTemplate(id);
    assert.equal(detail.category, "general");
    const source = detail.parameters.find((p) => p.name.startsWith("telemetry"))!;
    assert.deepEqual([source.type, source.default, source.defaultValue], ["string", "", ""]);
    assert.equal(
      detail.parameters.find((p) => p.name === "bins")?.defaultValue,
      String(
        detail.parameters.find((p) => p.name === "bins")?.default,
      ),
    );
  }
}

async function checkHead(dir: string, expected?: Record<string, RegExp>): Promise<void> {
  const catalog = await loadCatalog(dir);
  assert.deepEqual(catalog.problems, []);
  assert.deepEqual(catalog.templates.map((t) => t.document.metadata.id), HEAD_IDS);
  const sim = new InProcessSimClient(dir, { generatedAt: FIXED_TIME });
  for (const id of HEAD_IDS) {
    const detail = await sim.getTemplate(id);
    assert.ok(detail.narrative, `${id} narrative`);
    assert.ok((detail.unsupported ?? []).length > 0, `${id} lists its unsupported features`);
    try {
      await sim.generate(id, {});
      assert.fail(`${id} generated`);
    } catch (err) {
      assert.ok(
        err instanceof FlowTimeError && err.code === "unsupported_feature",
        `${id}: ${err}`,
      );
      assert.match(err.message, new RegExp(`template '${id}' cannot be generated: `));
      assert.match(
        err.message,
        /(topology node|node) '[^']+': .* (is|are) not supported|classes are not supported|constraints \(topology\.constraints\) are not supported/,
      );
      if (expected) assert.match(err.message, expected[id], id);
      assert.ok(Array.isArray(err.details) && err.details.length === detail.unsupported!.length);
    }
  }
}

Deno.test("the five M-03.02 templates (equivalents): list, show, run in simulation, generate in telemetry", async () => {
  await checkM0302(OURS.m0302);
});

Deno.test("the twelve HEAD templates (equivalents): list, show, and each names its unsupported feature", async () => {
  await checkHead(OURS.head, {
    "dependency-constraints-attached": /constraints \(topology\.constraints\) are not supported/,
    "dependency-constraints-minimal": /topology node 'Router': kind 'router' is not supported/,
    "it-document-processing-continuous":
      /classes are not supported \(declared: Invoice, Contract, Claim\)/,
    "it-system-microservices":
      /topology node 'FrontService': retries \(semantics attempts, failures, retryEcho\)/,
    "manufacturing-line": /retries \(semantics attempts, failures, retryKernel\)/,
    "network-reliability": /retries \(semantics attempts, failures, retryKernel\)/,
    "supply-chain-incident-retry": /topology node 'IncidentIntake': retries/,
    "supply-chain-multi-tier": /exhaustedPolicy\) are not supported/,
    "supply-chain-multi-tier-classes":
      /classes are not supported \(declared: Retail, Wholesale, Subscription\)/,
    "transportation-basic":
      /topology node 'HubQueue': kind 'serviceWithBuffer' is not supported .*parallelism/,
    "transportation-basic-classes": /classes are not supported .*dispatch schedules/,
    "warehouse-picker-waves":
      /topology node 'Intake': kind 'serviceWithBuffer' is not supported .*dispatch schedules, parallelism/,
  });
});

const haveReal = await exists(REAL.m0302) && await exists(REAL.head);
Deno.test({
  name: haveReal
    ? "FlowTime's own templates (.tmp/flowtime-templates): M-03.02 run, HEAD name their features"
    : "FlowTime's own templates: skipped (put FlowTime's templates/ of 3166256c and d90831b5 in .tmp/flowtime-templates/m0302 and head; see fixtures/flowtime/templates/README.md)",
  ignore: !haveReal,
  async fn() {
    await checkM0302(REAL.m0302);
    await checkHead(REAL.head);
  },
});

Deno.test("unknown template fields are warnings: listed by the detail, recorded in provenance", async () => {
  const text = (await Deno.readTextFile(join(OURS.m0302, "transportation-basic.yaml")))
    .replace("  tags: [beginner", "  owner: ops-team\n  tags: [beginner")
    .replace("      kind: service\n", "      kind: service\n      sla: gold\n");
  const template = parseTemplate(text, { file: "transportation-basic.yaml" });
  assert.deepEqual(template.warnings.map((w) => [w.code, w.path, w.line]), [
    ["unknown_field", "metadata.owner", 11],
    ["unknown_field", "topology.nodes[0].sla", 61],
  ]);
  const generated = generateModel(template, { generatedAt: FIXED_TIME });
  assert.deepEqual(generated.provenance.warnings?.map((w) => w.path), [
    "metadata.owner",
    "topology.nodes[0].sla",
  ]);
  assertMatchesSchema("provenance", generated.provenance, "provenance with warnings");
  // The generated model carries no ignored field.
  assert.deepEqual(parseModel(generated.model).warnings, []);
  // Root and grid stay strict, as FlowTime HEAD's template schema is.
  assertThrowsCode(
    () => parseTemplate(text.replace("grid:\n", "owner: x\ngrid:\n")),
    "template_invalid",
    /owner: unknown field 'owner'/,
  );
});

Deno.test("flowtime templates show lists unsupported features and read-past fields; generate names the feature", async () => {
  const env = { FLOWTIME_TEMPLATES_DIR: OURS.head };
  const show = await cli(["templates", "show", "warehouse-picker-waves"], { env });
  assert.equal(show.code, 0, show.stderr);
  assert.match(show.stdout, /Not supported by the engine \(generation refuses this template\):/);
  assert.match(
    show.stdout,
    /topology\.nodes\[0\]\.dispatchSchedule: topology node 'Intake': dispatch schedules \(dispatchSchedule\) are not supported/,
  );
  const gen = await cli(["templates", "generate", "dependency-constraints-minimal"], { env });
  assert.equal(gen.code, 1);
  assert.match(
    gen.stderr,
    /dependency-constraints-minimal\.yaml:\d+: topology\.nodes\[0\]\.kind: template 'dependency-constraints-minimal' cannot be generated: topology node 'Router': kind 'router' is not supported/,
  );
});

Deno.test("the Sim routes answer FlowTime-Sim's fields and refuse HEAD features with 422", async () => {
  const { createApp } = await import("../../server/app.ts");
  const { createLogger } = await import("../../server/logger.ts");
  await using dataTmp = await tempDir("ft-sim-routes");
  const data = dataTmp.path;
  const app = createApp({ dataDir: data, templatesDir: OURS.head, logger: createLogger(() => {}) });
  const list = await (await app.request("/api/v1/templates")).json();
  const entry = list.find((t: { id: string }) => t.id === "it-system-microservices");
  assert.equal(entry.category, "general");
  assert.equal(entry.captureKey, "it-system-telemetry");
  const detail = await (await app.request("/api/v1/templates/it-system-microservices")).json();
  assert.equal(
    detail.parameters.find((p: { name: string }) => p.name === "bins").defaultValue,
    "288",
  );
  assert.ok(detail.unsupported.length > 0);
  const res = await app.request("/api/v1/templates/transportation-basic/generate", {
    method: "POST",
    body: "{}",
    headers: { "content-type": "application/json" },
  });
  assert.equal(res.status, 422);
  const body = await res.json();
  assert.equal(body.code, "unsupported_feature");
  assert.match(body.error, /topology node 'HubQueue': kind 'serviceWithBuffer' is not supported/);
  assert.ok(!body.error.includes(OURS.head), "the templates folder is not leaked");
});

Deno.test("the M-03.02 network-reliability template: outputs[].description is read past silently", async () => {
  const template = await loadTemplate(OURS.m0302, "network-reliability");
  assert.deepEqual(template.warnings, []);
  assert.deepEqual(template.unsupported, []);
});

async function exists(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isDirectory;
  } catch {
    return false;
  }
}

Deno.test("a template's dictionary pmf (the M-03.02 engine's form) generates {values, probabilities}", () => {
  const template = parseTemplate(`schemaVersion: 1
metadata: { id: t, title: T, version: 1.0.0 }
grid: { bins: 2, binSize: 5 }
nodes:
  - id: capacity
    kind: pmf
    pmf: { "10": 0.2, "20": 0.8 }
`);
  const model = parseModel(generateModel(template, { generatedAt: FIXED_TIME }).model).model;
  assert.deepEqual(model.nodes[0], {
    id: "capacity",
    kind: "pmf",
    pmf: { values: [10, 20], probabilities: [0.2, 0.8] },
  });
});
