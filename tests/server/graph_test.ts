// GET /v1/runs/{runId}/graph in-process: nodes and edges as the model declares them (ports dropped,
// weights and SLAs kept), an empty graph without a topology, and 4xx JSON errors for bad input.
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  dataDirWith,
  ORDER_SYSTEM_RUN,
  QUEUE_BUFFER_RUN,
  runModelText,
  serviceModel,
} from "../state/_runs.ts";
import { errorOf, testApp } from "./_app.ts";
import { keepUntilUnload } from "../_helpers.ts";

const data = keepUntilUnload(await dataDirWith(QUEUE_BUFFER_RUN, ORDER_SYSTEM_RUN));

Deno.test("GET /graph lists the topology's nodes with their semantics and its edges", async () => {
  const app = testApp(data);
  const res = await app.get(`/v1/runs/${QUEUE_BUFFER_RUN}/graph`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type") ?? "", /^application\/json/);
  assert.deepEqual(await res.json(), {
    runId: QUEUE_BUFFER_RUN,
    nodes: [
      {
        id: "OrderService",
        kind: "service",
        semantics: {
          arrivals: "order_arrivals",
          served: "order_served",
          errors: "order_errors",
          capacity: "order_capacity",
        },
      },
      {
        id: "SupportQueue",
        kind: "queue",
        semantics: {
          arrivals: "support_arrivals",
          served: "support_served",
          errors: "support_errors",
          queueDepth: "support_queue",
          slaMin: 10,
        },
      },
    ],
    edges: [{ id: "e1", from: "OrderService", to: "SupportQueue", weight: 0.5 }],
  });
  assert.equal(app.logs[0].runId, QUEUE_BUFFER_RUN);
  assert.equal(app.logs[0].status, 200);
});

Deno.test("GET /graph leaves out semantics set to null", async () => {
  const body = await (await testApp(data).get(`/v1/runs/${ORDER_SYSTEM_RUN}/graph`)).json();
  assert.deepEqual(body.nodes[0].semantics, {
    arrivals: "order_arrivals",
    served: "order_served",
    errors: "order_errors",
  });
  assert.deepEqual(body.edges, [{
    id: "e1",
    from: "OrderService",
    to: "PaymentService",
    weight: 0.85,
  }]);
});

Deno.test("GET /graph of a model without a topology is an empty graph", async () => {
  await using written = await runModelText(serviceModel(3).replace(/topology:[\s\S]*$/, ""));
  const { runId, runsDir } = written;
  const res = await testApp(join(runsDir, "..")).get(`/v1/runs/${runId}/graph`);
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { runId, nodes: [], edges: [] });
});

Deno.test("GET /graph answers bad ids, unknown runs and damaged runs with 4xx JSON", async () => {
  await using damagedTmp = await dataDirWith(QUEUE_BUFFER_RUN);
  const damaged = damagedTmp.path;
  await Deno.remove(join(damaged, "runs", QUEUE_BUFFER_RUN, "model"), { recursive: true });
  await Deno.remove(join(damaged, "runs", QUEUE_BUFFER_RUN, "spec.yaml"));
  const cases: Array<[string, string, number, string]> = [
    [data, "/v1/runs/..%2Fx/graph", 400, "invalid_id"],
    [data, "/v1/runs/%00/graph", 400, "invalid_id"],
    [data, "/v1/runs/no_such_run/graph", 404, "run_not_found"],
    [damaged, `/v1/runs/${QUEUE_BUFFER_RUN}/graph`, 409, "bundle_invalid"],
  ];
  for (const [dir, path, status, code] of cases) {
    const app = testApp(dir);
    const { status: got, body, type } = await errorOf(await app.get(path));
    assert.equal(got, status, `${path}: ${JSON.stringify(body)}`);
    assert.equal(body.code, code, path);
    assert.deepEqual(Object.keys(body), ["error", "code"], path);
    assert.match(type ?? "", /^application\/json/);
    assert.ok(!String(body.error).includes(dir), `${path}: absolute path in ${body.error}`);
    assert.equal(app.logs[0].errorCode, code, path);
  }
  await Deno.remove(damaged, { recursive: true });
});
