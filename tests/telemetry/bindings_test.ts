// Which files a capture writes: node by node, metrics in capture order, one file per node even
// when two nodes share a series, and node ids that cannot be file names are refused.
import assert from "node:assert/strict";
import { join } from "node:path";
import { readRunBundle } from "../../lib/artifacts/reader.ts";
import { captureBindings, captureFileName } from "../../lib/telemetry/bindings.ts";
import { assertRejectsCode, ROOT } from "../_helpers.ts";
import { HTTP_LEGACY_RUN, QUEUE_BUFFER_RUN, runText } from "./_capture_helpers.ts";

Deno.test("file names are <NodeId>_<metric lower-cased>.csv", () => {
  assert.equal(captureFileName("OrderService", "arrivals"), "OrderService_arrivals.csv");
  assert.equal(captureFileName("SupportQueue", "queueDepth"), "SupportQueue_queuedepth.csv");
  assert.equal(captureFileName("Edge", "externalDemand"), "Edge_externaldemand.csv");
});

Deno.test("queue-buffer: node by node, Arrivals, Served, Errors, QueueDepth, Capacity order", async () => {
  const bundle = await readRunBundle(join(ROOT, "fixtures/runs", QUEUE_BUFFER_RUN));
  const { bindings, skipped } = captureBindings(bundle);
  assert.deepEqual(bindings.map((b) => [b.path, b.metric, b.sourceSeries]), [
    ["OrderService_arrivals.csv", "Arrivals", "order_arrivals@ORDER_ARRIVALS@DEFAULT"],
    ["OrderService_served.csv", "Served", "order_served@ORDER_SERVED@DEFAULT"],
    ["OrderService_errors.csv", "Errors", "order_errors@ORDER_ERRORS@DEFAULT"],
    ["OrderService_capacity.csv", "Capacity", "order_capacity@ORDER_CAPACITY@DEFAULT"],
    ["SupportQueue_arrivals.csv", "Arrivals", "support_arrivals@SUPPORT_ARRIVALS@DEFAULT"],
    ["SupportQueue_served.csv", "Served", "support_served@SUPPORT_SERVED@DEFAULT"],
    ["SupportQueue_errors.csv", "Errors", "support_errors@SUPPORT_ERRORS@DEFAULT"],
    ["SupportQueue_queuedepth.csv", "QueueDepth", "support_queue@SUPPORT_QUEUE@DEFAULT"],
  ]);
  assert.deepEqual(skipped, []);
});

Deno.test("FlowTime's legacy http-service run binds its file: semantics to their series", async () => {
  const bundle = await readRunBundle(join(ROOT, "fixtures/runs", HTTP_LEGACY_RUN));
  assert.deepEqual(captureBindings(bundle).bindings.map((b) => [b.path, b.sourceSeries]), [
    ["HttpService_arrivals.csv", "HttpService_arrivals@HTTPSERVICE_ARRIVALS@DEFAULT"],
    ["HttpService_served.csv", "HttpService_served@HTTPSERVICE_SERVED@DEFAULT"],
    ["HttpService_errors.csv", "HttpService_errors@HTTPSERVICE_ERRORS@DEFAULT"],
  ]);
});

const SHARED = `schemaVersion: 1
grid: { bins: 3, binSize: 5, binUnit: minutes }
nodes:
  - { id: demand, kind: const, values: [1, 2, 3] }
topology:
  nodes:
    - id: Frontend
      semantics: { arrivals: demand }
    - id: Backend
      semantics: { arrivals: demand, externalDemand: demand }
  edges: []
`;

Deno.test("two nodes sharing one series get a file each", async () => {
  await using run = await runText(SHARED);
  const { bindings } = captureBindings(await readRunBundle(run.runDir));
  assert.deepEqual(bindings.map((b) => [b.path, b.sourceSeries]), [
    ["Frontend_arrivals.csv", "demand@DEMAND@DEFAULT"],
    ["Backend_arrivals.csv", "demand@DEMAND@DEFAULT"],
    ["Backend_externaldemand.csv", "demand@DEMAND@DEFAULT"],
  ]);
});

/** Run a model and check that its bundle is refused for capture with this message. */
async function refusal(model: string, message: RegExp): Promise<void> {
  await using run = await runText(model);
  await assertRejectsCode(
    async () => captureBindings(await readRunBundle(run.runDir)),
    "capture_invalid",
    message,
  );
}

Deno.test("a topology node id that is not a safe file name is refused with a clear message", async () => {
  await refusal(
    SHARED.replace("id: Frontend", 'id: "../Frontend"'),
    /topology node id '\.\.\/Frontend' cannot name a capture file: node ids used by capture may contain only letters, digits, '\.', '_' and '-'; rename the node in the model$/,
  );
});

Deno.test("node ids differing only in case are refused (their files would collide)", async () => {
  await refusal(
    SHARED.replace("id: Backend", "id: FRONTEND"),
    /capture files Frontend_arrivals\.csv and FRONTEND_arrivals\.csv differ only in letter case/,
  );
});

Deno.test("a run without topology has nothing to capture", async () => {
  await refusal(
    `schemaVersion: 1
grid: { bins: 3, binSize: 5, binUnit: minutes }
nodes:
  - { id: demand, kind: const, values: [1, 2, 3] }
`,
    /has no topology nodes; capture writes one file per topology node and metric/,
  );
});
