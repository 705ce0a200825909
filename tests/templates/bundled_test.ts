// The example templates: they generate in both modes with their defaults, the simulation
// models run, their topology matches the FlowTime fixtures, and a capture of a simulation run
// (files named <Node>_<metric>.csv) replays through the same template with identical series.
import assert from "node:assert/strict";
import { join } from "node:path";
import { loadTemplate } from "../../lib/templates/catalog.ts";
import { generateModel } from "../../lib/templates/generate.ts";
import { parseModel } from "../../lib/model/parse.ts";
import { SEMANTIC_METRICS } from "../../lib/model/types.ts";
import { evaluateModel } from "../../lib/engine/evaluate.ts";
import { formatSeriesCsv } from "../../lib/artifacts/series_csv.ts";
import { loadTelemetrySources } from "../../lib/telemetry/loader.ts";
import { runParsedModel } from "../../lib/workflow/run_model.ts";
import {
  assertThrowsCode,
  assertValidRunBundle,
  FIXED_TIME,
  readJsonFile,
  ROOT,
  tempDir,
} from "../_helpers.ts";

const TEMPLATES = join(ROOT, "templates");

/** Topology node ids of the FlowTime fixtures (fixtures/reference/flowtime/<id>/model.yaml). */
const FIXTURE_NODES: Record<string, string[]> = {
  "order-system": ["OrderService", "PaymentService"],
  microservices: [
    "API_Gateway",
    "AuthService",
    "OrderService",
    "PaymentService",
    "InventoryService",
    "ShippingService",
  ],
  "http-service": ["HttpService"],
};

for (const id of Object.keys(FIXTURE_NODES)) {
  Deno.test(`${id}: the defaults generate a simulation model that runs without warnings`, async () => {
    const g = generateModel(await loadTemplate(TEMPLATES, id), {
      generatedAt: FIXED_TIME,
      parameters: {},
    });
    const parsed = parseModel(g.model);
    assert.equal(parsed.model.mode, "simulation");
    await using runsTmp = await tempDir(`bundled-${id}`);
    const runs = runsTmp.path;
    const written = await runParsedModel(parsed, {
      runsDir: runs,
      deterministic: true,
      createdAt: FIXED_TIME,
      template: { templateId: id, templateVersion: "1.0.0" },
      sourceDir: runs,
    });
    assert.deepEqual(written.runJson.warnings, []);
    await assertValidRunBundle(written.runDir);
  });

  Deno.test(`${id}: telemetry mode with telemetryDir generates a valid telemetry model`, async () => {
    const g = generateModel(await loadTemplate(TEMPLATES, id), {
      mode: "telemetry",
      generatedAt: FIXED_TIME,
      parameters: { telemetryDir: "capture" },
    });
    const parsed = parseModel(g.model);
    assert.equal(parsed.model.mode, "telemetry");
    assert.equal(g.metadata.hasTelemetrySources, true);
  });

  Deno.test(`${id}: topology node ids are those of the FlowTime fixture`, async () => {
    const g = generateModel(await loadTemplate(TEMPLATES, id), {
      generatedAt: FIXED_TIME,
      parameters: {},
    });
    const topology = parseModel(g.model).model.topology!;
    assert.deepEqual(topology.nodes.map((n) => n.id), FIXTURE_NODES[id]);
  });

  Deno.test(`${id}: every semantic series has a telemetry source named <Node>_<metric>.csv`, async () => {
    const template = await loadTemplate(TEMPLATES, id);
    const sources = new Map(template.document.nodes.map((n) => [n.id, n.source]));
    let count = 0;
    for (const tn of template.document.topology?.nodes ?? []) {
      for (const metric of SEMANTIC_METRICS) {
        const ref = tn.semantics?.[metric];
        if (typeof ref !== "string") continue;
        assert.equal(
          sources.get(ref),
          `\${telemetryDir}/${tn.id}_${metric.toLowerCase()}.csv`,
          `${id}: ${tn.id}.${metric} -> ${ref}`,
        );
        count++;
      }
    }
    assert.ok(count >= 4, `${id} has ${count} semantic series`);
  });

  Deno.test(`${id}: a capture of the simulation replays in telemetry mode with identical series`, async () => {
    const template = await loadTemplate(TEMPLATES, id);
    const sim = parseModel(
      generateModel(template, { generatedAt: FIXED_TIME, parameters: {} }).model,
    );
    const simSeries = evaluateModel(sim.model, { exprs: sim.exprs }).series;
    await using dirTmp = await tempDir(`replay-${id}`);
    const dir = dirTmp.path;
    await Deno.mkdir(join(dir, "capture"));
    for (const tn of sim.model.topology!.nodes) {
      for (const metric of SEMANTIC_METRICS) {
        const ref = tn.semantics[metric];
        if (typeof ref !== "string") continue;
        const file = join(dir, "capture", `${tn.id}_${metric.toLowerCase()}.csv`);
        await Deno.writeTextFile(file, formatSeriesCsv(simSeries.get(ref)!));
      }
    }
    const tele = parseModel(
      generateModel(template, {
        mode: "telemetry",
        generatedAt: FIXED_TIME,
        parameters: { telemetryDir: "capture" },
      }).model,
    );
    const loaded = await loadTelemetrySources(tele.model, { modelDir: dir });
    assert.deepEqual(loaded.warnings, []);
    assert.deepEqual(loaded.unresolved, []);
    const teleSeries =
      evaluateModel(tele.model, { sources: loaded.sources, exprs: tele.exprs }).series;
    assert.deepEqual([...teleSeries.keys()].sort(), [...simSeries.keys()].sort());
    for (const [node, values] of simSeries) {
      assert.deepEqual(Array.from(teleSeries.get(node)!), Array.from(values), `series of ${node}`);
    }
  });
}

Deno.test("across the examples there is a queue with slaMin on a serviceWithBuffer, and a pmf node", async () => {
  const queues: string[] = [];
  const pmfs: string[] = [];
  for (const id of Object.keys(FIXTURE_NODES)) {
    const model = parseModel(
      generateModel(await loadTemplate(TEMPLATES, id), { generatedAt: FIXED_TIME, parameters: {} })
        .model,
    ).model;
    const kinds = new Map(model.nodes.map((n) => [n.id, n.kind]));
    for (const tn of model.topology!.nodes) {
      const q = tn.semantics.queueDepth;
      if (
        tn.kind === "queue" && tn.semantics.slaMin !== undefined && typeof q === "string" &&
        kinds.get(q) === "serviceWithBuffer"
      ) queues.push(`${id}/${tn.id}`);
    }
    for (const n of model.nodes) if (n.kind === "pmf") pmfs.push(`${id}/${n.id}`);
  }
  assert.deepEqual(queues, ["microservices/ShippingService"]);
  assert.deepEqual(pmfs, ["order-system/payment_capacity", "http-service/http_instances"]);
});

Deno.test("the microservices shipping queue backs up at the peak and its latency crosses slaMin", async () => {
  const g = generateModel(await loadTemplate(TEMPLATES, "microservices"), {
    generatedAt: FIXED_TIME,
    parameters: {},
  });
  const parsed = parseModel(g.model);
  const series = evaluateModel(parsed.model, { exprs: parsed.exprs }).series;
  const queue = series.get("shipping_queue")!;
  const served = series.get("shipping_served")!;
  assert.equal(queue[0], 0);
  assert.ok(Math.max(...queue) > 0);
  const latency = Array.from(queue, (q, t) => (served[t] > 0 ? (q / served[t]) * 10 : 0));
  assert.ok(Math.max(...latency) > 20, `peak latency ${Math.max(...latency)} minutes`);
  assert.deepEqual(Array.from(queue), Array.from(series.get("shipping_backlog")!));
});

Deno.test("order-system: probabilities of another length than the levels are blamed on that parameter", async () => {
  const template = await loadTemplate(TEMPLATES, "order-system");
  const err = assertThrowsCode(
    () => generateModel(template, { parameters: { paymentCapacityProbabilities: [0.5, 0.5] } }),
    "invalid_parameters",
  );
  const details = err.details as Array<{ parameter: string; message: string }>;
  assert.deepEqual(details.map((d) => d.parameter), ["paymentCapacityProbabilities"]);
  assert.match(details[0].message, /has 2 entries but values has 3/);
});

Deno.test("order-system: metadata.json of a template run carries the template and its parameters", async () => {
  await using runsTmp = await tempDir("bundled-meta");
  const runs = runsTmp.path;
  const template = await loadTemplate(TEMPLATES, "order-system");
  const g = generateModel(template, { generatedAt: FIXED_TIME, parameters: { bins: 12 } });
  const written = await runParsedModel(parseModel(g.model), {
    runsDir: runs,
    deterministic: true,
    createdAt: FIXED_TIME,
    sourceDir: runs,
  });
  const meta = await readJsonFile<Record<string, unknown>>(
    join(written.runDir, "model/metadata.json"),
  );
  assert.equal(meta.templateId, "order-system");
  assert.equal(meta.templateTitle, "Order System");
  assert.equal(meta.templateVersion, "1.0.0");
  assert.deepEqual((meta.parameters as Record<string, unknown>).bins, 12);
});
