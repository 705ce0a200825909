// The Sim HTTP API in-process (app.request): statuses of CONTRACTS 5.3 for good and bad
// input, problem reporting in listings, and no server paths in answers.
import assert from "node:assert/strict";
import { join } from "node:path";
import { createApp } from "../../server/app.ts";
import { decodeProblemsHeader, TEMPLATE_PROBLEMS_HEADER } from "../../lib/sim/problems_header.ts";
import { ROOT, tempFixture } from "../_helpers.ts";
import { BASE, MINI } from "../templates/_samples.ts";

/** A templates folder (copied order-system, mini, strict, broken) and an app serving it. */
function setup() {
  return tempFixture("routes", async (dir) => {
    const templates = join(dir, "templates");
    await Deno.mkdir(templates);
    await Deno.copyFile(
      join(ROOT, "templates", "order-system.yaml"),
      join(templates, "order-system.yaml"),
    );
    await Deno.writeTextFile(join(templates, "mini.yaml"), MINI);
    await Deno.writeTextFile(
      join(templates, "strict.yaml"),
      BASE.replace("id: t", "id: strict").replace("    default: 2", "    required: true"),
    );
    await Deno.writeTextFile(join(templates, "broken.yaml"), "schemaVersion: 1\nmetadata: [\n");
    const app = createApp({ dataDir: join(dir, "data"), templatesDir: templates, logger: false });
    return { templates, app };
  });
}

async function post(app: ReturnType<typeof createApp>, path: string, body?: string) {
  const res = await app.request(path, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body,
  });
  return { status: res.status, json: await res.json(), res };
}

Deno.test("GET /api/v1/templates lists loadable templates and reports broken files in a header", async () => {
  await using fixture = await setup();
  const { templates, app } = fixture;
  const res = await app.request("/api/v1/templates");
  assert.equal(res.status, 200);
  const body = await res.json();
  assert.deepEqual(body.map((t: { id: string }) => t.id), ["mini", "order-system", "strict"]);
  assert.deepEqual(body[0], {
    id: "mini",
    title: "Mini",
    description: "",
    version: "1.2.3",
    tags: [],
    category: "general",
  });
  const problems = decodeProblemsHeader(res.headers.get(TEMPLATE_PROBLEMS_HEADER));
  assert.equal(problems.length, 1);
  assert.equal(problems[0].file, "broken.yaml");
  assert.equal(problems[0].line, 3);
  assert.ok(!res.headers.get(TEMPLATE_PROBLEMS_HEADER)!.includes(templates));
});

Deno.test("GET /api/v1/templates/{id} describes parameters with typed defaults", async () => {
  await using fixture = await setup();
  const { app } = fixture;
  const res = await app.request("/api/v1/templates/mini");
  assert.equal(res.status, 200);
  const body = await res.json();
  assert.equal(body.id, "mini");
  assert.deepEqual(body.parameters[3], {
    name: "pattern",
    type: "array",
    default: [1, 20, 3],
    defaultValue: "[1, 20, 3]",
    required: false,
    min: 0,
    max: 50,
    arrayOf: "integer",
  });
});

Deno.test("an unknown template is 404 and the message hides the server's folder", async () => {
  await using fixture = await setup();
  const { templates, app } = fixture;
  const res = await app.request("/api/v1/templates/nope");
  assert.equal(res.status, 404);
  const body = await res.json();
  assert.equal(body.code, "template_not_found");
  assert.equal(
    body.error,
    "no template 'nope' in <templates> (available: broken, mini, order-system, strict)",
  );
  assert.ok(!JSON.stringify(body).includes(templates));
  const gen = await post(app, "/api/v1/templates/nope/generate", "{}");
  assert.equal(gen.status, 404);
});

Deno.test("template ids with path characters are 400 invalid_id", async () => {
  await using fixture = await setup();
  const { app } = fixture;
  for (
    const path of [
      "/api/v1/templates/..%2Fsecret",
      "/api/v1/templates/a%5Cb",
      "/api/v1/templates/%2E%2E%2Fetc%2Fpasswd",
    ]
  ) {
    const res = await app.request(path);
    assert.equal(res.status, 400, path);
    assert.equal((await res.json()).code, "invalid_id");
  }
  const gen = await post(app, "/api/v1/templates/..%2F..%2Fetc/generate", "{}");
  assert.equal(gen.status, 400);
  assert.equal(gen.json.code, "invalid_id");
});

Deno.test("a template file that does not load is 422 template_invalid with file and line", async () => {
  await using fixture = await setup();
  const { app } = fixture;
  const res = await app.request("/api/v1/templates/broken");
  assert.equal(res.status, 422);
  const body = await res.json();
  assert.equal(body.code, "template_invalid");
  assert.match(body.error, /^<templates>\/broken\.yaml:3: not valid YAML/);
});

Deno.test("POST generate answers {model, provenance, metadata}; an empty body means all defaults", async () => {
  await using fixture = await setup();
  const { app } = fixture;
  const { status, json } = await post(app, "/api/v1/templates/mini/generate");
  assert.equal(status, 200);
  assert.deepEqual(Object.keys(json), ["model", "provenance", "metadata"]);
  assert.match(json.model, /^schemaVersion: 1\nmode: simulation\n/);
  assert.equal(json.provenance.templateId, "mini");
  assert.deepEqual(json.provenance.parameters.pattern, [1, 20, 3]);
  assert.equal(json.metadata.mode, "simulation");
  assert.equal(json.metadata.hasTelemetrySources, false);
});

Deno.test("POST generate ?mode=telemetry gives a telemetry model", async () => {
  await using fixture = await setup();
  const { app } = fixture;
  const { status, json } = await post(
    app,
    "/api/v1/templates/order-system/generate?mode=telemetry",
    JSON.stringify({ telemetryDir: "data/telemetry/run_1" }),
  );
  assert.equal(status, 200);
  assert.equal(json.metadata.mode, "telemetry");
  assert.equal(json.metadata.hasTelemetrySources, true);
  assert.match(json.model, /source: data\/telemetry\/run_1\/OrderService_arrivals\.csv/);
});

Deno.test("a bad mode is 400 invalid_mode", async () => {
  await using fixture = await setup();
  const { app } = fixture;
  const { status, json } = await post(app, "/api/v1/templates/mini/generate?mode=live", "{}");
  assert.equal(status, 400);
  assert.deepEqual(json, {
    error: "mode must be simulation or telemetry, got 'live'",
    code: "invalid_mode",
  });
});

Deno.test("a body that is not a JSON object is 400 invalid_body", async () => {
  await using fixture = await setup();
  const { app } = fixture;
  for (const body of ["[1, 2]", '"bins"', "42", "null", "true"]) {
    const { status, json } = await post(app, "/api/v1/templates/mini/generate", body);
    assert.equal(status, 400, body);
    assert.equal(json.code, "invalid_body", body);
  }
});

Deno.test("malformed JSON is 400 invalid_body", async () => {
  await using fixture = await setup();
  const { app } = fixture;
  const { status, json } = await post(app, "/api/v1/templates/mini/generate", '{"bins": ');
  assert.equal(status, 400);
  assert.equal(json.code, "invalid_body");
  assert.match(json.error, /^the request body is not valid JSON/);
});

Deno.test("a body over 1 MiB is 413 payload_too_large", async () => {
  await using fixture = await setup();
  const { app } = fixture;
  const big = JSON.stringify({ label: "x".repeat(1024 * 1024) });
  const { status, json } = await post(app, "/api/v1/templates/mini/generate", big);
  assert.equal(status, 413);
  assert.equal(json.code, "payload_too_large");
});

Deno.test("invalid parameters are 422 with details naming each parameter", async () => {
  await using fixture = await setup();
  const { app } = fixture;
  const { status, json } = await post(
    app,
    "/api/v1/templates/mini/generate",
    JSON.stringify({ bins: "3", rate: 250, pattern: [1, 2.5, 3], speed: 1 }),
  );
  assert.equal(status, 422);
  assert.equal(json.code, "invalid_parameters");
  assert.deepEqual(json.details, [
    {
      parameter: "speed",
      message:
        "is not a parameter of this template (parameters: bins, start, rate, pattern, label, dir, enabled)",
    },
    { parameter: "bins", message: 'must be a whole number, got "3"' },
    { parameter: "rate", message: "250 is above the maximum 100 (allowed: 0..100)" },
    { parameter: "pattern", message: "element [1] must be a whole number, got 2.5" },
  ]);
});

Deno.test("a missing required parameter is 422 naming it", async () => {
  await using fixture = await setup();
  const { app } = fixture;
  const { status, json } = await post(app, "/api/v1/templates/strict/generate", "{}");
  assert.equal(status, 422);
  assert.deepEqual(json.details, [{ parameter: "n", message: "is required: give a value" }]);
});

Deno.test("an array whose length differs from bins is 422 naming the array parameter", async () => {
  await using fixture = await setup();
  const { app } = fixture;
  const { status, json } = await post(
    app,
    "/api/v1/templates/mini/generate",
    JSON.stringify({ bins: 2 }),
  );
  assert.equal(status, 422);
  assert.deepEqual(json.details, [{
    parameter: "pattern",
    message:
      "has 3 values but grid.bins is 2 (parameter 'bins'); const node 'arrivals' needs exactly one value per bin",
  }]);
});

Deno.test("telemetry mode without telemetryDir is 422 naming telemetryDir", async () => {
  await using fixture = await setup();
  const { app } = fixture;
  const { status, json } = await post(
    app,
    "/api/v1/templates/order-system/generate?mode=telemetry",
    "{}",
  );
  assert.equal(status, 422);
  assert.equal(json.details[0].parameter, "telemetryDir");
});
