// End to end: the real server on 127.0.0.1 (free port) serving a templates folder, used
// through HttpSimClient; every answer equals the in-process client's, model bytes included.
import assert from "node:assert/strict";
import { join } from "node:path";
import { startServer } from "../../server/listen.ts";
import { HttpSimClient } from "../../lib/sim/http.ts";
import { InProcessSimClient } from "../../lib/sim/in_process.ts";
import type { SimClient } from "../../lib/sim/client.ts";
import { runTemplate } from "../../lib/workflow/run_template.ts";
import {
  assertRejectsCode,
  assertValidRunBundle,
  FIXED_TIME,
  readJsonFile,
  ROOT,
  tempDir,
} from "../_helpers.ts";

const IDS = ["http-service", "microservices", "order-system"];

async function withServer(
  fn: (http: HttpSimClient, local: InProcessSimClient, dir: string) => Promise<void>,
) {
  await using tmp = await tempDir("e2e-sim");
  const dir = tmp.path;
  const templates = join(dir, "templates");
  await Deno.mkdir(templates);
  for (const id of IDS) {
    await Deno.copyFile(join(ROOT, "templates", `${id}.yaml`), join(templates, `${id}.yaml`));
  }
  await Deno.writeTextFile(
    join(templates, "broken.yaml"),
    "schemaVersion: 1\nmetadata:\n  id: [\n",
  );
  const server = startServer({
    port: 0,
    logger: false,
    templatesDir: templates,
    dataDir: join(dir, "data"),
    fixedTime: FIXED_TIME,
  });
  try {
    await fn(
      new HttpSimClient(`http://127.0.0.1:${(server.addr as Deno.NetAddr).port}`),
      new InProcessSimClient(templates, { generatedAt: FIXED_TIME }),
      dir,
    );
  } finally {
    await server.shutdown();
  }
}

Deno.test("over HTTP and in-process: the same listing, broken file included", async () => {
  await withServer(async (http, local) => {
    const remote = await http.listTemplates();
    assert.deepEqual(remote, await local.listTemplates());
    assert.deepEqual(remote.templates.map((t) => t.id), IDS);
    assert.deepEqual(remote.problems.map((p) => [p.file, p.line]), [["broken.yaml", 4]]);
  });
});

Deno.test("over HTTP and in-process: the same template details", async () => {
  await withServer(async (http, local) => {
    for (const id of IDS) {
      assert.deepEqual(await http.getTemplate(id), await local.getTemplate(id), id);
    }
  });
});

Deno.test("over HTTP and in-process: identical model bytes for every template in both modes (generation time fixed)", async () => {
  await withServer(async (http, local) => {
    for (const id of IDS) {
      for (
        const [mode, params] of [["simulation", {}], ["telemetry", {
          telemetryDir: "capture/run_1",
        }]] as const
      ) {
        const a = await http.generate(id, { parameters: params, mode });
        const b = await local.generate(id, { parameters: params, mode });
        assert.equal(a.model, b.model, `${id} ${mode}`);
        assert.deepEqual(a.provenance, b.provenance);
        assert.deepEqual(a.metadata, b.metadata);
        assert.equal(a.provenance.generatedAt, "2025-10-07T00:00:00Z");
      }
    }
  });
});

Deno.test("over HTTP: invalid parameters keep their code and per-parameter details", async () => {
  await withServer(async (http, local) => {
    const params = { bins: 0, orderErrorRate: 2, nope: true };
    const remote = await assertRejectsCode(
      http.generate("order-system", { parameters: params }),
      "invalid_parameters",
    );
    const inProcess = await assertRejectsCode(
      local.generate("order-system", { parameters: params }),
      "invalid_parameters",
    );
    assert.deepEqual(remote.details, inProcess.details);
    assert.deepEqual((remote.details as Array<{ parameter: string }>).map((d) => d.parameter), [
      "nope",
      "bins",
      "orderErrorRate",
    ]);
  });
});

Deno.test("over HTTP: unknown templates, bad ids and broken templates keep their codes", async () => {
  await withServer(async (http) => {
    await assertRejectsCode(http.generate("nope", { parameters: {} }), "template_not_found");
    await assertRejectsCode(http.getTemplate("../etc"), "invalid_id");
    await assertRejectsCode(
      http.getTemplate("broken"),
      "template_invalid",
      /^<templates>\/broken\.yaml:4: /,
    );
  });
});

Deno.test("a run generated over HTTP is a valid bundle with provenance.json and template metadata", async () => {
  await withServer(async (http: SimClient, _local, dir) => {
    const { written, generated } = await runTemplate(http, {
      runsDir: join(dir, "runs"),
      deterministic: true,
      templateId: "order-system",
      parameters: { bins: 24 },
    });
    assert.equal(written.runId, `run_order-system_${generated.provenance.inputHash.slice(7, 23)}`);
    await assertValidRunBundle(written.runDir);
    assert.deepEqual(
      await readJsonFile(join(written.runDir, "model/provenance.json")),
      generated.provenance,
    );
    const meta = await readJsonFile<Record<string, unknown>>(
      join(written.runDir, "model/metadata.json"),
    );
    assert.equal(meta.templateId, "order-system");
    assert.equal(meta.templateTitle, "Order System");
    assert.equal(meta.templateVersion, "1.0.0");
    assert.equal((meta.parameters as Record<string, unknown>).bins, 24);
    assert.equal(meta.modelId, generated.provenance.modelId);
    assert.equal(
      await Deno.readTextFile(join(written.runDir, "model/model.yaml")),
      generated.model,
    );
  });
});
