// One error path for every route: a FlowTimeError becomes its 4xx/5xx JSON answer with its code
// in the request's log line (a 5xx also logs its error); anything else is a 500 whose error and
// stack reach the log.
import assert from "node:assert/strict";
import { createApp } from "../../server/app.ts";
import { createLogger } from "../../server/logger.ts";
import type { SimClient } from "../../lib/sim/client.ts";
import { FlowTimeError } from "../../lib/base/errors.ts";
import { ROOT } from "../_helpers.ts";

function appWith(sim: SimClient) {
  const logs: Array<Record<string, unknown>> = [];
  const app = createApp({
    dataDir: `${ROOT}/.tmp/no-such-data`,
    templatesDir: `${ROOT}/templates`,
    sim,
    logger: createLogger((line) => logs.push(JSON.parse(line))),
  });
  return { app, logs };
}

const failingSim = (err: unknown): SimClient => ({
  listTemplates: () => Promise.reject(err),
  getTemplate: () => Promise.reject(err),
  generate: () => Promise.reject(err),
});

const post = (body: unknown) => ({ method: "POST", body: JSON.stringify(body) });

Deno.test("a fault is a 500 that says little and logs the error with its stack", async () => {
  const { app, logs } = appWith(failingSim(new TypeError("boom in the Sim")));
  const res = await app.request("/v1/runs", post({ templateId: "order-system" }));
  assert.equal(res.status, 500);
  assert.deepEqual(await res.json(), {
    error: "internal error; see the server log",
    code: "internal_error",
  });
  const error = logs.find((l) => l.event === "error");
  assert.ok(error, JSON.stringify(logs));
  assert.equal(error.level, "error");
  assert.equal(error.message, "boom in the Sim");
  assert.equal(error.method, "POST");
  assert.equal(error.path, "/v1/runs");
  assert.match(String(error.stack), /TypeError: boom in the Sim\n\s+at /);
  const request = logs.find((l) => l.event === "request");
  assert.equal(request?.status, 500);
});

Deno.test("an expected 4xx is logged by code on the request line only", async () => {
  const { app, logs } = appWith(
    failingSim(new FlowTimeError("template_not_found", "no template 'nope'")),
  );
  const res = await app.request("/v1/runs", post({ templateId: "nope" }));
  assert.equal(res.status, 404);
  assert.equal(logs.filter((l) => l.event === "error").length, 0);
  assert.equal(logs.find((l) => l.event === "request")?.errorCode, "template_not_found");
});

Deno.test("every other 5xx (a 502 from the Sim, a 503 out of descriptors) logs its error at warn", async () => {
  const { app, logs } = appWith(
    failingSim(
      new FlowTimeError("sim_unavailable", "cannot reach Sim service http://x", {
        cause: new TypeError("connection refused"),
      }),
    ),
  );
  const res = await app.request("/v1/runs", post({ templateId: "order-system" }));
  assert.equal(res.status, 502);
  assert.equal((await res.json()).code, "sim_unavailable");
  const error = logs.find((l) => l.event === "error");
  assert.ok(error, JSON.stringify(logs));
  assert.equal(error.level, "warn");
  assert.equal(error.status, 502);
  assert.equal(error.code, "sim_unavailable");
  assert.equal(error.message, "cannot reach Sim service http://x");
  assert.equal(error.cause, "connection refused");
  assert.match(String(error.stack), /sim_unavailable|cannot reach Sim service/);
  assert.equal(logs.find((l) => l.event === "request")?.errorCode, "sim_unavailable");

  const out = appWith(failingSim(new FlowTimeError("resources_exhausted", "out of descriptors")));
  const busy = await out.app.request("/v1/runs", post({ templateId: "order-system" }));
  assert.equal(busy.status, 503);
  await busy.body?.cancel();
  const warned = out.logs.find((l) => l.event === "error");
  assert.equal(warned?.message, "out of descriptors");
  assert.equal(warned?.stack, undefined, "no stack is formatted when out of descriptors");
});

Deno.test("a fix is phrased as the request field that sets it, never as a CLI flag", async () => {
  const { app } = appWith(
    failingSim(
      new FlowTimeError("run_exists", "run folder <data>/runs/r1 already exists", {
        fix: { option: "overwrite", effect: "replace it" },
      }),
    ),
  );
  const res = await app.request("/v1/runs", post({ templateId: "order-system" }));
  assert.equal(res.status, 409);
  const body = await res.json();
  assert.equal(
    body.error,
    'run folder <data>/runs/r1 already exists; send "options.overwrite": true to replace it',
  );
  assert.doesNotMatch(body.error, /--overwrite/);
});
