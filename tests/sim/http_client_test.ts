// HttpSimClient against stand-in services on 127.0.0.1: a FlowTime-Sim-like service (string
// defaults, ProblemDetails, validation errors as 500), a slow one, a dead port, and bad URLs.
import assert from "node:assert/strict";
import { HttpSimClient } from "../../lib/sim/http.ts";
import { assertRejectsCode, assertThrowsCode } from "../_helpers.ts";

type Handler = (req: Request) => Response | Promise<Response>;

async function withService(handler: Handler, fn: (url: string) => Promise<void>): Promise<void> {
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, handler);
  try {
    await fn(`http://127.0.0.1:${server.addr.port}`);
  } finally {
    await server.shutdown();
  }
}

const problem = (status: number, detail: string) =>
  Response.json({ type: "https://tools.ietf.org/html/rfc9110", title: "Error", status, detail }, {
    status,
    headers: { "content-type": "application/problem+json" },
  });

Deno.test("defaults sent as strings and FlowTime-Sim spellings are read as typed declarations", async () => {
  await withService(() =>
    Response.json({
      id: "legacy",
      title: "Legacy",
      parameters: [
        { name: "bins", type: "integer", default: "12", minimum: "3", maximum: 48 },
        { name: "rate", type: "number", default: "1.5" },
        { name: "pattern", type: "array", arrayOf: "double", default: "[10, 15, 20]" },
        { name: "on", type: "boolean", default: "true" },
        { name: "label", type: "string", default: "x" },
      ],
    }), async (url) => {
    const detail = await new HttpSimClient(url).getTemplate("legacy");
    assert.deepEqual(detail, {
      id: "legacy",
      title: "Legacy",
      description: "",
      version: "0.0.0",
      tags: [],
      parameters: [
        {
          name: "bins",
          type: "integer",
          required: false,
          min: 3,
          max: 48,
          default: 12,
          defaultValue: "12",
        },
        { name: "rate", type: "number", required: false, default: 1.5, defaultValue: "1.5" },
        {
          name: "pattern",
          type: "array",
          required: false,
          arrayOf: "number",
          default: [10, 15, 20],
          defaultValue: "[10, 15, 20]",
        },
        { name: "on", type: "boolean", required: false, default: true, defaultValue: "true" },
        { name: "label", type: "string", required: false, default: "x", defaultValue: "x" },
      ],
    });
  });
});

Deno.test("FlowTime-Sim's detail: defaultValue as header text, category, null bounds, no version", async () => {
  // The shape of FlowTime-Sim's GET /api/v1/templates/{id} at M-03.02 (src/FlowTime.Sim.Service/
  // Program.cs, 3166256c): every default is the raw text after `default:` in the template.
  await withService(() =>
    Response.json({
      id: "transportation-basic",
      title: "Transportation Network",
      description: "Simple transportation flow",
      category: "general",
      tags: ["beginner", "transportation"],
      parameters: [
        {
          name: "bins",
          type: "integer",
          title: "Time Periods",
          description: "Number of time periods",
          defaultValue: "6",
          min: 3,
          max: 48,
        },
        {
          name: "demandPattern",
          type: "array",
          title: "Demand",
          description: "Passengers per period",
          defaultValue: "[10, 15, 20, 25, 18, 12]",
          min: 0,
          max: 1000,
        },
        {
          name: "telemetryDemandSource",
          type: "string",
          title: "Telemetry demand source",
          description: "Optional file:// URI",
          defaultValue: '""',
          min: null,
          max: null,
        },
      ],
    }), async (url) => {
    const detail = await new HttpSimClient(url).getTemplate("transportation-basic");
    assert.equal(detail.version, "0.0.0");
    assert.equal(detail.category, "general");
    assert.deepEqual(detail.parameters.map((p) => [p.name, p.default, p.defaultValue]), [
      ["bins", 6, "6"],
      ["demandPattern", [10, 15, 20, 25, 18, 12], "[10, 15, 20, 25, 18, 12]"],
      ["telemetryDemandSource", "", '""'],
    ]);
    assert.equal(detail.parameters[2].min, undefined);
  });
});

Deno.test("a 500 ProblemDetails naming a parameter is invalid_parameters", async () => {
  await withService(
    () => problem(500, "Parameter 'bins' value 500 exceeds maximum 48"),
    async (url) => {
      const err = await assertRejectsCode(
        new HttpSimClient(url).generate("legacy", { parameters: { bins: 500 } }),
        "invalid_parameters",
      );
      assert.deepEqual(err.details, [{
        parameter: "bins",
        message: "Error: Parameter 'bins' value 500 exceeds maximum 48",
      }]);
    },
  );
});

Deno.test("ASP.NET validation errors {errors: {name: [...]}} become one detail per message", async () => {
  await withService(
    () =>
      Response.json({
        title: "One or more validation errors occurred.",
        status: 400,
        errors: { rate: ["must be >= 0"] },
      }, {
        status: 400,
      }),
    async (url) => {
      const err = await assertRejectsCode(
        new HttpSimClient(url).generate("legacy", { parameters: { rate: -1 } }),
        "invalid_parameters",
      );
      assert.deepEqual(err.details, [{ parameter: "rate", message: "must be >= 0" }]);
    },
  );
});

Deno.test("an unknown template is template_not_found, whether the service says 404 or 400 'not found'", async () => {
  await withService(() => problem(404, "no such template"), async (url) => {
    await assertRejectsCode(new HttpSimClient(url).getTemplate("x"), "template_not_found");
  });
  await withService(() => problem(400, "Template 'x' not found"), async (url) => {
    await assertRejectsCode(
      new HttpSimClient(url).generate("x", { parameters: {} }),
      "template_not_found",
    );
  });
});

Deno.test("any other 500 is sim_error with the service's detail", async () => {
  await withService(() => problem(500, "disk full"), async (url) => {
    const err = await assertRejectsCode(new HttpSimClient(url).listTemplates(), "sim_error");
    assert.equal(err.message, `Sim service ${url} answered 500: Error: disk full`);
  });
});

Deno.test("a generate answer without our metadata is completed, modelHash computed from the model", async () => {
  const model =
    "schemaVersion: 1\ngrid: {bins: 1, binSize: 1}\nnodes: [{id: a, kind: const, values: [1]}]\n";
  await withService(
    () =>
      Response.json({
        model,
        provenance: { source: "flowtime-sim", templateId: "legacy", templateVersion: "2.0.0" },
      }),
    async (url) => {
      const g = await new HttpSimClient(url).generate("legacy", { parameters: {} });
      assert.equal(g.model, model);
      assert.deepEqual(g.metadata, {
        templateId: "legacy",
        templateTitle: "legacy",
        templateVersion: "2.0.0",
        mode: "simulation",
        // sha256sum of the model text above
        modelHash: "sha256:8e52431568f15d538edbacd194843c0ae4fe6b0f2fb8864ac09ee00dd491f99d",
        hasTelemetrySources: false,
      });
    },
  );
});

Deno.test("a service that does not answer in time is sim_unavailable naming the timeout", async () => {
  await withService(async () => {
    await new Promise((r) => setTimeout(r, 600));
    return Response.json([]);
  }, async (url) => {
    const err = await assertRejectsCode(
      new HttpSimClient(url, { timeoutMs: 100 }).listTemplates(),
      "sim_unavailable",
    );
    assert.equal(
      err.message,
      `Sim service ${url} did not answer within 100 ms; check that it is running and reachable`,
    );
  });
});

Deno.test("a service that is down is sim_unavailable saying how to fix it", async () => {
  let url = "";
  await withService(() => Response.json([]), (u) => {
    url = u;
    return Promise.resolve();
  });
  const err = await assertRejectsCode(
    new HttpSimClient(url, { timeoutMs: 2000 }).listTemplates(),
    "sim_unavailable",
  );
  assert.match(
    err.message,
    new RegExp(
      `^cannot reach Sim service ${
        url.replace(/\./g, "\\.")
      } \\(.*\\); set the simUrl option to use a Sim service that is running$`,
    ),
  );
});

Deno.test("an answer that is not JSON is sim_error", async () => {
  await withService(() => new Response("<html>proxy</html>"), async (url) => {
    const err = await assertRejectsCode(new HttpSimClient(url).listTemplates(), "sim_error");
    assert.match(err.message, /with a body that is not JSON$/);
  });
});

Deno.test("URLs that are not http(s) are usage errors", () => {
  for (const bad of ["localhost:8080", "ftp://x", "not a url"]) {
    assertThrowsCode(() => new HttpSimClient(bad), "usage", undefined, bad);
  }
});

Deno.test("template ids with path characters are refused before any request", async () => {
  const client = new HttpSimClient("http://127.0.0.1:9");
  for (const id of ["../x", "a/b", ".."]) {
    await assertRejectsCode(client.getTemplate(id), "invalid_id");
    await assertRejectsCode(client.generate(id, { parameters: {} }), "invalid_id");
  }
});
